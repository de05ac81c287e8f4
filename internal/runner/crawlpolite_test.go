package runner

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
)

// Two workers with three tabs each crawl one site whose per_domain_concurrency is 2: the site
// never has more than two pages loading at once (each worker alone would load two), and both
// workers take products (the list is answered once both ask the job for items).
func TestSharedCrawlConcurrencyIsJobWide(t *testing.T) {
	requireEnv(t)
	const products = 16
	var mu sync.Mutex
	loading, most, pages := 0, 0, 0
	ready := make(chan struct{}) // both workers read the job
	paired := make(chan struct{})
	var pairOnce sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/list" && !strings.HasPrefix(r.URL.Path, "/p/") {
			http.NotFound(w, r) // favicon
			return
		}
		if r.URL.Path == "/list" {
			waitOrTimeout(r, ready)
		}
		mu.Lock()
		loading++
		pages++
		most = max(most, loading)
		first := pages == 2 // the first product
		if loading == 2 {
			pairOnce.Do(func() { close(paired) })
		}
		mu.Unlock()
		if first {
			// It waits for a second page to load beside it: the two slots are used together
			// at least once, however slowly a loaded machine sends the pages.
			waitOrTimeout(r, paired)
		}
		select { // a slow site: the pages overlap unless something holds them apart
		case <-time.After(150 * time.Millisecond):
		case <-r.Context().Done():
		}
		mu.Lock()
		loading--
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/list" {
			var b strings.Builder
			for i := range products {
				fmt.Fprintf(&b, `<a class="p" href="/p/%d">product %d</a>`, i, i)
			}
			fmt.Fprint(w, "<html><body>"+b.String()+"</body></html>")
			return
		}
		fmt.Fprintf(w, "<html><body><h1>%s</h1></body></html>", r.URL.Path)
	}))
	defer srv.Close()
	sums := crawlTwoWorkers(t, srv.URL, "polite", 3, ready)

	for i, s := range sums {
		assert.Zero(t, s.Failed, "worker %d", i)
		assert.Positive(t, s.OK, "worker %d took no item: the test proves nothing", i)
	}
	assert.Equal(t, products+1, sums[0].OK+sums[1].OK)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, products+1, pages, "each page loaded once")
	assert.Equal(t, 2, most, "pages of the site loading at once, both workers together: at most the limit, and the limit reached")
}

// Two workers crawl a site that answers one page with a 429: the job's delay for the site goes
// up, so the pages after it come spaced out whichever worker loads them (the worker that did not
// meet the 429 included: alone it would load at full speed).
func TestSharedCrawlBackoffSlowsEveryWorker(t *testing.T) {
	requireEnv(t)
	const products = 10
	var mu sync.Mutex
	var starts []time.Time
	refusedAt := -1
	ready := make(chan struct{}) // both workers read the job
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/list" && !strings.HasPrefix(r.URL.Path, "/p/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/list" {
			waitOrTimeout(r, ready)
			var b strings.Builder
			for i := range products {
				fmt.Fprintf(&b, `<a class="p" href="/p/%d">product %d</a>`, i, i)
			}
			fmt.Fprint(w, "<html><body>"+b.String()+"</body></html>")
			return
		}
		mu.Lock()
		starts = append(starts, time.Now())
		refuse := refusedAt < 0
		if refuse {
			refusedAt = len(starts) - 1
		}
		mu.Unlock()
		if refuse {
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, "<html><body>slow down</body></html>")
			return
		}
		fmt.Fprintf(w, "<html><body><h1>%s</h1></body></html>", r.URL.Path)
	}))
	defer srv.Close()
	sums := crawlTwoWorkers(t, srv.URL, "backoff", 2, ready)

	assert.Equal(t, products+1, sums[0].OK+sums[1].OK, "the refused page was loaded again, not failed")
	assert.Positive(t, sums[0].OK)
	assert.Positive(t, sums[1].OK)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, starts, products+1, "each product once, the refused one twice")
	// After the 429 the job's delay is 2s (one page went out in the second before it: 1 page/s,
	// halved) and grows back by about 0.5 pages/s per healthy answer (2s, 0.67s, 0.55s, 0.48s):
	// the next loads, whichever worker sends them, stay well apart. Per worker, the one that did
	// not meet the 429 loads its pages back to back (gaps of 10 to 100ms seen).
	//
	// The times are when the requests reached the server, not when the crawl let them go: on a
	// loaded machine a request can arrive late, which widens the gap before it and narrows the one
	// after (1.58s then 17ms were seen). So the loads are counted from the 429, which the server
	// answered before any worker could know of it: a late arrival only makes that time longer.
	after := starts[refusedAt+1:]
	for i := 1; i < len(after); i++ {
		t.Logf("gap %d: %s", i, after[i].Sub(after[i-1]))
	}
	require.GreaterOrEqual(t, len(after), 5)
	for i := 1; i < 5; i++ {
		since := after[i].Sub(starts[refusedAt])
		assert.GreaterOrEqual(t, since, time.Duration(i)*300*time.Millisecond,
			"load %d after the 429 came %s after it: at least 300ms apart on average", i+1, since)
	}
}

// crawlTwoWorkers runs two workers (a, b) with conc tabs each on one Redis job, crawling site's
// /list and the products it links to (per_domain_concurrency 2), and returns their summaries.
// It closes ready once both workers have asked the job for an item: a site that answers /list
// only then has both take products (a worker that starts late, on a loaded machine, found the
// job nearly done and took none).
func crawlTwoWorkers(t *testing.T, site, job string, conc int, ready chan struct{}) []Summary {
	t.Helper()
	f, err := flow.Parse([]byte(fmt.Sprintf(`
concurrency: %d
crawl: {per_domain_concurrency: 2, robots: ignore}
stages:
  listing:
    start: ["${SITE}/list"]
    steps:
      - enqueue: {links: "a.p", stage: product}
  product:
    steps:
      - extract: {container: body, fields: {name: h1}}
`, conc)), flow.Options{File: job + ".yaml", Env: func(k string) (string, bool) { return site, k == "SITE" }})
	require.NoError(t, err)

	r := testenv.StartRedis(t)
	rc, err := queue.Dial(context.Background(), r.URL(0), 16, 5*time.Second)
	require.NoError(t, err)
	defer rc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	asked := make(chan struct{}, 2)
	wg.Go(func() {
		defer close(ready)
		for range 2 {
			select {
			case <-asked:
			case <-ctx.Done():
				return
			}
		}
	})
	sums := make([]Summary, 2)
	for i, name := range []string{"a", "b"} {
		q, err := queue.OpenRedis(ctx, rc, queue.RedisConfig{Job: job, Worker: name,
			StoreTimeout: 2 * time.Second}) // a loaded machine (-race, Chromium) is slow, not down
		require.NoError(t, err)
		defer q.Close()
		wg.Go(func() {
			m := retry.NewManager(retry.WithClassifier(browser.Classify))
			var err error
			sums[i], err = Run(ctx, Config{Flow: f, Browser: env.b, Manager: m, Results: results.NewWriter(io.Discard),
				Queue: askingQueue{Redis: q, once: new(sync.Once), asked: asked}})
			assert.NoError(t, err, "worker %s", name)
		})
	}
	wg.Wait()
	return sums
}

// askingQueue is a worker's job that tells the test when the worker first asks it for an item.
type askingQueue struct {
	*queue.Redis
	once  *sync.Once
	asked chan<- struct{}
}

func (q askingQueue) Next(ctx context.Context) (*queue.Lease, error) {
	q.once.Do(func() { q.asked <- struct{}{} })
	return q.Redis.Next(ctx)
}

// waitOrTimeout holds a test site's answer to r until ch is closed (or 30s, or r is gone).
func waitOrTimeout(r *http.Request, ch <-chan struct{}) {
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
	case <-r.Context().Done():
	}
}
