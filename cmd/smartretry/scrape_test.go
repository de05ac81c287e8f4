package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/practice"
	"github.com/smartretry/smartretry/internal/results"
)

// The scraping practice sites through the binary with its defaults, as a user who has not seen
// them writes the flows: webscraper.io's e-commerce test sites (numbered pagination links, an
// AJAX pager, a Load more button, an infinite scroll) and scrapethissite.com's sandbox (a search
// form with pagination, films loaded by AJAX per year, turtles in an iframe, pages that want a
// browser's headers, a login, a CSRF token). Every run ends by itself; records are counted
// exactly, each product once.

// scrapeRun writes the flow, runs it and returns its records (stage and data) and item lines.
func scrapeRun(t *testing.T, env []string, name, src string, args ...string) (recs []results.Line, items []results.Line, r result) {
	t.Helper()
	dir := t.TempDir()
	flowFile := filepath.Join(dir, name+".yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(src), 0o644))
	out := filepath.Join(dir, "out.jsonl")
	r = run(t, dir, env, append(append([]string{"run", "--out", out}, args...), flowFile)...)
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("no results (exit %d): %s", r.code, r.stderr)
	}
	for _, l := range readResults(t, out) {
		if l.Kind == results.KindRecord {
			recs = append(recs, l)
		} else {
			items = append(items, l)
		}
	}
	return recs, items, r
}

// productsOnce checks that recs hold every product of the categories once (by its link, as
// titles repeat), with its whole title (the card's link text is cut at 23 characters) and
// price.
func productsOnce(t *testing.T, recs []results.Line, categories ...string) {
	t.Helper()
	want := map[string]practice.Product{}
	for _, c := range categories {
		for _, p := range practice.WebScraperCategory(c) {
			want[fmt.Sprintf("/product/%d", p.ID)] = p
		}
	}
	seen := map[string]bool{}
	for _, l := range recs {
		u, _ := l.Data["url"].(string)
		i := strings.Index(u, "/product/")
		require.GreaterOrEqual(t, i, 0, "a record without a product link: %v", l.Data)
		key := u[i:]
		assert.False(t, seen[key], "twice: %s", u)
		seen[key] = true
		p, ok := want[key]
		if assert.True(t, ok, "not a product of %v: %s", categories, u) {
			assert.Equal(t, p.Title, l.Data["title"])
			assert.Equal(t, p.Price, l.Data["price"])
		}
	}
	assert.Len(t, seen, len(want), "every product once")
}

// wsFields are the fields of a product card, indented for an extract at that depth.
func wsFields(indent int) string {
	pad := "\n" + strings.Repeat(" ", indent)
	return pad + `title: {selector: a.title, attr: title}     # the link's text is cut: "Asus VivoBook X4..."` +
		pad + `url: {selector: a.title, attr: href}` + pad + `price: .price` + pad + `description: .description` + pad + `reviews: .review-count`
}

// The static shop as a crawl from its home page: the side menu's categories, their
// subcategories, then every listing page by its › link (rel=next). 147 products in 26 pages.
func TestRunWebScraperStaticCrawl(t *testing.T) {
	ws := httptest.NewServer(practice.WebScraper())
	t.Cleanup(ws.Close)
	recs, items, r := scrapeRun(t, []string{"WS=" + ws.URL}, "static", `name: webscraper-static
crawl: {max_items: 100}
stages:
  home:
    start: ["${WS}/test-sites/e-commerce/static"]
    steps:
      - enqueue: {links: "#side-menu a.category-link", stage: category}
  category:
    steps:
      - enqueue: {links: "#side-menu a.subcategory-link", stage: listing}
  listing:
    steps:
      - extract:
          container: .thumbnail
          fields:`+wsFields(12)+`
      - enqueue: {links: 'ul.pagination a[rel="next"]'}
`)
	require.Equal(t, 0, r.code, r.stderr)
	productsOnce(t, recs, "computers/laptops", "computers/tablets", "phones/touch")
	assert.Len(t, items, 1+2+26)
	assert.Contains(t, r.stderr, "stage listing: 26 found, 26 ok, 0 failed")
	for _, l := range recs {
		assert.Regexp(t, `^\d+ reviews$`, l.Data["reviews"])
		assert.NotEmpty(t, l.Data["description"])
	}
}

// The AJAX pager (the URL never changes; › stays, disabled, on the last page) with the paginate
// step, three categories at once.
func TestRunWebScraperAjaxPager(t *testing.T) {
	ws := httptest.NewServer(practice.WebScraper())
	t.Cleanup(ws.Close)
	recs, items, r := scrapeRun(t, []string{"WS=" + ws.URL}, "ajax", `name: webscraper-ajax
start_url: ${WS}/test-sites/e-commerce/ajax/${item.category}
concurrency: 3
items: [{category: computers/laptops}, {category: computers/tablets}, {category: phones/touch}]
steps:
  - paginate:
      next: "ul.pagination .next"
      steps:
        - extract:
            container: .thumbnail
            fields:`+wsFields(14)+`
`)
	require.Equal(t, 0, r.code, r.stderr)
	productsOnce(t, recs, "computers/laptops", "computers/tablets", "phones/touch")
	require.Len(t, items, 3)
	for _, it := range items {
		assert.Equal(t, results.StatusOK, it.Status, it.Error)
	}
}

// A crawl whose listing pages come by XHR: the paginate step walks each category's pager and its
// enqueue adds every page's product links; each product page is read once.
func TestRunWebScraperAjaxCrawlProducts(t *testing.T) {
	ws := httptest.NewServer(practice.WebScraper())
	t.Cleanup(ws.Close)
	recs, _, r := scrapeRun(t, []string{"WS=" + ws.URL}, "ajax-crawl", `name: webscraper-ajax-crawl
stages:
  listing:
    start: ["${WS}/test-sites/e-commerce/ajax/computers/tablets", "${WS}/test-sites/e-commerce/ajax/phones/touch"]
    steps:
      - paginate:
          next: "ul.pagination .next"
          steps:
            - enqueue: {links: .thumbnail a.title, stage: product}
  product:
    steps:
      - extract:
          fields: {title: h4.title, price: h4.price, description: p.description}
`)
	require.Equal(t, 0, r.code, r.stderr)
	var lines []results.Line
	for _, l := range recs {
		require.Equal(t, "product", l.Stage)
		l.Data["url"] = l.URL
		lines = append(lines, l)
	}
	productsOnce(t, lines, "computers/tablets", "phones/touch")
	assert.Contains(t, r.stderr, "stage product: 30 found, 30 ok, 0 failed")
}

// "More" until it is hidden, then the whole list (the laptops, 20 pages); the infinite scroll
// until it ends (the tablets). Each product once.
func TestRunWebScraperLoadMoreAndScroll(t *testing.T) {
	ws := httptest.NewServer(practice.WebScraper())
	t.Cleanup(ws.Close)
	env := []string{"WS=" + ws.URL}
	recs, _, r := scrapeRun(t, env, "more", `name: webscraper-more
start_url: ${WS}/test-sites/e-commerce/more/computers/laptops
steps:
  - paginate: {next: "text=More"}
  - extract:
      container: .thumbnail
      fields:`+wsFields(8)+`
`)
	require.Equal(t, 0, r.code, r.stderr)
	productsOnce(t, recs, "computers/laptops")

	recs, _, r = scrapeRun(t, env, "scroll", `name: webscraper-scroll
start_url: ${WS}/test-sites/e-commerce/scroll/computers/tablets
steps:
  - scroll_until: {selector: .thumbnail, count: 1000}   # more than there are: until the list ends
  - extract:
      container: .thumbnail
      fields:`+wsFields(8)+`
`)
	require.Equal(t, 0, r.code, r.stderr)
	productsOnce(t, recs, "computers/tablets")
}

// scrapethissite's hockey search: the form, then the result pages by their » link; then every
// team, 100 a page (a <select> that reloads the page).
func TestRunScrapeThisSiteHockey(t *testing.T) {
	sts := httptest.NewServer(practice.ScrapeThisSite())
	t.Cleanup(sts.Close)
	recs, _, r := scrapeRun(t, []string{"STS=" + sts.URL}, "hockey", `name: hockey
start_url: ${STS}/pages/forms/
steps:
  - fill: {selector: "#q", value: new}
  - click: 'role=button[name="Search"]'
  - paginate:
      next: 'a[aria-label="Next"]'
      steps:
        - extract: {container: tr.team, fields: {name: .name, year: .year, wins: .wins}}
  - navigate: ${STS}/pages/forms/
  - select: {selector: "#per_page", value: "100"}
  - paginate:
      next: 'a[aria-label="Next"]'
      steps:
        - extract: {container: tr.team, fields: {name: .name, year: .year, wins: .wins}}
`)
	require.Equal(t, 0, r.code, r.stderr)
	var matching []practice.HockeyTeam
	for _, tm := range practice.HockeyTeams {
		if strings.Contains(strings.ToLower(tm.Name), "new") {
			matching = append(matching, tm)
		}
	}
	require.Greater(t, len(matching), 50, "the search spans pages")
	require.Len(t, recs, len(matching)+len(practice.HockeyTeams))
	for i, tm := range append(matching, practice.HockeyTeams...) {
		assert.Equal(t, tm.Name, recs[i].Data["name"], "row %d", i)
		assert.Equal(t, fmt.Sprint(tm.Year), recs[i].Data["year"], "row %d", i)
		assert.Equal(t, fmt.Sprint(tm.Wins), recs[i].Data["wins"], "row %d", i)
	}
}

// The Oscar films of each year, loaded by AJAX when its link is clicked (a batch, a year an
// item); '#2015', what a user writes first, fails at once saying how to write it.
func TestRunScrapeThisSiteAjaxFilms(t *testing.T) {
	sts := httptest.NewServer(practice.ScrapeThisSite())
	t.Cleanup(sts.Close)
	env := []string{"STS=" + sts.URL}
	const flow = `name: films
start_url: ${STS}/pages/ajax-javascript/
concurrency: 2
items: [{year: 2010}, {year: 2011}, {year: 2012}, {year: 2013}, {year: 2014}, {year: 2015}]
steps:
  - click: '%s'
  - extract:
      container: tr.film
      fields: {title: .film-title, nominations: .film-nominations, awards: .film-awards, winner: {selector: .film-best-picture i, attr: class}}
`
	recs, items, r := scrapeRun(t, env, "films", fmt.Sprintf(flow, `[id="${item.year}"]`))
	require.Equal(t, 0, r.code, r.stderr)
	require.Len(t, items, len(practice.OscarYears))
	byYear := map[string][]map[string]any{}
	for _, l := range recs {
		byYear[l.Item] = append(byYear[l.Item], l.Data)
	}
	for _, y := range practice.OscarYears {
		films := byYear[fmt.Sprintf("year=%d", y)]
		require.Len(t, films, len(practice.OscarFilms[y]), "%d", y)
		for i, f := range practice.OscarFilms[y] {
			assert.Equal(t, f.Title, films[i]["title"])
			assert.Equal(t, fmt.Sprint(f.Awards), films[i]["awards"])
			if f.BestPicture {
				assert.Contains(t, films[i]["winner"], "glyphicon-flag")
			} else {
				assert.Empty(t, films[i]["winner"])
			}
		}
	}

	_, items, r = scrapeRun(t, env, "films", fmt.Sprintf(flow, `#${item.year}`), "--item-attempts", "1")
	require.Equal(t, 1, r.code, r.stderr)
	require.Len(t, items, len(practice.OscarYears))
	for _, it := range items {
		assert.Equal(t, "invalid_input", it.ErrorType)
		assert.Equal(t, 1, it.Attempts)
		assert.Contains(t, it.Error, `write [id="20`)
	}
}

// The countries (250 on one page), the turtles inside an iframe, and the advanced pages: one
// that wants a browser's headers, a login whose cookie comes with a redirect, a form with a
// CSRF token.
func TestRunScrapeThisSiteSimpleFramesAdvanced(t *testing.T) {
	sts := httptest.NewServer(practice.ScrapeThisSite())
	t.Cleanup(sts.Close)
	recs, _, r := scrapeRun(t, []string{"STS=" + sts.URL}, "sandbox", `name: sandbox
start_url: ${STS}/pages/simple/
steps:
  - extract:
      container: .country
      fields: {name: .country-name, capital: .country-capital, population: .country-population, area: .country-area}
  - navigate: ${STS}/pages/frames/
  - extract:
      container: "#iframe >>> .turtle-family-card"
      fields: {family: .family-name, more: {selector: a, attr: href}}
  - navigate: ${STS}/pages/advanced/?gotcha=headers
  - text: {selector: p.lead, as: headers}
  - navigate: ${STS}/pages/advanced/?gotcha=login
  - fill: {selector: "#user", value: ada}
  - fill: {selector: "#pass", value: lovelace}
  - click: 'role=button[name="Login"]'
  - text: {selector: p.lead, as: login}
  - navigate: ${STS}/pages/advanced/?gotcha=csrf
  - fill: {selector: "#user", value: ada}
  - fill: {selector: "#pass", value: lovelace}
  - click: 'role=button[name="Login"]'
  - text: {selector: p.lead, as: csrf}
`)
	require.Equal(t, 0, r.code, r.stderr)
	require.Len(t, recs, len(practice.Countries)+len(practice.TurtleFamilies)+1)
	for i, c := range practice.Countries {
		assert.Equal(t, c.Name, recs[i].Data["name"])
		assert.Equal(t, c.Capital, recs[i].Data["capital"])
		assert.Equal(t, fmt.Sprint(c.Population), recs[i].Data["population"])
	}
	for i, f := range practice.TurtleFamilies {
		d := recs[len(practice.Countries)+i].Data
		assert.Equal(t, f, d["family"])
		assert.Equal(t, sts.URL+"/pages/frames/?frame=i&family="+f, d["more"], "made absolute against the frame's document")
	}
	reads := recs[len(recs)-1].Data
	assert.Contains(t, reads["headers"], "This page loaded")
	assert.Contains(t, reads["login"], "Successfully logged in")
	assert.Contains(t, reads["csrf"], "Successfully logged in")
}
