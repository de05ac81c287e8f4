package runner

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/retry"
)

// breakerSite is a site whose /list links to the pages given, in order; /bad/… pages answer 500,
// the others a page with an h1. hold may delay an answer (nil: none).
func breakerSite(t *testing.T, pages []string, hold func(r *http.Request)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch {
		case r.URL.Path == "/list":
			var b strings.Builder
			for _, p := range pages {
				fmt.Fprintf(&b, `<a class="p" href="%s">%s</a>`, p, p)
			}
			fmt.Fprint(w, "<html><body>"+b.String()+"</body></html>")
		case strings.HasPrefix(r.URL.Path, "/bad/"):
			if hold != nil {
				hold(r)
			}
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, "<html><body>broken</body></html>")
		case strings.HasPrefix(r.URL.Path, "/ok/"):
			if hold != nil {
				hold(r)
			}
			fmt.Fprintf(w, "<html><body><h1>%s</h1></body></html>", r.URL.Path)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// breakerCrawlFlow is a crawl of url's list whose breaker opens after 3 failures for 1 s. Its
// max wait is an hour: a page that waited for it (a slot held while its holder waits for the
// probe) would still wait when runFlow's deadline ends the run, and checkBreakerCrawl fails.
// (A time bound of 30 s on the whole crawl said so before, and a loaded machine took 34-44 s.)
func breakerCrawlFlow(url string, conc, perDomain int) string {
	return fmt.Sprintf(`
concurrency: %d
engine:
  circuit_breaker: {threshold: 3, cooloff: 1s, max_wait: 1h}
  errors: {server_error: {max_attempts: 1}}
crawl: {per_domain_concurrency: %d, robots: ignore}
stages:
  listing:
    start: ["%s/list"]
    steps:
      - enqueue: {links: "a.p", stage: page}
  page:
    steps:
      - text: {selector: h1, as: name}
`, conc, perDomain, url)
}

// checkBreakerCrawl asserts that the crawl ended, and every page of it as it should: the broken
// ones failed (server_error), every other one ok, none refused by the breaker (circuit_open: it
// waited for the breaker's max wait) or left waiting for it when the run's deadline came.
func checkBreakerCrawl(t *testing.T, o outcome, pages []string) {
	t.Helper()
	require.NoError(t, o.err)
	require.Len(t, o.items, len(pages)+1, "the list and its pages")
	for _, l := range o.items {
		if strings.Contains(l.URL, "/bad/") {
			assert.Equal(t, results.StatusFail, l.Status, l.URL)
			assert.Equal(t, "server_error", l.ErrorType, "%s: %s", l.URL, l.Error)
			continue
		}
		assert.Equal(t, results.StatusOK, l.Status, "%s: %s %s", l.URL, l.ErrorType, l.Error)
	}
}

// Three broken pages open the site's breaker; the next item, retried as a whole under its
// page's domain, waits out the cooloff and takes the half-open probe for its page load. Its
// page then loads (the probe), where it had waited for that very probe until the breaker's
// max wait and failed circuit_open, every page behind it waiting too.
func TestCrawlItemHoldingTheProbeLoadsItsPage(t *testing.T) {
	pages := []string{"/bad/0", "/bad/1", "/bad/2", "/ok/0", "/ok/1", "/ok/2"}
	srv := breakerSite(t, pages, nil)
	o := runFlow(t, breakerCrawlFlow(srv.URL, 1, 1), func(c *Config) { c.ItemAttempts = 1 }, nil)
	checkBreakerCrawl(t, o, pages)
	assert.Positive(t, o.tracker.Snapshot().Deferred, "the item met the open breaker")
}

// Pages of a domain waiting for its breaker hold none of its slots: with one slot and three
// tabs, the item that takes the half-open probe gets the slot for its page, where it had waited
// for it while the slot's holder waited for that probe (until the breaker's max wait).
//
// Six broken pages come first, answering late: the third to fail opens the breaker before any
// healthy page is taken, while tabs whose item was let through before it opened wait for the
// slot; one of them gets it. Other items wait out the cooloff before their first attempt. A
// page load that waits for the breaker inside its navigation starts that wait half a second
// late (the observer holds it), so an item's call, not a navigation, takes the probe.
func TestCrawlPagesWaitForTheBreakerWithoutASlot(t *testing.T) {
	pages := []string{"/bad/0", "/bad/1", "/bad/2", "/bad/3", "/bad/4", "/bad/5", "/ok/0", "/ok/1", "/ok/2", "/ok/3", "/ok/4"}
	srv := breakerSite(t, pages, func(r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/bad/") {
			select {
			case <-time.After(300 * time.Millisecond):
			case <-r.Context().Done():
			}
		}
	})
	var opened atomic.Int32
	o := runFlow(t, breakerCrawlFlow(srv.URL, 3, 1), func(c *Config) { c.ItemAttempts = 1 }, func(ev retry.Event) {
		switch {
		case ev.Kind == retry.EventBreakerOpen:
			opened.Add(1)
		case ev.Kind == retry.EventBreakerWait && ev.Action == "navigate" && ev.Delay > 0:
			<-time.After(500 * time.Millisecond)
		}
	})
	checkBreakerCrawl(t, o, pages)
	assert.Positive(t, opened.Load(), "the broken pages opened the breaker")
}

// A crawl waiting for its domain's delay between pages says so on its progress line. The line
// names waits of a second or more: the delay is 5 s, so a page waits that long unless its item
// came over 4 s after the start before it. With 2 s, a loaded machine (load 25-45 on 2 cores)
// took over a second to load the list and open the next page's tab, and again between the two
// pages: no wait was long enough to be shown.
func TestCrawlProgressSaysItWaitsForTheDelay(t *testing.T) {
	pages := []string{"/ok/0", "/ok/1"}
	srv := breakerSite(t, pages, nil)
	host := strings.TrimPrefix(srv.URL, "http://")
	var seen atomic.Value
	stop := make(chan struct{})
	done := make(chan struct{})
	o := runFlow(t, fmt.Sprintf(`
concurrency: 2
crawl: {per_domain_concurrency: 2, min_delay: 5s, robots: ignore}
stages:
  listing:
    start: ["%s/list"]
    steps:
      - enqueue: {links: "a.p", stage: page}
  page:
    steps:
      - text: {selector: h1, as: name}
`, srv.URL), func(c *Config) {
		tr := c.Tracker
		go func() {
			defer close(done)
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if l := tr.Snapshot().Line(); strings.Contains(l, "waiting for "+host+" delay") {
						seen.Store(l)
					}
				}
			}
		}()
	}, nil)
	close(stop)
	<-done
	require.NoError(t, o.err)
	assert.Len(t, o.items, 3)
	l, _ := seen.Load().(string)
	assert.Regexp(t, `waiting for `+regexp.QuoteMeta(host)+` delay [1-5]s`, l, "the line said what the crawl waited for")
}
