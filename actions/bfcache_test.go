package actions_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A page the back-forward cache restores is the document the tab showed before, with the status
// it was served with: Back says 200 (not 0) for it, and LastNavigation too, without asking the
// server again.
func TestBackFromTheBackForwardCacheKeepsTheStatus(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<h1>%s</h1><script>addEventListener('pageshow', e => { window.restored = e.persisted })</script>`, r.URL.Path)
	}))
	defer srv.Close()
	s, _ := newSession(t)
	ctx := ctxT(t)
	// Chromium may decline its cache for a navigation of its own reasons (seen under load:
	// BrowsingInstanceNotSwapped); a few rounds give it one restore to check.
	for round := 1; ; round++ {
		a, b := fmt.Sprintf("%s/a%d", srv.URL, round), fmt.Sprintf("%s/b%d", srv.URL, round)
		_, err := s.Navigate(ctx, a)
		require.NoError(t, err)
		_, err = s.Navigate(ctx, b)
		require.NoError(t, err)
		res, err := s.Back(ctx)
		require.NoError(t, err)
		assert.Equal(t, a, res.URL)
		assert.Equal(t, http.StatusOK, res.Status)
		assert.Equal(t, http.StatusOK, s.LastNavigation().Status)
		restored, err := s.Page().Eval(`() => window.restored === true`)
		require.NoError(t, err)
		if restored.Value.Bool() {
			mu.Lock()
			assert.Equal(t, 1, hits[fmt.Sprintf("/a%d", round)], "a restore asks the server nothing")
			mu.Unlock()
			return
		}
		require.Less(t, round, 5, "Chromium never restored a page from its back-forward cache")
	}
}
