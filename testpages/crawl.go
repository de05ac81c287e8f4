package testpages

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ShopSize is how many products /shop/ has; ShopPerPage of them on each catalogue page. The
// pages never say how many there are: a crawler follows a.next until there is none.
const (
	ShopSize    = 47
	ShopPerPage = 10
	// DefaultRobots is the robots.txt the site serves unless SetRobots changes it.
	DefaultRobots = "User-agent: *\nDisallow: /shop/private/\nDisallow: /shop/limited/private/\n"
	// DefaultShopRate is how many requests a second /shop/limited/ answers before it says 429.
	DefaultShopRate = 5
)

// ShopCatalog returns the products of /shop/ in catalogue order, to compare a crawl with.
func ShopCatalog() []Product {
	out := make([]Product, 0, ShopSize)
	for i := 1; i <= ShopSize; i++ {
		out = append(out, shopProduct(i, ""))
	}
	return out
}

func shopProduct(i int, prefix string) Product {
	p := productByID(i)
	p.Path = under(prefix, "/shop/product/"+strconv.Itoa(i))
	return p
}

// ShopRequest is one request for a /shop/ page as the server saw it. A plain value: safe for
// concurrent use.
type ShopRequest struct {
	Time   time.Time
	Host   string // as the client wrote it ("127.0.0.1:40123", "localhost:40123")
	Path   string // with the query
	Status int
}

// shopState is the crawl part of a Site: its robots.txt, the rate limit of /shop/limited/ and
// every /shop/ request.
type shopState struct {
	mu       sync.Mutex
	robots   string
	rate     int
	recent   []time.Time // /shop/limited/ requests of the last second
	requests []ShopRequest
}

func (s *Site) shopSt() *shopState {
	s.shopOnce.Do(func() { s.shop = &shopState{robots: DefaultRobots, rate: DefaultShopRate} })
	return s.shop
}

// SetRobots replaces the site's /robots.txt (DefaultRobots); tests of Crawl-delay set their own
// on their own server, so nobody else is slowed down.
func (s *Site) SetRobots(text string) {
	st := s.shopSt()
	st.mu.Lock()
	st.robots = text
	st.mu.Unlock()
}

// SetShopRate sets how many requests a second /shop/limited/ answers before it says 429
// (DefaultShopRate).
func (s *Site) SetShopRate(perSecond int) {
	st := s.shopSt()
	st.mu.Lock()
	st.rate = max(perSecond, 1)
	st.mu.Unlock()
}

// ShopRequests returns every /shop/ page request so far, in arrival order.
func (s *Site) ShopRequests() []ShopRequest {
	st := s.shopSt()
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]ShopRequest(nil), st.requests...)
}

func (s *Site) robotsTxt(w http.ResponseWriter, r *http.Request, c *call) {
	st := s.shopSt()
	st.mu.Lock()
	body := st.robots
	st.mu.Unlock()
	if body == DefaultRobots {
		body += robotsSitemapLine(r) // sitemap.go: on the host the client asked for
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = fmt.Fprint(w, body)
}

// shopRoute serves /shop/... and /shop/limited/... (the same pages, rate limited).
func (s *Site) shopRoute(w http.ResponseWriter, r *http.Request, c *call) {
	st := s.shopSt()
	path := r.URL.Path
	prefix := ""
	status := http.StatusOK
	if rest, ok := strings.CutPrefix(path, "/shop/limited/"); ok {
		prefix, path = "/shop/limited", "/shop/"+rest
		now := time.Now()
		st.mu.Lock()
		i := 0
		for i < len(st.recent) && now.Sub(st.recent[i]) >= time.Second {
			i++
		}
		st.recent = append(st.recent[i:], now)
		over := len(st.recent) > st.rate
		st.mu.Unlock()
		if over {
			status = http.StatusTooManyRequests
		}
	}
	defer func() {
		st.mu.Lock()
		st.requests = append(st.requests, ShopRequest{Time: time.Now(), Host: r.Host, Path: r.URL.RequestURI(), Status: status})
		st.mu.Unlock()
	}()
	if status == http.StatusTooManyRequests {
		s.hit(prefix+":429", c.p.ID)
		w.Header().Set("Retry-After", "1")
		s.render(w, status, "error", page{Title: "Too many requests",
			Data: map[string]any{"Status": 429, "Text": "Slow down: more than the allowed requests a second."}})
		return
	}
	switch {
	case path == "/shop/catalog":
		s.shopCatalog(w, r, c, prefix)
	case strings.HasPrefix(path, "/shop/product/"):
		i, err := strconv.Atoi(strings.TrimPrefix(path, "/shop/product/"))
		if err != nil || i < 1 || i > ShopSize {
			status = http.StatusNotFound
			s.notFound(w, r)
			return
		}
		s.shopProductPage(w, r, c, i, prefix)
	case strings.HasPrefix(path, "/shop/private/"), strings.HasPrefix(path, "/shop/partner/"):
		s.content(w, http.StatusOK, "Off limits", "A crawler that obeys robots.txt and its scope never sees this page.")
	default:
		status = http.StatusNotFound
		s.notFound(w, r)
	}
}

// otherHost is the same server under another host name (127.0.0.1 ↔ localhost): another domain
// to a crawler, the same counters here.
func otherHost(r *http.Request) string {
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, ""
	}
	other := "localhost"
	if host == "localhost" {
		other = "127.0.0.1"
	}
	if port != "" {
		other += ":" + port
	}
	return "http://" + other
}

func (s *Site) shopCatalog(w http.ResponseWriter, r *http.Request, c *call, prefix string) {
	pageNo := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			http.Error(w, "bad request: page", http.StatusBadRequest)
			return
		}
		pageNo = n
	}
	pagesN := (ShopSize + ShopPerPage - 1) / ShopPerPage
	if pageNo > pagesN {
		s.notFound(w, r)
		return
	}
	var items []Product
	for i := (pageNo-1)*ShopPerPage + 1; i <= min(pageNo*ShopPerPage, ShopSize); i++ {
		items = append(items, shopProduct(i, prefix))
	}
	d := map[string]any{"Items": items, "Page": pageNo}
	if pageNo < pagesN {
		d["Next"] = under(prefix, fmt.Sprintf("/shop/catalog?page=%d", pageNo+1))
	}
	// Links a crawler must not follow: one robots.txt disallows, one on another host.
	switch pageNo {
	case 2:
		d["Extra"] = map[string]string{"Name": "Members only", "Href": under(prefix, "/shop/private/offer")}
	case 3:
		d["Extra"] = map[string]string{"Name": "Partner deal", "Href": otherHost(r) + under(prefix, "/shop/partner/1")}
	}
	s.render(w, http.StatusOK, "shop-catalog", page{Title: fmt.Sprintf("Shop, page %d", pageNo), Route: "/shop/catalog", ID: c.p.ID, Data: d})
}

func (s *Site) shopProductPage(w http.ResponseWriter, r *http.Request, c *call, i int, prefix string) {
	p := shopProduct(i, prefix)
	rel := func(j int) string {
		return under(prefix, fmt.Sprintf("/shop/product/%d?utm_source=related#reviews", (j-1+ShopSize)%ShopSize+1))
	}
	s.render(w, http.StatusOK, "shop-product", page{Title: p.Name, Route: "/shop/product/", ID: c.p.ID,
		Data: map[string]any{"P": p, "Related": []string{rel(i + 1), rel(i*7 + 3)},
			"Partner": otherHost(r) + under(prefix, fmt.Sprintf("/shop/partner/%d", i)),
			"Back":    under(prefix, fmt.Sprintf("/shop/catalog?page=%d", (i-1)/ShopPerPage+1))}})
}

// under puts a /shop/ path under prefix ("/shop/limited": /shop/x → /shop/limited/x).
func under(prefix, path string) string {
	if prefix == "" {
		return path
	}
	return prefix + strings.TrimPrefix(path, "/shop")
}
