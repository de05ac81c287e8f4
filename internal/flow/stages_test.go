package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const crawlFlow = `
name: shop
crawl:
  max_items: 500
  scope: {include: ["${SITE}/shop/**"], exclude: ["re:/private/"]}
  normalize: {strip_params: [utm_*]}
stages:
  listing:
    start: ["${SITE}/shop/catalog?page=1"]
    steps:
      - wait_for: "#products .product"
      - enqueue: {links: a.detail, stage: product}
      - enqueue: {links: a.next}
  product:
    steps:
      - extract: {container: body, fields: {name: h1.name, price: .price, from: .price}}
      - enqueue: {urls: ["${item.parent}", "/shop/help"], stage: product}
`

func TestCrawlFlowParses(t *testing.T) {
	f, err := parse(t, crawlFlow)
	require.NoError(t, err)
	require.True(t, f.IsCrawl())
	require.Len(t, f.Stages(), 2)
	l := f.Stage("listing")
	assert.Equal(t, []string{"${SITE}/shop/catalog?page=1"}, l.Start)
	assert.Equal(t, "product", l.Steps[1].Get("stage"))
	assert.Equal(t, "listing", l.Steps[2].Get("stage"), "enqueue without stage stays in its stage")
	p := f.Stage("product")
	assert.Equal(t, []string{"${item.parent}", "/shop/help"}, p.Steps[1].URLList())
	c := f.CrawlSettings()
	assert.Equal(t, 500, c.MaxItems)
	assert.Equal(t, RobotsObey, c.Robots)
	assert.True(t, c.SameDomain)
	assert.True(t, c.Adaptive)
	assert.Equal(t, 2, c.PerDomainConcurrency)
	assert.Equal(t, []string{"utm_*"}, c.StripParams)
	require.Len(t, c.Include, 1)
	assert.Equal(t, "http://127.0.0.1:8080/shop/**", c.Include[0].String())
	assert.Empty(t, f.Steps)
}

func TestSingleStageFlowIsNotACrawl(t *testing.T) {
	f, err := parse(t, "start_url: http://h/\nsteps:\n  - click: a\n")
	require.NoError(t, err)
	assert.False(t, f.IsCrawl())
	assert.Nil(t, f.Stages())
}

func TestCrawlFlowErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"unknown stage", `
stages:
  listing:
    start: [http://h/]
    max_items: 5
    steps:
      - enqueue: {links: a, stage: prodcut}
  product:
    steps: [{click: a}]
`, `f.yaml:7:36: stages.listing.steps[0].enqueue.stage: unknown stage "prodcut" (did you mean "product"?)`},
		{"cycle without limit", `
stages:
  listing:
    start: [http://h/]
    steps:
      - enqueue: {links: a.next, stage: listing}
`, `f.yaml:6:41: stages.listing.steps[0].enqueue: stages listing → listing form a cycle with no limit`},
		{"two-stage cycle", `
stages:
  a:
    start: [http://h/]
    steps:
      - enqueue: {links: x, stage: b}
  b:
    steps:
      - enqueue: {links: y, stage: a}
`, `stages a → b → a form a cycle with no limit`},
		{"bad regex", `
crawl: {max_items: 9, scope: {include: ["re:(unclosed"]}}
stages:
  s: {start: [http://h/], steps: [{click: a}]}
`, "f.yaml:2:41: crawl.scope.include[0]: bad regular expression"},
		{"bad glob", `
crawl: {scope: {exclude: ["/a/[x]"]}}
stages:
  s: {start: [http://h/], steps: [{click: a}]}
`, "crawl.scope.exclude[0]: bad glob"},
		{"max_items 0", `
crawl: {max_items: 0}
stages:
  s: {start: [http://h/], steps: [{click: a}]}
`, "f.yaml:2:20: crawl.max_items: want an integer from 1 to"},
		{"stage max_items 0", `
stages:
  s: {start: [http://h/], max_items: 0, steps: [{click: a}]}
`, "stages.s.max_items: want an integer from 1 to"},
		{"unreachable", `
stages:
  s: {start: [http://h/], steps: [{click: a}]}
  orphan:
    steps: [{click: a}]
`, "f.yaml:4:3: stages.orphan: no item can ever reach this stage"},
		{"no start", `
stages:
  s: {steps: [{click: a}]}
`, "no stage has start URLs"},
		{"enqueue without stages", `
start_url: http://h/
steps:
  - enqueue: {links: a}
`, "enqueue adds items to a stage"},
		{"steps and stages", `
steps: [{click: a}]
stages:
  s: {start: [http://h/], steps: [{click: a}]}
`, "a flow with stages has no top-level steps"},
		{"item field", `
stages:
  s: {start: [http://h/], steps: [{click: "${item.page}"}]}
`, "${item.page}: a crawl item has url, parent, depth, stage"},
		{"links and urls", `
crawl: {max_depth: 3}
stages:
  s: {start: [http://h/], steps: [{enqueue: {links: a, urls: [b]}}]}
`, "want exactly one of links, urls"},
		{"robots", `
crawl: {robots: maybe}
stages:
  s: {start: [http://h/], steps: [{click: a}]}
`, `crawl.robots: want obey or ignore, got "maybe"`},
		{"bad start", `
stages:
  s: {start: ["javascript:alert(1)"], steps: [{click: a}]}
`, "stages.s.start[0]: bad URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, tc.src)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func FuzzParseCrawl(f *testing.F) {
	f.Add(crawlFlow)
	f.Add("stages:\n  a: {start: [http://h/], max_depth: 2, steps: [{enqueue: {links: x, stage: a}}]}\n")
	f.Add("crawl: {scope: {include: ['re:[', '**/x*?']}}\nstages: {}\n")
	f.Fuzz(func(t *testing.T, src string) {
		fl, err := Parse([]byte(src), Options{File: "f.yaml", Env: testEnv, ReadFile: noFiles})
		if err == nil && fl.IsCrawl() {
			for _, s := range fl.Stages() {
				if len(s.Steps) == 0 {
					t.Fatalf("stage %s without steps accepted", s.Name)
				}
			}
		}
	})
}
