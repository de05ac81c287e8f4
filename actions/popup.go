package actions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// ErrNoPopup is what ExpectPopup returns (wrapped) when the action succeeded and no tab came.
var ErrNoPopup = errors.New("actions: the action opened no new tab")

// ExpectPopup runs action (typically a Click on a target=_blank link or a button that calls
// window.open) and returns a Session over the tab it opened, once that tab's first document has
// loaded (the-internet's "Multiple Windows": s.ExpectPopup(ctx, func(ctx context.Context) error {
// return s.Click(ctx, "text=Click Here") }), then popup.Text(ctx, "h3")).
//
// The popup Session has the opener's options (manager, timeout, logger, dialogs, escalator,
// HTTP credentials) and its own retries; its Close closes the tab, and the opener's Close closes
// it too. A rel="noopener" link's tab is found too: the page cannot reach it, but Chromium
// still reports which tab opened it. An action error is returned as it is; no tab within the
// session's timeout (WithTimeout) after a successful action is an error wrapping ErrNoPopup. Once
// the tab is there, its first document gets the timeout again (a popup left on an empty
// about:blank is waited for that long: its navigation may still come).
func (s *Session) ExpectPopup(ctx context.Context, action func(ctx context.Context) error) (*Session, error) {
	if s.isClosed() {
		return nil, ErrClosed
	}
	opener := s.Page()
	b := s.b.Rod()
	before := map[proto.TargetTargetID]bool{}
	if res, err := (proto.TargetGetTargets{}).Call(b.Context(ctx)); err == nil {
		for _, t := range res.TargetInfos {
			before[t.TargetID] = true
		}
	}
	if err := action(ctx); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, s.cfg.timeout)
	defer cancel()
	var id proto.TargetTargetID
	for id == "" {
		res, err := (proto.TargetGetTargets{}).Call(b.Context(wctx))
		if err == nil {
			for _, t := range res.TargetInfos {
				if t.Type == proto.TargetTargetInfoTypePage && !before[t.TargetID] && t.OpenerID == opener.TargetID {
					id = t.TargetID
					break
				}
			}
		}
		if id != "" {
			break
		}
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("%w within %s", ErrNoPopup, s.cfg.timeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
	// The popup was found; its first document gets a timeout of its own: a popup that opened late
	// (after a slow step of the page) must not find its budget spent, or the Session would come
	// back on the about:blank before its page (URL "").
	fctx, fcancel := context.WithTimeout(ctx, s.cfg.timeout)
	defer fcancel()
	p, err := b.Context(fctx).PageFromTarget(id)
	if err != nil {
		return nil, fmt.Errorf("actions: attach to the popup: %w", err)
	}
	p = p.Context(context.Background()) // the Session bounds its own calls
	cfg := s.cfg
	ps, err := NewSession(s.b, optionFunc(func(c *config) {
		*c = cfg
		c.page, c.isolated, c.viewport = p, false, nil
		c.dialog = cfg.userDialog // the popup remembers its own dialogs
		c.authw = nil
		if len(c.httpCreds) > 0 {
			c.authw = &authWatch{tabs: map[proto.TargetSessionID]bool{}}
		}
	}))
	if err != nil {
		return nil, err
	}
	ps.st.Lock()
	ps.owned = true // the popup is the caller's through this Session: Close closes it
	ps.st.Unlock()
	u := ps.waitFirstDocument(fctx, p)
	if u == "" || u == "about:blank" {
		// The wait ran out before the document came (a slow server, a loaded machine): the
		// browser knows where the tab is going.
		if t := ps.tabURL(ctx, p); t != "" {
			u = t
		}
	}
	if u != "" {
		// The Session watches the tab from now on: what it loaded before is read once.
		ps.st.Lock()
		if ps.nav.url == "" {
			ps.nav.url, ps.nav.last = u, NavResult{URL: u}
		}
		ps.st.Unlock()
	}
	return ps, nil
}

// waitFirstDocument waits (best effort, within ctx) until the popup has left the about:blank
// every new tab starts with and its document is loaded, so the first action on it does not meet
// a document about to be replaced. It returns the URL it saw last.
//
// A popup still on an empty about:blank is waited for: pages open an empty window at once (popup
// blockers allow only that) and send it to its URL after a slow step, so no time without a
// navigation proves none is coming. A blank popup the opener wrote into (document.write, or
// content added to its body) is a page already, also while a document.write without close()
// keeps it "loading"; one that stays empty costs the whole wait.
func (s *Session) waitFirstDocument(ctx context.Context, p *rod.Page) (url string) {
	pc := p.Context(ctx)
	for ctx.Err() == nil {
		var st struct {
			URL   string `json:"url"`
			State string `json:"state"`
			Empty bool   `json:"empty"`
			// Written: the opener wrote the document (document.write without close(): it stays
			// "loading" for good, at the opener's URL).
			Written bool `json:"written"`
		}
		// While a navigation waits for its server, DevTools holds this call until the document
		// comes: the wait is for that, not a poll.
		if err := evalExpr(pc, `({url: location.href, state: document.readyState,
			empty: !document.body || (document.body.childElementCount === 0 && document.body.textContent.trim() === '' && document.head.childElementCount === 0),
			written: (() => { try { return !!window.opener && document.readyState !== 'complete' && location.href === window.opener.location.href; } catch (e) { return false; } })()})`, &st); err == nil {
			url = st.URL
			blank := st.URL == "about:blank" || st.URL == ""
			if (st.State == "complete" || st.Written) && (!blank || !st.Empty) {
				return url
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
	return url
}
