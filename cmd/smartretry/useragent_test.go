package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A flow's user_agent is what the site sees from every item's page (a crawler naming itself and
// its owner); a bad one is refused at load with its line.
func TestRunUserAgent(t *testing.T) {
	const ua = "shopbot/1.0 (+https://example.com/bot)"
	var mu sync.Mutex
	seen := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path] = r.Header.Get("User-Agent")
		mu.Unlock()
		fmt.Fprintf(w, `<title>p</title><h1>page %s</h1>`, r.URL.Path)
	}))
	defer srv.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	f := writeFlow(t, dir, fmt.Sprintf(`user_agent: %q
items: [{n: 1}, {n: 2}]
start_url: %s/p/${item.n}
steps:
  - extract: {fields: {h: h1}}
`, ua, srv.URL))
	r := run(t, dir, nil, "run", "--out", out, f)
	require.Equal(t, 0, r.code, r.stderr)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, ua, seen["/p/1"])
	assert.Equal(t, ua, seen["/p/2"])

	bad := writeFlow(t, dir, "user_agent: \"bot\\nX-Evil: 1\"\nstart_url: http://h/\nsteps:\n  - click: a\n")
	r = run(t, dir, nil, "run", bad)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "flow.yaml:1:13: user_agent: a header cannot hold control characters")
}
