package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/retry"
)

// ErrInvalidURL is wrapped by Navigate's error for a URL it refuses before sending anything:
// empty, without a scheme, with spaces (data: URLs may keep plain spaces, as Chromium reads them)
// or control characters, http(s) without a host, or a
// scheme other than http, https, file, about and data (javascript: is refused on purpose).
// Classify maps it to retry.InvalidInput.
var ErrInvalidURL = errors.New("invalid URL")

// Response is the main document's response of a navigation: after redirects, the final one.
// Status is 0 when there was no network response (about:blank, a same-document #fragment
// navigation). Header keys are canonical; repeated headers keep every value.
// A Response is a plain value, safe to share once returned.
type Response struct {
	URL    string
	Status int
	Header http.Header
	// Loaded is false when Navigate went on after DOMContentLoaded without the load event, a
	// subresource being still on its way after LoadGrace.
	Loaded bool
}

// MaxURLLength is the longest URL Navigate accepts: Chromium's own limit (2 MiB). Chromium turns
// a longer one into about:blank#blocked without an error, so it is refused before sending.
const MaxURLLength = 2 << 20

// ValidateURL reports, as an error wrapping ErrInvalidURL, why Navigate would refuse raw.
// The error quotes at most the first 200 bytes of raw.
func ValidateURL(raw string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrInvalidURL, showURL(raw), why) }
	if raw == "" {
		return fmt.Errorf("%w: empty", ErrInvalidURL)
	}
	if len(raw) > MaxURLLength {
		return bad(fmt.Sprintf("%d bytes long, more than Chromium's limit of %d", len(raw), MaxURLLength))
	}
	isData := len(raw) >= 5 && strings.EqualFold(raw[:5], "data:")
	for _, r := range raw {
		if unicode.IsControl(r) || (unicode.IsSpace(r) && !(isData && r == ' ')) {
			return bad("contains spaces or control characters (escape them)")
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad(err.Error())
	}
	switch strings.ToLower(u.Scheme) {
	case "":
		return bad("no scheme (did you mean https://" + raw + "?)")
	case "http", "https":
		if u.Host == "" {
			return bad("no host")
		}
	case "data":
		// Chromium rejects a data: URL without the comma before its payload with an error page.
		if !strings.Contains(u.Opaque, ",") {
			return bad("a data: URL needs a comma before its content (data:[<type>][;base64],<data>)")
		}
	case "file", "about":
	default:
		return bad("unsupported scheme " + u.Scheme + ": (use http, https, file, about or data)")
	}
	return nil
}

// Navigate loads url in p and returns the main document's response.
//
// It subscribes to the page's events before navigating, so the response (Network.responseReceived,
// type Document, main frame, this navigation's loader) cannot be missed, then waits for the load
// event of the document this navigation committed (a script redirect during the load counts: the
// final document is reported). Everything runs under Guard(ctx, p, timeout, "navigate <url>"), so
// a crash gives ErrPageCrashed, the deadline a *TimeoutError and the caller's cancellation ctx's error.
//
// Results:
//   - status ≥ 400 (a 404 page with a body is no navigation error for Chromium): the Response
//     and a *retry.HTTPError{StatusCode, URL, RetryAfter} (Retry-After parsed, seconds or date);
//   - a network failure: an error wrapping *rod.NavigationError (Reason "net::ERR_…");
//   - an answer a tab does not show (a download, 204): an error wrapping *NotAPageError;
//   - a refused URL: an error wrapping ErrInvalidURL, before anything is sent.
//
// JavaScript dialogs: one already open when Navigate starts is dismissed; one opened while the
// navigation runs is answered so it cannot hang: alert and beforeunload are accepted (leaving
// the page is what was asked), confirm and prompt dismissed. Dialogs at other times are the caller's to handle
// (an open dialog blocks every evaluation on the page).
func (b *Browser) Navigate(ctx context.Context, p *rod.Page, url string, timeout time.Duration) (*Response, error) {
	if err := ValidateURL(url); err != nil {
		return nil, err
	}
	var resp *Response
	err := b.Guard(ctx, p, timeout, "navigate "+showURL(url), func(pc *rod.Page) error {
		var err error
		resp, err = b.navigate(pc, url)
		return err
	})
	var he *retry.HTTPError
	if err != nil && !errors.As(err, &he) {
		return nil, err
	}
	return resp, err
}

func (b *Browser) navigate(p *rod.Page, target string) (*Response, error) {
	ctx := p.GetContext()
	_ = p.EnableDomain(&proto.NetworkEnable{}) // no-op for pages from NewPage

	ectx, cancel := context.WithCancel(ctx)
	tr := &navTracker{frame: p.FrameID, changed: make(chan struct{}),
		committed: map[proto.NetworkLoaderID]int{}, responses: map[proto.NetworkLoaderID]*proto.NetworkResponse{}}
	events := p.Context(ectx).Event()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for msg := range events {
			if d := tr.handle(msg); d != nil {
				answerDialog(p.Context(ectx), d, b.log)
			}
		}
	}()
	defer func() {
		cancel()
		wg.Wait()
	}()

	// A dialog that is already open would keep the old document from unloading. Dismiss it:
	// never confirm something on a page we are leaving ("No dialog is showing" is ignored).
	// A navigation still loading (say the previous attempt timed out on a slow document) would be
	// cancelled by this one and reported as net::ERR_ABORTED, which reads as a permanent failure.
	// Stop it first so the new navigation stands on its own. Both are browser-side and independent:
	// sent together, they cost one round trip before the navigation instead of two.
	var pre sync.WaitGroup
	pre.Add(1)
	go func() {
		defer pre.Done()
		_ = proto.PageHandleJavaScriptDialog{Accept: false}.Call(p)
	}()
	_ = proto.PageStopLoading{}.Call(p)
	pre.Wait()

	res, err := proto.PageNavigate{URL: target}.Call(p)
	if err != nil {
		return nil, err
	}
	if res.LoaderID == "" && res.ErrorText == "" { // same-document navigation: no new document
		return &Response{URL: target, Header: http.Header{}}, nil
	}
	if res.ErrorText != "" {
		r := tr.response(res.LoaderID)
		aborted := strings.Contains(res.ErrorText, "ERR_ABORTED")
		if r == nil && aborted {
			// A download or a 204 is answered (Network.responseReceived) and then aborted; the
			// event may still be on its way to the tracker when Page.navigate's answer is here.
			r = tr.awaitResponse(ctx, res.LoaderID, responseLag)
		}
		if r != nil && r.Status >= 400 {
			return httpResult(target, r)
		}
		if r != nil && aborted {
			if e := notAPage(target, r); e != nil {
				return nil, fmt.Errorf("navigate %s: %w", showURL(target), e)
			}
		}
		if h := certHint(res.ErrorText); h != "" {
			return nil, fmt.Errorf("navigate %s: %w: %s", showURL(target), &rod.NavigationError{Reason: res.ErrorText}, h)
		}
		return nil, fmt.Errorf("navigate %s: %w", showURL(target), &rod.NavigationError{Reason: res.ErrorText})
	}
	var grace <-chan time.Time
	for {
		r, done, parsed, ch := tr.loaded(res.LoaderID)
		if done {
			return navResult(target, tr.url(target), r, true)
		}
		if reason := tr.broken(res.LoaderID); reason != "" && !parsed {
			// The page would wait for the rest of its document until the deadline: a
			// dropped connection, retried as one.
			return nil, fmt.Errorf("navigate %s: %w: the connection ended before the page did", showURL(target), &rod.NavigationError{Reason: reason})
		}
		if parsed && grace == nil && b.loadGrace > 0 {
			g := b.loadGrace
			if dl, ok := ctx.Deadline(); ok {
				g = min(g, time.Until(dl)/2) // a short deadline must not run out while we wait
			}
			t := time.NewTimer(g)
			defer t.Stop()
			grace = t.C
		}
		select {
		case <-ch:
		case <-grace:
			// The document is here and parsed; something it loads is not. Waiting for it would
			// turn a working page into a timeout.
			b.log.Debug("navigate: no load event after DOMContentLoaded; going on",
				zap.String("url", showURL(target)), zap.Duration("grace", b.loadGrace))
			return navResult(target, tr.url(target), tr.current(), false)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// responseLag bounds how long an aborted navigation waits for its response event to reach the
// tracker (it was sent before Page.navigate's answer; only the dispatch is late).
const responseLag = 500 * time.Millisecond

// NotAPageError is Navigate's error for a URL whose answer a tab does not show: a download
// (Content-Disposition: attachment, or application/octet-stream) or 204/205 No Content.
// Chromium answers it with net::ERR_ABORTED, which alone reads as a dropped connection; the
// same request gets the same answer, so Classify maps it to retry.InvalidInput.
//
// Not modified after it is returned: safe to read from many goroutines.
type NotAPageError struct {
	URL         string // the URL asked for (a password in it shown as xxxxx)
	Status      int
	ContentType string
	Disposition string // the Content-Disposition header, if any
}

func (e *NotAPageError) Error() string {
	if e.Status == http.StatusNoContent || e.Status == http.StatusResetContent {
		return fmt.Sprintf("not a page: %s answers HTTP %d with no content, so there is nothing to load", e.URL, e.Status)
	}
	var what []string
	if e.Disposition != "" {
		what = append(what, "Content-Disposition: "+clipText(e.Disposition))
	}
	if e.ContentType != "" {
		what = append(what, "Content-Type: "+clipText(e.ContentType))
	}
	return fmt.Sprintf("not a page: %s answers with a file to download (%s), which a tab does not show: save it with Session.ExpectDownload around the action that starts it, or fetch it with an HTTP client",
		e.URL, strings.Join(what, ", "))
}

// RetryType is retry.InvalidInput: loading the URL again downloads it again.
func (e *NotAPageError) RetryType() retry.ErrorType { return retry.InvalidInput }

// notAPage says why the answer r to an aborted navigation is not a page, or nil when it may be
// one (a navigation cancelled by another is aborted too).
func notAPage(target string, r *proto.NetworkResponse) *NotAPageError {
	h := toHeader(r.Headers)
	e := &NotAPageError{URL: showURL(target), Status: r.Status, ContentType: h.Get("Content-Type"), Disposition: h.Get("Content-Disposition")}
	if e.ContentType == "" {
		e.ContentType = r.MIMEType
	}
	disp := strings.ToLower(strings.TrimSpace(e.Disposition))
	mime := strings.ToLower(strings.TrimSpace(strings.Split(e.ContentType, ";")[0]))
	switch {
	case r.Status == http.StatusNoContent || r.Status == http.StatusResetContent,
		strings.HasPrefix(disp, "attachment"),
		mime == "application/octet-stream", mime == "application/force-download":
		return e
	}
	return nil
}

func navResult(target, committedURL string, r *proto.NetworkResponse, loaded bool) (*Response, error) {
	if r == nil {
		return &Response{URL: committedURL, Header: http.Header{}, Loaded: loaded}, nil
	}
	resp, err := httpResult(target, r)
	resp.Loaded = loaded
	return resp, err
}

// showURL is how a URL appears in errors and logs: the password of a user:password@ authority
// replaced by "xxxxx" (as url.URL.Redacted does, also for a URL that does not parse), and
// clipped by clipText.
func showURL(raw string) string {
	if scheme, rest, ok := strings.Cut(raw, "://"); ok {
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
			if user, _, has := strings.Cut(rest[:at], ":"); has {
				raw = scheme + "://" + user + ":xxxxx" + rest[at:]
			}
		}
	}
	return clipText(raw)
}

// clipText shortens a URL (or any text an error repeats) to its first 200 bytes, on a rune
// boundary, and says how long it was.
func clipText(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:cut], len(s))
}

func httpResult(target string, r *proto.NetworkResponse) (*Response, error) {
	resp := &Response{URL: r.URL, Status: r.Status, Header: toHeader(r.Headers)}
	if resp.URL == "" {
		resp.URL = target
	}
	if r.Status < 400 {
		return resp, nil
	}
	he := &retry.HTTPError{StatusCode: r.Status, URL: resp.URL}
	// A Retry-After date counts from the response's own Date (the server's clock as it answered),
	// not from now, the end of the navigation: a slow error page (a loaded machine) ate the wait
	// as it loaded, and a server clock behind ours made any date a past one.
	if d, ok := retry.RetryAfterOfHeader(resp.Header, time.Now()); ok {
		he.RetryAfter = d
	}
	return resp, he
}

func toHeader(h proto.NetworkHeaders) http.Header {
	out := http.Header{}
	for k, v := range h {
		for _, line := range strings.Split(v.Str(), "\n") {
			out.Add(k, line)
		}
	}
	return out
}

// answerDialog accepts alerts and beforeunload prompts and dismisses confirm and prompt dialogs.
func answerDialog(p *rod.Page, d *proto.PageJavascriptDialogOpening, log *zap.Logger) {
	accept := d.Type == proto.PageDialogTypeAlert || d.Type == proto.PageDialogTypeBeforeunload
	log.Debug("navigate: answering dialog", zap.String("type", string(d.Type)), zap.Bool("accept", accept))
	_ = proto.PageHandleJavaScriptDialog{Accept: accept}.Call(p)
}

// navTracker records, in arrival order, what the page reports about its main frame.
type navTracker struct {
	frame proto.PageFrameID

	mu        sync.Mutex
	seq       int
	committed map[proto.NetworkLoaderID]int // loader → seq of its commit (Page.frameNavigated)
	last      proto.NetworkLoaderID         // the most recently committed loader
	lastURL   string
	loadSeq   int // seq of the latest Page.loadEventFired
	dclSeq    int // seq of the latest Page.domContentEventFired
	responses map[proto.NetworkLoaderID]*proto.NetworkResponse
	failed    map[proto.NetworkLoaderID]string // documents whose load failed (net::ERR_…), by loader
	changed   chan struct{}                    // closed and replaced on every change
}

// handle records msg; it returns a dialog that needs an answer.
func (t *navTracker) handle(msg *rod.Message) *proto.PageJavascriptDialogOpening {
	var (
		rr proto.NetworkResponseReceived
		fn proto.PageFrameNavigated
		ld proto.PageLoadEventFired
		dc proto.PageDomContentEventFired
		dl proto.PageJavascriptDialogOpening
		lf proto.NetworkLoadingFailed
	)
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case msg.Load(&rr):
		if rr.Type != proto.NetworkResourceTypeDocument || rr.FrameID != t.frame || rr.Response == nil {
			return nil
		}
		t.responses[rr.LoaderID] = rr.Response
	case msg.Load(&fn):
		if fn.Frame == nil || fn.Frame.ParentID != "" || fn.Frame.ID != t.frame {
			return nil
		}
		t.seq++
		t.committed[fn.Frame.LoaderID] = t.seq
		t.last = fn.Frame.LoaderID
		t.lastURL = fn.Frame.URL
	case msg.Load(&ld):
		t.seq++
		t.loadSeq = t.seq
	case msg.Load(&dc):
		t.seq++
		t.dclSeq = t.seq
	case msg.Load(&dl):
		return &dl
	case msg.Load(&lf):
		// A document's request has its loader's id. One that fails after it committed (the
		// connection dropped mid-body: net::ERR_CONTENT_LENGTH_MISMATCH) leaves the page
		// "loading" for good: no DOMContentLoaded, no load event. One cancelled by the next
		// navigation is not a failure.
		if lf.Type != proto.NetworkResourceTypeDocument || lf.Canceled {
			return nil
		}
		if t.failed == nil {
			t.failed = map[proto.NetworkLoaderID]string{}
		}
		t.failed[proto.NetworkLoaderID(lf.RequestID)] = lf.ErrorText
	default:
		return nil
	}
	close(t.changed)
	t.changed = make(chan struct{})
	return nil
}

func (t *navTracker) response(id proto.NetworkLoaderID) *proto.NetworkResponse {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.responses[id]
}

func (t *navTracker) url(fallback string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lastURL != "" {
		return t.lastURL
	}
	return fallback
}

// loaded reports whether the document committed by loader id (or one committed after it, from
// a script redirect) has fired its load event, with the response of the final document, and
// whether it has been parsed (DOMContentLoaded).
func (t *navTracker) loaded(id proto.NetworkLoaderID) (r *proto.NetworkResponse, done, parsed bool, changed <-chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.committed[id]
	if !ok {
		return nil, false, false, t.changed
	}
	if t.loadSeq <= at {
		return nil, false, t.dclSeq > at, t.changed
	}
	if r := t.responses[t.last]; r != nil {
		return r, true, true, nil
	}
	return t.responses[id], true, true, nil
}

// broken is the network error of the document loader id committed (or of the one committed after
// it) when that document's load failed before its load event, else "".
func (t *navTracker) broken(id proto.NetworkLoaderID) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.committed[id]
	if !ok || t.loadSeq > at {
		return ""
	}
	return t.failed[t.last]
}

// awaitResponse waits up to d (and ctx) for the response of loader id.
func (t *navTracker) awaitResponse(ctx context.Context, id proto.NetworkLoaderID, d time.Duration) *proto.NetworkResponse {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		t.mu.Lock()
		r, ch := t.responses[id], t.changed
		t.mu.Unlock()
		if r != nil {
			return r
		}
		select {
		case <-ch:
		case <-timer.C:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

// current is the response of the most recently committed main-frame document.
func (t *navTracker) current() *proto.NetworkResponse {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.responses[t.last]
}
