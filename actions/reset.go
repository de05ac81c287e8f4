package actions

import (
	"context"
	"fmt"
	"net/url"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/browser"
)

// Reset makes a warm session ready for the next, unrelated piece of work (the next item of a
// batch) without opening a new tab. It clears, in order:
//
//   - the tab: an open dialog is dismissed, the tab goes to about:blank (unloading the page, its
//     timers, sockets and workers) and its back/forward history is emptied; a crashed, closed or
//     unresponsive tab is replaced by a new one in the same context;
//   - the sessionStorage of the page the tab shows;
//   - what the session remembered: FillSecret values and URL passwords (kept for redaction),
//     the last URL (crash recovery goes nowhere until the next Navigate) and the last navigation;
//   - the viewport, set again to the session's (a caller may have emulated another one).
//
// For an Isolated session it clears, too, everything its browser context holds: every cookie,
// the localStorage, sessionStorage, IndexedDB, Cache Storage, service workers and the other
// storage of every origin its tabs loaded a document from, the HTTP cache and the permissions
// granted. Nothing of other sessions is touched.
//
// A non-isolated session shares the browser's default context with every other non-isolated
// Session (and with the browser's own tabs), so Reset leaves that context's cookies, storage,
// cache and permissions alone: clearing them would log other sessions out in the middle of their
// work. The sessionStorage of origins the tab left before the current page stays too (Chromium
// clears it only with the origin's other storage). Use Isolated when items must share nothing.
//
// Reset waits for a running action to end (it is serialised like one) and runs under the
// attempt deadline (WithTimeout) inside ctx. It returns ErrClosed once the session is closed.
// After an error the session may still hold some of the previous work's state: close it.
func (s *Session) Reset(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosed() {
		return ErrClosed
	}
	ctx, stop := s.bind(ctx)
	defer stop()
	err := s.reset(ctx)
	if err != nil && s.closedDuring(ctx) {
		err = closedDuring(err)
	}
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	return nil
}

func (s *Session) reset(ctx context.Context) error {
	origins := s.takeOrigins()
	if s.b.Crashed(s.Page()) {
		s.cfg.log.Info("reset: new tab for a crashed or closed one")
		if err := s.swapTab(ctx); err != nil {
			return err
		}
	}
	err := s.b.Guard(ctx, s.Page(), s.cfg.timeout, "reset", func(p *rod.Page) error {
		return s.blankTab(p)
	})
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		// A tab that does not leave its page (a script hogging it, a renderer gone) is replaced:
		// the next item gets a clean one either way.
		s.cfg.log.Info("reset: new tab for one that did not reset", zap.Error(err))
		if err := s.swapTab(ctx); err != nil {
			return err
		}
	}
	if s.bctx != nil {
		if err := s.clearContext(ctx, origins); err != nil {
			return err
		}
	}
	s.forget()
	return nil
}

// blankTab clears the session storage of the document the tab shows and takes the tab to
// about:blank with an empty history.
func (s *Session) blankTab(p *rod.Page) error {
	// An open dialog would block the evaluation; the page is left anyway.
	_ = proto.PageHandleJavaScriptDialog{Accept: false}.Call(p)
	if err := evalExpr(p, `(() => { try { sessionStorage.clear(); } catch (e) {} })()`, nil); err != nil {
		return err
	}
	if _, err := s.b.Navigate(p.GetContext(), p, "about:blank", 0); err != nil {
		return err
	}
	if err := (proto.PageResetNavigationHistory{}).Call(p); err != nil {
		return err
	}
	if s.cfg.viewport != nil {
		return browser.SetViewport(p, *s.cfg.viewport)
	}
	return nil
}

// clearContext clears what the session's own browser context holds.
func (s *Session) clearContext(ctx context.Context, origins []string) error {
	if err := s.bctx.ClearCookies(ctx); err != nil {
		return err
	}
	if err := s.bctx.ResetPermissions(ctx); err != nil {
		return err
	}
	return s.b.Guard(ctx, s.Page(), s.cfg.timeout, "reset storage", func(p *rod.Page) error {
		for _, o := range origins {
			if err := (proto.StorageClearDataForOrigin{Origin: o, StorageTypes: contextStorage}).Call(p); err != nil {
				return fmt.Errorf("clear storage of %s: %w", o, err)
			}
		}
		if len(origins) > 0 {
			return proto.NetworkClearBrowserCache{}.Call(p)
		}
		return nil
	})
}

// contextStorage is every kind of per-origin storage a page can fill (cookies are cleared for
// the whole context at once).
const contextStorage = "local_storage,indexeddb,cache_storage,service_workers,file_systems,websql,shared_storage,storage_buckets"

// forget drops what the session remembered of the previous work.
func (s *Session) forget() {
	s.st.Lock()
	defer s.st.Unlock()
	s.secrets = map[string]string{}
	s.urlSecrets = nil
	s.lastURL = ""
	s.nav.url, s.nav.status, s.nav.last = "", 0, NavResult{}
}

// noteOrigin records the origin of a document the session's tab loaded (http and https only:
// other schemes have no storage Reset could clear).
func (s *Session) noteOrigin(raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return
	}
	o := u.Scheme + "://" + u.Host
	s.st.Lock()
	defer s.st.Unlock()
	s.origins[o] = true
}

// takeOrigins returns the recorded origins and forgets them.
func (s *Session) takeOrigins() []string {
	s.st.Lock()
	defer s.st.Unlock()
	out := make([]string, 0, len(s.origins))
	for o := range s.origins {
		out = append(out, o)
	}
	clear(s.origins)
	return out
}
