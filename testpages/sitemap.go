package testpages

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ShopSitemapStart is the <lastmod> of /shop/product/1 in the site's sitemap; product N was
// modified N-1 days later (47 on 2026-02-16), so a crawl's since: has something to leave out.
var ShopSitemapStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// ShopLastmod is the <lastmod> the sitemap gives /shop/product/i.
func ShopLastmod(i int) time.Time { return ShopSitemapStart.AddDate(0, 0, i-1) }

// sitemapIndex serves /sitemap.xml: a sitemap index naming /sitemap-shop.xml, as a shop's is.
// URLs are on the host the client asked for (127.0.0.1 or localhost: the same scope as its
// pages).
func (s *Site) sitemapIndex(w http.ResponseWriter, r *http.Request, c *call) {
	w.Header().Set("Content-Type", "application/xml")
	_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>http://%s/sitemap-shop.xml</loc><lastmod>%s</lastmod></sitemap>
</sitemapindex>
`, r.Host, ShopLastmod(ShopSize).Format("2006-01-02"))
}

// sitemapShop serves /sitemap-shop.xml: every product of /shop/ with its <lastmod>.
func (s *Site) sitemapShop(w http.ResponseWriter, r *http.Request, c *call) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for i := 1; i <= ShopSize; i++ {
		fmt.Fprintf(&b, "  <url><loc>http://%s/shop/product/%d</loc><lastmod>%s</lastmod></url>\n", r.Host, i, ShopLastmod(i).Format("2006-01-02"))
	}
	b.WriteString("</urlset>\n")
	w.Header().Set("Content-Type", "application/xml")
	_, _ = fmt.Fprint(w, b.String())
}

// robotsSitemapLine is the Sitemap: line the default robots.txt ends with, on the host the
// client asked for.
func robotsSitemapLine(r *http.Request) string {
	return "Sitemap: http://" + r.Host + "/sitemap.xml\n"
}
