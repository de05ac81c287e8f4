package actions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-rod/rod"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/snapshot"
)

// repair runs at the start of attempt n>0, chosen by the type of the last attempt's error
// (ARCHITECTURE.md's table). It names what it did with a.SetSolution so the Manager learns which
// repair preceded a success. An error from repair is the attempt's error.
func (s *Session) repair(ctx context.Context, sp spec, a *retry.Attempt) error {
	t := classify(a.LastError)
	log := s.cfg.log.With(zap.String("action", sp.action), zap.String("target", s.shown(s.target(sp))),
		zap.Int("attempt", a.Number+1), zap.String("after", t.String()))
	// A page that did not answer at all within the attempt (a script hogging the main thread, an
	// open dialog) cannot settle or be snapshotted either: waiting for it would only stretch the
	// action past its attempts' deadlines. The next attempt asks it again.
	var te *browser.TimeoutError
	unresponsive := errors.As(a.LastError, &te)
	// Repairs that wait on the page get at most a quarter of an attempt's deadline.
	budget := s.cfg.timeout / 4
	switch t {
	case retry.PageCrash:
		a.SetSolution("new_page")
		log.Info("repair: new tab after a renderer crash", zap.String("url", s.getLastURL()))
		return s.replacePage(ctx)
	case retry.SelectorNotFound:
		a.SetSolution("resnapshot")
		if unresponsive {
			log.Debug("repair: the page did not answer; asking again")
			return nil
		}
		s.settle(ctx, min(time.Second, budget/2))
		// The snapshot that tells a soft 404, a wall or a login page gets up to 2 s (it returns
		// as soon as it is read): with an eighth of the attempt (1.25 s of the default 10 s) a
		// loaded machine often read nothing, and the page went unnamed for another attempt.
		snap, err := s.quickSnapshot(ctx, min(2*time.Second, budget))
		if err != nil {
			log.Debug("repair: snapshot failed", zap.Error(err))
			return nil
		}
		log.Info("repair: DOM settled, re-querying", zap.String("title", snap.Title),
			zap.Int("elements", len(snap.Elements)), zap.Bool("challenge", snap.Challenge != nil))
		if snap.Challenge != nil {
			// The element is missing because a wall stands in front of the page.
			return &ChallengeError{Vendor: snap.Challenge.Vendor, Kind: snap.Challenge.Kind, URL: snap.URL, Evidence: snap.Challenge.Evidence}
		}
		if snap.LoginWall {
			// A sign-in form the page was sent to (a script's redirect after the load):
			// the content waits behind it.
			asked := s.getLastURL()
			if asked == "" {
				asked = snap.URL
			}
			return &LoginWallError{URL: asked, Landed: snap.URL, Err: a.LastError, Comment: "the page shows a sign-in form"}
		}
		if snap.NotFound != "" {
			// The page is not the one the selector belongs to, and will not become it.
			return &NotFoundPageError{URL: snap.URL, Status: snap.Status, Evidence: snap.NotFound, Err: a.LastError}
		}
	case retry.StaleElement:
		a.SetSolution("reresolve")
		if !unresponsive {
			s.settle(ctx, min(500*time.Millisecond, budget))
		}
		log.Debug("repair: re-resolving after the DOM settled")
	case retry.Captcha, retry.AuthRequired:
		a.SetSolution("escalated")
		log.Info("repair: resuming after escalation")
	case retry.NetworkTimeout, retry.ConnectionReset, retry.RateLimit, retry.ServerError:
		// The engine has waited already (Retry-After included). Navigate goes again by itself.
		if sp.action == "navigate" {
			a.SetSolution("renavigate")
		} else {
			a.SetSolution("wait")
		}
		log.Info("repair: trying again after backoff")
	default:
		a.SetSolution("retry")
	}
	return nil
}

// replacePage opens a new tab in the same browser context (the session's own when Isolated:
// cookies and storage kept), takes it back to the last URL Navigate reached, and closes the
// crashed tab. A status that navigation expected (ExpectStatus, AnyStatus) is the page the
// session was on, so it is where the tab goes back to, not a failure of the repair. Any other
// HTTP error is judged as Navigate judges it, so the repair's error says what Navigate's would
// (a 401's challenge and how to answer it, a wall's vendor), not a bare status.
func (s *Session) replacePage(ctx context.Context) error {
	if err := s.swapTab(ctx); err != nil {
		return fmt.Errorf("new tab after crash: %w", err)
	}
	np := s.Page()
	if u, no := s.getLastNav(); u != "" {
		resp, err := s.b.Navigate(ctx, np, u, s.cfg.navigation())
		var he *retry.HTTPError
		if err != nil && errors.As(err, &he) && resp != nil {
			err = s.b.Guard(ctx, np, s.cfg.navigation(), "navigate "+u, func(p *rod.Page) error {
				_, jerr := s.judgeNav(p, u, no, resp, err)
				return jerr
			})
		}
		if err != nil {
			return fmt.Errorf("back to %s after crash: %w", u, err)
		}
	}
	return nil
}

// swapTab makes a new tab of the session's context its page and closes the old one (in the
// background: a crashed or hung tab may take its time).
func (s *Session) swapTab(ctx context.Context) error {
	np, err := s.newTab(ctx)
	if err != nil {
		return err
	}
	old := s.setPage(np, true)
	if old != nil {
		go func() {
			cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = old.Context(cctx).Close()
		}()
	}
	return nil
}

// settle waits, inside the page, until the DOM has been quiet for a moment (or max passes).
// Errors are ignored: it is a courtesy before the real attempt, which reports properly.
func (s *Session) settle(ctx context.Context, max time.Duration) {
	p := s.Page()
	ctx, cancel := context.WithTimeout(ctx, max+min(500*time.Millisecond, max/2))
	defer cancel()
	_, _ = s.evalJS(p.Context(ctx), settleJS, map[string]any{"quiet": 100, "max": max.Milliseconds()})
}

func (s *Session) quickSnapshot(ctx context.Context, within time.Duration) (*snapshot.Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	p := s.Page().Context(ctx)
	return snapshot.TakeWith(ctx, p, snapshot.Options{RequestedURL: s.getLastURL()})
}

const settleJS = `(o) => new Promise((resolve) => {
  const t0 = performance.now();
  let last = t0;
  const mo = new MutationObserver(() => { last = performance.now(); });
  mo.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  const tick = () => {
    const now = performance.now();
    if (now - last >= o.quiet || now - t0 >= o.max) { mo.disconnect(); resolve(Math.round(now - t0)); return; }
    setTimeout(tick, 20);
  };
  setTimeout(tick, 20);
})`
