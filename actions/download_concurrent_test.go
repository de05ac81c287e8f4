package actions_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// Two isolated sessions download at once, and the quicker one ends first: the other's download
// still finishes. Chromium's switch for download events is one for the whole DevTools
// connection, not one per browser context: the first ExpectDownload to end turned it off, and
// the other waited its timeout for a completion it was never told of.
func TestExpectDownloadConcurrentSessions(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	srv := servePages(t, map[string]string{
		"/files": `<a href="/get/quick.txt">quick</a> <a href="/get/slow.txt">slow</a>`,
	})
	mux := http.NewServeMux()
	mux.Handle("/", srv.Config.Handler)
	mux.HandleFunc("/get/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="`+r.URL.Path[len("/get/"):]+`"`)
		if r.URL.Path == "/get/slow.txt" {
			_, _ = w.Write([]byte("first half,"))
			w.(http.Flusher).Flush()
			close(started)
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		_, _ = w.Write([]byte("done\n"))
	})
	srv.Config.Handler = mux

	// Long attempts: the slow download waits for the quick one, which a loaded machine may take
	// seconds over; without the fix it never finishes however long it waits.
	slow, _ := newSession(t, actions.Isolated(), actions.WithTimeout(20*time.Second))
	quick, _ := newSession(t, actions.Isolated(), actions.WithTimeout(20*time.Second))
	ctx := ctxT(t)
	for _, s := range []*actions.Session{slow, quick} {
		_, err := s.Navigate(ctx, srv.URL+"/files")
		require.NoError(t, err)
	}
	type result struct {
		d   actions.Download
		err error
	}
	slowDone := make(chan result, 1)
	go func() {
		d, err := slow.ExpectDownload(ctx, t.TempDir(), func(ctx context.Context) error { return slow.Click(ctx, "text=slow") })
		slowDone <- result{d, err}
	}()
	select {
	case <-started:
	case r := <-slowDone:
		t.Fatalf("the slow download ended before its server answered in full: %+v", r)
	}
	d, err := quick.ExpectDownload(ctx, t.TempDir(), func(ctx context.Context) error { return quick.Click(ctx, "text=quick") })
	require.NoError(t, err)
	assert.Equal(t, "quick.txt", d.Name)
	close(release) // the quick one has ended (and reset its context's download behaviour)

	r := <-slowDone
	require.NoError(t, r.err)
	assert.Equal(t, "slow.txt", r.d.Name)
	assert.EqualValues(t, len("first half,done\n"), r.d.Size)
}
