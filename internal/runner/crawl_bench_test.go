package runner

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/testpages"
)

const benchCrawl = `
concurrency: %d
crawl: {max_items: 100, per_domain_concurrency: %d}
stages:
  listing:
    start: ["${SITE}/shop/catalog?page=1"]
    steps:
      - extract: {container: "#products .product", fields: {name: .name}}
      - enqueue: {links: "#products a.detail", stage: product}
      - enqueue: {links: a.next}
  product:
    steps:
      - extract: {container: .product-page, fields: {name: h1.name, price: .price}}
`

const benchList = `
concurrency: %d
items: [%s]
steps:
  - extract: {container: "body", fields: {name: "h1, .name", price: .price}}
`

// BenchmarkCrawlShop: the shop (5 catalogue pages, 47 products) crawled, against the same 52
// pages run as a fixed item list, at concurrency 1, 2 and 4. Each iteration runs both, in turns
// (list first, then crawl first), so a machine whose load changes during the run weighs on both
// alike. Reported: pages per minute of each, and crawl/list, the crawl's cost (1.10 is 10% more).
//
// The crawl obeys robots.txt (the default; the test site's has no Crawl-delay), so its cost
// includes the robots.txt fetch and it runs exactly the list's 52 pages: with robots: ignore it
// also ran the disallowed /shop/private/offer (an a.detail of page 2), whose product steps wait
// out their timeouts and fail (~50s of a ~70s crawl), which is not what a crawl costs. Pages of
// the domain may load `concurrency` at a time (per_domain_concurrency), as the list's do; the
// adaptive rate is on, as by default.
//
//	go test -run '^$' -bench CrawlShop -benchtime 3x ./internal/runner/
func BenchmarkCrawlShop(b *testing.B) {
	srv, err := testpages.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	site := strings.TrimSuffix(srv.URL("/"), "/")
	ctx := context.Background()
	br, err := browser.Launch(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	var urls []string
	for p := 1; p <= 5; p++ {
		urls = append(urls, fmt.Sprintf("%q", fmt.Sprintf("%s/shop/catalog?page=%d", site, p)))
	}
	for _, p := range testpages.ShopCatalog() {
		urls = append(urls, fmt.Sprintf("%q", site+p.Path))
	}
	env := func(k string) (string, bool) { return site, k == "SITE" }
	for _, conc := range []int{1, 2, 4} {
		parse := func(src string) *flow.Flow {
			fl, err := flow.Parse([]byte(src), flow.Options{Env: env})
			if err != nil {
				b.Fatal(err)
			}
			return fl
		}
		list := parse(fmt.Sprintf(benchList, conc, strings.Join(urls, ", ")))
		crawl := parse(fmt.Sprintf(benchCrawl, conc, conc))
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			var took [2]time.Duration // list, crawl
			pages, i := 0, 0
			for b.Loop() {
				for k := range 2 {
					which := (k + i) % 2 // list first, then crawl first
					fl := list
					if which == 1 {
						fl = crawl
					}
					m := retry.NewManager(retry.WithClassifier(browser.Classify))
					t0 := time.Now()
					sum, err := Run(ctx, Config{Flow: fl, Browser: br, Manager: m, Results: results.NewWriter(io.Discard)})
					took[which] += time.Since(t0)
					if err != nil || sum.OK != 52 || sum.Failed != 0 {
						b.Fatalf("%d ok, %d failed, want the same 52 pages ok: %v", sum.OK, sum.Failed, err)
					}
				}
				pages += 52
				i++
			}
			b.ReportMetric(float64(pages)/took[0].Minutes(), "list-pages/min")
			b.ReportMetric(float64(pages)/took[1].Minutes(), "crawl-pages/min")
			b.ReportMetric(took[1].Seconds()/took[0].Seconds(), "crawl/list")
		})
	}
}
