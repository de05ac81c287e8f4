package actions_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// A download that keeps receiving data is waited for however long it takes in all: the attempt's
// timeout bounds a silence, not the whole file (a big report over a slow line took longer than
// one attempt and failed). A download that stalls still fails after the timeout.
func TestExpectDownloadSlowButSteady(t *testing.T) {
	const chunks, every = 16, 250 * time.Millisecond
	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	srv := servePages(t, map[string]string{
		"/files": `<a href="/get/big.bin">big</a> <a href="/get/stalled.bin">stalled</a>`,
	})
	mux := http.NewServeMux()
	mux.Handle("/", srv.Config.Handler)
	mux.HandleFunc("/get/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="`+strings.TrimPrefix(r.URL.Path, "/get/")+`"`)
		for i := 0; i < chunks; i++ {
			_, _ = w.Write([]byte(strings.Repeat("x", 1000)))
			w.(http.Flusher).Flush()
			if r.URL.Path == "/get/stalled.bin" && i == 1 {
				select { // two chunks, then nothing
				case <-stall:
				case <-r.Context().Done():
				}
				return
			}
			select {
			case <-time.After(every):
			case <-r.Context().Done():
				return
			}
		}
	})
	srv.Config.Handler = mux

	const attempt = 3 * time.Second // the file takes chunks×every = 4 s
	s, _ := newSession(t, actions.Isolated(), actions.WithTimeout(attempt))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/files")
	require.NoError(t, err)
	start := time.Now()
	d, err := s.ExpectDownload(ctx, t.TempDir(), func(ctx context.Context) error { return s.Click(ctx, "text=big") })
	require.NoError(t, err)
	assert.EqualValues(t, chunks*1000, d.Size)
	assert.Greater(t, time.Since(start), attempt, "the file took longer than one attempt")

	_, err = s.ExpectDownload(ctx, t.TempDir(), func(ctx context.Context) error { return s.Click(ctx, "text=stalled") })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "received nothing for 3s")
}
