package crawl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/smartretry/smartretry/retry"
)

// The sitemap protocol's limits (sitemaps.org): one file holds at most 50,000 URLs and 50 MB
// uncompressed. A reader cuts a file there (with a warning), so a hostile or broken sitemap
// costs at most that much memory.
const (
	SitemapMaxURLs  = 50_000
	SitemapMaxBytes = 50 << 20
	// SitemapMaxDepth is how deep sitemap indexes may nest below the sitemap named (the protocol
	// allows one level; real sites nest a little more). Deeper ones are skipped with a warning.
	SitemapMaxDepth = 4
	// sitemapMaxLoc bounds one <loc> (the protocol says 2,048 characters).
	sitemapMaxLoc = 8 << 10
	// sitemapMaxNesting bounds how deep elements may nest.
	sitemapMaxNesting = 32
)

// ReasonLastmod: a sitemap's page whose <lastmod> is before the stage's since:.
const ReasonLastmod = "lastmod"

// SitemapEntry is one <url> of a urlset (or one <sitemap> of an index): its <loc>, trimmed and
// made absolute against the sitemap's own URL, and its <lastmod> (zero when absent or
// unparsable). A plain value: safe for concurrent use.
type SitemapEntry struct {
	URL     string
	LastMod time.Time
}

// ParsedSitemap is one sitemap file read. A plain value: safe for concurrent use.
type ParsedSitemap struct {
	// Index is true for a <sitemapindex>: Entries are then sitemaps, not pages.
	Index   bool
	Entries []SitemapEntry
	// Cut says why the file was not read to its end ("" when it was): more than SitemapMaxURLs
	// entries, or more than the byte limit.
	Cut string
	// Invalid counts the <loc>s dropped: empty, malformed, or not http(s).
	Invalid int
}

// ErrNotSitemap is returned for a document that is neither a <urlset>, a <sitemapindex> nor a
// plain-text list of URLs.
var ErrNotSitemap = errors.New("not a sitemap")

// ParseSitemap reads one sitemap: XML (<urlset> or <sitemapindex>, any namespace) or the
// protocol's plain-text form (one URL a line). base resolves relative <loc>s (nil: kept as
// written, relative ones dropped). maxURLs bounds the entries kept (0: SitemapMaxURLs); the
// caller bounds the bytes (SitemapReader does). Entities are never expanded beyond XML's five
// predefined ones (encoding/xml ignores a DOCTYPE's declarations and refuses undeclared
// references), so "billion laughs" files fail at once instead of growing.
func ParseSitemap(r io.Reader, base *url.URL, maxURLs int) (ParsedSitemap, error) {
	if maxURLs <= 0 {
		maxURLs = SitemapMaxURLs
	}
	br := bufio.NewReader(r)
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return ParsedSitemap{}, fmt.Errorf("%w: empty", ErrNotSitemap)
	}
	if trimmed[0] != '<' {
		return parseTextSitemap(br, base, maxURLs)
	}
	return parseXMLSitemap(br, base, maxURLs)
}

func parseXMLSitemap(r io.Reader, base *url.URL, maxURLs int) (ParsedSitemap, error) {
	var out ParsedSitemap
	d := xml.NewDecoder(&tagLimiter{r: r})
	d.Strict = true
	d.CharsetReader = func(charset string, in io.Reader) (io.Reader, error) {
		if strings.EqualFold(charset, "us-ascii") || strings.EqualFold(charset, "utf8") {
			return in, nil
		}
		return nil, fmt.Errorf("encoding %q is not supported (sitemaps are UTF-8)", charset)
	}
	var (
		path  []string // local names of the open elements
		text  strings.Builder
		entry SitemapEntry
		open  bool // inside a <url> / <sitemap>
	)
	item := "url"
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(path) > 0 {
				return out, fmt.Errorf("%w: the document ends inside <%s>", ErrNotSitemap, strings.Join(path, "><"))
			}
			return out, fmt.Errorf("%w: no root element", ErrNotSitemap)
		}
		if err != nil {
			return out, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if len(path) >= sitemapMaxNesting {
				// A sitemap is 3 deep (4-5 with extensions); a million open tags would hold a
				// million names for nothing.
				return out, &badSitemap{err: fmt.Errorf("%w: elements nested more than %d deep", ErrNotSitemap, sitemapMaxNesting)}
			}
			path = append(path, name)
			switch len(path) {
			case 1:
				switch name {
				case "urlset":
				case "sitemapindex":
					out.Index, item = true, "sitemap"
				default:
					return out, fmt.Errorf("%w: the root element is <%s>, not <urlset> or <sitemapindex>", ErrNotSitemap, name)
				}
			case 2:
				if name == item {
					open, entry = true, SitemapEntry{}
				}
			case 3:
				text.Reset()
			}
		case xml.CharData:
			if open && len(path) == 3 && text.Len()+len(t) <= sitemapMaxLoc {
				text.Write(t)
			}
		case xml.EndElement:
			// RawToken (no namespace bookkeeping: three times faster) leaves tag matching to us.
			if len(path) == 0 || path[len(path)-1] != t.Name.Local {
				line, _ := d.InputPos()
				return out, &xml.SyntaxError{Msg: fmt.Sprintf("unexpected end element </%s>", t.Name.Local), Line: line}
			}
			if open && len(path) == 3 {
				v := strings.TrimSpace(text.String())
				switch path[2] {
				case "loc":
					entry.URL = v
				case "lastmod":
					entry.LastMod, _ = ParseLastMod(v)
				}
			}
			if open && len(path) == 2 {
				open = false
				if u := resolveLoc(base, entry.URL); u == "" {
					out.Invalid++
				} else {
					if len(out.Entries) >= maxURLs {
						out.Cut = fmt.Sprintf("more than %d entries: the rest is ignored", maxURLs)
						return out, nil
					}
					entry.URL = u
					out.Entries = append(out.Entries, entry)
				}
			}
			path = path[:len(path)-1]
			if len(path) == 0 {
				return out, nil // nothing after the root element matters
			}
		}
	}
}

// sitemapMaxTag bounds one start tag: encoding/xml keeps a tag's attributes as structs, about
// ten times the bytes they take in the file, so a file of one tag with a million attributes
// would cost half a gigabyte within the 50 MB limit.
const sitemapMaxTag = 64 << 10

// errTagTooLong: a start tag longer than sitemapMaxTag.
var errTagTooLong = fmt.Errorf("%w: a start tag longer than %d KB", ErrNotSitemap, sitemapMaxTag>>10)

// tagLimiter fails the read of a start tag longer than sitemapMaxTag, before the decoder holds
// its attributes. It only looks at bytes: a '>' inside an attribute value ends its count early,
// which errs on the side of reading.
type tagLimiter struct {
	r     io.Reader
	state int // 0 text, 1 just after '<', 2 in a start tag
	n     int // bytes of the start tag so far
}

func (t *tagLimiter) Read(p []byte) (int, error) {
	k, err := t.r.Read(p)
	for _, c := range p[:k] {
		switch t.state {
		case 0:
			if c == '<' {
				t.state = 1
			}
		case 1:
			t.state, t.n = 0, 0
			if c == '_' || c == ':' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= 0x80 {
				t.state = 2
			}
		case 2:
			if c == '>' {
				t.state = 0
				continue
			}
			if t.n++; t.n > sitemapMaxTag {
				return 0, errTagTooLong
			}
		}
	}
	return k, err
}

// resolveLoc trims a <loc> and makes it absolute against base; "" when it cannot be a page URL.
func resolveLoc(base *url.URL, loc string) string {
	loc = strings.TrimSpace(loc)
	if loc == "" || len(loc) > sitemapMaxLoc {
		return ""
	}
	u, err := url.Parse(loc)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	return u.String()
}

func parseTextSitemap(r *bufio.Reader, base *url.URL, maxURLs int) (ParsedSitemap, error) {
	var out ParsedSitemap
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), sitemapMaxLoc)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		u := resolveLoc(base, line)
		if u == "" || !strings.Contains(line, "://") {
			if len(out.Entries) == 0 {
				return out, fmt.Errorf("%w: neither XML nor a list of URLs (first line %.60q)", ErrNotSitemap, line)
			}
			out.Invalid++
			continue
		}
		if len(out.Entries) >= maxURLs {
			out.Cut = fmt.Sprintf("more than %d entries: the rest is ignored", maxURLs)
			return out, nil
		}
		out.Entries = append(out.Entries, SitemapEntry{URL: u})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return out, fmt.Errorf("%w: a line longer than %d bytes", ErrNotSitemap, sitemapMaxLoc)
		}
		return out, err
	}
	return out, nil
}

// ParseLastMod reads a W3C datetime as sitemaps write it: 2026-01-02, 2026-01-02T15:04Z,
// 2026-01-02T15:04:05+01:00 (fractions allowed), 2026-01 or 2026. A date without a zone is UTC.
func ParseLastMod(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// SitemapReader fetches sitemaps over plain HTTP (no browser): sitemap indexes are followed
// (nested up to MaxDepth, each sitemap fetched once), gzip is undone (a .gz file, or a
// Content-Encoding the transport left), each file is cut at the protocol's limits with a
// warning. Every request runs under Timeout inside the caller's ctx; 429, 5xx, resets and
// timeouts are retried by the retry engine (Manager: its per-type attempts and backoff, a
// Retry-After honoured), a 404 is an error at once.
//
// The zero value is not usable: make one with NewSitemapReader. A SitemapReader is safe for
// concurrent use once made (each Read keeps its own state).
type SitemapReader struct {
	Client   *http.Client
	Manager  *retry.Manager
	Timeout  time.Duration // one request (default 30s)
	MaxDepth int           // nested indexes below the sitemap named (default SitemapMaxDepth)
	MaxURLs  int           // entries kept per file (default SitemapMaxURLs)
	MaxBytes int64         // uncompressed bytes read per file (default SitemapMaxBytes)
	// Warn hears what was skipped or cut (a child sitemap that failed, a file cut at a limit).
	// nil: nothing is said.
	Warn func(msg string)
}

// NewSitemapReader makes a reader with the defaults; client nil: a plain client; m nil: a
// Manager of its own without circuit breaker.
func NewSitemapReader(client *http.Client, m *retry.Manager) *SitemapReader {
	if client == nil {
		client = &http.Client{}
	}
	if m == nil {
		m = retry.NewManager(retry.WithCircuitBreaker(false))
	}
	return &SitemapReader{Client: client, Manager: m, Timeout: 30 * time.Second, MaxDepth: SitemapMaxDepth,
		MaxURLs: SitemapMaxURLs, MaxBytes: SitemapMaxBytes}
}

// SitemapError is a sitemap that could not be read (after the engine's retries).
type SitemapError struct {
	URL string
	Err error
}

func (e *SitemapError) Error() string {
	// The engine's give-up wraps the last error: say that, and how many tries it took.
	err, tries := e.Err, ""
	var re *retry.Error
	if errors.As(err, &re) && re.Err != nil {
		err = re.Err
		if re.Attempts > 1 {
			tries = fmt.Sprintf(" (%d attempts)", re.Attempts)
		}
	}
	msg := err.Error()
	var he *retry.HTTPError
	if errors.As(err, &he) && he.URL == e.URL {
		msg = strings.Replace(msg, " from "+he.URL, "", 1)
	}
	return fmt.Sprintf("sitemap %s: %s%s", e.URL, msg, tries)
}
func (e *SitemapError) Unwrap() error { return e.Err }

// Read fetches the sitemap at rawURL and every sitemap its index lists, depth first, and calls
// page for each page entry, in file order, with the URL of the sitemap that listed it; page
// returns false to stop reading (enough was found). The sitemap named must be read (else a
// *SitemapError); a child sitemap that fails is skipped with a warning. seen holds the
// sitemaps already read (shared between Reads so that each is fetched once; nil: this Read's
// own). invalid is how many page <loc>s were dropped as no http(s) URL.
func (r *SitemapReader) Read(ctx context.Context, rawURL string, seen map[string]bool, page func(from string, e SitemapEntry) bool) (invalid int, err error) {
	if seen == nil {
		seen = map[string]bool{}
	}
	_, err = r.read(ctx, rawURL, 0, seen, &invalid, page)
	return invalid, err
}

// read returns false when page asked to stop.
func (r *SitemapReader) read(ctx context.Context, raw string, depth int, seen map[string]bool, invalid *int, page func(string, SitemapEntry) bool) (bool, error) {
	if seen[raw] {
		return true, nil
	}
	seen[raw] = true
	sm, err := r.Fetch(ctx, raw)
	if err != nil {
		return true, &SitemapError{URL: raw, Err: err}
	}
	if sm.Cut != "" {
		r.warn(fmt.Sprintf("sitemap %s: %s", raw, sm.Cut))
	}
	if !sm.Index {
		*invalid += sm.Invalid
		for _, e := range sm.Entries {
			if !page(raw, e) {
				return false, nil
			}
		}
		return true, nil
	}
	if depth >= r.MaxDepth {
		r.warn(fmt.Sprintf("sitemap %s: an index nested more than %d deep, not followed", raw, r.MaxDepth))
		return true, nil
	}
	for _, e := range sm.Entries {
		more, err := r.read(ctx, e.URL, depth+1, seen, invalid, page)
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if err != nil {
			r.warn(fmt.Sprintf("%v (listed in %s): skipped", err, raw))
		}
		if !more {
			return false, nil
		}
	}
	return true, nil
}

func (r *SitemapReader) warn(msg string) {
	if r.Warn != nil {
		r.Warn(msg)
	}
}

// Fetch gets and parses one sitemap file, retried by the engine.
func (r *SitemapReader) Fetch(ctx context.Context, raw string) (ParsedSitemap, error) {
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return ParsedSitemap{}, fmt.Errorf("want an http(s) URL, got %q", raw)
	}
	return retry.DoValue(ctx, func(ctx context.Context) (ParsedSitemap, error) {
		return r.fetchOnce(ctx, base)
	}, retry.UsingManager(r.Manager), retry.ActionName("sitemap"), retry.WithInfo(retry.Info{"url": raw}))
}

func (r *SitemapReader) fetchOnce(ctx context.Context, base *url.URL) (ParsedSitemap, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String(), nil)
	if err != nil {
		return ParsedSitemap{}, err
	}
	req.Header.Set("User-Agent", Agent)
	res, err := r.Client.Do(req)
	if err != nil {
		return ParsedSitemap{}, err
	}
	defer res.Body.Close()
	if res.StatusCode >= 400 {
		return ParsedSitemap{}, httpError(res, base.String())
	}
	if res.StatusCode >= 300 {
		return ParsedSitemap{}, fmt.Errorf("HTTP %d without a redirect to follow", res.StatusCode)
	}
	body, err := decoded(res)
	if err != nil {
		return ParsedSitemap{}, err
	}
	max := r.MaxBytes
	if max <= 0 {
		max = SitemapMaxBytes
	}
	lr := &limitReader{r: body, n: max}
	loc := res.Request.URL // after redirects: relative <loc>s are relative to where the file is
	sm, err := ParseSitemap(lr, loc, r.MaxURLs)
	if lr.hit {
		sm.Cut = fmt.Sprintf("larger than %d MB uncompressed: the rest is ignored", max>>20)
		if max < 1<<20 {
			sm.Cut = fmt.Sprintf("larger than %d bytes uncompressed: the rest is ignored", max)
		}
		if len(sm.Entries) > 0 || sm.Index {
			return sm, nil
		}
		return sm, &badSitemap{err: fmt.Errorf("%s, and no entry before the limit", sm.Cut)}
	}
	if err != nil {
		if ctx.Err() != nil {
			return sm, err // the deadline: the engine's network_timeout
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) || errors.Is(err, ErrNotSitemap) {
			// A bad file stays bad: not worth a retry.
			return sm, &badSitemap{err: err}
		}
		return sm, err
	}
	return sm, nil
}

// badSitemap is a file that is not a readable sitemap: permanent (invalid_input).
type badSitemap struct{ err error }

func (e *badSitemap) Error() string              { return e.err.Error() }
func (e *badSitemap) Unwrap() error              { return e.err }
func (e *badSitemap) RetryType() retry.ErrorType { return retry.InvalidInput }

// decoded undoes the compression the transport left: a Content-Encoding: gzip it did not ask
// for, and a gzip file (.xml.gz, recognised by its magic bytes, whatever its name or type).
func decoded(res *http.Response) (io.Reader, error) {
	br := bufio.NewReader(res.Body)
	if strings.EqualFold(res.Header.Get("Content-Encoding"), "gzip") && !res.Uncompressed {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &badSitemap{err: fmt.Errorf("Content-Encoding gzip: %w", err)}
		}
		br = bufio.NewReader(zr)
	}
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &badSitemap{err: fmt.Errorf("gzip: %w", err)}
		}
		return zr, nil
	}
	return br, nil
}

// limitReader reads at most n bytes and remembers whether there was more.
type limitReader struct {
	r   io.Reader
	n   int64
	hit bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One byte more tells a file of exactly n bytes from a longer one.
		var one [1]byte
		if k, _ := l.r.Read(one[:]); k > 0 {
			l.hit = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}

// RobotsSitemaps returns the Sitemap: lines of origin's robots.txt (scheme://host[:port]),
// fetched like a sitemap (under Timeout inside ctx, retried by the engine); an error when it
// cannot be read or lists none.
func (r *SitemapReader) RobotsSitemaps(ctx context.Context, origin string) ([]string, error) {
	raw := strings.TrimSuffix(origin, "/") + "/robots.txt"
	body, err := retry.DoValue(ctx, func(ctx context.Context) ([]byte, error) {
		ctx, cancel := context.WithTimeout(ctx, r.timeout())
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
		if err != nil {
			return nil, &badSitemap{err: err}
		}
		req.Header.Set("User-Agent", Agent)
		res, err := r.Client.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		if res.StatusCode >= 400 {
			return nil, httpError(res, raw)
		}
		return io.ReadAll(io.LimitReader(res.Body, 512<<10)) // Google reads at most 500 KiB
	}, retry.UsingManager(r.Manager), retry.ActionName("robots.txt"), retry.WithInfo(retry.Info{"url": raw}))
	if err != nil {
		return nil, &SitemapError{URL: raw, Err: err}
	}
	data, err := robotstxt.FromBytes(body)
	if err != nil {
		return nil, &SitemapError{URL: raw, Err: err}
	}
	if len(data.Sitemaps) == 0 {
		return nil, fmt.Errorf("%s lists no Sitemap: line", raw)
	}
	base, _ := url.Parse(raw)
	out := make([]string, 0, len(data.Sitemaps))
	for _, sm := range data.Sitemaps {
		if u := resolveLoc(base, sm); u != "" {
			out = append(out, u)
		}
	}
	return out, nil
}

func (r *SitemapReader) timeout() time.Duration {
	if r.Timeout <= 0 {
		return 30 * time.Second
	}
	return r.Timeout
}

// httpError is a 4xx/5xx answer as the engine classifies it, its Retry-After read; the body is
// drained (a little) so the connection is reused.
func httpError(res *http.Response, raw string) error {
	he := &retry.HTTPError{StatusCode: res.StatusCode, URL: raw}
	if ra, ok := retry.RetryAfterOfHeader(res.Header, time.Now()); ok { // a date from the answer's own Date
		he.RetryAfter = ra
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	return he
}

// SitemapsOf returns the Sitemap: lines of origin's robots.txt (scheme://host[:port]), fetched
// once and cached like Check's; an error when the file could not be read or lists none.
func (r *Robots) SitemapsOf(ctx context.Context, origin string) ([]string, error) {
	e, err := r.entry(ctx, origin)
	if err != nil {
		return nil, err
	}
	if e.data == nil {
		return nil, fmt.Errorf("%s/robots.txt: %s", origin, e.note)
	}
	if len(e.data.Sitemaps) == 0 {
		return nil, fmt.Errorf("%s/robots.txt lists no Sitemap: line", origin)
	}
	return append([]string(nil), e.data.Sitemaps...), nil
}
