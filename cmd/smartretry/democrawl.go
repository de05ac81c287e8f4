package main

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/runner"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/testpages"
)

// demoShop is the demo's short crawl: the first catalogue page of the shop, its products, each
// once however often they link to one another.
const demoShop = `
name: demo-crawl
crawl:
  max_items: 8
  normalize: {strip_params: [utm_*]}
stages:
  listing:
    start: ["${SITE}/shop/catalog?page=1"]
    steps:
      - enqueue: {links: "#products a.detail", stage: product}
      - enqueue: {links: a.next}
  product:
    steps:
      - extract: {container: .product-page, fields: {name: h1.name, price: .price}}
      - enqueue: {links: a.related, stage: product}
`

// demoCrawl runs the short crawl and prints what each stage found, ran and skipped. It is not one
// of the scored scenarios: it shows how a flow with stages runs.
func demoCrawl(ctx context.Context, pr *demoPrinter, site *testpages.Server, b *browser.Browser, m *retry.Manager) {
	fl, err := flow.Parse([]byte(demoShop), flow.Options{File: "demo-crawl.yaml", Env: func(k string) (string, bool) {
		if k == "SITE" {
			return strings.TrimSuffix(site.URL("/"), "/"), true
		}
		return "", false
	}})
	if err != nil {
		pr.printf("   crawl flow: %v\n", err)
		return
	}
	w := results.NewWriter(io.Discard)
	t0 := time.Now()
	sum, err := runner.Run(ctx, runner.Config{Flow: fl, Browser: b, Manager: m, Results: w, Concurrency: 2,
		ActionTimeout: 5 * time.Second})
	if err != nil {
		pr.printf("   crawl: %v\n", err)
		return
	}
	pr.printf("   %d pages ok, %d failed, %d records in %s\n", sum.OK, sum.Failed, sum.Records, time.Since(t0).Round(10*time.Millisecond))
	for _, line := range strings.Split(runner.StagesText(runner.StagesOf(w)), "\n") {
		pr.printf("   %s\n", line)
	}
}
