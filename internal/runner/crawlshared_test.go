package runner

import (
	"bytes"
	"context"
	"io"
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
	"github.com/smartretry/smartretry/testpages"
)

// Two workers crawl one site through one Redis job: each page runs once, and robots.txt's
// Crawl-delay spaces the page loads of the domain across both workers, as the server saw them.
func TestSharedCrawlPacesAcrossWorkers(t *testing.T) {
	requireEnv(t)
	srv, err := testpages.Start() // its own: the Crawl-delay slows nobody else down
	require.NoError(t, err)
	defer srv.Close()
	srv.Site().SetRobots("User-agent: *\nDisallow: /shop/private/\nCrawl-delay: 1\n")
	base := strings.TrimSuffix(srv.URL("/"), "/")
	f, err := flow.Parse([]byte(`
concurrency: 2
crawl: {max_items: 6}
stages:
  listing:
    start: ["${SITE}/shop/catalog?page=1"]
    steps:
      - enqueue: {links: "#products a.detail", stage: product}
  product:
    steps:
      - extract: {container: .product-page, fields: {name: h1.name}}
`), flow.Options{File: "paced.yaml", Env: func(k string) (string, bool) { return base, k == "SITE" }})
	require.NoError(t, err)

	r := testenv.StartRedis(t)
	rc, err := queue.Dial(context.Background(), r.URL(0), 8, 5*time.Second)
	require.NoError(t, err)
	defer rc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	sums := make([]Summary, 2)
	for i, name := range []string{"a", "b"} {
		q, err := queue.OpenRedis(ctx, rc, queue.RedisConfig{Job: "paced", Worker: name})
		require.NoError(t, err)
		defer q.Close()
		wg.Go(func() {
			m := retry.NewManager(retry.WithClassifier(browser.Classify))
			var err error
			sums[i], err = Run(ctx, Config{Flow: f, Browser: env.b, Manager: m, Results: results.NewWriter(io.Discard), Queue: q})
			assert.NoError(t, err, "worker %s", name)
		})
	}
	wg.Wait()

	for i, s := range sums {
		assert.Zero(t, s.Failed, "worker %d", i)
		assert.Positive(t, s.OK, "worker %d took no item: the test proves nothing", i)
	}
	assert.Equal(t, 6, sums[0].OK+sums[1].OK)
	var buf bytes.Buffer
	n, err := queue.Export(ctx, rc, "paced", &buf)
	require.NoError(t, err)
	assert.Equal(t, 6, n, "each item once")

	reqs := srv.Site().ShopRequests()
	require.Len(t, reqs, 6, "each page loaded once")
	// Booked a second apart by the job; when a load reaches the server depends on how fast a
	// loaded machine opens it (seen: up to ~450ms late), so a gap may shrink, the whole span
	// hardly. Unpaced, the two workers' loads come within ~100ms of each other, and the span of
	// six loads paced by each worker alone is ~2s.
	for i := 1; i < len(reqs); i++ {
		gap := reqs[i].Time.Sub(reqs[i-1].Time)
		assert.GreaterOrEqual(t, gap, 300*time.Millisecond, "request %d came %s after the one before", i, gap)
	}
	assert.GreaterOrEqual(t, reqs[len(reqs)-1].Time.Sub(reqs[0].Time), 4500*time.Millisecond)
}
