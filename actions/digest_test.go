package actions_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
)

// digestSite is a page behind a real HTTP Digest challenge (RFC 7616, MD5, qop=auth), with a
// script and a fetch() of the same realm, so the requests after the page's own are answered too.
func digestSite(t *testing.T) (*httptest.Server, *testenv.Digest) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/private/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		switch r.URL.Path {
		case "/private/app.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `document.getElementById('js').textContent = 'script loaded';
fetch('/private/api').then(r => r.text()).then(t => { document.getElementById('api').textContent = t; });`)
		case "/private/api":
			fmt.Fprint(w, "api answered")
		default:
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><h1 id="msg">Hello, Digest</h1><p id="js">-</p><p id="api">-</p><script src="/private/app.js"></script>`)
		}
	})
	d := testenv.NewDigest("intranet@example", "ann", authPassword, mux)
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	return srv, d
}

// WithHTTPCredentials answers a Digest challenge as it does a Basic one: the page, its script and
// its fetch() get in; wrong credentials are offered once and end in auth_required at once; none
// at all is auth_required naming the Digest scheme.
func TestHTTPDigestCredentials(t *testing.T) {
	t.Run("answered", func(t *testing.T) {
		srv, d := digestSite(t)
		s, _ := newSession(t, actions.Isolated(), actions.WithHTTPCredentials("ann", authPassword))
		ctx := ctxT(t)
		res, err := s.Navigate(ctx, srv.URL+"/private/report?q=1")
		require.NoError(t, err)
		assert.Equal(t, 200, res.Status)
		got, err := s.Text(ctx, "#msg")
		require.NoError(t, err)
		assert.Equal(t, "Hello, Digest", got)
		require.NoError(t, s.WaitForText(ctx, "#js", "script loaded"))
		require.NoError(t, s.WaitForText(ctx, "#api", "api answered"))
		c := d.Counts()
		assert.GreaterOrEqual(t, c.Challenges, 1)
		assert.GreaterOrEqual(t, c.Accepted, 3, "page, script and fetch each carried a valid Digest answer")
		assert.Zero(t, c.Rejected, "every answer Chromium sent was right")
		_, err = s.Reload(ctx)
		require.NoError(t, err, "and again later")
	})

	t.Run("rejected once, not offered again", func(t *testing.T) {
		srv, d := digestSite(t)
		s, _ := newSession(t, actions.Isolated(), actions.WithHTTPCredentials("ann", "wrong-"+authPassword), actions.WithTimeout(authAttempt))
		start := time.Now()
		_, err := s.Navigate(ctxT(t), srv.URL+"/private/report")
		require.Error(t, err)
		assert.Less(t, time.Since(start), authAttempt, "no hang: not held until the attempt's deadline")
		typ, n := attempts(t, err)
		assert.Equal(t, retry.AuthRequired, typ)
		assert.Equal(t, 1, n)
		assert.Equal(t, 1, d.Counts().Rejected, "the rejected credentials were offered once")
		assert.Contains(t, err.Error(), "the server rejected the HTTP Digest credentials")
		assert.NotContains(t, err.Error(), authPassword)
	})

	t.Run("none", func(t *testing.T) {
		srv, _ := digestSite(t)
		s, _ := newSession(t, actions.Isolated(), actions.WithTimeout(authAttempt))
		_, err := s.Navigate(ctxT(t), srv.URL+"/private/report")
		require.Error(t, err)
		typ, _ := attempts(t, err)
		assert.Equal(t, retry.AuthRequired, typ)
		assert.Contains(t, err.Error(), "the server asks for HTTP Digest authentication")
	})
}
