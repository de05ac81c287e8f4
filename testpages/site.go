package testpages

import (
	"embed"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

//go:embed assets
var assets embed.FS

// Site is the test site as an http.Handler with its own counters. Mount it at the root of a
// server: pages refer to /static/… and to the vendor look-alike paths by absolute path.
//
// Every response carries "Connection: close" so a browser never reuses a connection: Chromium
// silently resends a request that fails on a reused connection, which would eat /reset's failures.
//
// A Site is safe for concurrent use.
type Site struct {
	mu      sync.Mutex
	hits    map[counterKey]int
	actions map[counterKey]int
	tokens  map[string]string // session cookie value → user name

	done     chan struct{}
	doneOnce sync.Once
	conns    map[net.Conn]struct{} // hijacked connections not yet closed

	routes map[string]route
	static http.Handler

	shopOnce sync.Once
	shop     *shopState // crawl.go
}

type counterKey struct{ route, id string }

type route struct {
	d    defaults
	h    func(w http.ResponseWriter, r *http.Request, c *call)
	desc string
}

// call is one request as the route handlers see it.
type call struct {
	p params
	n int // this request's number for (path, id), starting at 1
}

// failing reports whether this request is among the first p.Fail for its key.
func (c *call) failing() bool { return c.n <= c.p.Fail }

// NewSite returns the test site with fresh counters.
func NewSite() *Site {
	s := &Site{
		hits:    map[counterKey]int{},
		actions: map[counterKey]int{},
		tokens:  map[string]string{},
		done:    make(chan struct{}),
		conns:   map[net.Conn]struct{}{},
	}
	sub, err := fs.Sub(assets, "assets/static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	s.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	s.routes = s.routeTable()
	return s
}

// Handler returns the test site with its own fresh counters, for users who mount it on their own
// server (at the root). It is NewSite() as an http.Handler.
func Handler() http.Handler { return NewSite() }

// Hits reports how many requests reached route (a path such as "/flaky") with the given id
// ("" means DefaultID). Requests rejected with 400 do not count. /catalog also counts each page
// under "/catalog?page=N".
func (s *Site) Hits(route, id string) int {
	if id == "" {
		id = DefaultID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[counterKey{route, id}]
}

// Actions reports how many times the page at route (with id) reported its action done: a click on
// #target, an item added, a form submitted. Pages report through navigator.sendBeacon, so the count
// arrives shortly after the click; poll it.
func (s *Site) Actions(route, id string) int {
	if id == "" {
		id = DefaultID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.actions[counterKey{route, id}]
}

// ResetCounters forgets every hit and action count (sessions stay).
func (s *Site) ResetCounters() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits = map[counterKey]int{}
	s.actions = map[counterKey]int{}
}

// Close ends requests that are still waiting (/slow, /spinner/hang) and closes connections that
// /reset took over. It is idempotent. Serving after Close still works but no longer waits.
func (s *Site) Close() error {
	s.doneOnce.Do(func() { close(s.done) })
	s.mu.Lock()
	conns := s.conns
	s.conns = map[net.Conn]struct{}{}
	s.mu.Unlock()
	for c := range conns {
		_ = c.Close()
	}
	return nil
}

func (s *Site) hit(route, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := counterKey{route, id}
	s.hits[k]++
	return s.hits[k]
}

// ServeHTTP implements http.Handler.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	w.Header().Set("Cache-Control", "no-store")
	path := r.URL.Path
	if strings.HasPrefix(path, "/static/") {
		s.static.ServeHTTP(w, r)
		return
	}
	rt, ok := s.routes[path]
	if !ok {
		rt, ok = s.prefixRoute(path)
	}
	if !ok {
		s.notFound(w, r)
		return
	}
	p, err := parseParams(r.URL.Query(), rt.d)
	if err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	c := &call{p: p, n: s.hit(path, p.ID)}
	rt.h(w, r, c)
}

// prefixRoute finds the routes whose paths carry a variable part.
func (s *Site) prefixRoute(path string) (route, bool) {
	for _, pre := range []string{"/product/", "/shop/", "/recaptcha/", "/hcaptcha.com/", "/challenges.cloudflare.com/",
		"/cdn-cgi/challenge-platform/", "/geo.captcha-delivery.com/"} {
		if strings.HasPrefix(path, pre) {
			rt, ok := s.routes[pre]
			return rt, ok
		}
	}
	return route{}, false
}

// --- rendering -------------------------------------------------------------------------------

var pageTemplates = loadTemplates()

func loadTemplates() map[string]*template.Template {
	base := template.Must(template.New("layout").ParseFS(assets, "assets/layout.html"))
	out := map[string]*template.Template{}
	names, err := fs.Glob(assets, "assets/pages/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		t := template.Must(template.Must(base.Clone()).ParseFS(assets, n))
		out[strings.TrimSuffix(strings.TrimPrefix(n, "assets/pages/"), ".html")] = t
	}
	return out
}

// page is what every template sees.
type page struct {
	Title string
	Route string
	ID    string
	MS    int
	Data  map[string]any
}

func (s *Site) render(w http.ResponseWriter, status int, name string, pg page) {
	t, ok := pageTemplates[name]
	if !ok {
		http.Error(w, "no template "+name, http.StatusInternalServerError)
		return
	}
	var b strings.Builder
	tmpl := "layout"
	if t.Lookup("frame") != nil && pg.Data != nil && pg.Data["frame"] == true {
		tmpl = "frame"
	}
	if err := t.ExecuteTemplate(&b, tmpl, pg); err != nil {
		http.Error(w, "template "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	if r := b.String(); r != "" {
		_, _ = w.Write([]byte(r))
	}
}

func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusNotFound, "notfound", page{Title: "Not found", Route: "/notfound",
		Data: map[string]any{"Path": r.URL.Path}})
}
