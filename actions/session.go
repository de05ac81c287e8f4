package actions

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/snapshot"
)

// NavResult is where a navigation landed: the main document's final URL and HTTP status.
//
// A plain value, safe for concurrent use.
type NavResult struct {
	URL    string
	Status int
}

// Escalation is what an Escalator gets: the kind of wall, the vendor and kind of a CAPTCHA
// ("recaptcha", "checkbox"), the page's URL, the error, and the Session (whose Page a person or a
// test can work on; the Session's methods may be called from inside Escalate).
//
// A plain value; its Session is itself safe for concurrent use.
type Escalation struct {
	Type         retry.ErrorType // retry.Captcha or retry.AuthRequired
	Vendor, Kind string
	URL          string
	Err          error
	Session      *Session
}

// Escalator is called when an action meets a CAPTCHA or a login wall that only a person (or a
// login flow) can get past. Returning nil means "solved": the action checks again and goes on;
// an error ends the action with an error that Is(retry.ErrEscalate).
//
// Implementations may be called from several Sessions at once and must be safe for concurrent use.
type Escalator interface {
	Escalate(ctx context.Context, e Escalation) error
}

// EscalatorFunc adapts a function to Escalator.
//
// It is safe for concurrent use when f is.
type EscalatorFunc func(ctx context.Context, e Escalation) error

// Escalate calls f.
func (f EscalatorFunc) Escalate(ctx context.Context, e Escalation) error { return f(ctx, e) }

// failEscalator is the default: nobody to hand over to.
type failEscalator struct{}

func (failEscalator) Escalate(_ context.Context, e Escalation) error {
	what := e.Type.String()
	if e.Vendor != "" {
		what = e.Vendor + " " + e.Kind + " challenge"
	}
	return fmt.Errorf("%w: %s at %s needs a person, and no Escalator is set (actions.WithEscalator)", retry.ErrEscalate, what, e.URL)
}

// Session drives one browser tab (and the tabs that replace it after a crash) through actions
// that retry, repair and escalate. It is safe for concurrent use: actions are serialised, one at a
// time, in the order they take the session's lock; Page, URL, LastNavigation and Close may be
// called at any time. While an Escalator runs, the lock is released so the Escalator may use the
// Session too.
type Session struct {
	cfg config
	b   *browser.Browser
	mu  sync.Mutex // held for the whole of one action

	attempt  atomic.Pointer[attemptStep] // what the running attempt does (late.go), nil between
	silentAt atomic.Int64                // when the page last left explain's question unanswered (unix ns; late.go)

	ctx    context.Context // ends with Close; its cause is ErrClosed
	cancel context.CancelCauseFunc

	bctx *browser.Context // the session's own browser context (Isolated), or nil

	st         sync.Mutex // guards what follows
	page       *rod.Page
	owned      bool            // the session opened page (and so closes it)
	kept       map[string]bool // in-page functions page defines in every new document (see keep)
	origins    map[string]bool // origins whose documents the session's tabs loaded (for Reset)
	pagesSeen  uint64          // Browser.PagesOpened when Reset last looked for stray tabs
	stopWatch  func()
	lastURL    string   // the last URL Navigate reached, for crash recovery
	lastNav    *navOpts // the options of that navigation (its expected statuses)
	nav        navState
	secrets    map[string][]string // selector → every value FillSecret typed there, for redaction and masking
	urlSecrets []string            // passwords of user:password@ URLs given to Navigate
	closed     bool
}

// navState follows the main frame, from the page's events.
type navState struct {
	url string
	// doc is the URL the main frame's document was committed with; inDoc says the page's script
	// moved url within it since (pushState, replaceState, a fragment): Navigate's end keeps that.
	doc       string
	inDoc     bool
	status    int
	requested uint64 // main-frame navigations requested
	committed uint64 // main-frame navigations committed
	loads     uint64 // load events
	changed   chan struct{}
	last      NavResult
	// work numbers the tab's Fetch/XHR requests; inflight holds those not answered yet (by
	// number), so an action can wait for what its click started (a slow fetch, then location).
	work     uint64
	inflight map[proto.NetworkRequestID]uint64
	// lifecycle counts Page.lifecycleEvent: syncEvents asks for them as a barrier.
	lifecycle uint64
	// answered is when a Fetch/XHR request of the tab was last answered: a read soon after gives
	// the page a turn to act on it (readwait.go).
	answered time.Time
	// served is the status each document URL of the tab was last served with, for pages the
	// back-forward cache restores (no response then: the same document, shown again).
	served map[string]int
}

// maxServed bounds navState.served: Chromium keeps a handful of pages in its back-forward cache.
const maxServed = 64

// servedStatus is the status the document at u (its fragment aside) was last served with in this
// tab, 0 when unknown.
func (s *Session) servedStatus(u string) int {
	u, _, _ = strings.Cut(u, "#")
	s.st.Lock()
	defer s.st.Unlock()
	return s.nav.served[u]
}

// remember notes that the document at u was served with status.
func (n *navState) remember(u string, status int) {
	if n.served == nil || len(n.served) >= maxServed {
		n.served = map[string]int{}
	}
	n.served[u] = status
}

// NewSession opens a new tab in b (or adopts WithPage's) and returns a Session over it. With
// Isolated the tab opens in a new browser context of the Session's own.
func NewSession(b *browser.Browser, opts ...Option) (*Session, error) {
	if b == nil {
		return nil, errors.New("actions: NewSession needs a browser")
	}
	cfg := newConfig(opts)
	if cfg.isolated && cfg.page != nil {
		return nil, errors.New("actions: Isolated and WithPage do not go together: an adopted page already has its browser context")
	}
	s := &Session{cfg: cfg, b: b, secrets: map[string][]string{}, origins: map[string]bool{}}
	s.ctx, s.cancel = context.WithCancelCause(context.Background())
	s.nav.changed = make(chan struct{})
	ctx, cancel := context.WithTimeout(s.ctx, max(cfg.timeout, 30*time.Second))
	defer cancel()
	p := cfg.page
	owned := false
	if cfg.isolated {
		bctx, err := b.NewContext(ctx)
		if err != nil {
			s.cancel(ErrClosed)
			return nil, fmt.Errorf("actions: %w", err)
		}
		s.bctx = bctx
	}
	if p == nil {
		var err error
		if p, err = s.newTab(ctx); err != nil {
			s.cancel(ErrClosed)
			if s.bctx != nil {
				_ = s.bctx.Close()
			}
			return nil, fmt.Errorf("actions: new page: %w", err)
		}
		owned = true
	} else if cfg.viewport != nil {
		if err := browser.SetViewport(p.Context(ctx), *cfg.viewport); err != nil {
			s.cancel(ErrClosed)
			return nil, fmt.Errorf("actions: viewport: %w", err)
		}
	}
	s.setPage(p, owned)
	return s, nil
}

// newTab opens a tab in the session's browser context (its own when Isolated, else the
// browser's default) with the session's viewport.
func (s *Session) newTab(ctx context.Context) (*rod.Page, error) {
	var (
		p   *rod.Page
		err error
	)
	if s.bctx != nil {
		p, err = s.bctx.NewPage(ctx)
	} else {
		p, err = s.b.NewPage(ctx)
	}
	if err != nil {
		return nil, err
	}
	if s.cfg.viewport != nil {
		if err := browser.SetViewport(p.Context(ctx), *s.cfg.viewport); err != nil {
			cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = p.Context(cctx).Close()
			return nil, fmt.Errorf("viewport: %w", err)
		}
	}
	return p, nil
}

// Isolated reports whether the session has a browser context of its own (the Isolated option).
func (s *Session) Isolated() bool { return s.bctx != nil }

// Page is the tab the session drives now (it changes after a crash). Use it for what the Session
// does not do; do not hold it across actions.
func (s *Session) Page() *rod.Page {
	s.st.Lock()
	defer s.st.Unlock()
	return s.page
}

// Browser is the browser the session was made with.
func (s *Session) Browser() *browser.Browser { return s.b }

// Manager is the retry manager the session records to.
func (s *Session) Manager() *retry.Manager { return s.cfg.manager }

// URL is the main frame's current URL, as the page's events reported it (no round trip).
func (s *Session) URL() string {
	s.st.Lock()
	defer s.st.Unlock()
	if s.nav.url == "" {
		return s.lastURL
	}
	return s.nav.url
}

// LastNavigation is the most recent main-document navigation the session saw, whoever caused it:
// Navigate, a Click on a link or submit button, or the page's own script. Status is 0 when the
// document came from no network response (about:blank, data: URLs), but for a page the
// back-forward cache restored: the status it was served with.
func (s *Session) LastNavigation() NavResult {
	s.st.Lock()
	defer s.st.Unlock()
	return s.nav.last
}

// Cookies returns the cookies of the session's current page URL (or of urls), for handing a
// session over to another tool or person. Like every action it runs under the attempt deadline
// (WithTimeout) inside ctx, ends with ErrClosed once the session is closed, and with an error
// wrapping browser.ErrPageCrashed when the tab or the browser is gone. It is not retried.
func (s *Session) Cookies(ctx context.Context, urls ...string) ([]*proto.NetworkCookie, error) {
	var out []*proto.NetworkCookie
	err := s.direct(ctx, "cookies", func(p *rod.Page) error {
		var err error
		out, err = p.Cookies(urls)
		return err
	})
	return out, err
}

// SetCookies sets cookies in the session's browser context (they apply to every tab of it,
// including the tab that replaces a crashed one). Bounded and not retried, like Cookies; its
// errors never show a cookie's value.
func (s *Session) SetCookies(ctx context.Context, cookies ...*proto.NetworkCookieParam) error {
	return s.direct(ctx, "set_cookies", func(p *rod.Page) error {
		return p.SetCookies(cookies)
	})
}

// direct runs one unretried browser call on the session's page under the attempt deadline.
func (s *Session) direct(ctx context.Context, action string, fn func(p *rod.Page) error) error {
	if s.isClosed() {
		return ErrClosed
	}
	ctx, stop := s.bind(ctx)
	defer stop()
	err := s.b.Guard(ctx, s.Page(), s.cfg.timeout, action, fn)
	if err == nil {
		return nil
	}
	if s.closedDuring(ctx) {
		err = closedDuring(err)
	}
	ae := &ActionError{Action: action, URL: s.URL(), Err: err}
	if msg := s.redact(ae.Error()); msg != ae.Error() {
		return &redactedError{msg: msg, err: ae}
	}
	return ae
}

// Close stops watching the page and closes it if the session opened it, with the tabs it opened
// (popups, target=_blank links) and theirs. Idempotent. An action
// running concurrently is cancelled and returns an error that Is(ErrClosed); every later call
// returns ErrClosed at once.
func (s *Session) Close() error {
	s.st.Lock()
	if s.closed {
		s.st.Unlock()
		return nil
	}
	s.closed = true
	p, owned, stop := s.page, s.owned, s.stopWatch
	s.stopWatch = nil
	s.st.Unlock()
	s.cancel(ErrClosed)
	if stop != nil {
		stop()
	}
	var err error
	if owned && p != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		closePopups(ctx, s.b.Rod(), p.TargetID) // the tab's popups go with it
		if cerr := p.Context(ctx).Close(); cerr != nil && !s.b.Crashed(p) {
			err = fmt.Errorf("actions: close page: %w", cerr)
		}
	}
	if s.bctx != nil {
		if cerr := s.bctx.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("actions: %w", cerr)
		}
	}
	return err
}

func (s *Session) isClosed() bool {
	s.st.Lock()
	defer s.st.Unlock()
	return s.closed
}

// setPage makes p the session's page and starts watching its events; the previous page's watch
// ends. It returns the previous page.
func (s *Session) setPage(p *rod.Page, owned bool) *rod.Page {
	stop := s.watch(p)
	s.st.Lock()
	old, oldStop := s.page, s.stopWatch
	s.page, s.owned, s.stopWatch = p, owned, stop
	s.kept = nil // a new tab has no scripts of ours yet
	s.st.Unlock()
	if oldStop != nil {
		oldStop()
	}
	return old
}

// watch follows p's main frame and answers its dialogs until stop is called.
func (s *Session) watch(p *rod.Page) (stop func()) {
	ctx, cancel := context.WithCancel(s.ctx)
	pp := p.Context(ctx)
	main := p.FrameID
	wait := pp.EachEvent(
		func(e *proto.PageJavascriptDialogOpening) {
			d := Dialog{Type: string(e.Type), Message: e.Message, DefaultPrompt: e.DefaultPrompt, URL: e.URL}
			accept, text := s.cfg.dialog(d)
			s.cfg.log.Info("dialog answered", zap.String("type", d.Type), zap.String("message", d.Message), zap.Bool("accept", accept))
			_ = proto.PageHandleJavaScriptDialog{Accept: accept, PromptText: text}.Call(pp)
		},
		func(e *proto.PageFrameRequestedNavigation) {
			if e.FrameID == main {
				s.noteNav(func(n *navState) { n.requested++ })
			}
		},
		func(e *proto.PageFrameNavigated) {
			if e.Frame.ParentID == "" {
				s.noteNav(func(n *navState) {
					n.committed++
					n.url, n.doc, n.inDoc = e.Frame.URL+e.Frame.URLFragment, e.Frame.URL, false
					switch {
					case e.Type == proto.PageNavigationTypeBackForwardCacheRestore:
						n.last = NavResult{URL: n.url, Status: n.served[e.Frame.URL]}
					case n.status == 0:
						n.last = NavResult{URL: n.url}
					default:
						n.last = NavResult{URL: n.url, Status: n.status}
						n.remember(e.Frame.URL, n.status)
					}
					n.status = 0
					n.inflight = nil // the old document's requests went with it
				})
			}
		},
		func(e *proto.PageNavigatedWithinDocument) {
			if e.FrameID == main {
				s.noteNav(func(n *navState) { n.url, n.inDoc = e.URL, true; n.last.URL = e.URL })
			}
		},
		func(e *proto.NetworkResponseReceived) {
			if e.Response != nil && streamed(e.Response.MIMEType) {
				// A stream (server-sent events, NDJSON over fetch) may flow for minutes: the
				// page acts on its first answer, so an action does not wait for its end.
				s.endRequest(e.RequestID)
			}
			if e.Type != proto.NetworkResourceTypeDocument || e.Response == nil {
				return
			}
			s.noteOrigin(e.Response.URL)
			if e.FrameID == main {
				s.noteNav(func(n *navState) { n.status = e.Response.Status })
			}
		},
		func(e *proto.PageLoadEventFired) {
			s.noteNav(func(n *navState) { n.loads++ })
		},
		func(e *proto.PageDownloadWillBegin) {
			// A navigation that became a download is over: it commits and loads nothing, and
			// an action waiting for it would wait until its deadline (10 s for a click on a
			// download link). Counted as done; the tab keeps its page and URL.
			if e.FrameID == main {
				s.noteNav(func(n *navState) { n.committed++; n.loads++ })
			}
		},
		func(e *proto.NetworkRequestWillBeSent) {
			if e.Type != proto.NetworkResourceTypeFetch && e.Type != proto.NetworkResourceTypeXHR {
				return
			}
			s.noteNav(func(n *navState) {
				n.work++
				if n.inflight == nil {
					n.inflight = map[proto.NetworkRequestID]uint64{}
				}
				if len(n.inflight) < maxInflight {
					n.inflight[e.RequestID] = n.work
				}
			})
		},
		func(e *proto.PageLifecycleEvent) { s.noteNav(func(n *navState) { n.lifecycle++ }) },
		func(e *proto.NetworkLoadingFinished) { s.endRequest(e.RequestID) },
		func(e *proto.NetworkLoadingFailed) { s.endRequest(e.RequestID) },
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait()
	}()
	return func() {
		cancel()
		<-done
	}
}

func (s *Session) noteNav(f func(n *navState)) {
	s.st.Lock()
	f(&s.nav)
	close(s.nav.changed)
	s.nav.changed = make(chan struct{})
	s.st.Unlock()
}

// maxInflight bounds navState.inflight: requests whose end never came are not held forever.
const maxInflight = 256

// streamed reports whether a response of this MIME type is a stream rather than a document.
func streamed(mime string) bool {
	mime = strings.ToLower(mime)
	return strings.Contains(mime, "event-stream") || strings.Contains(mime, "ndjson") || strings.Contains(mime, "jsonl") ||
		strings.Contains(mime, "x-json-stream")
}

// endRequest notes that a Fetch/XHR request was answered (or failed).
func (s *Session) endRequest(id proto.NetworkRequestID) {
	s.st.Lock()
	_, ok := s.nav.inflight[id]
	s.st.Unlock()
	if ok {
		s.noteNav(func(n *navState) { delete(n.inflight, id); n.answered = time.Now() })
	}
}

// navMark is where the tab's navigations and requests stood before an action's input: what
// came after it is the action's doing.
type navMark struct{ requested, committed, loads, work uint64 }

// markNav reads the navigation and request counters before an input.
func (s *Session) markNav() navMark {
	s.st.Lock()
	defer s.st.Unlock()
	return navMark{s.nav.requested, s.nav.committed, s.nav.loads, s.nav.work}
}

// workSince says how many Fetch/XHR requests numbered after since are still in flight, and the
// number of the newest request.
func (s *Session) workSince(since uint64) (inflight int, newest uint64) {
	s.st.Lock()
	defer s.st.Unlock()
	for _, n := range s.nav.inflight {
		if n > since {
			inflight++
		}
	}
	return inflight, s.nav.work
}

// syncEvents returns once the session's watcher has handled every event p sent before it was
// called: it asks the page for its lifecycle events again (Page.setLifecycleEventsEnabled sends
// them for the current documents, after whatever was sent before) and waits until the watcher
// has seen one. A page that does not answer ends it at p's deadline, one that sends none at
// syncBound.
func (s *Session) syncEvents(p *rod.Page) {
	s.st.Lock()
	before := s.nav.lifecycle
	s.st.Unlock()
	if err := (proto.PageSetLifecycleEventsEnabled{Enabled: true}).Call(p); err != nil {
		return
	}
	t := time.NewTimer(syncBound)
	defer t.Stop()
	for {
		s.st.Lock()
		seen, changed := s.nav.lifecycle > before, s.nav.changed
		s.st.Unlock()
		if seen {
			return
		}
		select {
		case <-changed:
		case <-t.C:
			return
		case <-p.GetContext().Done():
			return
		}
	}
}

// syncBound ends syncEvents' wait should the page send no lifecycle event at all.
const syncBound = time.Second

// navCounters is a consistent read of the navigation counters and the channel closed on change.
func (s *Session) navCounters() (requested, committed, loads uint64, changed <-chan struct{}) {
	s.st.Lock()
	defer s.st.Unlock()
	return s.nav.requested, s.nav.committed, s.nav.loads, s.nav.changed
}

// setLastURL remembers where Navigate got to, and with which options, for crash recovery.
func (s *Session) setLastURL(u string, res NavResult, no *navOpts) {
	s.st.Lock()
	defer s.st.Unlock()
	s.lastURL, s.lastNav = u, no
	s.nav.last = res
	if s.nav.inDoc && s.nav.url != "" && s.nav.doc == res.URL {
		// The page's script moved on as it loaded (a single-page app's router sent a private
		// page to its login with replaceState): the session is where the page is.
		s.nav.last.URL = s.nav.url
		return
	}
	s.nav.url = res.URL
}

func (s *Session) getLastURL() string {
	s.st.Lock()
	defer s.st.Unlock()
	return s.lastURL
}

// getLastNav returns the last URL Navigate reached and the options it was given.
func (s *Session) getLastNav() (string, *navOpts) {
	s.st.Lock()
	defer s.st.Unlock()
	return s.lastURL, s.lastNav
}

// rememberURLSecret records the password of a user:password@ URL for redaction, in both its
// decoded and its escaped form, so neither appears in errors, logs or error snapshots.
func (s *Session) rememberURLSecret(raw string) {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" {
		return
	}
	s.st.Lock()
	defer s.st.Unlock()
	s.urlSecrets = append(s.urlSecrets, pw)
	// The password as written in raw (escaped or not), from the authority's userinfo.
	if _, rest, ok := strings.Cut(raw, "://"); ok {
		auth, _, _ := strings.Cut(rest, "/")
		if i := strings.LastIndex(auth, "@"); i >= 0 {
			if _, esc, ok := strings.Cut(auth[:i], ":"); ok && esc != pw && esc != "" {
				s.urlSecrets = append(s.urlSecrets, esc)
			}
		}
	}
}

// rememberSecret records a FillSecret value for redaction in error snapshots and errors.
func (s *Session) rememberSecret(sel, value string) {
	s.st.Lock()
	defer s.st.Unlock()
	if !slices.Contains(s.secrets[sel], value) {
		s.secrets[sel] = append(s.secrets[sel], value)
	}
}

func (s *Session) secretLists() (values, selectors []string) {
	s.st.Lock()
	defer s.st.Unlock()
	for sel, vs := range s.secrets {
		selectors = append(selectors, sel)
		for _, v := range vs {
			if v != "" {
				values = append(values, v)
			}
		}
	}
	values = append(values, s.urlSecrets...)
	// Longest first: a secret that contains a shorter one is redacted whole, not around it.
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	return values, selectors
}

// Snapshot takes a snapshot of the page now (no retry: it is what a caller looks at to decide).
func (s *Session) Snapshot(ctx context.Context) (*snapshot.Snapshot, error) {
	var snap *snapshot.Snapshot
	err := s.direct(ctx, "snapshot", func(p *rod.Page) error {
		var err error
		snap, err = snapshot.Take(p.GetContext(), p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// Screenshot returns a PNG of the viewport.
func (s *Session) Screenshot(ctx context.Context) ([]byte, error) {
	var png []byte
	err := s.run(ctx, spec{action: "screenshot"}, func(p *rod.Page, a *retry.Attempt) error {
		var err error
		png, err = p.Screenshot(false, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
		return err
	})
	return png, err
}
