package runner

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/results"
)

// A flow against a test server with a self-signed certificate: refused by default, each item at
// once (invalid_input) with an error saying how to accept it; `ignore_https_errors: true` reads
// the pages.
func TestIgnoreHTTPSErrorsFlow(t *testing.T) {
	requireEnv(t)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<title>staging</title><h1>build %s</h1>`, r.URL.Path[1:])
	}))
	srv.Config.ErrorLog = nil
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	b, err := browser.Launch(ctx) // its own: the setting is browser-wide
	cancel()
	require.NoError(t, err)
	defer b.Close()
	flowFor := func(head string) string {
		return head + fmt.Sprintf(`items: [{n: 41}, {n: 42}]
start_url: %s/${item.n}
steps:
  - extract: {container: body, fields: {build: h1}}
`, srv.URL)
	}
	own := func(c *Config) { c.Browser = b }

	o := runFlow(t, flowFor(""), own, nil)
	require.NoError(t, o.err)
	assert.Equal(t, 2, o.sum.Failed)
	for _, l := range o.items {
		assert.Equal(t, results.StatusFail, l.Status)
		assert.Equal(t, "invalid_input", l.ErrorType)
		assert.Equal(t, 1, l.Attempts, "a refused certificate is not retried")
		assert.Contains(t, l.Error, "ignore_https_errors: true")
	}

	o = runFlow(t, flowFor("ignore_https_errors: true\n"), own, nil)
	require.NoError(t, o.err)
	assert.Equal(t, 2, o.sum.OK)
	var builds []any
	for _, r := range o.records {
		builds = append(builds, r["build"])
	}
	assert.ElementsMatch(t, []any{"build 41", "build 42"}, builds)
}
