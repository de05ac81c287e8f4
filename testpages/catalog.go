package testpages

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Product is one item of the /catalog pages.
//
// A Product is a plain value, safe for concurrent use.
type Product struct {
	ID    int    // 1..200
	Name  string // e.g. "Sturdy Lamp #1"
	Price string // e.g. "$12.49"
	Path  string // "/product/ID"
}

// Catalog returns the 200 products of /catalog in page order: page N holds items 10(N-1)+1..10N.
// Names and prices are the same on every run, so a scraper's output can be compared with it.
func Catalog() []Product {
	out := make([]Product, 0, pages*perPage)
	for i := 1; i <= pages*perPage; i++ {
		out = append(out, productByID(i))
	}
	return out
}

var (
	adjectives = []string{"Sturdy", "Quiet", "Bright", "Compact", "Classic", "Rustic", "Swift", "Gentle", "Bold", "Tiny", "Grand"}
	nouns      = []string{"Lamp", "Chair", "Kettle", "Backpack", "Clock", "Mug", "Notebook", "Speaker", "Blanket", "Umbrella", "Teapot", "Bicycle", "Scarf"}
)

func productByID(i int) Product {
	cents := 499 + (i*7919)%9500 // deterministic, between $4.99 and $99.98
	return Product{
		ID:    i,
		Name:  fmt.Sprintf("%s %s #%d", adjectives[i%len(adjectives)], nouns[(i*7)%len(nouns)], i),
		Price: fmt.Sprintf("$%d.%02d", cents/100, cents%100),
		Path:  "/product/" + strconv.Itoa(i),
	}
}

func (s *Site) catalog(w http.ResponseWriter, r *http.Request, c *call) {
	pageNo := c.p.Page
	n := s.hit("/catalog?page="+strconv.Itoa(pageNo), c.p.ID)
	if c.p.Flaky[pageNo] && n <= c.p.Fail {
		s.render(w, http.StatusServiceUnavailable, "error", page{Title: "Service Unavailable",
			Data: map[string]any{"Status": 503, "Text": fmt.Sprintf("Catalogue page %d is flaky: request %d of the first %d fails.", pageNo, n, c.p.Fail)}})
		return
	}
	items := make([]Product, 0, perPage)
	for i := (pageNo-1)*perPage + 1; i <= pageNo*perPage; i++ {
		items = append(items, productByID(i))
	}
	link := func(p int) string {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(p))
		return "/catalog?" + q.Encode()
	}
	d := map[string]any{"Items": items, "Page": pageNo, "Pages": pages}
	if pageNo < pages {
		d["Next"] = link(pageNo + 1)
	}
	if pageNo > 1 {
		d["Prev"] = link(pageNo - 1)
	}
	s.render(w, http.StatusOK, "catalog", page{Title: fmt.Sprintf("Catalogue, page %d of %d", pageNo, pages),
		Route: "/catalog", ID: c.p.ID, Data: d})
}

func (s *Site) product(w http.ResponseWriter, r *http.Request, c *call) {
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/product/"))
	if err != nil || i < 1 || i > pages*perPage {
		s.notFound(w, r)
		return
	}
	if c.failing() { // fail=N is off by default here
		s.render(w, http.StatusServiceUnavailable, "error", page{Title: "Service Unavailable",
			Data: map[string]any{"Status": 503, "Text": fmt.Sprintf("Product %d: request %d of the first %d fails.", i, c.n, c.p.Fail)}})
		return
	}
	p := productByID(i)
	s.render(w, http.StatusOK, "product", page{Title: p.Name, Route: r.URL.Path, ID: c.p.ID,
		Data: map[string]any{"P": p, "CatalogPage": (i-1)/perPage + 1}})
}
