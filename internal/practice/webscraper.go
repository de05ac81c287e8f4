package practice

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Product is one item of the WebScraper replica's shop.
type Product struct {
	ID          int    `json:"id"`
	Category    string `json:"category"` // "computers/laptops", "computers/tablets", "phones/touch"
	Title       string `json:"title"`    // the whole name (the card's link shows it cut at 23 characters)
	Price       string `json:"price"`    // "$1,099.99"
	Description string `json:"description"`
	Reviews     int    `json:"reviews"`
	Rating      int    `json:"rating"` // stars, 1–5
}

// WebScraperPerPage is how many products a page of the paginated variants shows.
const WebScraperPerPage = 6

// WebScraperCategories are the shop's leaf categories, as paths under a variant, with how many
// products each has.
var WebScraperCategories = []struct {
	Path  string
	Count int
}{{"computers/laptops", 117}, {"computers/tablets", 21}, {"phones/touch", 9}}

var wsBrands = map[string][]string{
	"computers/laptops": {"Asus VivoBook", "Lenovo V110-15IAP", "Acer Aspire ES1-572", "Dell Inspiron 15", "HP 250 G6", "Apple MacBook Air 13", "Toshiba Portege X20W-D-10V", "Prestigio SmartBook 133S"},
	"computers/tablets": {"Lenovo IdeaTab", "Galaxy Tab 3", "Apple iPad Air", "Amazon Kindle", "Asus MeMO Pad"},
	"phones/touch":      {"Nokia 123", "LG Optimus", "Samsung Galaxy", "Nokia X", "Sony Xperia", "Ubuntu Edge", "Iphone"},
}

// WebScraperProducts are the replica's products in the order the shop lists them (category by
// category, as WebScraperCategories). Some names repeat with another description and price,
// as on the real site: a product is told by its link, not by its title.
var WebScraperProducts = func() []Product {
	var out []Product
	id := 1
	for _, c := range WebScraperCategories {
		brands := wsBrands[c.Path]
		for i := 0; i < c.Count; i++ {
			b := brands[i%len(brands)]
			title := b
			if i%3 != 0 || strings.HasPrefix(c.Path, "phones") {
				title = fmt.Sprintf("%s %c%d", b, 'A'+rune(i%26), 100+i)
			}
			cents := 9999 + (i*7919)%150000
			out = append(out, Product{ID: id, Category: c.Path, Title: title,
				Price:       "$" + commas(cents/100) + fmt.Sprintf(".%02d", cents%100),
				Description: fmt.Sprintf("%s, %d\", %dGB, %dGB SSD, model %d-%d", title, 10+i%8, 2<<(i%4), 32<<(i%5), id, i),
				Reviews:     (i * 37) % 15, Rating: 1 + (i*13)%5})
			id++
		}
	}
	return out
}()

func commas(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	return commas(n/1000) + "," + s[len(s)-3:]
}

// WebScraperCategory returns the products of a category ("computers/laptops"), in list order.
func WebScraperCategory(path string) []Product {
	var out []Product
	for _, p := range WebScraperProducts {
		if p.Category == path {
			out = append(out, p)
		}
	}
	return out
}

// WebScraper serves replicas of webscraper.io's e-commerce test sites under
// /test-sites/e-commerce/VARIANT/, each with the same shop (a Home page with three random "top
// items", a category page with three random items of it, and the leaf categories
// computers/laptops, computers/tablets and phones/touch):
//
//	allinone/…        every product of a leaf category on one page
//	static/…?page=N   6 a page; ul.pagination links: ‹ (rel=prev), page numbers around the
//	                  current one with the first and last and … between, › (rel=next; gone on
//	                  the last page). Page 1 is linked as ?page=1
//	ajax/…            6 a page; the pagination is buttons (button.page-link, data-id) that load
//	                  the page by XHR and redraw the list: the URL never changes; on the last
//	                  page › is there but disabled
//	more/…            6 at first; a "More" button (a.ecomerce-items-scroll-more) appends the next
//	                  6 by XHR; it is hidden once everything is shown
//	scroll/…          6 at first; the next 6 are fetched when the page is scrolled to its bottom
//	VARIANT/product/ID  one product (h4.title, h4.price, p.description, the review count)
//
// Cards: div.thumbnail with a.title (text cut to 23 characters with "...", the whole name in
// its title attribute), h4.price, p.description, p.review-count ("14 reviews") and
// p[data-rating]. A cookie bar is fixed at the bottom of every page until "Accept & Continue"
// is clicked (a cookie then keeps it away). ?delay=MS on a list page delays its XHR answers
// (default 150 ms).
//
// The handler keeps no state; it is safe for concurrent use.
func WebScraper() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			http.Redirect(w, r, "/test-sites/e-commerce/allinone", http.StatusFound)
			return
		}
		http.NotFound(w, r)
	})
	mux.HandleFunc("/test-sites/e-commerce/", wsServe)
	return mux
}

var wsVariants = []string{"allinone", "static", "ajax", "more", "scroll"}

func wsServe(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/test-sites/e-commerce/")
	variant, sub, _ := strings.Cut(strings.TrimSuffix(rest, "/"), "/")
	if !contains(wsVariants, variant) {
		http.NotFound(w, r)
		return
	}
	base := "/test-sites/e-commerce/" + variant
	if id, ok := strings.CutPrefix(sub, "product/"); ok {
		wsProduct(w, base, id)
		return
	}
	if r.Header.Get("X-Requested-With") == "XMLHttpRequest" {
		wsXHR(w, r, sub)
		return
	}
	switch sub {
	case "":
		wsPage(w, r, base, "", `<div class="jumbotron"><h1>E-commerce training site</h1><p>Welcome to WebScraper e-commerce site. You can use this site for training to learn how to use the Web Scraper. Items listed here are not for sale.</p></div>
<h2>Top items being scraped right now</h2><div class="row">`+wsCards(base, wsSome(WebScraperProducts, 3))+`</div>`)
		return
	case "computers", "phones":
		var all []Product
		for _, p := range WebScraperProducts {
			if strings.HasPrefix(p.Category, sub+"/") {
				all = append(all, p)
			}
		}
		wsPage(w, r, base, sub, fmt.Sprintf(`<h1 class="page-header">%s category</h1><h2>Top items being scraped right now</h2><div class="row">%s</div>`,
			strings.ToUpper(sub[:1])+sub[1:], wsCards(base, wsSome(all, 3))))
		return
	}
	items := WebScraperCategory(sub)
	if items == nil {
		http.NotFound(w, r)
		return
	}
	_, leaf, _ := strings.Cut(sub, "/")
	head := fmt.Sprintf(`<h1 class="page-header">%s / %s</h1>`, strings.ToUpper(sub[:1])+sub[1:strings.Index(sub, "/")], strings.ToUpper(leaf[:1])+leaf[1:])
	pages := (len(items) + WebScraperPerPage - 1) / WebScraperPerPage
	switch variant {
	case "allinone":
		wsPage(w, r, base, sub, head+`<div class="row">`+wsCards(base, items)+`</div>`)
	case "static":
		n, err := strconv.Atoi(r.URL.Query().Get("page"))
		if r.URL.Query().Get("page") == "" {
			n, err = 1, nil
		}
		if err != nil || n < 1 || n > pages {
			http.NotFound(w, r)
			return
		}
		wsPage(w, r, base, sub, head+`<div class="row">`+wsCards(base, wsSlice(items, n))+`</div>`+wsPager(r.URL.Path, n, pages))
	case "ajax":
		data, _ := json.Marshal(wsSlice(items, 1))
		wsPage(w, r, base, sub, head+`<div class="row ecomerce-items ecomerce-items-ajax" data-url="`+r.URL.Path+`"></div><div class="pager"></div>
<script>
var list = document.querySelector('.ecomerce-items'), pager = document.querySelector('.pager'), pages = `+strconv.Itoa(pages)+`;
`+wsCardJS(base)+`
function pagination(cur) {
  var h = '<ul class="pagination" role="navigation">';
  h += '<li class="page-item' + (cur == 1 ? ' disabled' : '') + '"><button class="page-link prev" data-id="' + (cur - 1) + '"' + (cur == 1 ? ' disabled' : '') + ' aria-label="« Previous">‹</button></li>';
  for (var i = 1; i <= pages; i++) {
    if (i != 1 && i != pages && Math.abs(i - cur) > 2) { if (Math.abs(i - cur) == 3) h += '<li class="page-item disabled"><span class="page-link">…</span></li>'; continue; }
    h += '<li class="page-item' + (i == cur ? ' active' : '') + '"><button class="page-link" data-id="' + i + '">' + i + '</button></li>';
  }
  h += '<li class="page-item' + (cur == pages ? ' disabled' : '') + '"><button class="page-link next" data-id="' + (cur + 1) + '"' + (cur == pages ? ' disabled' : '') + ' aria-label="Next »">›</button></li>';
  pager.innerHTML = h + '</ul>';
}
function show(items, cur) { list.innerHTML = items.map(card).join(''); pagination(cur); }
pager.addEventListener('click', function (e) {
  var b = e.target.closest('button.page-link');
  if (!b || b.disabled) return;
  var n = +b.getAttribute('data-id');
  var x = new XMLHttpRequest();
  x.open('GET', list.getAttribute('data-url') + '?page=' + n + location.search.replace('?', '&'));
  x.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
  x.onload = function () { var d = JSON.parse(x.responseText); show(d.data, d.currentPage); };
  x.send();
});
show(`+string(data)+`, 1);
</script>`)
	case "more", "scroll":
		data, _ := json.Marshal(wsSlice(items, 1))
		more := `<a class="btn btn-lg btn-block btn-primary ecomerce-items-scroll-more" href="javascript:void(0)">More</a>`
		trigger := `document.querySelector('.ecomerce-items-scroll-more').addEventListener('click', next);
function done() { document.querySelector('.ecomerce-items-scroll-more').style.display = 'none'; }`
		if variant == "scroll" {
			more = `<div class="loading" style="display:none">Loading...</div>`
			trigger = `window.addEventListener('scroll', function () {
  if (window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 60) next();
});
function done() {}`
		}
		wsPage(w, r, base, sub, head+`<div class="row ecomerce-items ecomerce-items-scroll" data-url="`+r.URL.Path+`"></div>`+more+`
<script>
var list = document.querySelector('.ecomerce-items'), cur = 1, pages = `+strconv.Itoa(pages)+`, busy = false;
`+wsCardJS(base)+`
function add(items) { list.insertAdjacentHTML('beforeend', items.map(card).join('')); }
function next() {
  if (busy || cur >= pages) return;
  busy = true;
  var l = document.querySelector('.loading'); if (l) l.style.display = '';
  var x = new XMLHttpRequest();
  x.open('GET', list.getAttribute('data-url') + '?page=' + (cur + 1) + location.search.replace('?', '&'));
  x.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
  x.onload = function () {
    var d = JSON.parse(x.responseText); add(d.data); cur = d.currentPage; busy = false;
    if (l) l.style.display = 'none';
    if (cur >= pages) done();
  };
  x.send();
}
`+trigger+`
add(`+string(data)+`);
</script>`)
	}
}

// wsXHR answers the list scripts: one page of a category as JSON.
func wsXHR(w http.ResponseWriter, r *http.Request, sub string) {
	items := WebScraperCategory(sub)
	pages := (len(items) + WebScraperPerPage - 1) / WebScraperPerPage
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if items == nil || err != nil || n < 1 || n > pages {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	delay := 150 * time.Millisecond
	if ms, err := strconv.Atoi(r.URL.Query().Get("delay")); err == nil && ms >= 0 && ms <= 30000 {
		delay = time.Duration(ms) * time.Millisecond
	}
	select {
	case <-r.Context().Done():
		return
	case <-time.After(delay):
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": wsSlice(items, n), "currentPage": n, "lastPage": pages, "total": len(items)})
}

func wsSlice(items []Product, n int) []Product {
	lo := (n - 1) * WebScraperPerPage
	return items[lo:min(lo+WebScraperPerPage, len(items))]
}

// wsSome is n products chosen anew on every load, as the "top items" are.
func wsSome(all []Product, n int) []Product {
	out := make([]Product, 0, n)
	start := int(time.Now().UnixNano() % int64(len(all)))
	for i := 0; i < n && i < len(all); i++ {
		out = append(out, all[(start+i*7)%len(all)])
	}
	return out
}

func wsShort(title string) string {
	if r := []rune(title); len(r) > 23 {
		return string(r[:20]) + "..."
	}
	return title
}

func wsCards(base string, items []Product) string {
	var b strings.Builder
	for _, p := range items {
		stars := strings.Repeat(`<span class="ws-icon ws-icon-star"></span>`, p.Rating)
		fmt.Fprintf(&b, `<div class="col-md-4 col-xl-4 col-lg-4"><div class="card thumbnail"><div class="product-wrapper card-body">
<img class="img-fluid card-img-top image img-responsive" alt="item" src="data:,">
<div class="caption"><h4 class="price float-end card-title pull-right">%s</h4>
<h4><a href="%s/product/%d" class="title" title="%s">%s</a></h4>
<p class="description card-text">%s</p></div>
<div class="ratings"><p class="review-count float-end">%d reviews</p><p data-rating="%d">%s</p></div></div></div></div>`,
			p.Price, base, p.ID, html.EscapeString(p.Title), html.EscapeString(wsShort(p.Title)), html.EscapeString(p.Description), p.Reviews, p.Rating, stars)
	}
	return b.String()
}

// wsCardJS is the card markup of wsCards, written by the list scripts.
func wsCardJS(base string) string {
	return `function esc(s) { var d = document.createElement('div'); d.textContent = s; return d.innerHTML.replace(/"/g, '&quot;'); }
function card(p) {
  var t = p.title.length > 23 ? p.title.slice(0, 20) + '...' : p.title;
  return '<div class="col-md-4 col-xl-4 col-lg-4"><div class="card thumbnail"><div class="product-wrapper card-body">' +
    '<img class="img-fluid card-img-top image img-responsive" alt="item" src="data:,">' +
    '<div class="caption"><h4 class="price float-end card-title pull-right">' + esc(p.price) + '</h4>' +
    '<h4><a href="` + base + `/product/' + p.id + '" class="title" title="' + esc(p.title) + '">' + esc(t) + '</a></h4>' +
    '<p class="description card-text">' + esc(p.description) + '</p></div>' +
    '<div class="ratings"><p class="review-count float-end">' + p.reviews + ' reviews</p><p data-rating="' + p.rating + '">' +
    new Array(p.rating + 1).join('<span class="ws-icon ws-icon-star"></span>') + '</p></div></div></div></div>';
}`
}

// wsPager is the static variant's pagination: ‹, the first, last and nearby page numbers, ›.
func wsPager(path string, cur, pages int) string {
	var b strings.Builder
	b.WriteString(`<ul class="pagination" role="navigation">`)
	if cur > 1 {
		fmt.Fprintf(&b, `<li class="page-item"><a class="page-link" href="%s?page=%d" rel="prev" aria-label="« Previous">‹</a></li>`, path, cur-1)
	} else {
		b.WriteString(`<li class="page-item disabled" aria-disabled="true" aria-label="« Previous"><span class="page-link" aria-hidden="true">‹</span></li>`)
	}
	for i := 1; i <= pages; i++ {
		d := i - cur
		if d < 0 {
			d = -d
		}
		switch {
		case i == cur:
			fmt.Fprintf(&b, `<li class="page-item active" aria-current="page"><span class="page-link">%d</span></li>`, i)
		case i == 1 || i == pages || d <= 2:
			fmt.Fprintf(&b, `<li class="page-item"><a class="page-link" href="%s?page=%d">%d</a></li>`, path, i, i)
		case d == 3:
			b.WriteString(`<li class="page-item disabled" aria-disabled="true"><span class="page-link">…</span></li>`)
		}
	}
	if cur < pages {
		fmt.Fprintf(&b, `<li class="page-item"><a class="page-link" href="%s?page=%d" rel="next" aria-label="Next »">›</a></li>`, path, cur+1)
	} else {
		b.WriteString(`<li class="page-item disabled" aria-disabled="true" aria-label="Next »"><span class="page-link" aria-hidden="true">›</span></li>`)
	}
	b.WriteString(`</ul>`)
	return b.String()
}

func wsProduct(w http.ResponseWriter, base, id string) {
	n, err := strconv.Atoi(id)
	if err != nil || n < 1 || n > len(WebScraperProducts) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>`)
		return
	}
	p := WebScraperProducts[n-1]
	body := fmt.Sprintf(`<div class="card thumbnail"><div class="caption"><h4 class="price float-end pull-right">%s</h4>
<h4 class="title card-title">%s</h4><p class="description card-text">%s</p></div>
<div class="ratings"><p class="review-count">%d reviews</p></div></div>`, p.Price, html.EscapeString(p.Title), html.EscapeString(p.Description), p.Reviews)
	wsLayout(w, true, base, p.Category, body)
}

func wsPage(w http.ResponseWriter, r *http.Request, base, active, body string) {
	_, err := r.Cookie("cookie_consent")
	wsLayout(w, err != nil, base, active, body)
}

// wsLayout is the page around a body: the navigation bar, the side menu of categories (the
// current one open), the cookie bar (when asked).
func wsLayout(w http.ResponseWriter, cookieBar bool, base, active, body string) {
	var side strings.Builder
	side.WriteString(`<ul class="nav flex-column" id="side-menu"><li class="nav-item"><a href="` + base + `" class="nav-link">Home</a></li>`)
	for _, top := range []string{"computers", "phones"} {
		fmt.Fprintf(&side, `<li class="nav-item"><a href="%s/%s" class="nav-link category-link">%s <span class="ws-icon ws-icon-right"></span></a>`, base, top, strings.ToUpper(top[:1])+top[1:])
		if strings.HasPrefix(active, top) {
			side.WriteString(`<ul class="nav flex-column nav-second-level">`)
			for _, c := range WebScraperCategories {
				if leaf, ok := strings.CutPrefix(c.Path, top+"/"); ok {
					cls := "nav-link subcategory-link"
					if c.Path == active {
						cls += " active"
					}
					fmt.Fprintf(&side, `<li class="nav-item"><a href="%s/%s" class="%s">%s</a></li>`, base, c.Path, cls, strings.ToUpper(leaf[:1])+leaf[1:])
				}
			}
			side.WriteString(`</ul>`)
		}
		side.WriteString(`</li>`)
	}
	side.WriteString(`</ul>`)
	bar := ""
	if cookieBar {
		bar = `<div id="cookieBanner" class="cookie-bar" style="position:fixed;left:0;right:0;bottom:0;padding:14px 20px;background:#1e2a38;color:#fff;display:flex;justify-content:space-between;align-items:center;z-index:1000">
<span>This website uses cookies to ensure you get the best experience on our website. <a href="/privacy-policy" style="color:#9cf">Learn more</a></span>
<button class="btn btn-success acceptCookies" onclick="document.cookie='cookie_consent=1; path=/'; document.getElementById('cookieBanner').remove()">Accept &amp; Continue</button></div>`
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Web Scraper Test Sites</title><style>
body { font-family: sans-serif; margin: 0 } .navbar { background: #333; color: #fff; padding: 12px 20px }
.container { display: flex; max-width: 1140px; margin: 0 auto; padding: 20px }
.sidebar { width: 220px; flex: none } .sidebar ul { list-style: none; padding-left: 12px } .main { flex: 1 }
.row { display: flex; flex-wrap: wrap } .col-md-4 { width: 33%; box-sizing: border-box; padding: 8px }
.thumbnail { border: 1px solid #ddd; border-radius: 4px; padding: 8px; height: 300px } .float-end { float: right }
.image { width: 100%; height: 120px; background: #eee; display: block } .pagination { list-style: none; display: flex; gap: 4px; padding: 0 }
.page-item.active .page-link { background: #337ab7; color: #fff } .page-link { padding: 6px 12px; border: 1px solid #ddd; display: inline-block }
.page-item.disabled .page-link { color: #aaa } .btn-block { display: block; text-align: center; padding: 12px; background: #337ab7; color: #fff; margin: 20px 0 }
footer { padding: 40px 20px; background: #f5f5f5; margin-top: 40px }
</style></head><body>
<header class="navbar"><a href="/" style="color:#fff">Web Scraper</a> · <a href="/test-sites" style="color:#fff">Test Sites</a></header>
<div class="container"><div class="sidebar">`+side.String()+`</div><div class="main">`+body+`</div></div>
<footer><p>Web Scraper · Cloud · Documentation</p></footer>`+bar+`</body></html>`)
}
