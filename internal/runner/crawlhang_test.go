package runner

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/results"
)

// A crawl page whose script hangs its main thread as it loads fails as a hung page, and the crawl
// goes on with the domain's only slot free again.
func TestCrawlGoesOnPastAPageThatHangsAfterItsLoad(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/list":
			fmt.Fprint(w, `<a class="p" href="/p/0">0</a><a class="p" href="/p/hang">hang</a><a class="p" href="/p/1">1</a>`)
		case "/p/hang":
			fmt.Fprint(w, `<h1>hang</h1><script>addEventListener('load', () => { for (;;) {} })</script>`)
		default:
			fmt.Fprintf(w, `<h1>%s</h1>`, r.URL.Path)
		}
	}))
	defer srv.Close()
	o := runFlow(t, fmt.Sprintf(`
crawl: {per_domain_concurrency: 1, robots: ignore}
stages:
  listing:
    start: ["%s/list"]
    steps:
      - enqueue: {links: "a.p", stage: product}
  product:
    steps:
      - text: {selector: h1, as: name}
`, srv.URL), func(c *Config) {
		c.ItemAttempts = 1
		c.ActionTimeout = 3 * time.Second
	}, nil)
	require.NoError(t, o.err)
	require.Len(t, o.items, 4, "the list and its three products, the hanging one included")
	for _, l := range o.items {
		if l.URL == srv.URL+"/p/hang" {
			assert.Equal(t, results.StatusFail, l.Status)
			assert.Equal(t, "page_crash", l.ErrorType, l.Error)
			continue
		}
		assert.Equal(t, results.StatusOK, l.Status, "%s: %s %s", l.URL, l.ErrorType, l.Error)
	}
}
