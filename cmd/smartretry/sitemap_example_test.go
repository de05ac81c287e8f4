package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/testpages"
)

// examples/sitemap.yaml against the test site: robots.txt names the sitemap index, whose child
// lists every product; each is crawled once, and nothing but product pages is loaded. With a
// since: only the products modified from that date on are.
func TestExampleSitemapCrawl(t *testing.T) {
	srv, site := startSite(t)
	dir := t.TempDir()
	flowFile := filepath.Join(wd(t), "../../examples/sitemap.yaml")
	out := filepath.Join(dir, "out.jsonl")
	r := run(t, dir, []string{site}, "run", "--out", out, flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "stage product: 47 found, 47 ok, 0 failed")

	items, names, stages := crawlCounts(t, out)
	for k, n := range items {
		assert.Equal(t, 1, n, "item %s", k)
	}
	for _, p := range testpages.ShopCatalog() {
		assert.Equal(t, 1, names[p.Name], "product %s", p.Name)
	}
	assert.Len(t, names, testpages.ShopSize)
	assert.Equal(t, map[string]int{"product": testpages.ShopSize}, stages)
	for _, rq := range srv.Site().ShopRequests() {
		assert.True(t, strings.HasPrefix(rq.Path, "/shop/product/"), "only product pages are loaded: %s", rq.Path)
	}

	// The night after: only what changed since 2026-02-01 (products 32 to 47).
	src, err := os.ReadFile(flowFile)
	require.NoError(t, err)
	since := strings.Replace(string(src), `sitemap: "${SITE}/robots.txt"`, `sitemap: {url: "${SITE}/robots.txt", since: 2026-02-01}`, 1)
	require.NotEqual(t, string(src), since, "the example's sitemap line changed: update this test")
	out2 := filepath.Join(dir, "since.jsonl")
	r = run(t, dir, []string{site}, "run", "--out", out2, writeFlow(t, dir, since))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "stage product: 16 found, 16 ok, 0 failed; skipped: lastmod 31")
	_, names, _ = crawlCounts(t, out2)
	assert.Len(t, names, 16)
	for i, p := range testpages.ShopCatalog() {
		assert.Equal(t, i+1 >= 32, names[p.Name] == 1, "product %d", i+1)
	}
}
