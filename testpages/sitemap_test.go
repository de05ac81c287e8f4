package testpages

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/crawl"
)

// robots.txt names /sitemap.xml, an index naming the shop's sitemap, which lists every product
// of ShopCatalog once with its lastmod, on the host the client used; a robots.txt a test set has
// no Sitemap: line of ours.
func TestSitemap(t *testing.T) {
	s, err := Start()
	require.NoError(t, err)
	defer s.Close()

	_, robots := get(t, s.URL("/robots.txt"))
	var maps []string
	for _, line := range strings.Split(robots, "\n") {
		if v, ok := strings.CutPrefix(line, "Sitemap: "); ok {
			maps = append(maps, v)
		}
	}
	require.Equal(t, []string{s.URL("/sitemap.xml")}, maps)

	code, body := get(t, maps[0])
	require.Equal(t, 200, code)
	var index struct {
		XMLName  xml.Name `xml:"sitemapindex"`
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	require.NoError(t, xml.Unmarshal([]byte(body), &index))
	require.Len(t, index.Sitemaps, 1)
	assert.Equal(t, s.URL("/sitemap-shop.xml"), index.Sitemaps[0].Loc)

	code, body = get(t, index.Sitemaps[0].Loc)
	require.Equal(t, 200, code)
	parsed, err := crawl.ParseSitemap(strings.NewReader(body), nil, 0)
	require.NoError(t, err)
	require.Len(t, parsed.Entries, ShopSize)
	for i, p := range ShopCatalog() {
		e := parsed.Entries[i]
		assert.Equal(t, s.URL(p.Path), e.URL)
		assert.Equal(t, ShopLastmod(i+1).Format("2006-01-02"), e.LastMod.Format("2006-01-02"))
		code, page := get(t, e.URL)
		assert.Equal(t, 200, code, e.URL)
		assert.Contains(t, page, p.Name)
	}
	assert.Equal(t, "2026-02-16", ShopLastmod(ShopSize).Format("2006-01-02"))

	// Under the other host name the URLs are on that host (the crawler's scope).
	other := strings.Replace(s.URL("/sitemap-shop.xml"), "127.0.0.1", "localhost", 1)
	_, body = get(t, other)
	assert.Contains(t, body, fmt.Sprintf("<loc>%s</loc>", strings.Replace(s.URL("/shop/product/1"), "127.0.0.1", "localhost", 1)))

	s.Site().SetRobots("User-agent: *\nCrawl-delay: 1\n")
	_, robots = get(t, s.URL("/robots.txt"))
	assert.NotContains(t, robots, "Sitemap:")
}
