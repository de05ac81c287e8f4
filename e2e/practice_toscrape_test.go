package e2e

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
)

// A books.toscrape-like catalogue: 4 pages of 5 books, "next" links, page 3 fails once with a
// 503. Extract across the pages, following li.next a, gets every book exactly once.
func TestPractice_PaginationAcrossPages(t *testing.T) {
	t.Parallel()
	var page3 atomic.Int64
	site := newPractice(t, map[string]any{"/catalogue/": func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/catalogue/page-"), ".html"))
		if err != nil || n < 1 || n > 4 {
			http.NotFound(w, r)
			return
		}
		if n == 3 && page3.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, doc("<p>busy</p>"))
			return
		}
		var b strings.Builder
		b.WriteString(`<ol class="row">`)
		for i := 1; i <= 5; i++ {
			id := (n-1)*5 + i
			fmt.Fprintf(&b, `<li><article class="product_pod"><h3><a href="/catalogue/book_%d/index.html" title="Book %d: A&nbsp;Title">Book %d…</a></h3>
<div class="product_price"><p class="price_color">£%d.%02d</p><button class="btn">Add to basket</button></div></article></li>`, id, id, id, 10+id, id)
		}
		b.WriteString(`</ol><ul class="pager"><li class="current">Page ` + strconv.Itoa(n) + ` of 4</li>`)
		if n > 1 {
			fmt.Fprintf(&b, `<li class="previous"><a href="page-%d.html">previous</a></li>`, n-1)
		}
		if n < 4 {
			fmt.Fprintf(&b, `<li class="next"><a href="page-%d.html">next</a></li>`, n+1)
		}
		b.WriteString(`</ul>`)
		html(b.String())(w, r)
	}})
	f := newFixture(t, fixtureConfig{managerOpts: []retry.Option{retry.WithCircuitBreaker(false)}})
	next := site.url("/catalogue/page-1.html")
	seen := map[string]bool{}
	var titles []string
	for pages := 0; next != "" && pages < 10; pages++ {
		res, err := f.s.Navigate(f.ctx, next)
		require.NoError(t, err)
		require.Equal(t, 200, res.Status)
		books, err := f.s.Extract(f.ctx, "article.product_pod", map[string]string{
			"title": "h3 a@title", "price": ".price_color", "link": "h3 a@href"})
		require.NoError(t, err)
		for _, bk := range books {
			require.False(t, seen[bk["link"]], "twice: %v", bk)
			seen[bk["link"]] = true
			titles = append(titles, bk["title"])
		}
		// The pager is always there; its next link is not on the last page ("" then).
		pager, err := f.s.Extract(f.ctx, "ul.pager", map[string]string{"next": "li.next a@href"})
		require.NoError(t, err)
		require.Len(t, pager, 1)
		next = pager[0]["next"]
	}
	require.Len(t, titles, 20)
	assert.Equal(t, "Book 1: A\u00a0Title", titles[0], "attributes come back as written")
	assert.Equal(t, "Book 20: A\u00a0Title", titles[19])
	assert.Equal(t, []retry.ErrorType{retry.ServerError}, f.rec.retryTypes(), "page 3's 503 was retried once")
}

// quotes.toscrape-like: following "Next →" with Click (it waits for the navigation) and reading
// each page's quotes by role and text.
func TestPractice_PaginationByClick(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/page/": func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(r.URL.Path, "/page/"), "/"))
		if err != nil || n < 1 || n > 3 {
			http.NotFound(w, r)
			return
		}
		var b strings.Builder
		for i := 1; i <= 3; i++ {
			fmt.Fprintf(&b, `<div class="quote"><span class="text">“Quote %d.%d”</span><span>by <small class="author">Author %d</small></span></div>`, n, i, i)
		}
		if n < 3 {
			fmt.Fprintf(&b, `<nav><ul class="pager"><li class="next"><a href="/page/%d/">Next <span aria-hidden="true">→</span></a></li></ul></nav>`, n+1)
		}
		html(b.String())(w, r)
	}})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/page/1/"))
	require.NoError(t, err)
	var quotes []string
	for page := 1; ; page++ {
		recs, err := f.s.Extract(f.ctx, ".quote", map[string]string{"text": ".text", "author": ".author"})
		require.NoError(t, err)
		for _, r := range recs {
			quotes = append(quotes, r["text"])
		}
		if page == 3 {
			break
		}
		require.NoError(t, f.s.Click(f.ctx, `role=link[name="Next"]`))
		assert.Equal(t, site.url(fmt.Sprintf("/page/%d/", page+1)), f.s.LastNavigation().URL)
	}
	require.Len(t, quotes, 9)
	assert.Equal(t, "“Quote 3.3”", quotes[8])
}
