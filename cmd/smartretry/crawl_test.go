package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/testpages"
)

// crawlCounts reads a crawl's results: ok items per key, product records per name, stages.
func crawlCounts(t *testing.T, path string) (items map[string]int, names map[string]int, stages map[string]int) {
	items, names, stages = map[string]int{}, map[string]int{}, map[string]int{}
	for _, l := range readResults(t, path) {
		switch {
		case l.Kind == results.KindItem && l.Status == results.StatusOK:
			items[l.Item]++
			stages[l.Stage]++
		case l.Kind == results.KindRecord && l.Stage == "product":
			names[l.Data["name"].(string)]++
		}
	}
	return items, names, stages
}

// wholeShopOnce asserts that the results file at path has each item once, each product of the
// shop's catalogue once and nothing else, 5 listing pages and one product page per product, and
// returns the items.
func wholeShopOnce(t *testing.T, path string) map[string]int {
	t.Helper()
	items, names, stages := crawlCounts(t, path)
	for k, n := range items {
		assert.Equal(t, 1, n, "item %s", k)
	}
	for _, p := range testpages.ShopCatalog() {
		assert.Equal(t, 1, names[p.Name], "product %s", p.Name)
	}
	assert.Len(t, names, testpages.ShopSize)
	assert.Equal(t, 5, stages["listing"])
	assert.Equal(t, testpages.ShopSize, stages["product"])
	return items
}

// noForbiddenRequests: nothing robots.txt disallows and nothing on the other host name was asked.
func noForbiddenRequests(t *testing.T, srv *testpages.Server) {
	t.Helper()
	host := srv.Addr()
	for _, r := range srv.Site().ShopRequests() {
		assert.Equal(t, host, r.Host, "left the scope: %s", r.Path)
		assert.NotContains(t, r.Path, "/shop/private/", "robots.txt disallows it")
		assert.NotContains(t, r.Path, "/shop/partner/")
	}
}

// A crawl of the shop killed with SIGKILL in the middle and resumed finds every product of the
// catalogue exactly once, never leaves the scope, never loads what robots.txt disallows.
func TestCrawlKillAndResume(t *testing.T) {
	srv, site := startSite(t)
	dir := t.TempDir()
	flowFile := filepath.Join(wd(t), "../../examples/crawl.yaml")
	out := filepath.Join(dir, "out.jsonl")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := cmd(ctx, dir, []string{site}, "run", "--out", out, flowFile)
	c.Stdout, c.Stderr = io.Discard, io.Discard
	require.NoError(t, c.Start())
	for {
		data, _ := os.ReadFile(out)
		if bytes.Count(data, []byte(`"kind":"item"`)) >= 8 {
			break
		}
		require.NoError(t, ctx.Err(), "no items written")
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, syscall.Kill(-c.Process.Pid, syscall.SIGKILL))
	_ = c.Wait()
	require.Less(t, readResultsTolerant(t, out), testpages.ShopSize, "the kill came too late to prove anything")

	r := run(t, dir, []string{site}, "run", "--out", out, "--resume", flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "stage product: 47 found, 47 ok")
	assert.Regexp(t, `stage product: .*skipped: duplicate \d+, out_of_scope 1, robots 1`, r.stderr)

	wholeShopOnce(t, out)
	noForbiddenRequests(t, srv)
	// Each product page was loaded at most twice (once more only if the kill caught it running).
	loads := map[string]int{}
	for _, rq := range srv.Site().ShopRequests() {
		loads[strings.SplitN(rq.Path, "?", 2)[0]]++
	}
	for _, p := range testpages.ShopCatalog() {
		assert.LessOrEqual(t, loads[p.Path], 2, p.Path)
	}
}

func writeFlow(t *testing.T, dir, src string) string {
	p := filepath.Join(dir, "flow.yaml")
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	return p
}

// max_items and max_depth end a crawl early; what they cut is counted as "limit".
func TestCrawlLimits(t *testing.T) {
	srv, site := startSite(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	f := writeFlow(t, dir, `
concurrency: 2
crawl: {max_depth: 1, normalize: {strip_params: [utm_*]}}
stages:
  listing:
    start: ["${SITE}/shop/catalog?page=1"]
    steps:
      - enqueue: {links: "#products a.detail", stage: product}
      - enqueue: {links: a.next}
  product:
    max_items: 4
    steps:
      - extract: {container: .product-page, fields: {name: h1.name}}
`)
	r := run(t, dir, []string{site}, "run", "--out", out, f)
	require.Equal(t, 0, r.code, r.stderr)
	_, names, stages := crawlCounts(t, out)
	assert.Equal(t, 2, stages["listing"], "page 1 and, at depth 1, page 2")
	assert.Equal(t, 4, stages["product"], "max_items of the stage")
	assert.Len(t, names, 4)
	assert.Contains(t, r.stderr, "stage listing: 2 found, 2 ok, 0 failed; skipped: limit 1")
	assert.Regexp(t, `stage product: 4 found, 4 ok, 0 failed; skipped: limit \d+`, r.stderr)
	noForbiddenRequests(t, srv)
}

// robots.txt's Crawl-delay spaces the page loads of the domain, as the server saw them arrive.
func TestCrawlHonoursCrawlDelay(t *testing.T) {
	srv, site := startSite(t)
	srv.Site().SetRobots("User-agent: *\nDisallow: /shop/private/\nCrawl-delay: 1\n")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	f := writeFlow(t, dir, `
concurrency: 3
crawl: {max_items: 5}
stages:
  listing:
    start: ["${SITE}/shop/catalog?page=1"]
    steps:
      - enqueue: {links: "#products a.detail", stage: product}
  product:
    steps:
      - extract: {container: .product-page, fields: {name: h1.name}}
`)
	r := run(t, dir, []string{site}, "run", "--out", out, f)
	require.Equal(t, 0, r.code, r.stderr)
	reqs := srv.Site().ShopRequests()
	require.Len(t, reqs, 5)
	// The crawler starts the loads a second apart. When they reach the server depends on how
	// fast a loaded machine opens a tab, so one gap may shrink a little; the jitter does not add
	// up, the whole span does not shrink.
	for i := 1; i < len(reqs); i++ {
		gap := reqs[i].Time.Sub(reqs[i-1].Time)
		assert.GreaterOrEqual(t, gap, 600*time.Millisecond, "request %d came %s after the one before", i, gap)
	}
	assert.GreaterOrEqual(t, reqs[len(reqs)-1].Time.Sub(reqs[0].Time), 3700*time.Millisecond)
	assert.Equal(t, 1, srv.Hits("/robots.txt", ""), "robots.txt is read once")
}

// /shop/limited/ refuses more than 2 requests a second here. The adaptive rate finds the limit: every
// item ends ok with few 429s, where a fixed 8 pages at once without politeness meets many.
func TestCrawlAdaptiveRate(t *testing.T) {
	flowOf := func(polite string) string {
		return `
concurrency: 8
engine:
  errors: {rate_limit: {max_attempts: 8, base_delay: 100ms, max_delay: 1s}}
  circuit_breaker: {cooloff: 2s}   # the default 60s cooloff after three 429s would dwarf the test
crawl:
  max_items: 30
` + polite + `
stages:
  listing:
    start: ["${SITE}/shop/limited/catalog?page=1"]
    steps:
      - enqueue: {links: "#products a.detail", stage: product}
      - enqueue: {links: a.next}
  product:
    steps:
      - extract: {container: .product-page, fields: {name: h1.name}}
`
	}
	count := func(polite string) (int, int, string) {
		srv, site := startSite(t)
		srv.Site().SetShopRate(2) // low enough for a loaded CI machine to go over it
		dir := t.TempDir()
		out := filepath.Join(dir, "out.jsonl")
		r := run(t, dir, []string{site}, "run", "--item-attempts", "3", "--out", out, writeFlow(t, dir, flowOf(polite)))
		// Each run ends by itself, fixed rate too: one still going after 3 minutes was stuck (a
		// crawl once stalled so, and only the adaptive run's count showed it).
		assert.NotContains(t, r.stderr, "SIGQUIT", "the run (%s) was stuck and killed", polite)
		assert.Contains(t, []int{0, 1}, r.code, "the run (%s) ended by itself: %s", polite, r.stderr)
		items, _, _ := crawlCounts(t, out)
		return len(items), srv.Hits("/shop/limited:429", ""), fmt.Sprintf("exit %d\n%s", r.code, r.stderr)
	}
	okPolite, politeRefused, log := count("  per_domain_concurrency: 8")
	assert.Equal(t, 30, okPolite, log)
	okFixed, fixedRefused, log2 := count("  per_domain_concurrency: 8\n  adaptive: false")
	t.Logf("adaptive: %d ok, %d 429s; fixed: %d ok, %d 429s", okPolite, politeRefused, okFixed, fixedRefused)
	assert.LessOrEqual(t, politeRefused, 20, "a few 429s for 30 pages: %s", log)
	// Without politeness the 429s per page done are many more (on a loaded machine the fixed run
	// may not even finish its pages: compare per page, not totals).
	require.Positive(t, okPolite)
	assert.Greater(t, fixedRefused*okPolite, politeRefused*max(okFixed, 1), log2)
}

// Two workers crawl the shop through one job in Redis (run --queue); one is killed (SIGKILL) in
// the middle. The other claims its items and ends the crawl: every product of the catalogue
// exactly once in the job's results, each URL run once per stage, the job's stage counts exact,
// nothing out of scope or disallowed loaded.
func TestCrawlQueueTwoWorkers(t *testing.T) {
	srv, site := startSite(t)
	r := testenv.StartRedis(t, testenv.RedisPassword(redisPass))
	c := jobClient(t, r)
	dir := t.TempDir()
	flowFile := filepath.Join(wd(t), "../../examples/crawl.yaml")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	args := func(n int) []string {
		return []string{"run", "--queue", r.URL(0), "--claim-after", "3s", "--concurrency", "2",
			"--out", filepath.Join(dir, fmt.Sprintf("w%d.jsonl", n)), flowFile}
	}
	w1 := startWorker(t, ctx, dir, []string{site}, args(1)...)
	w2 := startWorker(t, ctx, dir, []string{site}, args(2)...)
	waitDone(t, ctx, c, "shop-crawl", 8)
	require.NoError(t, syscall.Kill(-w1.c.Process.Pid, syscall.SIGKILL))
	<-w1.done
	select {
	case <-w2.done:
	case <-ctx.Done():
		t.Fatalf("the worker did not finish: %s", w2.errb.String())
	}
	stderr := w2.errb.String()
	require.Equal(t, 0, w2.c.ProcessState.ExitCode(), stderr)
	assert.NotContains(t, stderr, redisPass)
	// The job's counts, not this worker's: exact although an item of the killed one ran twice.
	assert.Contains(t, stderr, "stage listing: 5 found, 5 ok, 0 failed")
	assert.Regexp(t, `stage product: 47 found, 47 ok, 0 failed; skipped: duplicate \d+, out_of_scope 1, robots 1\n`, stderr)
	assert.Contains(t, stderr, "job shop-crawl")
	// The engine's counts are the job's: the surviving worker's summary adds the killed one's
	// (all but its last ones) to its own.
	assert.Regexp(t, `job shop-crawl engine: \d+ attempts, \d+ retries, \d+ escalations`, stderr)

	all := filepath.Join(dir, "all.jsonl")
	res := run(t, dir, nil, "results", "--queue", r.URL(0), "--job", "shop-crawl", "-o", all)
	require.Equal(t, 0, res.code, res.stderr)
	items := wholeShopOnce(t, all)
	assert.Len(t, items, 5+testpages.ShopSize)
	noForbiddenRequests(t, srv)
	// Each page was loaded once, twice only if the kill caught it running.
	loads := map[string]int{}
	for _, rq := range srv.Site().ShopRequests() {
		loads[strings.SplitN(rq.Path, "#", 2)[0]]++
	}
	twice := 0
	for p, n := range loads {
		assert.LessOrEqual(t, n, 2, p)
		if n == 2 {
			twice++
		}
	}
	assert.LessOrEqual(t, twice, 2, "the killed worker ran at most 2 pages at once")

	st := run(t, dir, nil, "status", "--queue", r.URL(0), "--job", "shop-crawl", "--json")
	require.Equal(t, 0, st.code, st.stderr)
	assert.Contains(t, st.stdout, `"ok": 52`)
	assert.Contains(t, st.stdout, `"stages"`)
	var js struct{ Counters queue.Counters }
	require.NoError(t, json.Unmarshal([]byte(st.stdout), &js))
	assert.GreaterOrEqual(t, js.Counters.Attempts, 5+testpages.ShopSize, "each page's navigation is an attempt, job-wide")
}
