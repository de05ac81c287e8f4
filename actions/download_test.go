package actions_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// the-internet's /download: links to files served as attachments.
func TestExpectDownload(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/download": `<a href="/files/report.txt">report.txt</a><a id="none" href="#">nothing</a>`,
	})
	mux := http.NewServeMux()
	mux.Handle("/", srv.Config.Handler)
	mux.HandleFunc("/files/report.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Disposition", `attachment; filename="report.txt"`)
		_, _ = w.Write([]byte("quarterly numbers\n"))
	})
	srv.Config.Handler = mux

	for _, isolated := range []bool{false, true} {
		var opts []actions.Option
		if isolated {
			opts = append(opts, actions.Isolated())
		}
		s, _ := newSession(t, opts...)
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/download")
		require.NoError(t, err)
		dir := t.TempDir()
		for _, want := range []string{"report.txt", "report (1).txt"} {
			d, err := s.ExpectDownload(ctx, dir, func(ctx context.Context) error { return s.Click(ctx, "text=report.txt") })
			require.NoError(t, err)
			assert.Equal(t, filepath.Join(dir, want), d.Path)
			assert.Equal(t, "report.txt", d.Name)
			assert.Equal(t, srv.URL+"/files/report.txt", d.URL)
			body, err := os.ReadFile(d.Path)
			require.NoError(t, err)
			assert.Equal(t, "quarterly numbers\n", string(body))
		}
		_, err = s.ExpectDownload(ctx, dir, func(ctx context.Context) error { return s.Click(ctx, "#none") })
		assert.ErrorIs(t, err, actions.ErrNoDownload)
		_, err = s.ExpectDownload(ctx, "downloads", func(ctx context.Context) error { return nil })
		require.Error(t, err)
		assert.ErrorIs(t, err, retry.ErrPermanent)
		assert.Contains(t, err.Error(), `download directory "downloads" is relative`)
	}
}
