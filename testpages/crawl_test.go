package testpages

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

var (
	nextRE   = regexp.MustCompile(`class="next" rel="next" href="([^"]+)"`)
	detailRE = regexp.MustCompile(`class="detail" href="([^"]+)"`)
)

// Following a.next from page 1 lists every product of ShopCatalog once, plus the two links a
// crawler must not follow; products link to related products.
func TestShopCatalogueChain(t *testing.T) {
	s, err := Start()
	require.NoError(t, err)
	defer s.Close()
	var details []string
	u := s.URL("/shop/catalog?page=1")
	pagesSeen := 0
	for u != "" {
		code, body := get(t, u)
		require.Equal(t, 200, code, u)
		pagesSeen++
		assert.NotContains(t, body, "of 5", "the page count is not shown")
		for _, m := range detailRE.FindAllStringSubmatch(body, -1) {
			details = append(details, m[1])
		}
		u = ""
		if m := nextRE.FindStringSubmatch(body); m != nil {
			u = s.URL(m[1])
		}
	}
	assert.Equal(t, 5, pagesSeen)
	require.Len(t, details, ShopSize+2)
	for i, p := range ShopCatalog() {
		assert.Contains(t, details, p.Path, i)
	}
	assert.Contains(t, details, "/shop/private/offer")
	assert.Contains(t, strings.Join(details, " "), "http://localhost:")

	code, body := get(t, s.URL("/shop/product/47"))
	require.Equal(t, 200, code)
	assert.Contains(t, body, `href="/shop/product/1?utm_source=related#reviews"`, "47 links back to 1: a cycle")
	code, _ = get(t, s.URL("/shop/product/48"))
	assert.Equal(t, 404, code)

	code, body = get(t, s.URL("/robots.txt"))
	assert.Equal(t, 200, code)
	assert.Equal(t, DefaultRobots+"Sitemap: "+s.URL("/sitemap.xml")+"\n", body, "the default names the site's sitemap")
	s.Site().SetRobots("User-agent: *\nCrawl-delay: 1\n")
	_, body = get(t, s.URL("/robots.txt"))
	assert.Contains(t, body, "Crawl-delay: 1")
	assert.Len(t, s.Site().ShopRequests(), 7)
}

// More than SetShopRate requests within a second get 429 with Retry-After.
func TestShopLimited(t *testing.T) {
	s, err := Start()
	require.NoError(t, err)
	defer s.Close()
	s.Site().SetShopRate(3)
	codes := map[int]int{}
	for i := 0; i < 6; i++ {
		code, _ := get(t, s.URL("/shop/limited/product/1"))
		codes[code]++
	}
	// Six requests in a row take far less than a second here; if the machine is so slow that they
	// do not, fewer are refused, never more.
	assert.GreaterOrEqual(t, codes[200], 3)
	assert.Equal(t, codes[429], s.Hits("/shop/limited:429", ""))
	_, body := get(t, s.URL("/shop/limited/catalog?page=1"))
	assert.True(t, strings.Contains(body, "/shop/limited/product/1") || strings.Contains(body, "Too many requests"))
}

// The limited shop links within itself.
func TestShopLimitedLinks(t *testing.T) {
	s, err := Start()
	require.NoError(t, err)
	defer s.Close()
	s.Site().SetShopRate(100)
	code, body := get(t, s.URL("/shop/limited/catalog?page=1"))
	require.Equal(t, 200, code)
	assert.Contains(t, body, `href="/shop/limited/product/1"`)
	assert.Contains(t, body, `href="/shop/limited/catalog?page=2"`)
	code, body = get(t, s.URL("/shop/limited/product/1"))
	require.Equal(t, 200, code)
	assert.Contains(t, body, `href="/shop/limited/product/2?utm_source=related#reviews"`)
}
