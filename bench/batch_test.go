package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/progress"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/runner"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/testpages"
)

// pages is how many product pages one round visits (the test site has 200).
const pages = 200

// productsFlow is examples/products.yaml with the 200 products as items.
const productsFlow = `name: products
items_file: products.jsonl
start_url: ${SITE}/product/${item.n}
steps:
  - wait_for: h1.name
  - extract:
      container: article.product-page
      fields:
        name: h1.name
        price: .price
`

// BenchmarkBatch: 200 product pages (navigate, read the name and the price), the browser's start
// and close included, three ways at concurrency 1 and 4. The metric is pages/s.
func BenchmarkBatch(b *testing.B) {
	srv, err := testpages.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for _, kind := range []struct {
		name string
		run  func(b *testing.B, srv *testpages.Server, conc int) int
	}{
		{"runner", func(b *testing.B, srv *testpages.Server, conc int) int { return runRunner(b, srv, conc, true) }},
		{"runner-shared", func(b *testing.B, srv *testpages.Server, conc int) int { return runRunner(b, srv, conc, false) }},
		{"rod-loop", runRod},
		{"rod-loop-visible", runRodVisible},
		{"playwright", runPlaywright},
	} {
		for _, conc := range []int{1, 4} {
			b.Run(fmt.Sprintf("%s/c%d", kind.name, conc), func(b *testing.B) {
				var total time.Duration
				for b.Loop() {
					t0 := time.Now()
					if ok := kind.run(b, srv, conc); ok != pages {
						b.Fatalf("%d of %d pages read", ok, pages)
					}
					total += time.Since(t0)
				}
				b.ReportMetric(float64(pages*b.N)/total.Seconds(), "pages/s")
			})
		}
	}
}

// BenchmarkBatchVsRod runs the runner (isolated items, the default) and the go-rod loop in turns
// within each iteration, the order rotated each time, and reports the rates and their ratio: on a
// shared 2-core machine the load changes more between sub-benchmarks run one after the other than
// the two differ, so only a ratio taken in turns compares them. At concurrency > 1 the loop runs
// a second way too, every tab visible (runner/rod-visible): the plain loop's hidden tabs render
// nothing, which is most of its lead there.
// go test -run '^$' -bench BatchVsRod -benchtime 3x ./bench/
func BenchmarkBatchVsRod(b *testing.B) {
	srv, err := testpages.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for _, conc := range []int{1, 4} {
		b.Run(fmt.Sprintf("c%d", conc), func(b *testing.B) {
			// At concurrency 1 the rod loop's one tab is visible: the visible variant would be the
			// same loop again.
			kinds := []func() int{
				func() int { return runRunner(b, srv, conc, true) },
				func() int { return runRod(b, srv, conc) },
			}
			if conc > 1 {
				kinds = append(kinds, func() int { return runRodVisible(b, srv, conc) })
			}
			took := make([]time.Duration, len(kinds))
			i := 0
			for b.Loop() {
				// In turns, the order rotated each iteration.
				for k := range kinds {
					j := (i + k) % len(kinds)
					t0 := time.Now()
					if ok := kinds[j](); ok != pages {
						b.Fatalf("%d of %d pages read", ok, pages)
					}
					took[j] += time.Since(t0)
				}
				i++
			}
			rate := func(d time.Duration) float64 { return float64(pages*b.N) / d.Seconds() }
			b.ReportMetric(rate(took[0]), "runner-pages/s")
			b.ReportMetric(rate(took[1]), "rod-pages/s")
			b.ReportMetric(took[1].Seconds()/took[0].Seconds(), "runner/rod")
			if len(took) > 2 {
				b.ReportMetric(rate(took[2]), "rod-visible-pages/s")
				b.ReportMetric(took[2].Seconds()/took[0].Seconds(), "runner/rod-visible")
			}
		})
	}
}

// runRunner runs the flow as `smartretry run --concurrency conc --out FILE` does: results written
// and fsynced per item, progress tracked, a fresh Chromium. isolate false runs the items in the
// browser's default context (runner-shared: what the rod loop does).
func runRunner(b *testing.B, srv *testpages.Server, conc int, isolate bool) int {
	ctx := context.Background()
	var items strings.Builder
	for i := 1; i <= pages; i++ {
		fmt.Fprintf(&items, "{\"id\": \"product-%d\", \"n\": %d}\n", i, i)
	}
	site := strings.TrimSuffix(srv.URL("/"), "/")
	fl, err := flow.Parse([]byte(productsFlow), flow.Options{File: "products.yaml",
		Env:      func(k string) (string, bool) { return site, k == "SITE" },
		ReadFile: func(string) ([]byte, error) { return []byte(items.String()), nil }})
	if err != nil {
		b.Fatal(err)
	}
	w, err := results.Create(filepath.Join(b.TempDir(), "out.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	tracker := progress.NewTracker(len(fl.Batch()))
	m := retry.NewManager(append(runner.ManagerOptions(fl.Engine), retry.WithClassifier(browser.Classify),
		retry.WithObserver(tracker.Observe))...)
	br, err := browser.Launch(ctx, benchFlags()...)
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	sum, err := runner.Run(ctx, runner.Config{Flow: fl, Browser: br, Manager: m, Results: w, Tracker: tracker,
		Concurrency: conc, Isolate: &isolate})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range sum.Failures {
		b.Logf("failed: %s: %s", f.Item, f.Error)
	}
	return sum.OK
}

// benchFlags are Chromium switches from $BENCH_FLAGS ("name=v1,v2 name2 …"), for trying a
// switch's cost on the runner without a rebuild.
func benchFlags() []browser.Option {
	var opts []browser.Option
	for _, f := range strings.Fields(os.Getenv("BENCH_FLAGS")) {
		name, vals, ok := strings.Cut(f, "=")
		if !ok {
			opts = append(opts, browser.Flag(name))
			continue
		}
		opts = append(opts, browser.Flag(name, strings.Split(vals, ",")...))
	}
	return opts
}

// runRod is the loop a user writes with go-rod: one browser, one reused tab per worker,
// navigate, wait for the load, read two elements. Its tabs share one window, so all but the last
// opened are hidden: Chromium does not render them (no paint, no requestAnimationFrame, no
// IntersectionObserver), which saves it CPU at concurrency > 1 and leaves lazy content unloaded.
func runRod(b *testing.B, srv *testpages.Server, conc int) int {
	return runRodLoop(b, srv, conc, false)
}

// runRodVisible is the same loop with each worker's tab in a window of its own, so that every page
// renders, as in a person's browser and in the runner (each Session's tab is visible).
func runRodVisible(b *testing.B, srv *testpages.Server, conc int) int {
	return runRodLoop(b, srv, conc, true)
}

func runRodLoop(b *testing.B, srv *testpages.Server, conc int, visible bool) int {
	bin, ok := launcher.LookPath()
	if !ok {
		b.Fatal("no Chromium: run make setup")
	}
	l := launcher.New().Bin(bin).NoSandbox(true).Leakless(false).Headless(true)
	defer l.Cleanup()
	defer l.Kill()
	u, err := l.Launch()
	if err != nil {
		b.Fatal(err)
	}
	br := rod.New().ControlURL(u)
	if err := br.Connect(); err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := br.Page(proto.TargetCreateTarget{URL: "about:blank", NewWindow: visible})
			if err != nil {
				b.Error(err)
				return
			}
			defer p.Close()
			for {
				n := next.Add(1)
				if n > pages {
					return
				}
				pt := p.Timeout(30 * time.Second)
				if err := pt.Navigate(srv.URL(fmt.Sprintf("/product/%d", n))); err != nil {
					b.Error(err)
					return
				}
				if err := pt.WaitLoad(); err != nil {
					b.Error(err)
					return
				}
				name, err := pt.MustElement("h1.name").Text()
				if err != nil {
					b.Error(err)
					return
				}
				price, err := pt.MustElement(".price").Text()
				if err != nil {
					b.Error(err)
					return
				}
				if name != "" && price != "" {
					done.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return int(done.Load())
}

// runPlaywright runs bench/playwright/batch.js with node (playwright-core and the system
// Chromium: `make bench-batch` installs playwright-core; nothing downloads a browser).
func runPlaywright(b *testing.B, srv *testpages.Server, conc int) int {
	if _, err := os.Stat("playwright/node_modules/playwright-core"); err != nil {
		b.Fatal("playwright-core is not installed: run `make bench-batch` (npm install in bench/playwright)")
	}
	bin, ok := launcher.LookPath()
	if !ok {
		b.Fatal("no Chromium: run make setup")
	}
	site := strings.TrimSuffix(srv.URL("/"), "/")
	cmd := exec.Command("node", "batch.js", "--base", site, "--pages", fmt.Sprint(pages),
		"--concurrency", fmt.Sprint(conc), "--chromium", bin)
	cmd.Dir = "playwright"
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("playwright: %v", err)
	}
	var res struct {
		OK int `json:"ok"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		b.Fatalf("playwright said %q: %v", out, err)
	}
	return res.OK
}
