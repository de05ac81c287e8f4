package actions_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

const authPassword = "s3cret-Pa55word"

// authAttempt is the per-attempt deadline of the tests that count attempts: far above what a
// navigation takes on a loaded CI machine (newSession's 3s was met: a second attempt, 7.6s).
const authAttempt = 30 * time.Second

// basicAuthSite is the-internet's /basic_auth: admin and authPassword, else 401 with a Basic
// challenge. It counts the requests that came with credentials.
func basicAuthSite(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var tries atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if ok {
			tries.Add(1)
		}
		if !ok || u != "admin" || p != authPassword {
			w.Header().Set("WWW-Authenticate", `Basic realm="Restricted Area"`)
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, "Not authorized")
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<h3>Basic Auth</h3><p id="msg">Congratulations! You must have the proper credentials.</p><img src="/pixel.png">`)
	}))
	t.Cleanup(srv.Close)
	return srv, &tries
}

// Each session is isolated: Chromium keeps credentials that worked for a realm in the browser
// context, and a non-isolated session shares the browser's default one.
func TestHTTPCredentials(t *testing.T) {
	srv, tries := basicAuthSite(t)

	t.Run("answered", func(t *testing.T) {
		s, _ := newSession(t, actions.Isolated(), actions.WithHTTPCredentials("admin", authPassword))
		res, err := s.Navigate(ctxT(t), srv.URL+"/basic_auth")
		require.NoError(t, err)
		assert.Equal(t, 200, res.Status)
		got, err := s.Text(ctxT(t), "#msg")
		require.NoError(t, err)
		assert.Equal(t, "Congratulations! You must have the proper credentials.", got)
		// Back to the page later: still answered (the browser caches them for the realm).
		_, err = s.Reload(ctxT(t))
		require.NoError(t, err)
	})

	// Without credentials: no dialog waits for a person, the 401 is auth_required at once. The
	// attempt's deadline is long so that a loaded machine does not time an attempt out (a second
	// attempt would change the count): a dialog that held the page would end in that deadline.
	t.Run("none", func(t *testing.T) {
		s, _ := newSession(t, actions.Isolated(), actions.WithTimeout(authAttempt))
		start := time.Now()
		_, err := s.Navigate(ctxT(t), srv.URL+"/basic_auth")
		require.Error(t, err)
		assert.Less(t, time.Since(start), authAttempt, "no hang: not held until the attempt's deadline")
		typ, n := attempts(t, err)
		assert.Equal(t, retry.AuthRequired, typ)
		assert.Equal(t, 1, n)
		assert.Contains(t, err.Error(), "the server asks for HTTP Basic authentication: give credentials with actions.WithHTTPCredentials")
	})

	t.Run("rejected once, not offered again", func(t *testing.T) {
		core, logs := observer.New(zapcore.DebugLevel)
		s, _ := newSession(t, actions.Isolated(), actions.WithHTTPCredentials("admin", "wrong-"+authPassword), actions.WithLogger(zap.New(core)),
			actions.WithTimeout(authAttempt))
		before := tries.Load()
		start := time.Now()
		_, err := s.Navigate(ctxT(t), srv.URL+"/basic_auth")
		require.Error(t, err)
		assert.Less(t, time.Since(start), authAttempt, "no hang: not held until the attempt's deadline")
		typ, _ := attempts(t, err)
		assert.Equal(t, retry.AuthRequired, typ)
		assert.Equal(t, int64(1), tries.Load()-before, "the rejected credentials were offered once")
		assert.NotContains(t, err.Error(), authPassword)
		assert.Contains(t, err.Error(), "the server rejected the HTTP Basic credentials")
		for _, e := range logs.All() {
			assert.NotContains(t, fmt.Sprint(e.Message, e.ContextMap()), authPassword)
		}
		assert.NotEmpty(t, logs.FilterMessage("http auth: the server rejected the credentials").All())
	})

	t.Run("other origin", func(t *testing.T) {
		s, _ := newSession(t, actions.Isolated(), actions.WithHTTPCredentialsFor(actions.HTTPCredentials{
			Username: "admin", Password: authPassword, Origins: []string{"https://intranet.example"}}))
		before := tries.Load()
		_, err := s.Navigate(ctxT(t), srv.URL+"/basic_auth")
		require.Error(t, err)
		typ, _ := attempts(t, err)
		assert.Equal(t, retry.AuthRequired, typ)
		assert.Equal(t, before, tries.Load(), "the password never went to another origin")
	})

	t.Run("its origin", func(t *testing.T) {
		s, _ := newSession(t, actions.Isolated(), actions.WithHTTPCredentialsFor(actions.HTTPCredentials{
			Username: "admin", Password: authPassword, Origins: []string{srv.URL + "/any/path"}}))
		_, err := s.Navigate(ctxT(t), srv.URL+"/basic_auth")
		require.NoError(t, err)
	})
}
