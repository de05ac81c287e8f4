package testpages

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// routeTable is every path the site answers. The index page is built from the desc fields, in
// the order of indexOrder.
func (s *Site) routeTable() map[string]route {
	js := func(name string) func(w http.ResponseWriter, r *http.Request, c *call) {
		return func(w http.ResponseWriter, r *http.Request, c *call) {
			s.render(w, http.StatusOK, name, page{Title: titles[name], Route: r.URL.Path, ID: c.p.ID, MS: c.p.MS,
				Data: map[string]any{"Query": r.URL.RawQuery}})
		}
	}
	return map[string]route{
		"/":              {h: s.index},
		"/late":          {d: defaults{MS: 300}, h: js("late")},
		"/hidden":        {d: defaults{MS: 300}, h: js("hidden")},
		"/enabled":       {d: defaults{MS: 300}, h: js("enabled")},
		"/hover-replace": {h: js("hover-replace")},
		"/rerender":      {d: defaults{MS: 50}, h: js("rerender")},
		"/overlay":       {d: defaults{MS: 300}, h: js("overlay")},
		"/moving":        {d: defaults{MS: 1000}, h: js("moving")},
		"/dynamic":       {h: s.dynamic},
		"/slow":          {d: defaults{MS: 1000}, h: s.slow},
		"/ratelimit":     {d: defaults{Fail: 1}, h: s.ratelimit},
		"/flaky":         {d: defaults{Fail: 1, Code: 503}, h: s.flaky},
		"/reset":         {d: defaults{Fail: 1}, h: s.reset},
		"/notfound":      {h: func(w http.ResponseWriter, r *http.Request, _ *call) { s.notFound(w, r) }},
		"/auth/401":      {h: s.authWall(http.StatusUnauthorized)},
		"/auth/403":      {h: s.authWall(http.StatusForbidden)},
		"/account":       {h: s.account},
		"/login":         {h: s.login},
		"/logout":        {h: s.logout},
		"/crash":         {h: js("crash")},
		"/dialog":        {d: defaults{MS: 300}, h: s.dialog},
		"/spinner":       {h: s.spinner},
		"/spinner/hang":  {h: s.hang},
		"/fill-erase":    {d: defaults{MS: 50}, h: js("fill-erase")},
		"/cover":         {h: s.cover},
		"/catalog":       {d: defaults{Fail: 1}, h: s.catalog},
		"/product/":      {h: s.product},
		"/checks":        {d: defaults{Fail: 1}, h: s.checks},
		"/states":        {d: defaults{MS: 300}, h: js("states")},
		"/form":          {h: js("form")},
		"/list":          {h: js("list")},
		"/infinite":      {d: defaults{MS: 100}, h: s.infinite},

		"/captcha/recaptcha":  {h: s.captchaPage("recaptcha", http.StatusOK)},
		"/captcha/hcaptcha":   {h: s.captchaPage("hcaptcha", http.StatusOK)},
		"/captcha/turnstile":  {h: s.captchaPage("turnstile", http.StatusOK)},
		"/captcha/cloudflare": {h: s.captchaPage("cloudflare", http.StatusForbidden)},
		"/captcha/datadome":   {h: s.captchaPage("datadome", http.StatusForbidden)},
		"/captcha/perimeterx": {h: s.captchaPage("perimeterx", http.StatusForbidden)},
		"/captcha/awswaf":     {h: s.captchaPage("awswaf", http.StatusMethodNotAllowed)},
		"/captcha/clear":      {h: s.captchaClear},

		// The frames and scripts the look-alikes load, on paths that carry the vendors' markers.
		"/recaptcha/":                  {h: s.vendorFrame},
		"/hcaptcha.com/":               {h: s.vendorFrame},
		"/challenges.cloudflare.com/":  {h: s.vendorFrame},
		"/geo.captcha-delivery.com/":   {h: s.vendorFrame},
		"/cdn-cgi/challenge-platform/": {h: s.challengeScript},

		"/shop/":      {h: s.shopRoute}, // crawl.go
		"/robots.txt": {h: s.robotsTxt},

		"/sitemap.xml":      {h: s.sitemapIndex}, // sitemap.go
		"/sitemap-shop.xml": {h: s.sitemapShop},

		"/_hits":  {h: s.hitsEndpoint},
		"/_event": {h: s.event},
	}
}

var titles = map[string]string{
	"late":          "Late element",
	"hidden":        "Hidden then shown",
	"enabled":       "Enabled later",
	"hover-replace": "Replaced on hover",
	"rerender":      "Re-rendered list",
	"overlay":       "Covered by an overlay",
	"moving":        "Moving target",
	"crash":         "Renderer crash",
	"fill-erase":    "Input that erases itself",
	"states":        "Elements that change state",
	"form":          "Form values",
	"list":          "A list to count",
}

// entry is one line of the index page.
type entry struct{ Href, Path, Desc string }

var indexEntries = []entry{
	{"/late?ms=300", "/late", "a Buy button (#target) is inserted after ms; clicking it shows \"clicked N\" in #result"},
	{"/hidden?ms=300", "/hidden", "#target exists with display:none and is shown after ms"},
	{"/enabled?ms=300", "/enabled", "#name and #target are disabled for ms"},
	{"/hover-replace", "/hover-replace", "hovering #target replaces it with a fresh clone, so an old handle is stale"},
	{"/rerender?ms=50", "/rerender", "#list is re-rendered every ms; \"Add N\" buttons show \"added N\" in #result"},
	{"/overlay?ms=300", "/overlay", "a full-page modal (#overlay) covers #target after ms; #overlay-close removes it"},
	{"/moving?ms=1000", "/moving", "#target slides for ms, then stops"},
	{"/dynamic", "/dynamic", "ids and classes are random on every load; the \"Add to cart\" button keeps its text, aria-label and data-testid"},
	{"/slow?ms=1000", "/slow", "the server waits ms before it answers"},
	{"/ratelimit?id=demo&fail=1&ra=2", "/ratelimit", "429 with Retry-After (seconds, or ra=date:N for an HTTP-date) for the first fail requests, then 200"},
	{"/flaky?id=demo&fail=1&code=503", "/flaky", "a 5xx for the first fail requests, then 200"},
	{"/reset?id=demo&fail=1", "/reset", "the connection is closed without an answer for the first fail requests, then 200"},
	{"/notfound", "/notfound", "404 with a page (every unknown path does the same)"},
	{"/auth/401", "/auth/401", "401 with a sign-in form"},
	{"/auth/403", "/auth/403", "403 with a sign-in form"},
	{"/account", "/account", "redirects to /login?next=/account unless the session cookie is set"},
	{"/login", "/login", "a sign-in form; any user name and password set the session cookie"},
	{"/crash", "/crash", "a small form for crash tests, and a button that tries to crash the tab"},
	{"/captcha/recaptcha", "/captcha/recaptcha", "a reCAPTCHA look-alike (?challenge=1 adds the image challenge)"},
	{"/captcha/hcaptcha", "/captcha/hcaptcha", "an hCaptcha look-alike"},
	{"/captcha/turnstile", "/captcha/turnstile", "a Cloudflare Turnstile look-alike"},
	{"/captcha/cloudflare", "/captcha/cloudflare", "a Cloudflare \"Just a moment...\" interstitial (403, cf-mitigated: challenge)"},
	{"/captcha/datadome", "/captcha/datadome", "a DataDome look-alike (403, captcha-delivery.com frame)"},
	{"/captcha/perimeterx", "/captcha/perimeterx", "a PerimeterX look-alike (403, #px-captcha)"},
	{"/captcha/awswaf", "/captcha/awswaf", "an AWS WAF look-alike (405, x-amzn-waf-action: captcha)"},
	{"/captcha/clear", "/captcha/clear", "forgets every solved CAPTCHA (clears the captcha_* cookies)"},
	{"/dialog?ms=300&kind=confirm", "/dialog", "an alert, confirm or prompt opens after ms; #result says what it returned"},
	{"/spinner", "/spinner", "never settles: the DOM changes all the time and a request never ends"},
	{"/fill-erase", "/fill-erase", "#name clears itself once just after the first fill; #secret is a password field"},
	{"/cover", "/cover", "#name and #size in a scroll box, their centres under a sibling panel; the page erases #name while its centre is covered (full=1: all covered)"},
	{"/catalog?id=demo&flaky=3,7&fail=1", "/catalog", "200 products over 20 pages; pages listed in flaky answer 503 for their first fail requests"},
	{"/product/1", "/product/N", "one product (N = 1..200)"},
	{"/shop/catalog?page=1", "/shop/", "a shop to crawl: 47 products behind a.next pages of 10 (the count is never shown), products linking to related ones, a robots-disallowed and an off-host link; /shop/limited/… the same at 5 requests a second, then 429"},
	{"/robots.txt", "/robots.txt", "Disallow: /shop/private/ and Sitemap: /sitemap.xml (tests set their own, e.g. with a Crawl-delay)"},
	{"/sitemap.xml", "/sitemap.xml", "a sitemap index naming /sitemap-shop.xml"},
	{"/sitemap-shop.xml", "/sitemap-shop.xml", "the 47 products of /shop/, each with a lastmod (product N: 2026-01-01 + N-1 days)"},
	{"/checks?fail=1", "/checks", "checkboxes, radios, a styled and an ARIA checkbox; #revert is unchecked again by the page the first fail times, #revert-always every time"},
	{"/states?ms=300", "/states", "after ms an element is removed, one hidden, one shown, one inserted, a button enabled and a text changed"},
	{"/form", "/form", "an input, a password, a textarea, selects, a checkbox and a contenteditable to read values from"},
	{"/list", "/list", "five list items (one hidden) with inputs, to count and read by index"},
	{"/infinite?total=50&batch=10&ms=100", "/infinite", "an infinite list that loads batch more items when scrolled to its end, up to total"},
}

func (s *Site) index(w http.ResponseWriter, r *http.Request, c *call) {
	s.render(w, http.StatusOK, "index", page{Title: "testpages: pages that misbehave on purpose", Route: "/",
		ID: c.p.ID, Data: map[string]any{"Entries": indexEntries}})
}

// randomName is a fresh identifier for /dynamic.
func randomName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func (s *Site) dynamic(w http.ResponseWriter, r *http.Request, c *call) {
	d := map[string]any{}
	for _, k := range []string{"Wrap", "Btn", "Other1", "Other2", "Cls", "Cls2", "Heading"} {
		d[k] = randomName("x")
	}
	s.render(w, http.StatusOK, "dynamic", page{Title: "Dynamic ids", Route: "/dynamic", ID: c.p.ID, Data: d})
}

// wait sleeps d unless the client leaves or the site closes. It reports whether the full wait
// passed.
func (s *Site) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

func (s *Site) slow(w http.ResponseWriter, r *http.Request, c *call) {
	// With fail=N only the first N requests are slow; without it every request is.
	if !c.p.FailSet || c.failing() {
		if !s.wait(r, time.Duration(c.p.MS)*time.Millisecond) {
			panic(http.ErrAbortHandler) // client gone or site closed: drop the connection, answer nothing
		}
	}
	s.content(w, http.StatusOK, "Slow document", fmt.Sprintf("answered after request %d", c.n))
}

// content is the plain success page: #content holds text.
func (s *Site) content(w http.ResponseWriter, status int, title, text string) {
	s.render(w, status, "content", page{Title: title, Data: map[string]any{"Text": text}})
}

func (s *Site) ratelimit(w http.ResponseWriter, r *http.Request, c *call) {
	if c.failing() {
		if v := c.p.RA.Header(time.Now()); v != "" {
			w.Header().Set("Retry-After", v)
		}
		s.render(w, http.StatusTooManyRequests, "error", page{Title: "Too many requests",
			Data: map[string]any{"Status": 429, "Text": fmt.Sprintf("Slow down: request %d of the first %d is refused.", c.n, c.p.Fail)}})
		return
	}
	s.content(w, http.StatusOK, "Rate limit passed", fmt.Sprintf("request %d succeeded", c.n))
}

func (s *Site) flaky(w http.ResponseWriter, r *http.Request, c *call) {
	if c.failing() {
		if r.URL.Query().Get("ra") != "" {
			if v := c.p.RA.Header(time.Now()); v != "" {
				w.Header().Set("Retry-After", v)
			}
		}
		s.render(w, c.p.Code, "error", page{Title: http.StatusText(c.p.Code),
			Data: map[string]any{"Status": c.p.Code, "Text": fmt.Sprintf("Request %d of the first %d fails.", c.n, c.p.Fail)}})
		return
	}
	s.content(w, http.StatusOK, "Flaky server recovered", fmt.Sprintf("request %d succeeded", c.n))
}

func (s *Site) reset(w http.ResponseWriter, r *http.Request, c *call) {
	if !c.failing() {
		s.content(w, http.StatusOK, "Connection kept", fmt.Sprintf("request %d succeeded", c.n))
		return
	}
	s.abort(w)
}

// abort closes the connection without a response: a TCP RST where the connection allows it.
func (s *Site) abort(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2 or a recorder: net/http drops the connection (or stream) without a response.
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	s.mu.Lock()
	s.conns[conn] = struct{}{}
	s.mu.Unlock()
	if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
		_ = tc.SetLinger(0) // close with RST, not FIN
	}
	_ = conn.Close()
	s.mu.Lock()
	delete(s.conns, conn)
	s.mu.Unlock()
}

func (s *Site) dialog(w http.ResponseWriter, r *http.Request, c *call) {
	s.render(w, http.StatusOK, "dialog", page{Title: "JS dialog", Route: "/dialog", ID: c.p.ID, MS: c.p.MS,
		Data: map[string]any{"Kind": c.p.Kind}})
}

func (s *Site) spinner(w http.ResponseWriter, r *http.Request, c *call) {
	s.render(w, http.StatusOK, "spinner", page{Title: "Infinite spinner", Route: "/spinner", ID: c.p.ID,
		Data: map[string]any{"Img": r.URL.Query().Get("img") == "1"}})
}

// hang never answers: it returns when the client leaves or the site closes.
func (s *Site) hang(w http.ResponseWriter, r *http.Request, c *call) {
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
	panic(http.ErrAbortHandler) // no response at all, not an empty 200
}

func (s *Site) hitsEndpoint(w http.ResponseWriter, r *http.Request, c *call) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "%d\n", s.Hits(r.URL.Query().Get("route"), c.p.ID))
}

// event records a page's beacon that its action happened (see Actions).
func (s *Site) event(w http.ResponseWriter, r *http.Request, c *call) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	rt := r.URL.Query().Get("route")
	if len(rt) > 200 || !strings.HasPrefix(rt, "/") {
		http.Error(w, "bad route", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.actions[counterKey{rt, c.p.ID}]++
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
