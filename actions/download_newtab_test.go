package actions_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// A download link with target=_blank (many sites' "Download" button) starts the download in a
// new tab, which Chromium closes again: ExpectDownload saves it as one the tab started itself.
func TestExpectDownloadFromNewTab(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/files": `<a href="/get/report.csv" target="_blank">report</a>
<button id="js" onclick="window.open('/get/report.csv')">export</button>`,
	})
	mux := http.NewServeMux()
	mux.Handle("/", srv.Config.Handler)
	mux.HandleFunc("/get/report.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="report.csv"`)
		_, _ = w.Write([]byte("a,b\n"))
	})
	srv.Config.Handler = mux
	for _, isolated := range []bool{false, true} {
		var opts []actions.Option
		if isolated {
			opts = append(opts, actions.Isolated())
		}
		before := pageTargets(t)
		s, _ := newSession(t, opts...)
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/files")
		require.NoError(t, err)
		for _, sel := range []string{"text=report", "#js"} {
			d, err := s.ExpectDownload(ctx, t.TempDir(), func(ctx context.Context) error { return s.Click(ctx, sel) })
			require.NoError(t, err, "%s (isolated %v)", sel, isolated)
			assert.Equal(t, "report.csv", d.Name)
			assert.EqualValues(t, 4, d.Size)
		}
		for { // the tabs the downloads opened go (Chromium closes them, on its own time)
			left := 0
			for id := range pageTargets(t) {
				if !before[id] && id != s.Page().TargetID {
					left++
				}
			}
			if left == 0 {
				break
			}
			require.NoError(t, ctx.Err(), "%d tabs the downloads opened are still there", left)
		}
	}
}
