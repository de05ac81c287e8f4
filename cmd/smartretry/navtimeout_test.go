package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A server slower to answer than the action timeout: --navigation-timeout (or the flow's
// navigation_timeout) gives page loads the time they need while element actions keep theirs; without it the item fails as
// network_timeout, and the error says what to give it.
func TestRunNavigationTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(4 * time.Second): // a cold start
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><title>Report</title><h1>Report ready</h1>`))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "slow.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`name: slow
start_url: "${SRV}/report"
steps:
  - text: {selector: h1, as: title}
`), 0o644))
	out := filepath.Join(dir, "out.jsonl")
	r := run(t, dir, []string{"SRV=" + srv.URL}, "run", "--out", out, "--item-attempts", "1",
		"--action-timeout", "2s", "--navigation-timeout", "30s", flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(data), "Report ready")

	r = run(t, dir, []string{"SRV=" + srv.URL}, "run", "--out", out, "--item-attempts", "1",
		"--action-timeout", "2s", flowFile)
	assert.Equal(t, 1, r.code, r.stderr)
	data, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(data), "network_timeout")
	assert.Contains(t, string(data), "--navigation-timeout")

	// The flow can say it too.
	flowFile2 := filepath.Join(dir, "slow2.yaml")
	require.NoError(t, os.WriteFile(flowFile2, []byte(`name: slow
start_url: "${SRV}/report"
timeout: 2s
navigation_timeout: 30s
steps:
  - text: {selector: h1, as: title}
`), 0o644))
	r = run(t, dir, []string{"SRV=" + srv.URL}, "run", "--out", out, "--item-attempts", "1", flowFile2)
	require.Equal(t, 0, r.code, r.stderr)

	r = run(t, dir, []string{"SRV=" + srv.URL}, "run", "--navigation-timeout", "-1s", flowFile)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--navigation-timeout must not be negative")
}
