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

// A click on a download link returns once the download begins: the navigation it requested
// became a download, which commits and loads nothing, and the click used to wait for it until its
// attempt's deadline (10 s per download in a flow). The tab stays on its page.
func TestClickOnDownloadLinkDoesNotWaitForANavigation(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/files": `<h1>Files</h1><a href="/get/data.csv">data.csv</a>`,
	})
	mux := http.NewServeMux()
	mux.Handle("/", srv.Config.Handler)
	mux.HandleFunc("/get/data.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="data.csv"`)
		_, _ = w.Write([]byte("a,b\n"))
	})
	srv.Config.Handler = mux

	const attempt = 30 * time.Second
	for _, isolated := range []bool{false, true} {
		opts := []actions.Option{actions.WithTimeout(attempt)}
		if isolated {
			opts = append(opts, actions.Isolated())
		}
		s, _ := newSession(t, opts...)
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/files")
		require.NoError(t, err)
		start := time.Now()
		d, err := s.ExpectDownload(ctx, t.TempDir(), func(ctx context.Context) error { return s.Click(ctx, "text=data.csv") })
		took := time.Since(start)
		require.NoError(t, err)
		assert.EqualValues(t, 4, d.Size)
		assert.Less(t, took, attempt/2, "the click waited for a navigation that became a download (isolated %v)", isolated)
		assert.Equal(t, srv.URL+"/files", s.URL())
		h1, err := s.Text(ctx, "h1")
		require.NoError(t, err)
		assert.Equal(t, "Files", h1)
	}
}
