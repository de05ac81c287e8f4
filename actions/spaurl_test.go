package actions_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A single-page app's router moves a private page to its login with history.replaceState as the
// page loads (saucedemo.com's /inventory.html without the session cookie shows "/"): the
// Session's URL is where the page is, not the URL Navigate asked for. The navigation's result
// still names the document it loaded, and a later Navigate to another page is not mistaken for
// the earlier one.
func TestURLFollowsReplaceStateDuringLoad(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/private":
			fmt.Fprint(w, `<div id="root"></div><script>
history.replaceState({from: location.pathname}, '', '/');
document.getElementById('root').innerHTML = '<h1 id="login">Login</h1>';
</script>`)
		default:
			fmt.Fprintf(w, `<h1 id="page">%s</h1>`, r.URL.Path)
		}
	}))
	t.Cleanup(srv.Close)
	s, _ := newSession(t)
	ctx := ctxT(t)

	res, err := s.Navigate(ctx, srv.URL+"/private")
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/private", res.URL, "the document Navigate loaded")
	require.NoError(t, s.WaitFor(ctx, "#login"))
	assert.Equal(t, srv.URL+"/", s.URL())
	assert.Equal(t, srv.URL+"/", s.LastNavigation().URL)

	res, err = s.Navigate(ctx, srv.URL+"/other")
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/other", res.URL)
	assert.Equal(t, srv.URL+"/other", s.URL())
	res, err = s.Navigate(ctx, srv.URL+"/private")
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/", s.URL(), "the same redirect, again")
}
