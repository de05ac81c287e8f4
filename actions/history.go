package actions

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// Back goes one entry back in the tab's history, as the browser's back button does, and judges
// the page it lands on as Navigate does: a 503 is backed off and loaded again, a 404 is
// not_found at once, a CAPTCHA or login wall is escalated, a connection reset is retried. The
// attempts after the first load the entry again (a reload when the tab already shows it).
// Without an entry to go back to it fails at once (invalid_input).
//
// A page restored from the browser's back-forward cache comes with no HTTP response: it is the
// document the tab showed before, and NavResult.Status is the status it was served with. An
// entry of the same document (a #fragment, history.pushState) has Status 0.
// ExpectStatus and AnyStatus make chosen statuses a success, as for NavigateWith.
func (s *Session) Back(ctx context.Context, opts ...NavOption) (NavResult, error) {
	return s.history(ctx, "back", -1, opts)
}

// Forward is Back's opposite: one entry forward in the tab's history, judged as Navigate judges
// a page. Without an entry to go forward to it fails at once (invalid_input).
func (s *Session) Forward(ctx context.Context, opts ...NavOption) (NavResult, error) {
	return s.history(ctx, "forward", 1, opts)
}

// Reload loads the tab's current page again (Page.reload: the same request, a form's POST
// included, the cache revalidated) and judges it as Navigate does: reloading a 503 page is backed
// off and reloaded until it answers or the server_error budget is spent. A page that changes on
// every load (the-internet's notification message) is read after Reload returns. With
// ExpectStatus(503) a 503 is the page asked for: no retry.
func (s *Session) Reload(ctx context.Context, opts ...NavOption) (NavResult, error) {
	return s.history(ctx, "reload", 0, opts)
}

// history runs Back (delta -1), Forward (1) or Reload (0).
func (s *Session) history(ctx context.Context, action string, delta int, opts []NavOption) (NavResult, error) {
	var no navOpts
	for _, o := range opts {
		if o != nil {
			o.applyNav(&no)
		}
	}
	// Where the move goes, read before the attempts so errors and the engine name the URL. An
	// unbounded read could hang on a stuck tab: it gets the attempt's deadline.
	var target proto.PageNavigationEntry
	var none string
	lookErr := s.b.Guard(ctx, s.Page(), s.cfg.timeout, action, func(p *rod.Page) error {
		var err error
		target, none, err = historyEntry(p, delta)
		return err
	})
	sp := spec{action: action, url: target.URL}
	if no.err != "" {
		return NavResult{}, s.refuse(sp, no.err)
	}
	if lookErr == nil && none != "" {
		return NavResult{}, s.refuse(sp, none)
	}
	var out NavResult
	err := s.run(ctx, sp, func(p *rod.Page, a *retry.Attempt) error {
		var res NavResult
		var err error
		if a.Number == 0 && lookErr == nil {
			res, err = s.moveOnce(p, target.URL, &no, func() error {
				if delta == 0 {
					return proto.PageReload{}.Call(p)
				}
				return proto.PageNavigateToHistoryEntry{EntryID: target.ID}.Call(p)
			})
		} else {
			res, err = s.moveAgain(p, action, delta, target, &no)
		}
		out = res
		return err
	})
	return out, err
}

// historyEntry returns the entry delta steps from the current one, or why there is none.
func historyEntry(p *rod.Page, delta int) (proto.PageNavigationEntry, string, error) {
	h, err := proto.PageGetNavigationHistory{}.Call(p)
	if err != nil {
		return proto.PageNavigationEntry{}, "", err
	}
	i := h.CurrentIndex + delta
	switch {
	case delta < 0 && i < 0:
		return proto.PageNavigationEntry{}, "no page to go back to: the tab's history starts here", nil
	case delta > 0 && i >= len(h.Entries):
		return proto.PageNavigationEntry{}, "no page to go forward to: the tab is at the end of its history", nil
	case i < 0 || i >= len(h.Entries):
		return proto.PageNavigationEntry{}, "the tab has no page to reload", nil
	}
	e := h.Entries[i]
	if e == nil {
		return proto.PageNavigationEntry{}, "the tab's history has no such entry", nil
	}
	if delta < 0 && i == 0 && e.URL == "about:blank" {
		// The blank page every tab opens with is no page anyone went to.
		return proto.PageNavigationEntry{}, "no page to go back to: the tab's history starts here", nil
	}
	if delta == 0 && (e.URL == "" || e.URL == "about:blank") {
		return proto.PageNavigationEntry{}, "the tab shows no page yet (Navigate first): nothing to reload", nil
	}
	return *e, "", nil
}

// moveAgain is an attempt after the first: the tab may already be on the entry (it showed a
// 503), or still where it was (the first attempt timed out before the move), or the entry may be
// gone from the history; reload it, go to it, or load its URL.
func (s *Session) moveAgain(p *rod.Page, action string, delta int, target proto.PageNavigationEntry, no *navOpts) (NavResult, error) {
	h, err := proto.PageGetNavigationHistory{}.Call(p)
	if err != nil {
		return NavResult{}, err
	}
	if target.URL == "" { // the first look failed: take it now
		t, none, err := historyEntry(p, delta)
		if err != nil {
			return NavResult{}, err
		}
		if none != "" {
			return NavResult{}, &ArgError{Action: action, Detail: none}
		}
		target = t
	}
	if h.CurrentIndex >= 0 && h.CurrentIndex < len(h.Entries) && h.Entries[h.CurrentIndex].ID == target.ID {
		return s.moveOnce(p, target.URL, no, func() error { return proto.PageReload{}.Call(p) })
	}
	for _, e := range h.Entries {
		if e.ID == target.ID {
			return s.moveOnce(p, target.URL, no, func() error { return proto.PageNavigateToHistoryEntry{EntryID: target.ID}.Call(p) })
		}
	}
	return s.navigateOnce(p, target.URL, no)
}

// moveOnce makes the main frame move (move: a reload or a history step), waits for the document
// it lands on as Navigate waits (the load event, or browser.LoadGrace's 3 s after
// DOMContentLoaded), and judges it as Navigate does. asked is the URL the move is expected to
// land on.
func (s *Session) moveOnce(p *rod.Page, asked string, no *navOpts, move func() error) (NavResult, error) {
	resp, err := waitMove(p, move)
	if resp == nil && err == nil {
		// A same-document move (a #fragment, pushState): the document and its status stay.
		return NavResult{URL: s.URL()}, nil
	}
	if resp != nil && resp.URL == "" {
		resp.URL = asked
	}
	if resp != nil && err == nil && resp.Status == 0 {
		// No response: a page the back-forward cache restored, the document served before.
		resp.Status = s.servedStatus(resp.URL)
	}
	return s.judgeNav(p, asked, no, resp, err)
}

// historyGrace is how long a move waits for the load event once the document is parsed, as
// Navigate does with browser.LoadGrace.
const historyGrace = 3 * time.Second

// waitMove runs move with the page's events followed from before it, and waits for the main
// frame's new document. It returns nil, nil for a move within the document.
func waitMove(p *rod.Page, move func() error) (*browser.Response, error) {
	ctx := p.GetContext()
	_ = p.EnableDomain(&proto.NetworkEnable{})
	var (
		mu                            sync.Mutex
		resp                          *proto.NetworkResponse
		failed                        string
		committed, parsed, loaded, bf bool
		within                        bool
		landed, unreachable           string
		loader                        proto.NetworkLoaderID // the main frame's committed document
		docFailed                     = map[string]string{} // document requests that failed, by id
	)
	main := p.FrameID
	changed := make(chan struct{}, 1)
	poke := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	ectx, cancel := context.WithCancel(ctx)
	wait := p.Context(ectx).EachEvent(
		func(e *proto.NetworkResponseReceived) {
			if e.Type == proto.NetworkResourceTypeDocument && e.FrameID == main && e.Response != nil {
				mu.Lock()
				resp = e.Response
				mu.Unlock()
			}
		},
		func(e *proto.NetworkLoadingFailed) {
			if e.Type == proto.NetworkResourceTypeDocument && !e.Canceled {
				mu.Lock()
				failed = e.ErrorText
				docFailed[string(e.RequestID)] = e.ErrorText
				mu.Unlock()
				poke()
			}
		},
		func(e *proto.PageFrameNavigated) {
			if e.Frame.ParentID != "" {
				return
			}
			mu.Lock()
			committed, landed, unreachable = true, e.Frame.URL+e.Frame.URLFragment, e.Frame.UnreachableURL
			loader = e.Frame.LoaderID
			bf = e.Type == proto.PageNavigationTypeBackForwardCacheRestore
			mu.Unlock()
			poke()
		},
		func(e *proto.PageNavigatedWithinDocument) {
			if e.FrameID == main {
				mu.Lock()
				within = true
				mu.Unlock()
				poke()
			}
		},
		func(e *proto.PageDomContentEventFired) {
			mu.Lock()
			parsed = committed
			mu.Unlock()
			poke()
		},
		func(e *proto.PageLoadEventFired) {
			mu.Lock()
			loaded = committed
			mu.Unlock()
			poke()
		},
	)
	done := make(chan struct{})
	go func() { defer close(done); wait() }()
	defer func() { cancel(); <-done }()

	if err := move(); err != nil {
		return nil, err
	}
	var grace <-chan time.Time
	for {
		mu.Lock()
		c, pa, l, b, w, r, fail, u, unr := committed, parsed, loaded, bf, within, resp, failed, landed, unreachable
		cut := docFailed[string(loader)] // the committed document's connection ended before it did
		mu.Unlock()
		switch {
		case !c && w:
			return nil, nil
		case c && unr != "":
			if fail == "" {
				fail = "net::ERR_FAILED"
			}
			if strings.Contains(fail, "ERR_CACHE_MISS") {
				return nil, fmt.Errorf("%s: %w: the page was the answer to a form sent with POST, and only sending the form again would show it; navigate to a page instead", clip(unr), &rod.NavigationError{Reason: fail})
			}
			return nil, fmt.Errorf("%s: %w", clip(unr), &rod.NavigationError{Reason: fail})
		case c && (l || b):
			return moveResponse(u, r)
		case c && !pa && cut != "":
			// The page would stay "loading" until the deadline: a dropped connection.
			return nil, fmt.Errorf("%s: %w: the connection ended before the page did", clip(u), &rod.NavigationError{Reason: cut})
		case c && pa && grace == nil:
			t := time.NewTimer(historyGrace)
			defer t.Stop()
			grace = t.C
		}
		select {
		case <-changed:
		case <-grace:
			return moveResponse(u, r)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// moveResponse is the browser.Response (and HTTP error, as browser.Navigate gives it) of the
// document a move landed on.
func moveResponse(landed string, r *proto.NetworkResponse) (*browser.Response, error) {
	out := &browser.Response{URL: landed, Header: http.Header{}, Loaded: true}
	if r == nil {
		return out, nil
	}
	if r.URL != "" {
		out.URL = r.URL
	}
	out.Status = r.Status
	for k, v := range r.Headers {
		for _, line := range strings.Split(v.Str(), "\n") {
			out.Header.Add(k, line)
		}
	}
	if r.Status < 400 {
		return out, nil
	}
	he := &retry.HTTPError{StatusCode: r.Status, URL: out.URL}
	if d, ok := retry.RetryAfterOfHeader(out.Header, time.Now()); ok { // a date from the answer's own Date
		he.RetryAfter = d
	}
	return out, he
}
