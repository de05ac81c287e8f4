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
)

// A click whose handler sends a request that does not answer (a tracker that hangs, a long poll)
// returns while the request is still out: Click waits a while for the requests it started, to
// see whether they lead to a navigation, not for the whole attempt (the session's here: a minute).
func TestClickDoesNotWaitForARequestThatNeverEnds(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/track":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		default:
			fmt.Fprint(w, `<!doctype html><button id="b" onclick="fetch('/track', {method: 'POST'}); r.textContent = 'added'">Add to cart</button><p id="r"></p>`)
		}
	}))
	defer srv.Close()
	defer close(release)
	s, _ := newSession(t, actions.WithTimeout(time.Minute))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)

	clicked := make(chan error, 1)
	go func() { clicked <- s.Click(ctx, "#b") }()
	select {
	case err := <-clicked:
		require.NoError(t, err)
	case <-time.After(40 * time.Second): // the attempt would last a minute
		t.Fatal("Click is still waiting for a request that never ends")
	}
	got, err := s.Text(ctx, "#r")
	require.NoError(t, err)
	assert.Equal(t, "added", got)
}
