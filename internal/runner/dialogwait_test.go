package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/progress"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
)

// A dialog step reads the dialog the step before opened: DemoBlaze's "Product added." opens when
// the store's API answers, here after 4 s, past the 3 s a click waits for its requests. It was
// read as the older step's dialog ("First"), and a click that opens none read the last one too.
func TestFlowDialogOfASlowRequest(t *testing.T) {
	requireEnv(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/addtocart":
			select {
			case <-time.After(4 * time.Second):
			case <-r.Context().Done():
			}
			_, _ = w.Write([]byte(`{}`))
		case "/":
			_, _ = w.Write([]byte(`<!doctype html><title>store</title>
<button id="first" onclick="alert('First')">First</button>
<a href="#" id="add" onclick="fetch('/addtocart', {method: 'POST'}).then((r) => r.json()).then(() => alert('Product added.'))">Add to cart</a>
<button id="nothing" onclick="this.textContent = 'clicked'">Nothing</button>`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "dialogs.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`name: dialogs
start_url: ${SITE}/
steps:
  - click: "#first"
  - dialog: {as: first}
  - click: "#add"
  - dialog: {as: added}
  - click: "#nothing"
  - dialog: {as: none}
    timeout: 1s
`), 0o644))
	f, err := flow.Load(path, func(k string) (string, bool) { return srv.URL, k == "SITE" })
	require.NoError(t, err)
	m := retry.NewManager(append(ManagerOptions(f.Engine), retry.WithClassifier(browser.Classify))...)
	var buf testenv.LockedBuffer
	w := results.NewWriter(&buf)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sum, err := Run(ctx, Config{Flow: f, Browser: env.b, Manager: m, Results: w,
		Tracker: progress.NewTracker(len(f.Batch())), ActionTimeout: 10 * time.Second})
	require.NoError(t, w.Close())
	require.NoError(t, err, buf.String())
	require.Equal(t, 1, sum.OK, buf.String())
	out := buf.String()
	assert.Contains(t, out, `"first":"First"`)
	assert.Contains(t, out, `"added":"Product added."`)
	assert.Contains(t, out, `"none":null`)
}
