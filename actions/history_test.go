package actions_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// historySite serves /a, /b and /c (each counts its loads and shows the count), and answers 503
// to the next fail[path] requests of a path. Pages are no-store and set a cookie, and have an
// unload handler, so the browser's back-forward cache does not restore them and a history step
// asks the server again.
type historySite struct {
	mu    sync.Mutex
	loads map[string]int
	fail  map[string]int
}

func (h *historySite) failNext(path string, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fail[path] = n
}

func newHistorySite(t *testing.T) (*httptest.Server, *historySite) {
	h := &historySite{loads: map[string]int{}, fail: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.loads[r.URL.Path]++
		n, fail := h.loads[r.URL.Path], h.fail[r.URL.Path] > 0
		if fail {
			h.fail[r.URL.Path]--
		}
		h.mu.Unlock()
		w.Header().Set("Cache-Control", "no-store")
		// Chromium may restore a no-store page from its back-forward cache unless a cookie
		// changed since: one changes on every load, so a history step asks the server.
		http.SetCookie(w, &http.Cookie{Name: "loads", Value: fmt.Sprint(n), Path: "/"})
		w.Header().Set("Content-Type", "text/html")
		if fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "<h1>Service Unavailable</h1>")
			return
		}
		// An unload handler keeps a page out of the back-forward cache whatever happened to the
		// cookies (Chromium 156 says UnloadHandlerExistsInMainFrame): the cookie alone was seen
		// to do it 60 times in 60, but it is a heuristic Chromium may change.
		fmt.Fprintf(w, `<h1 id="page">%s</h1><p id="loads">%d</p><a id="next" href="/c">next</a>`+
			`<script>addEventListener("unload", () => {})</script>`, r.URL.Path, n)
	}))
	t.Cleanup(srv.Close)
	return srv, h
}

// historyAttempt is the attempt deadline of the tests that count loads and backoffs: with
// newSession's 3s a loaded machine (load average 18 on 2 cores) timed attempts out, and their
// retries loaded the pages again (#loads 4 where 2 was expected).
const historyAttempt = 30 * time.Second

func TestBackForwardReload(t *testing.T) {
	srv, _ := newHistorySite(t)
	s, _ := newSession(t, actions.WithTimeout(historyAttempt))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/a")
	require.NoError(t, err)
	_, err = s.Navigate(ctx, srv.URL+"/b")
	require.NoError(t, err)

	res, err := s.Back(ctx)
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/a", res.URL)
	assert.Equal(t, 200, res.Status)
	got, err := s.Text(ctx, "#page")
	require.NoError(t, err)
	assert.Equal(t, "/a", got)

	res, err = s.Forward(ctx)
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/b", res.URL)
	got, err = s.Text(ctx, "#loads")
	require.NoError(t, err)
	assert.Equal(t, "2", got, "no-store: the history step asked the server again")

	res, err = s.Reload(ctx)
	require.NoError(t, err)
	assert.Equal(t, 200, res.Status)
	got, err = s.Text(ctx, "#loads")
	require.NoError(t, err)
	assert.Equal(t, "3", got)

	// Back after a click that navigated: the click's page is in the history too.
	require.NoError(t, s.Click(ctx, "#next"))
	res, err = s.Back(ctx)
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/b", res.URL)
}

func TestBackForwardWithoutAnEntryIsRefused(t *testing.T) {
	srv, _ := newHistorySite(t)
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Reload(ctx)
	require.Error(t, err, "a fresh tab has nothing to reload")
	assert.Contains(t, err.Error(), "nothing to reload")

	_, err = s.Navigate(ctx, srv.URL+"/a")
	require.NoError(t, err)
	_, err = s.Back(ctx)
	require.Error(t, err, "the blank page the tab opened with is not a page to go back to")
	assert.Contains(t, err.Error(), "no page to go back to")
	_, err = s.Forward(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no page to go forward to")
	var ae *actions.ActionError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, retry.InvalidInput, ae.Type())
	assert.ErrorIs(t, err, retry.ErrPermanent)
}

// A reload of a 503 page backs off and reloads, as Navigate does; so does a Back to a page that
// now answers 503.
func TestReloadAndBackBackOffOn503(t *testing.T) {
	srv, h := newHistorySite(t)
	s, clock := newSession(t, actions.WithTimeout(historyAttempt))
	ctx := ctxT(t)
	h.failNext("/a", 1)
	res, err := s.NavigateWith(ctx, srv.URL+"/a", actions.ExpectStatus(503))
	require.NoError(t, err)
	require.Equal(t, 503, res.Status)

	h.failNext("/a", 2) // the reload meets two more 503s
	res, err = s.Reload(ctx)
	require.NoError(t, err)
	assert.Equal(t, 200, res.Status)
	assert.Len(t, clock.Sleeps(), 2, "two backoffs")
	got, err := s.Text(ctx, "#page")
	require.NoError(t, err)
	assert.Equal(t, "/a", got)

	_, err = s.Navigate(ctx, srv.URL+"/b")
	require.NoError(t, err)
	h.failNext("/a", 1)
	res, err = s.Back(ctx)
	require.NoError(t, err)
	assert.Equal(t, 200, res.Status)
	assert.Equal(t, srv.URL+"/a", res.URL)
	assert.Len(t, clock.Sleeps(), 3)

	// A page that stays down: server_error after the type's attempts, naming the URL.
	h.failNext("/a", 100)
	_, err = s.Reload(ctx)
	require.Error(t, err)
	typ, n := attempts(t, err)
	assert.Equal(t, retry.ServerError, typ)
	assert.Equal(t, retry.DefaultConfig(retry.ServerError).MaxAttempts, n)
	assert.Contains(t, err.Error(), "reload")
	assert.Contains(t, err.Error(), "503")
}
