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
	_, err := s.Navigate(ctx, srv.URL+"/a")
	require.NoError(t, err)
	_, err = s.Navigate(ctx, srv.URL+"/b")
	require.NoError(t, err)
	res, err := s.Back(ctx)
	require.NoError(t, err)
	restored, err := s.Page().Eval(`() => window.restored === true`)
	require.NoError(t, err)
	require.True(t, restored.Value.Bool(), "Chromium restored /a from its back-forward cache")
	mu.Lock()
	assert.Equal(t, 1, hits["/a"], "a restore asks the server nothing")
	mu.Unlock()
	assert.Equal(t, srv.URL+"/a", res.URL)
	assert.Equal(t, http.StatusOK, res.Status)
	assert.Equal(t, http.StatusOK, s.LastNavigation().Status)
}
