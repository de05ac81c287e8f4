package actions

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/browser"
)

// Reset makes a warm session ready for the next, unrelated piece of work (the next item of a
// batch) without opening a new tab, in a few round trips (a navigation to about:blank alone would
// cost more than the next item's page). It clears:
//
//   - the page the tab shows: its loading stops, its timers and animation frames are cancelled
//     and its sessionStorage cleared, so it cannot write anything while it waits to be replaced
//     by the next navigation; a crashed, closed or unresponsive tab is replaced by a new one in
//     the same context;
//   - the back/forward history: emptied but for the page shown (one back step from the next
//     page, to a page whose timers are stopped);
//   - what the session remembered: FillSecret values and URL passwords (kept for redaction),
//     the last URL (crash recovery goes nowhere until the next Navigate) and the last navigation;
//   - the viewport, set again to the session's (a caller may have emulated another one);
//   - the tabs the previous work opened (window.open, target=_blank links) and theirs; for an
//     Isolated session every other tab of its context (popups opened with noopener too).
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
// The session's own in-page helper functions, which its tab defines at the start of every
// document once an action needed them, stay: they hold nothing of the work.
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
	// The page is quieted (so it writes nothing more) before the context's cookies and storage
	// are cleared; what does not depend on that runs alongside.
	var early []func() error
	if s.bctx != nil {
		early = append(early,
			func() error { return s.bctx.ResetPermissions(ctx) },
			func() error {
				return s.b.Guard(ctx, s.Page(), s.cfg.timeout, "reset cache", func(p *rod.Page) error {
					return proto.NetworkClearBrowserCache{}.Call(p)
				})
			})
	}
	// Tabs the previous work opened (window.open, target=_blank) would live on, each with its
	// renderer, until the session closes; only when some tab appeared since the last look.
	if n := s.b.PagesOpened(); n != s.pagesSeen {
		s.pagesSeen = n
		var ctxID proto.BrowserBrowserContextID
		if s.bctx != nil {
			ctxID = s.bctx.ID()
		}
		keep := s.Page().TargetID
		early = append(early, func() error {
			closeStrayTabs(ctx, s.b.Rod(), keep, ctxID)
			return nil
		})
	}
	early = append(early, func() error {
		err := s.b.Guard(ctx, s.Page(), s.cfg.timeout, "reset", s.quietTab)
		if err == nil || ctx.Err() != nil {
			return err
		}
		// A tab that does not answer (a script hogging it, a renderer gone) is replaced: the
		// next item gets a clean one either way.
		s.cfg.log.Info("reset: new tab for one that did not reset", zap.Error(err))
		return s.swapTab(ctx)
	})
	if err := parallel(early...); err != nil {
		return err
	}
	if s.bctx != nil {
		if err := s.clearContext(ctx, origins); err != nil {
			return err
		}
	}
	s.forget()
	return nil
}

// quietJS stops what the page would still do before the next navigation replaces it.
const quietJS = `(() => {
  try { window.stop(); } catch (e) {}
  try { sessionStorage.clear(); } catch (e) {}
  const t = setTimeout(() => {}, 0);
  for (let i = Math.max(0, t - 100000); i <= t; i++) { clearTimeout(i); clearInterval(i); }
  const f = requestAnimationFrame(() => {});
  for (let i = Math.max(0, f - 100000); i <= f; i++) cancelAnimationFrame(i);
})()`

// quietTab quiets the page and empties the tab's history, in parallel.
func (s *Session) quietTab(p *rod.Page) error {
	calls := []func() error{
		func() error { return evalExpr(p, quietJS, nil) },
		func() error { return proto.PageResetNavigationHistory{}.Call(p) },
	}
	if s.cfg.viewport != nil {
		calls = append(calls, func() error { return browser.SetViewport(p, *s.cfg.viewport) })
	}
	return parallel(calls...)
}

// clearContext clears the cookies and storage of the session's own browser context, in parallel.
func (s *Session) clearContext(ctx context.Context, origins []string) error {
	calls := []func() error{func() error { return s.bctx.ClearCookies(ctx) }}
	for _, o := range origins {
		calls = append(calls, func() error {
			return s.b.Guard(ctx, s.Page(), s.cfg.timeout, "reset storage", func(p *rod.Page) error {
				if err := (proto.StorageClearDataForOrigin{Origin: o, StorageTypes: contextStorage}).Call(p); err != nil {
					return fmt.Errorf("clear storage of %s: %w", o, err)
				}
				return nil
			})
		})
	}
	return parallel(calls...)
}

// parallel runs the calls at once and returns the first error.
func parallel(calls ...func() error) error {
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// contextStorage is every kind of per-origin storage a page can fill (cookies are cleared for
// the whole context at once).
const contextStorage = "local_storage,indexeddb,cache_storage,service_workers,file_systems,websql,shared_storage,storage_buckets"

// forget drops what the session remembered of the previous work.
func (s *Session) forget() {
	s.st.Lock()
	defer s.st.Unlock()
	s.secrets = map[string][]string{}
	s.urlSecrets = nil
	s.lastURL, s.lastNav = "", nil
	s.nav.url, s.nav.doc, s.nav.inDoc, s.nav.status, s.nav.last, s.nav.served = "", "", false, 0, NavResult{}, nil
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
