package testpages_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/testpages"
)

// start serves a fresh site for one test.
func start(t *testing.T) *testpages.Server {
	t.Helper()
	srv, err := testpages.Start()
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv
}

// newClient never follows redirects and never reuses a connection, so every request is seen by
// the server exactly once (Go's transport resends a GET that fails on a reused connection).
func newClient(t *testing.T, jar http.CookieJar) *http.Client {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Transport:     tr,
		Jar:           jar,
		Timeout:       30 * time.Second, // a safety net only; no test relies on it
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type answer struct {
	status int
	header http.Header
	body   string
}

func fetch(t *testing.T, c *http.Client, u string) answer {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err, u)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func TestFailThenSucceed(t *testing.T) {
	tests := []struct {
		name    string
		path    string // without id
		route   string // the Hits key
		fail    int
		status  int // while failing
		content string
	}{
		{"ratelimit", "/ratelimit?fail=2&ra=1", "/ratelimit", 2, 429, `id="content"`},
		{"ratelimit default fail is 1", "/ratelimit", "/ratelimit", 1, 429, `id="content"`},
		{"flaky 503 by default", "/flaky?fail=3", "/flaky", 3, 503, `id="content"`},
		{"flaky 500", "/flaky?fail=1&code=500", "/flaky", 1, 500, `id="content"`},
		{"flaky 502", "/flaky?fail=2&code=502", "/flaky", 2, 502, `id="content"`},
		{"flaky fail=0 never fails", "/flaky?fail=0", "/flaky", 0, 503, `id="content"`},
		{"catalog flaky page", "/catalog?page=3&flaky=3,7&fail=2", "/catalog?page=3", 2, 503, `class="product"`},
		{"catalog page not in flaky", "/catalog?page=4&flaky=3,7&fail=2", "/catalog?page=4", 0, 503, `class="product"`},
		{"product fail", "/product/5?fail=1", "/product/5", 1, 503, `class="name"`},
	}
	srv := start(t)
	c := newClient(t, nil)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "ft" + strconv.Itoa(i)
			sep := "?"
			if strings.Contains(tt.path, "?") {
				sep = "&"
			}
			u := srv.URL(tt.path + sep + "id=" + id)
			for n := 1; n <= tt.fail; n++ {
				a := fetch(t, c, u)
				assert.Equal(t, tt.status, a.status, "request %d", n)
				assert.NotContains(t, a.body, tt.content)
			}
			a := fetch(t, c, u)
			assert.Equal(t, http.StatusOK, a.status)
			assert.Contains(t, a.body, tt.content)
			assert.Equal(t, tt.fail+1, srv.Hits(tt.route, id))
			// A different id has its own count.
			assert.Equal(t, 0, srv.Hits(tt.route, id+"-other"))
		})
	}
}

func TestRetryAfter(t *testing.T) {
	srv := start(t)
	c := newClient(t, nil)

	t.Run("seconds", func(t *testing.T) {
		a := fetch(t, c, srv.URL("/ratelimit?id=ra-s&ra=7"))
		require.Equal(t, 429, a.status)
		assert.Equal(t, "7", a.header.Get("Retry-After"))
	})
	t.Run("default is one second", func(t *testing.T) {
		a := fetch(t, c, srv.URL("/ratelimit?id=ra-d"))
		assert.Equal(t, "1", a.header.Get("Retry-After"))
	})
	t.Run("none", func(t *testing.T) {
		a := fetch(t, c, srv.URL("/ratelimit?id=ra-n&ra=none"))
		require.Equal(t, 429, a.status)
		assert.Empty(t, a.header.Values("Retry-After"))
	})
	t.Run("capped", func(t *testing.T) {
		a := fetch(t, c, srv.URL("/ratelimit?id=ra-c&ra=999999999"))
		assert.Equal(t, "86400", a.header.Get("Retry-After"))
	})
	t.Run("http date at least ra ahead", func(t *testing.T) {
		before := time.Now()
		a := fetch(t, c, srv.URL("/ratelimit?id=ra-date&ra=date:2"))
		after := time.Now()
		require.Equal(t, 429, a.status)
		when, err := http.ParseTime(a.header.Get("Retry-After"))
		require.NoError(t, err, a.header.Get("Retry-After"))
		assert.False(t, when.Before(before.Add(2*time.Second)), "%v is less than 2s after %v", when, before)
		assert.False(t, when.After(after.Add(3*time.Second)), "%v is more than 3s after %v", when, after)
	})
	t.Run("flaky with ra", func(t *testing.T) {
		a := fetch(t, c, srv.URL("/flaky?id=ra-f&ra=3"))
		require.Equal(t, 503, a.status)
		assert.Equal(t, "3", a.header.Get("Retry-After"))
		b := fetch(t, c, srv.URL("/flaky?id=ra-f2"))
		assert.Empty(t, b.header.Values("Retry-After"), "flaky sends Retry-After only when ra is given")
	})
}

func TestReset(t *testing.T) {
	for _, fail := range []int{1, 3} {
		t.Run("fail="+strconv.Itoa(fail), func(t *testing.T) {
			srv := start(t)
			c := newClient(t, nil)
			u := srv.URL("/reset?id=r&fail=" + strconv.Itoa(fail))
			for n := 1; n <= fail; n++ {
				resp, err := c.Get(u)
				if err == nil {
					resp.Body.Close()
				}
				require.Error(t, err, "request %d must get no response", n)
				assert.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF),
					"request %d: want a reset or EOF, got %v", n, err)
			}
			a := fetch(t, c, u)
			assert.Equal(t, http.StatusOK, a.status)
			assert.Contains(t, a.body, `id="content"`)
			assert.Equal(t, fail+1, srv.Hits("/reset", "r"))
		})
	}
}

func TestSlow(t *testing.T) {
	srv := start(t)

	t.Run("waits past a short client timeout", func(t *testing.T) {
		c := newClient(t, nil)
		c.Timeout = 50 * time.Millisecond // the server waits 60 s: this cannot race
		_, err := c.Get(srv.URL("/slow?id=s1&ms=60000"))
		require.Error(t, err)
		var ue *url.Error
		require.ErrorAs(t, err, &ue)
		assert.True(t, ue.Timeout())
		assert.Equal(t, 1, srv.Hits("/slow", "s1"))
	})
	t.Run("fail=N makes only the first N slow", func(t *testing.T) {
		c := newClient(t, nil)
		c.Timeout = 50 * time.Millisecond
		_, err := c.Get(srv.URL("/slow?id=s2&ms=60000&fail=1"))
		require.Error(t, err)
		c.Timeout = 30 * time.Second // the second answers at once; waiting 60 s would fail the test
		a := fetch(t, c, srv.URL("/slow?id=s2&ms=60000&fail=1"))
		assert.Equal(t, http.StatusOK, a.status)
		assert.Contains(t, a.body, `id="content"`)
		assert.Equal(t, 2, srv.Hits("/slow", "s2"))
	})
	t.Run("ms=0 answers at once", func(t *testing.T) {
		a := fetch(t, newClient(t, nil), srv.URL("/slow?id=s3&ms=0"))
		assert.Equal(t, http.StatusOK, a.status)
	})
}

// Close must end requests that are still waiting, or a test that closes its server would hang.
func TestCloseEndsWaitingRequests(t *testing.T) {
	for _, path := range []string{"/slow?id=c&ms=60000", "/spinner/hang?id=c"} {
		t.Run(path, func(t *testing.T) {
			srv, err := testpages.Start()
			require.NoError(t, err)
			c := newClient(t, nil)
			errc := make(chan error, 1)
			go func() {
				resp, err := c.Get(srv.URL(path))
				if err == nil {
					resp.Body.Close()
				}
				errc <- err
			}()
			route, _, _ := strings.Cut(path, "?")
			require.Eventually(t, func() bool { return srv.Hits(route, "c") == 1 }, 10*time.Second, 5*time.Millisecond)
			require.NoError(t, srv.Close())
			require.NoError(t, srv.Close(), "Close is idempotent")
			require.Error(t, <-errc)
		})
	}
}

func TestNotFound(t *testing.T) {
	srv := start(t)
	c := newClient(t, nil)
	for _, p := range []string{"/notfound", "/no/such/page", "/product/0", "/product/201", "/product/abc"} {
		a := fetch(t, c, srv.URL(p))
		assert.Equal(t, http.StatusNotFound, a.status, p)
		assert.Contains(t, a.header.Get("Content-Type"), "text/html", p)
		assert.Contains(t, a.body, `id="not-found"`, p)
		assert.Contains(t, a.body, "404 Not found", p)
	}
}

func TestLoginWall(t *testing.T) {
	srv := start(t)

	t.Run("401 and 403 show a form", func(t *testing.T) {
		c := newClient(t, nil)
		for path, status := range map[string]int{"/auth/401": 401, "/auth/403": 403} {
			a := fetch(t, c, srv.URL(path))
			assert.Equal(t, status, a.status)
			assert.Empty(t, a.header.Values("WWW-Authenticate"), "no browser credentials prompt")
			assert.Contains(t, a.body, `id="password"`)
			assert.Contains(t, a.body, `type="password"`)
		}
	})

	t.Run("account redirects to the form", func(t *testing.T) {
		a := fetch(t, newClient(t, nil), srv.URL("/account"))
		assert.Equal(t, http.StatusFound, a.status)
		assert.Equal(t, "/login?next=/account", a.header.Get("Location"))
	})

	t.Run("form fields", func(t *testing.T) {
		a := fetch(t, newClient(t, nil), srv.URL("/login?next=/account"))
		require.Equal(t, http.StatusOK, a.status)
		for _, want := range []string{`id="username"`, `id="password"`, `type="password"`, `<button type="submit"`, `name="next" value="/account"`} {
			assert.Contains(t, a.body, want)
		}
	})

	t.Run("empty password shows the form again", func(t *testing.T) {
		resp, err := newClient(t, nil).PostForm(srv.URL("/login"), url.Values{"username": {"ann"}, "next": {"/account"}})
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, string(b), `id="error"`)
		assert.Empty(t, resp.Cookies())
	})

	t.Run("sign in sets the cookie and goes to next", func(t *testing.T) {
		jar, err := cookiejar.New(nil)
		require.NoError(t, err)
		c := newClient(t, jar)
		resp, err := c.PostForm(srv.URL("/login"), url.Values{"username": {"ann"}, "password": {"pw"}, "next": {"/account"}})
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, "/account", resp.Header.Get("Location"))
		var session *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == testpages.SessionCookie {
				session = ck
			}
		}
		require.NotNil(t, session)
		assert.True(t, session.HttpOnly)
		assert.Equal(t, "/", session.Path)
		assert.NotContains(t, session.Value, "pw")

		a := fetch(t, c, srv.URL("/account"))
		assert.Equal(t, http.StatusOK, a.status)
		assert.Contains(t, a.body, "Signed in as ann")

		a = fetch(t, c, srv.URL("/logout"))
		assert.Equal(t, http.StatusFound, a.status)
		assert.Equal(t, http.StatusFound, fetch(t, c, srv.URL("/account")).status)
	})

	t.Run("next never leaves the site", func(t *testing.T) {
		for _, next := range []string{"//evil.example/", "https://evil.example/", "javascript:alert(1)", ""} {
			resp, err := newClient(t, nil).PostForm(srv.URL("/login"), url.Values{"username": {"a"}, "password": {"b"}, "next": {next}})
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, "/account", resp.Header.Get("Location"), next)
		}
	})

	t.Run("a session cookie set by hand is accepted", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, srv.URL("/account"), nil)
		require.NoError(t, err)
		req.AddCookie(&http.Cookie{Name: "session", Value: "x"})
		resp, err := newClient(t, nil).Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
}

func TestCaptchaLookAlikes(t *testing.T) {
	tests := []struct {
		vendor  string
		status  int
		header  [2]string // name, value; empty name: none
		markers []string  // in the top page
		frame   string    // the frame's path prefix, "" when #captcha-solve is in the page
	}{
		{"recaptcha", 200, [2]string{}, []string{`class="g-recaptcha"`, `src="/recaptcha/api2/anchor?`, `name="g-recaptcha-response"`}, "/recaptcha/api2/anchor"},
		{"hcaptcha", 200, [2]string{}, []string{`class="h-captcha"`, `src="/hcaptcha.com/`, `name="h-captcha-response"`}, "/hcaptcha.com/captcha/v1/checkbox"},
		{"turnstile", 200, [2]string{}, []string{`class="cf-turnstile"`, `src="/challenges.cloudflare.com/`, `name="cf-turnstile-response"`}, "/challenges.cloudflare.com/turnstile/v0/api2/widget"},
		{"cloudflare", 403, [2]string{"Cf-Mitigated", "challenge"}, []string{`<title>Just a moment...</title>`, `id="challenge-running"`, `src="/cdn-cgi/challenge-platform/`, `id="captcha-solve"`}, ""},
		{"datadome", 403, [2]string{"X-Datadome", "protected"}, []string{`src="/geo.captcha-delivery.com/captcha/`}, "/geo.captcha-delivery.com/captcha/"},
		{"perimeterx", 403, [2]string{}, []string{`id="px-captcha"`, `id="captcha-solve"`}, ""},
		{"awswaf", 405, [2]string{"X-Amzn-Waf-Action", "captcha"}, []string{`id="captcha-solve"`}, ""},
	}
	srv := start(t)
	c := newClient(t, nil)
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			a := fetch(t, c, srv.URL("/captcha/"+tt.vendor))
			assert.Equal(t, tt.status, a.status)
			if tt.header[0] != "" {
				assert.Equal(t, tt.header[1], a.header.Get(tt.header[0]))
			}
			for _, m := range tt.markers {
				assert.Contains(t, a.body, m)
			}
			assert.NotContains(t, a.body, `id="content"`)
			assert.NotRegexp(t, `(src|href)="(https?:)?//`, a.body, "loads nothing from outside")

			if tt.frame != "" {
				f := fetch(t, c, srv.URL(tt.frame+"?k=test"))
				assert.Equal(t, http.StatusOK, f.status)
				assert.Contains(t, f.body, `id="captcha-solve"`)
				assert.Contains(t, f.body, `tp.solve('`+tt.vendor+`'`)
			}

			// Solved: the cookie the click sets opens the page.
			req, err := http.NewRequest(http.MethodGet, srv.URL("/captcha/"+tt.vendor), nil)
			require.NoError(t, err)
			req.AddCookie(&http.Cookie{Name: testpages.CaptchaCookie(tt.vendor), Value: "ok"})
			resp, err := c.Do(req)
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, string(b), `id="content"`)
			assert.NotContains(t, string(b), `captcha-solve`)
			if tt.header[0] != "" {
				assert.Empty(t, resp.Header.Values(tt.header[0]))
			}
		})
	}

	t.Run("recaptcha image challenge", func(t *testing.T) {
		a := fetch(t, c, srv.URL("/captcha/recaptcha?challenge=1"))
		assert.Contains(t, a.body, `src="/recaptcha/api2/bframe?`)
		assert.NotContains(t, fetch(t, c, srv.URL("/captcha/recaptcha")).body, "bframe")
		f := fetch(t, c, srv.URL("/recaptcha/api2/bframe?k=test"))
		assert.Contains(t, f.body, `id="captcha-solve"`)
	})
	t.Run("interstitial script", func(t *testing.T) {
		a := fetch(t, c, srv.URL("/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=1"))
		assert.Equal(t, http.StatusOK, a.status)
		assert.Contains(t, a.header.Get("Content-Type"), "javascript")
		assert.Contains(t, a.body, "solve('cloudflare'")
	})
	t.Run("the click sets the vendor cookie", func(t *testing.T) {
		js := fetch(t, c, srv.URL("/static/site.js"))
		assert.Contains(t, js.body, `document.cookie = 'captcha_' + vendor + '=ok; path=/`)
	})
	t.Run("clear", func(t *testing.T) {
		resp, err := c.Get(srv.URL("/captcha/clear"))
		require.NoError(t, err)
		resp.Body.Close()
		cleared := map[string]bool{}
		for _, ck := range resp.Cookies() {
			if ck.MaxAge < 0 {
				cleared[ck.Name] = true
			}
		}
		for _, v := range testpages.Vendors {
			assert.True(t, cleared[testpages.CaptchaCookie(v)], v)
		}
	})
}

func TestBadParams(t *testing.T) {
	srv := start(t)
	c := newClient(t, nil)
	for _, q := range []string{
		"/late?ms=abc", "/late?ms=1.5", "/flaky?fail=x", "/flaky?code=404", "/flaky?code=abc",
		"/ratelimit?ra=soon", "/ratelimit?ra=date:x", "/catalog?page=0", "/catalog?page=21",
		"/catalog?flaky=3,x", "/catalog?flaky=99", "/dialog?kind=beep",
	} {
		a := fetch(t, c, srv.URL(q+"&id=bad"))
		assert.Equal(t, http.StatusBadRequest, a.status, q)
		route, _, _ := strings.Cut(q, "?")
		assert.Equal(t, 0, srv.Hits(route, "bad"), "%s: a rejected request is not a hit", q)
	}

	clamped := []struct{ q, want string }{
		{"/late?ms=-5", `data-ms="0"`},
		{"/late?ms=999999999", `data-ms="60000"`},
		{"/late?ms=99999999999999999999999", `data-ms="60000"`},
		{"/late?ms=-99999999999999999999999", `data-ms="0"`},
		{"/late", `data-ms="300"`},
		{"/late?id=" + strings.Repeat("x", 500), `data-id="` + strings.Repeat("x", 128) + `"`},
	}
	for _, tt := range clamped {
		a := fetch(t, c, srv.URL(tt.q))
		assert.Equal(t, http.StatusOK, a.status, tt.q)
		assert.Contains(t, a.body, tt.want, tt.q)
	}
	// fail is clamped too: an absurd count just means "always fail".
	assert.Equal(t, 503, fetch(t, c, srv.URL("/flaky?id=huge&fail=99999999999999999999")).status)
}

func TestCatalog(t *testing.T) {
	srv := start(t)
	c := newClient(t, nil)
	want := testpages.Catalog()
	require.Len(t, want, 200)

	product := regexp.MustCompile(`<li class="product" data-id="(\d+)"><span class="name">([^<]*)</span> <span class="price">([^<]*)</span> <a class="detail" href="(/product/\d+)">`)
	next := regexp.MustCompile(`<a class="next" rel="next" href="([^"]+)">`)

	var got []testpages.Product
	u := "/catalog?id=walk"
	for pageNo := 1; u != ""; pageNo++ {
		require.LessOrEqual(t, pageNo, 20)
		a := fetch(t, c, srv.URL(strings.ReplaceAll(u, "&amp;", "&")))
		require.Equal(t, http.StatusOK, a.status, u)
		rows := product.FindAllStringSubmatch(a.body, -1)
		require.Len(t, rows, 10, "page %d", pageNo)
		for _, r := range rows {
			id, _ := strconv.Atoi(r[1])
			got = append(got, testpages.Product{ID: id, Name: r[2], Price: r[3], Path: r[4]})
		}
		u = ""
		if m := next.FindStringSubmatch(a.body); m != nil {
			u = m[1]
			assert.Contains(t, u, "id=walk", "a.next keeps the other parameters")
		}
	}
	assert.Equal(t, want, got)

	names := map[string]bool{}
	for _, p := range want {
		names[p.Name] = true
		assert.Regexp(t, `^\$\d+\.\d\d$`, p.Price)
	}
	assert.Len(t, names, 200, "names are unique")

	a := fetch(t, c, srv.URL("/product/42"))
	assert.Contains(t, a.body, `<h1 class="name">`+want[41].Name+`</h1>`)
	assert.Contains(t, a.body, `<span class="price">`+want[41].Price+`</span>`)
}

func TestParallelIDsDoNotInterfere(t *testing.T) {
	srv := start(t)
	for i := range 8 {
		id := "par" + strconv.Itoa(i)
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, nil)
			for n := 1; n <= i; n++ {
				assert.Equal(t, 503, fetch(t, c, srv.URL("/flaky?id="+id+"&fail="+strconv.Itoa(i))).status)
			}
			assert.Equal(t, 200, fetch(t, c, srv.URL("/flaky?id="+id+"&fail="+strconv.Itoa(i))).status)
			assert.Equal(t, i+1, srv.Hits("/flaky", id))
		})
	}
}

func TestHandlerHasItsOwnCounters(t *testing.T) {
	h1, h2 := httptest.NewServer(testpages.Handler()), httptest.NewServer(testpages.Handler())
	defer h1.Close()
	defer h2.Close()
	c := newClient(t, nil)
	assert.Equal(t, 503, fetch(t, c, h1.URL+"/flaky?id=x").status)
	assert.Equal(t, 200, fetch(t, c, h1.URL+"/flaky?id=x").status)
	assert.Equal(t, 503, fetch(t, c, h2.URL+"/flaky?id=x").status, "a fresh handler starts from zero")
	assert.Equal(t, "2\n", fetch(t, c, h1.URL+"/_hits?route=/flaky&id=x").body)
}

func TestEveryIndexLinkAnswers(t *testing.T) {
	srv := start(t)
	c := newClient(t, nil)
	a := fetch(t, c, srv.URL("/"))
	require.Equal(t, http.StatusOK, a.status)
	links := regexp.MustCompile(`<li><a href="([^"]+)">`).FindAllStringSubmatch(a.body, -1)
	require.GreaterOrEqual(t, len(links), 30)
	expect := map[string]int{"/notfound": 404, "/auth/401": 401, "/auth/403": 403, "/account": 302,
		"/captcha/cloudflare": 403, "/captcha/datadome": 403, "/captcha/perimeterx": 403, "/captcha/awswaf": 405,
		"/ratelimit": 429, "/flaky": 503}
	for _, l := range links {
		u := strings.ReplaceAll(l[1], "&amp;", "&")
		route, _, _ := strings.Cut(u, "?")
		resp, err := c.Get(srv.URL(u))
		if route == "/reset" {
			require.Error(t, err, "the first /reset request gets no response")
			continue
		}
		require.NoError(t, err, u)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		status := http.StatusOK
		if s, ok := expect[route]; ok {
			status = s
		}
		assert.Equal(t, status, resp.StatusCode, u)
		assert.NotRegexp(t, `(src|href)="(https?:)?//`, string(b), "%s loads nothing from outside", u)
	}
}

func TestDynamicIDsChange(t *testing.T) {
	srv := start(t)
	c := newClient(t, nil)
	btn := regexp.MustCompile(`<button id="([^"]+)" class="([^"]+)" type="button" aria-label="Add to cart" data-testid="add-to-cart">Add to cart</button>`)
	m1 := btn.FindStringSubmatch(fetch(t, c, srv.URL("/dynamic")).body)
	m2 := btn.FindStringSubmatch(fetch(t, c, srv.URL("/dynamic")).body)
	require.NotNil(t, m1)
	require.NotNil(t, m2)
	assert.NotEqual(t, m1[1], m2[1])
	assert.NotEqual(t, m1[2], m2[2])
}

func TestEventBeacon(t *testing.T) {
	srv := start(t)
	c := newClient(t, nil)
	for range 2 {
		resp, err := c.Post(srv.URL("/_event?route=/late&id=ev"), "text/plain", nil)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	}
	assert.Equal(t, 2, srv.Actions("/late", "ev"))
	assert.Equal(t, 0, srv.Actions("/late", "other"))
	assert.Equal(t, http.StatusMethodNotAllowed, fetch(t, c, srv.URL("/_event?route=/late&id=ev")).status)
}

func TestEveryResponseClosesTheConnection(t *testing.T) {
	srv := start(t)
	resp, err := newClient(t, nil).Get(srv.URL("/late"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.True(t, resp.Close, "Connection: close, so browsers never resend a /reset request silently")
}
