package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

func urlset(locs ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, l := range locs {
		fmt.Fprintf(&b, "<url><loc>%s</loc></url>\n", l)
	}
	b.WriteString("</urlset>")
	return b.String()
}

func index(locs ...string) string {
	var b strings.Builder
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, l := range locs {
		fmt.Fprintf(&b, "<sitemap><loc>%s</loc></sitemap>", l)
	}
	b.WriteString("</sitemapindex>")
	return b.String()
}

func gz(t testing.TB, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func TestParseSitemap(t *testing.T) {
	base, _ := url.Parse("https://shop.example/maps/sitemap.xml")
	sm, err := ParseSitemap(strings.NewReader("\xef\xbb\xbf"+`<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>
      https://shop.example/p/1?a=1&amp;b=2
    </loc>
    <lastmod>2026-01-05</lastmod>
    <image:image><image:loc>https://cdn.example/1.jpg</image:loc></image:image>
  </url>
  <url><loc>/p/2</loc><lastmod>2026-02-01T10:00:00+01:00</lastmod></url>
  <url><loc>mailto:x@y</loc></url>
  <url><loc></loc></url>
  <url><loc><![CDATA[https://shop.example/p/3]]></loc><lastmod>yesterday</lastmod></url>
</urlset>`), base, 0)
	require.NoError(t, err)
	assert.False(t, sm.Index)
	assert.Empty(t, sm.Cut)
	require.Len(t, sm.Entries, 3, "mailto and an empty loc are dropped; image:loc is not a page")
	assert.Equal(t, 2, sm.Invalid)
	assert.Equal(t, "https://shop.example/p/1?a=1&b=2", sm.Entries[0].URL, "trimmed, entity decoded")
	assert.Equal(t, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), sm.Entries[0].LastMod)
	assert.Equal(t, "https://shop.example/p/2", sm.Entries[1].URL, "resolved against the sitemap")
	assert.True(t, sm.Entries[1].LastMod.Equal(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)))
	assert.Equal(t, "https://shop.example/p/3", sm.Entries[2].URL)
	assert.True(t, sm.Entries[2].LastMod.IsZero(), "unparsable lastmod: unknown")

	sm, err = ParseSitemap(strings.NewReader(index("https://shop.example/a.xml", "b.xml.gz")), base, 0)
	require.NoError(t, err)
	assert.True(t, sm.Index)
	require.Len(t, sm.Entries, 2)
	assert.Equal(t, "https://shop.example/maps/b.xml.gz", sm.Entries[1].URL)

	sm, err = ParseSitemap(strings.NewReader("https://shop.example/a\n\n  https://shop.example/b  \r\n"), base, 0)
	require.NoError(t, err, "the protocol's text form")
	assert.Len(t, sm.Entries, 2)

	for name, doc := range map[string]string{
		"html":      "<html><body>Not found</body></html>",
		"truncated": `<urlset><url><loc>https://shop.example/a</loc></url><url><loc>https://sh`,
		"text":      "Service temporarily unavailable",
		"empty":     "  \n",
		"prolog":    `<?xml version="1.0"?>`,
		"latin1":    `<?xml version="1.0" encoding="ISO-8859-1"?><urlset></urlset>`,
	} {
		_, err := ParseSitemap(strings.NewReader(doc), base, 0)
		assert.Error(t, err, name)
	}
}

func TestParseSitemapCutsAtTheURLLimit(t *testing.T) {
	locs := make([]string, 12)
	for i := range locs {
		locs[i] = fmt.Sprintf("https://shop.example/p/%d", i)
	}
	sm, err := ParseSitemap(strings.NewReader(urlset(locs...)), nil, 10)
	require.NoError(t, err)
	assert.Len(t, sm.Entries, 10)
	assert.Contains(t, sm.Cut, "more than 10 entries")
}

// Entities are not expanded: a billion-laughs file is refused at its first reference, having
// allocated nothing in proportion to the expansion.
func TestParseSitemapEntitiesAreNotExpanded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, `<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	b.WriteString(`<!ENTITY ext SYSTEM "file:///etc/passwd">]><urlset><url><loc>https://shop.example/&lol9;</loc></url><url><loc>&ext;</loc></url></urlset>`)
	sm, err := ParseSitemap(strings.NewReader(b.String()), nil, 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid character entity &lol9;")
	assert.Empty(t, sm.Entries)
}

func FuzzParseSitemap(f *testing.F) {
	f.Add([]byte(urlset("https://a.example/1", "/2")))
	f.Add([]byte(index("https://a.example/s.xml")))
	f.Add([]byte("https://a.example/1\nhttps://a.example/2\n"))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "&b;&b;"><!ENTITY b "x">]><urlset><url><loc>&a;</loc></url></urlset>`))
	f.Add([]byte(`<urlset><url><loc>https://a.example/<url><loc>x</loc></url></loc></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc> http://a.example/s.xml.gz </loc><lastmod>2026</lastmod></sitemap>`))
	base, _ := url.Parse("https://a.example/dir/sitemap.xml")
	f.Fuzz(func(t *testing.T, data []byte) {
		sm, err := ParseSitemap(bytes.NewReader(data), base, 100)
		if len(sm.Entries) > 100 {
			t.Fatalf("%d entries kept, the limit is 100", len(sm.Entries))
		}
		for _, e := range sm.Entries {
			u, perr := url.Parse(e.URL)
			if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("entry %q is not an absolute http(s) URL (err %v)", e.URL, err)
			}
			if len(e.URL) > sitemapMaxLoc*2 {
				t.Fatalf("entry of %d bytes", len(e.URL))
			}
		}
	})
}

// site serves sitemaps from a map path → handler, counting requests per path.
type site struct {
	*httptest.Server
	mu    sync.Mutex
	hits  map[string]int
	files map[string]http.HandlerFunc
}

func newSite(t *testing.T) *site {
	s := &site{hits: map[string]int{}, files: map[string]http.HandlerFunc{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		h := s.files[r.URL.Path]
		s.mu.Unlock()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) xml(path, body string) {
	s.files[path] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write([]byte(body))
	}
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func testReader(clock *retrytest.FakeClock) (*SitemapReader, *[]string) {
	m := retry.NewManager(retry.WithClock(clock), retry.WithCircuitBreaker(false))
	r := NewSitemapReader(nil, m)
	r.Timeout = 5 * time.Second
	var warns []string
	r.Warn = func(s string) { warns = append(warns, s) }
	return r, &warns
}

func readAll(t *testing.T, r *SitemapReader, u string) ([]string, error) {
	var got []string
	_, err := r.Read(context.Background(), u, nil, func(from string, e SitemapEntry) bool {
		got = append(got, e.URL)
		return true
	})
	return got, err
}

func TestSitemapReaderIndexGzipAndEachOnce(t *testing.T) {
	s := newSite(t)
	s.xml("/sitemap.xml", index(s.URL+"/a.xml", "/b.xml.gz", s.URL+"/a.xml", "/inner.xml"))
	s.xml("/a.xml", urlset(s.URL+"/p/1", s.URL+"/p/2"))
	s.files["/b.xml.gz"] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip") // a .gz file, no Content-Encoding
		_, _ = w.Write(gz(t, urlset(s.URL+"/p/3")))
	}
	s.files["/inner.xml"] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip") // compressed on the wire
		_, _ = w.Write(gz(t, index(s.URL+"/sitemap.xml", s.URL+"/c.xml")))
	}
	s.xml("/c.xml", urlset(s.URL+"/p/4"))
	r, warns := testReader(retrytest.NewFakeClock(time.Now()))
	got, err := readAll(t, r, s.URL+"/sitemap.xml")
	require.NoError(t, err)
	assert.Equal(t, []string{s.URL + "/p/1", s.URL + "/p/2", s.URL + "/p/3", s.URL + "/p/4"}, got)
	for _, p := range []string{"/sitemap.xml", "/a.xml", "/b.xml.gz", "/inner.xml", "/c.xml"} {
		assert.Equal(t, 1, s.count(p), "%s fetched once (the index lists a.xml twice, inner lists the root)", p)
	}
	assert.Empty(t, *warns)
}

func TestSitemapReaderRetriesWithRetryAfter(t *testing.T) {
	s := newSite(t)
	var n atomic.Int32
	s.files["/sitemap.xml"] = func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(urlset(s.URL + "/p/1")))
	}
	clock := retrytest.NewFakeClock(time.Now())
	r, _ := testReader(clock)
	got, err := readAll(t, r, s.URL+"/sitemap.xml")
	require.NoError(t, err)
	assert.Equal(t, []string{s.URL + "/p/1"}, got)
	assert.Equal(t, 2, s.count("/sitemap.xml"))
	require.Len(t, clock.Sleeps(), 1)
	assert.Equal(t, 7*time.Second, clock.Sleeps()[0], "max(backoff, Retry-After): the server's 7s")
}

func TestSitemapReaderConnectionResetIsRetried(t *testing.T) {
	s := newSite(t)
	var n atomic.Int32
	s.files["/sitemap.xml"] = func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			require.NoError(t, err)
			_ = conn.(interface{ SetLinger(int) error }).SetLinger(0) // RST, not FIN
			_ = conn.Close()
			return
		}
		_, _ = w.Write([]byte(urlset(s.URL + "/p/1")))
	}
	clock := retrytest.NewFakeClock(time.Now())
	r, _ := testReader(clock)
	got, err := readAll(t, r, s.URL+"/sitemap.xml")
	require.NoError(t, err)
	assert.Equal(t, []string{s.URL + "/p/1"}, got)
	assert.Equal(t, 2, s.count("/sitemap.xml"))
}

func TestSitemapReaderNotFoundIsClearAndNotRetried(t *testing.T) {
	s := newSite(t)
	clock := retrytest.NewFakeClock(time.Now())
	r, _ := testReader(clock)
	_, err := readAll(t, r, s.URL+"/sitemap.xml")
	require.Error(t, err)
	var se *SitemapError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, retry.NotFound, retry.Classify(err))
	assert.Contains(t, err.Error(), "sitemap "+s.URL+"/sitemap.xml")
	assert.Contains(t, err.Error(), "404")
	assert.Equal(t, 1, s.count("/sitemap.xml"))
	assert.Empty(t, clock.Sleeps())

	s.files["/html"] = func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>hello</html>")) }
	_, err = readAll(t, r, s.URL+"/html")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a sitemap: the root element is <html>")
	assert.Equal(t, 1, s.count("/html"), "a bad file is not fetched again")
}

func TestSitemapReaderChildFailureIsAWarning(t *testing.T) {
	s := newSite(t)
	s.xml("/sitemap.xml", index("/gone.xml", "/ok.xml"))
	s.xml("/ok.xml", urlset(s.URL+"/p/1"))
	r, warns := testReader(retrytest.NewFakeClock(time.Now()))
	got, err := readAll(t, r, s.URL+"/sitemap.xml")
	require.NoError(t, err)
	assert.Equal(t, []string{s.URL + "/p/1"}, got)
	require.Len(t, *warns, 1)
	assert.Contains(t, (*warns)[0], "/gone.xml")
	assert.Contains(t, (*warns)[0], "404")
}

func TestSitemapReaderLimits(t *testing.T) {
	s := newSite(t)
	locs := make([]string, 40)
	for i := range locs {
		locs[i] = fmt.Sprintf("%s/product/%04d", s.URL, i)
	}
	big := urlset(locs...)
	s.xml("/big.xml", big)
	s.files["/bomb.xml.gz"] = func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(gz(t, big)) // compressed small, larger than the limit uncompressed
	}
	r, warns := testReader(retrytest.NewFakeClock(time.Now()))
	r.MaxBytes = int64(len(big) / 2)
	for _, p := range []string{"/big.xml", "/bomb.xml.gz"} {
		got, err := readAll(t, r, s.URL+p)
		require.NoError(t, err, p)
		assert.NotEmpty(t, got, p)
		assert.Less(t, len(got), 40, p)
	}
	require.Len(t, *warns, 2)
	assert.Contains(t, (*warns)[0], "uncompressed: the rest is ignored")

	// Nesting deeper than MaxDepth is not followed.
	s.xml("/d0.xml", index("/d1.xml"))
	s.xml("/d1.xml", index("/d2.xml"))
	s.xml("/d2.xml", urlset(s.URL+"/p/deep"))
	r.MaxDepth = 1
	*warns = nil
	got, err := readAll(t, r, s.URL+"/d0.xml")
	require.NoError(t, err)
	assert.Empty(t, got)
	require.Len(t, *warns, 1)
	assert.Contains(t, (*warns)[0], "nested more than 1 deep")

	// page returning false stops the reading.
	n := 0
	_, err = r.Read(context.Background(), s.URL+"/big.xml", map[string]bool{}, func(string, SitemapEntry) bool { n++; return n < 3 })
	require.NoError(t, err)
	assert.Equal(t, 3, n)
}

func TestSitemapReaderDeadline(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	r, _ := testReader(retrytest.NewFakeClock(time.Now()))
	r.Timeout = 50 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := r.Fetch(ctx, srv.URL+"/sitemap.xml")
	require.Error(t, err)
	assert.Equal(t, retry.NetworkTimeout, retry.Classify(err))
	assert.NoError(t, ctx.Err(), "each request has its own deadline inside the run's ctx")
}

func TestRobotsSitemapsOf(t *testing.T) {
	s := newSite(t)
	s.files["/robots.txt"] = func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "User-agent: *\nDisallow: /private/\nSitemap: %s/sitemap.xml\nSitemap: %s/news.xml\n", s.URL, s.URL)
	}
	rb := NewRobots(nil, time.Second)
	got, err := rb.SitemapsOf(context.Background(), s.URL)
	require.NoError(t, err)
	assert.Equal(t, []string{s.URL + "/sitemap.xml", s.URL + "/news.xml"}, got)
	u, _ := url.Parse(s.URL + "/private/x")
	v, err := rb.Check(context.Background(), u)
	require.NoError(t, err)
	assert.False(t, v.Allowed)
	assert.Equal(t, 1, rb.Fetches(), "one robots.txt fetch for both questions")

	empty := newSite(t)
	_, err = NewRobots(nil, time.Second).SitemapsOf(context.Background(), empty.URL)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "lists no Sitemap: line")
	assert.False(t, errors.Is(err, context.Canceled))
}

// BenchmarkParseSitemap50k: a full sitemap (the protocol's 50,000 URLs, about 4.6 MB).
func BenchmarkParseSitemap50k(b *testing.B) {
	locs := make([]string, SitemapMaxURLs)
	for i := range locs {
		locs[i] = fmt.Sprintf("https://shop.example/product/%d?colour=blue", i)
	}
	doc := []byte(urlset(locs...))
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		sm, err := ParseSitemap(bytes.NewReader(doc), nil, 0)
		if err != nil || len(sm.Entries) != SitemapMaxURLs {
			b.Fatalf("%d entries, %v", len(sm.Entries), err)
		}
	}
}

func TestParseSitemapMismatchedTags(t *testing.T) {
	_, err := ParseSitemap(strings.NewReader(`<urlset><url><loc>https://a.example/</url></loc></urlset>`), nil, 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unexpected end element </url>")
}

func TestSitemapReaderRobotsSitemaps(t *testing.T) {
	s := newSite(t)
	var n atomic.Int32
	s.files["/robots.txt"] = func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			http.Error(w, "busy", http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "User-agent: *\nDisallow: /private/\nSitemap: %s/sitemap.xml\nsitemap: /news.xml\n", s.URL)
	}
	r, _ := testReader(retrytest.NewFakeClock(time.Now()))
	got, err := r.RobotsSitemaps(context.Background(), s.URL)
	require.NoError(t, err)
	assert.Equal(t, []string{s.URL + "/sitemap.xml", s.URL + "/news.xml"}, got, "a relative line resolved")
	assert.Equal(t, 2, s.count("/robots.txt"), "a 502 is retried")

	empty := newSite(t)
	empty.files["/robots.txt"] = func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "User-agent: *\nDisallow:\n") }
	_, err = r.RobotsSitemaps(context.Background(), empty.URL)
	require.Error(t, err)
	assert.Equal(t, empty.URL+"/robots.txt lists no Sitemap: line", err.Error())
	_, err = r.RobotsSitemaps(context.Background(), empty.URL+"/missing")
	require.Error(t, err)
}

// Deep nesting is refused early: the open elements are not kept by the million.
func TestParseSitemapNestingIsBounded(t *testing.T) {
	doc := "<urlset><url>" + strings.Repeat("<x>", 1_000_000)
	_, err := ParseSitemap(strings.NewReader(doc), nil, 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nested more than 32 deep")
	_, err = ParseSitemap(strings.NewReader(`<urlset><url><loc>https://a.example/</loc><image:image><image:loc>https://a.example/i.png</image:loc></image:image></url></urlset>`), nil, 0)
	assert.NoError(t, err)
}

// A start tag with a million attributes is refused before the decoder holds them.
func TestParseSitemapLongTagIsRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("<urlset")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, ` a%d=""`, i)
	}
	b.WriteString("></urlset>")
	_, err := ParseSitemap(strings.NewReader(b.String()), nil, 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a start tag longer than 64 KB")
	long := `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.example/?q=` + strings.Repeat("x", 4000) + `</loc></url></urlset>`
	sm, err := ParseSitemap(strings.NewReader(long), nil, 0)
	require.NoError(t, err, "long text is not a long tag")
	assert.Len(t, sm.Entries, 1)
}
