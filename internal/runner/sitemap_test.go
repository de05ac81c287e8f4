package runner

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/crawl"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

func sitemapTestFlow(t *testing.T, maps, src string) *flow.Flow {
	t.Helper()
	f, err := flow.Parse([]byte(src), flow.Options{Env: func(n string) (string, bool) {
		if n == "MAPS" {
			return maps, true
		}
		return "", false
	}})
	require.NoError(t, err)
	return f
}

// ReadSitemaps keeps what a crawl may load (normalised, in scope, recent enough), counts the rest
// by reason per stage, and stops reading once a stage has max_items pages.
func TestReadSitemapsFilters(t *testing.T) {
	var mapsURL string
	var big atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/news.xml":
			fmt.Fprintf(w, `<urlset>
<url><loc>%[1]s/a#top</loc><lastmod>2026-05-01</lastmod></url>
<url><loc>/b</loc></url>
<url><loc>%[1]s/old</loc><lastmod>2025-12-31T23:59:59Z</lastmod></url>
<url><loc>https://elsewhere.example/x</loc></url>
<url><loc>%[1]s/excluded/y</loc></url>
<url><loc>http://[::1</loc></url>
</urlset>`, mapsURL)
		case "/big.xml":
			big.Add(1)
			var b strings.Builder
			b.WriteString("<urlset>")
			for i := range 100 {
				fmt.Fprintf(&b, "<url><loc>%s/p/%d</loc></url>", mapsURL, i)
			}
			b.WriteString("</urlset>")
			_, _ = w.Write([]byte(b.String()))
		case "/index.xml":
			fmt.Fprintf(w, `<sitemapindex><sitemap><loc>/big.xml</loc></sitemap><sitemap><loc>/news.xml</loc></sitemap></sitemapindex>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	mapsURL = srv.URL
	f := sitemapTestFlow(t, srv.URL, `
crawl: {scope: {exclude: ["/excluded/**"]}}
stages:
  news:
    sitemap: {url: "${MAPS}/news.xml", since: 2026-01-01}
    steps: [{click: a}]
  product:
    max_items: 10
    sitemap: "${MAPS}/index.xml"
    steps: [{click: a}]
`)
	m := retry.NewManager(retry.WithClock(retrytest.NewFakeClock(time.Now())))
	sm, err := ReadSitemaps(context.Background(), f, m, nil)
	require.NoError(t, err)
	var news, products []string
	for _, it := range sm.Items {
		assert.Zero(t, it.Depth)
		assert.Empty(t, it.Parent)
		if it.Stage == "news" {
			news = append(news, it.URL)
		} else {
			products = append(products, it.URL)
		}
	}
	assert.Equal(t, []string{srv.URL + "/a", srv.URL + "/b"}, news)
	assert.Equal(t, map[string]int{crawl.ReasonLastmod: 1, crawl.ReasonOutOfScope: 2, crawl.ReasonInvalid: 1}, sm.Skipped["news"])
	assert.Len(t, products, 10, "max_items: reading stops there")
	assert.Equal(t, int32(1), big.Load())
	assert.Equal(t, 3, sm.Files, "news.xml; index.xml and big.xml (news.xml not read again for product: stopped first)")
}

// With no start URL, a sitemap that fails is the run's error; with one, a warning.
func TestReadSitemapsFailure(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	alone := sitemapTestFlow(t, srv.URL, `
stages:
  s: {sitemap: "${MAPS}/sitemap.xml", steps: [{click: a}]}
`)
	_, err := ReadSitemaps(context.Background(), alone, nil, nil)
	require.Error(t, err)
	assert.Equal(t, "stage s: sitemap "+srv.URL+"/sitemap.xml: HTTP 404 Not Found", err.Error())
	assert.Equal(t, retry.NotFound, retry.Classify(err))

	withStart := sitemapTestFlow(t, srv.URL, `
stages:
  s: {start: ["${MAPS}/"], sitemap: robots, steps: [{click: a}]}
`)
	sm, err := ReadSitemaps(context.Background(), withStart, nil, nil)
	require.NoError(t, err)
	assert.Empty(t, sm.Items)
}
