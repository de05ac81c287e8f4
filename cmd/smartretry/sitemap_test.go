package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/testpages"
)

// sitemapServer serves the shop's sitemaps from another port of 127.0.0.1 (the same domain to
// a crawl): an index of a plain sitemap and a gzipped one that answers 503 (Retry-After: 1)
// the first time. Between them they list products 1-5, 8 and 9, product 1 again (with
// ?utm_source), product 7 with a lastmod before the flow's since, a page robots.txt disallows
// and a product on another host name.
type sitemapServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func startSitemaps(t *testing.T, site string) *sitemapServer {
	t.Helper()
	shop := strings.TrimPrefix(site, "SITE=")
	other := strings.Replace(shop, "127.0.0.1", "localhost", 1)
	entry := func(path, lastmod string) string {
		if lastmod != "" {
			lastmod = "<lastmod>" + lastmod + "</lastmod>"
		}
		return fmt.Sprintf("<url>\n  <loc>\n    %s%s\n  </loc>%s\n</url>\n", shop, path, lastmod)
	}
	a := `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` +
		entry("/shop/product/1", "2026-02-01") + entry("/shop/product/2", "") + entry("/shop/product/3", "2026-03-01T10:00:00+00:00") +
		entry("/shop/product/4", "") + entry("/shop/product/5", "") + entry("/shop/product/7", "2025-06-30") +
		entry("/shop/private/secret", "") + entry("/shop/product/1?utm_source=sitemap", "") +
		strings.Replace(entry("/shop/product/6", ""), shop, other, 1) + `</urlset>`
	b := `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + entry("/shop/product/8", "") + entry("/shop/product/9", "") + `</urlset>`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(b))
	require.NoError(t, zw.Close())

	s := &sitemapServer{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		n := s.hits[r.URL.Path]
		s.mu.Unlock()
		switch r.URL.Path {
		case "/sitemap.xml":
			fmt.Fprintf(w, `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>%s/a.xml</loc></sitemap><sitemap><loc>/b.xml.gz</loc></sitemap></sitemapindex>`, s.URL)
		case "/a.xml":
			_, _ = w.Write([]byte(a))
		case "/b.xml.gz":
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", "application/x-gzip")
			_, _ = w.Write(gz.Bytes())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *sitemapServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

const sitemapFlow = `
name: maps
concurrency: 2
engine:
  errors: {server_error: {base_delay: 100ms}}   # the sitemap's Retry-After (1s) is longer
crawl: {normalize: {strip_params: [utm_*]}}
stages:
  product:
    sitemap: {url: "${MAPS}/sitemap.xml", since: 2026-01-01}
    steps:
      - extract: {container: .product-page, fields: {name: h1.name}}
`

// The sitemap's pages, as the crawl must load them.
var sitemapProducts = []int{1, 2, 3, 4, 5, 8, 9}

func assertSitemapProducts(t *testing.T, srv *testpages.Server, out string) {
	t.Helper()
	_, names, stages := crawlCounts(t, out)
	assert.Equal(t, len(sitemapProducts), stages["product"])
	cat := testpages.ShopCatalog()
	for _, i := range sitemapProducts {
		assert.Equal(t, 1, names[cat[i-1].Name], "product %d", i)
	}
	assert.Len(t, names, len(sitemapProducts))
	noForbiddenRequests(t, srv)
}

// A crawl started from a sitemap index (a plain sitemap and a gzipped one that answers 503
// first) loads exactly the pages the sitemaps list that are in scope, allowed by robots.txt,
// not seen before and modified since the flow's date; the summary counts the rest by reason.
func TestCrawlFromSitemap(t *testing.T) {
	srv, site := startSite(t)
	maps := startSitemaps(t, site)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	f := writeFlow(t, dir, sitemapFlow)
	r := run(t, dir, []string{site, "MAPS=" + maps.URL}, "run", "--out", out, f)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "stage product: 7 found, 7 ok, 0 failed; skipped: duplicate 1, lastmod 1, out_of_scope 1, robots 1")
	assertSitemapProducts(t, srv, out)
	assert.Equal(t, 1, maps.count("/sitemap.xml"))
	assert.Equal(t, 1, maps.count("/a.xml"))
	assert.Equal(t, 2, maps.count("/b.xml.gz"), "503, then read after its Retry-After")

	// --resume reads the sitemaps again and runs none of the pages done.
	loads := len(srv.Site().ShopRequests())
	r = run(t, dir, []string{site, "MAPS=" + maps.URL}, "run", "--out", out, "--resume", f)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "resume: 7 items already done")
	assert.Contains(t, r.stderr, "stage product: 7 found, 7 ok, 0 failed; skipped: duplicate 1, lastmod 1, out_of_scope 1, robots 1")
	assert.Equal(t, loads, len(srv.Site().ShopRequests()), "no page loaded again")
	assert.Equal(t, 2, maps.count("/a.xml"))
	assertSitemapProducts(t, srv, out)
}

// sitemap: robots reads the Sitemap: lines of the start URL's robots.txt; the start URL found
// again in the sitemap is a duplicate.
func TestCrawlFromRobotsSitemap(t *testing.T) {
	srv, site := startSite(t)
	maps := startSitemaps(t, site)
	srv.Site().SetRobots(testpages.DefaultRobots + "Sitemap: " + maps.URL + "/a.xml\n")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	f := writeFlow(t, dir, `
concurrency: 2
crawl: {normalize: {strip_params: [utm_*]}}
stages:
  product:
    start: ["${SITE}/shop/product/1"]
    sitemap: robots
    steps:
      - extract: {container: .product-page, fields: {name: h1.name}}
`)
	r := run(t, dir, []string{site}, "run", "--out", out, f)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "stage product: 6 found, 6 ok, 0 failed; skipped: duplicate 2, out_of_scope 1, robots 1",
		"products 1-5 and 7; product 1 is a start URL and listed twice")
	assert.Equal(t, 1, maps.count("/a.xml"))
}

// A sitemap that cannot be read fails the run before the browser starts (exit 2, as bad input)
// when the crawl has nothing else to start from; with start URLs the crawl goes on without it.
func TestCrawlSitemapNotFound(t *testing.T) {
	_, site := startSite(t)
	maps := startSitemaps(t, site)
	dir := t.TempDir()
	f := writeFlow(t, dir, strings.Replace(sitemapFlow, "/sitemap.xml", "/gone.xml", 1))
	r := run(t, dir, []string{site, "MAPS=" + maps.URL, "SMARTRETRY_BROWSER=/nonexistent/chromium"}, "run", "--out", filepath.Join(dir, "out.jsonl"), f)
	assert.Equal(t, 2, r.code, "exit 2 (a browser start would have been exit 3): %s", r.stderr)
	assert.Contains(t, r.stderr, "sitemap "+maps.URL+"/gone.xml: HTTP 404 Not Found")
	assert.Equal(t, 1, maps.count("/gone.xml"), "a 404 is not asked again")

	out := filepath.Join(dir, "out2.jsonl")
	f = writeFlow(t, dir, `
stages:
  product:
    start: ["${SITE}/shop/product/1"]
    sitemap: ${MAPS}/gone.xml
    steps:
      - extract: {container: .product-page, fields: {name: h1.name}}
`)
	r = run(t, dir, []string{site, "MAPS=" + maps.URL}, "run", "--out", out, f)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "sitemap not read: the crawl starts from its start URLs without it")
	assert.Contains(t, r.stderr, "stage product: 1 found, 1 ok")
}

// Two workers of one job (--queue) both read the sitemaps and add their pages: the job keeps
// each page once and counts the skips once.
func TestCrawlFromSitemapQueue(t *testing.T) {
	srv, site := startSite(t)
	maps := startSitemaps(t, site)
	rd := testenv.StartRedis(t, testenv.RedisPassword(redisPass))
	dir := t.TempDir()
	f := writeFlow(t, dir, sitemapFlow)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := []string{site, "MAPS=" + maps.URL, "SMARTRETRY_QUEUE=" + rd.URL(0)}
	w1 := startWorker(t, ctx, dir, env, "run", "--out", filepath.Join(dir, "w1.jsonl"), f)
	w2 := startWorker(t, ctx, dir, env, "run", "--out", filepath.Join(dir, "w2.jsonl"), f)
	for _, w := range []*worker{w1, w2} {
		select {
		case <-w.done:
		case <-ctx.Done():
			t.Fatalf("a worker did not finish: %s", w.errb.String())
		}
		assert.Equal(t, 0, w.c.ProcessState.ExitCode(), w.errb.String())
		assert.Contains(t, w.errb.String(), "stage product: 7 found, 7 ok, 0 failed; skipped: duplicate 1, lastmod 1, out_of_scope 1, robots 1")
	}
	out := filepath.Join(dir, "all.jsonl")
	r := run(t, dir, env, "results", "--job", "maps", "-o", out)
	require.Equal(t, 0, r.code, r.stderr)
	assertSitemapProducts(t, srv, out)
}
