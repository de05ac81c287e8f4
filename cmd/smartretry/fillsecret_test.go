package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/results"
)

// fill_secret types a token that comes from the environment, not from a declared secret
// variable, and it shows nowhere: not in the results (a read of the field is redacted), the logs
// at -vv, nor the error snapshot of a later step that fails.
func TestFillSecretStepFromTheEnvironment(t *testing.T) {
	const token = "tok-8Hq2-never-shown"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><title>Token</title><label>API token <input id="tok" type="password"></label>`))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "token.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`name: token
start_url: "${SRV}/"
items: [{then: "#tok"}, {then: "#missing"}]
steps:
  - fill_secret: {selector: "#tok", value: "${API_TOKEN}"}
  - value: {selector: "#tok", as: typed}
  - click: {selector: "${item.then}"}
    timeout: 1s
    retry: {max_attempts: 1}
`), 0o644))
	out := filepath.Join(dir, "out.jsonl")
	art := filepath.Join(dir, "artifacts")
	r := run(t, dir, []string{"SRV=" + srv.URL, "API_TOKEN=" + token}, "run", "--out", out, "--artifacts", art,
		"--log-format", "json", "-vv", flowFile)
	assert.Equal(t, 1, r.code, "the second item fails: %s", r.stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(data), "[redacted]", "the field held the token: its read is redacted")
	var failed bool
	for _, l := range readResults(t, out) {
		failed = failed || (l.Kind == results.KindItem && l.Status == results.StatusFail)
	}
	assert.True(t, failed, "the second item failed at its click")
	all := string(data) + r.stdout + r.stderr
	require.NoError(t, filepath.WalkDir(art, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		all += string(b)
		return err
	}))
	assert.False(t, strings.Contains(all, token), "the token leaked")
}
