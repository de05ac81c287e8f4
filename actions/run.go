package actions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/snapshot"
)

// spec says what one Session call is, for the engine, the repairs and the error.
type spec struct {
	action   string // "click", "fill", "navigate", …
	selector string
	url      string // navigate's target
	secret   bool
	timeout  time.Duration // the attempt's deadline when longer than the Session's (NavTimeout)
}

// limit is the deadline of one attempt of sp: a page load's (Navigate, Back, Forward, Reload)
// is WithNavigationTimeout's, every other action's WithTimeout's.
func (s *Session) limit(sp spec) time.Duration {
	switch sp.action {
	case "navigate", "back", "forward", "reload":
		return s.cfg.navigation()
	}
	return s.cfg.timeout
}

// run is the loop every action goes through: one retry.Run whose attempts each resolve the page
// fresh and run fn under the attempt's deadline (browser.Guard: crash-aware, names the step that
// timed out); before attempt n>0 the page is repaired according to the last error's type.
func (s *Session) run(ctx context.Context, sp spec, fn func(p *rod.Page, a *retry.Attempt) error) error {
	s.mu.Lock()
	locked := true
	defer func() {
		if locked {
			s.mu.Unlock()
		}
	}()
	if s.isClosed() {
		return ErrClosed
	}
	ctx, stop := s.bind(ctx)
	defer stop()

	info := retry.Info{"action": sp.action}
	if sp.selector != "" {
		info["selector"] = sp.selector
	}
	if sp.url != "" {
		info["url"] = sp.url
	} else if u := s.URL(); u != "" {
		info["url"] = u
	}
	start := time.Now()
	s.cfg.dialogs.mark(sp.action) // WaitForDialog's "since the last action" (dialogs.go)
	attempts := 0
	opts := append([]retry.CallOption{
		retry.UsingManager(s.cfg.manager),
		retry.OnEscalate(func(ctx context.Context, t retry.ErrorType, err error) error {
			// Hand the session to the escalator: it may drive the page through it.
			s.mu.Unlock()
			locked = false
			defer func() { s.mu.Lock(); locked = true }()
			return s.escalate(ctx, t, err)
		}),
	}, callOptions(ctx)...)
	err := retry.Run(ctx, sp.action, info, func(ctx context.Context, a *retry.Attempt) error {
		attempts = a.Number + 1
		if a.Number > 0 && a.LastError != nil {
			if err := s.repair(ctx, sp, a); err != nil {
				return err
			}
		}
		s.ensureAuth(s.Page()) // a new tab (after a crash) answers HTTP auth too
		guard := s.b.GuardElement
		if sp.selector == "" {
			guard = s.b.Guard
		}
		step := &attemptStep{}
		s.attempt.Store(step)
		err := guard(ctx, s.Page(), max(s.limit(sp), sp.timeout), s.op(sp), func(p *rod.Page) error {
			return fn(p, a)
		})
		s.attempt.Store(nil)
		err, lr := s.explain(ctx, err, step)
		err = s.hung(ctx, err, sp.url != "", lr)
		if err != nil && a.Number == 0 {
			s.cfg.log.Debug("attempt failed", zap.String("action", sp.action), zap.String("target", s.shown(s.target(sp))),
				zap.String("type", classify(err).String()), zap.String("error", s.present(err.Error(), sp)))
		}
		return err
	}, opts...)
	if err == nil {
		s.learnURL(ctx)
		if attempts > 1 {
			s.cfg.log.Info("action recovered", zap.String("action", sp.action), zap.String("target", s.shown(s.target(sp))),
				zap.Int("attempts", attempts), zap.Duration("took", time.Since(start)))
		}
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < time.Second && !errors.Is(err, context.DeadlineExceeded) {
		err = &callerDeadlineError{err}
	}
	return s.fail(ctx, sp, err)
}

// hungProbe is how long a page that let an attempt run out of time gets to answer a trivial
// evaluation at once; one that does not is asked again, for up to hungSilence in all, before it
// is taken as hung.
const hungProbe = 2 * time.Second

// hungSilence is how long, after an attempt ran out of its time, a page may answer nothing at all
// before it is taken as hung. A heavy page is busy for seconds at a time (a long script on load,
// hydration, on a loaded 2-core machine more), and a busy page answers once its task ends: only
// time tells it from a script that never yields. It was 4s (2s, then 2s more after stopping the
// load), which took such pages for hung and replaced their tabs, whose reloads were as busy.
const hungSilence = 8 * time.Second

// hung turns err, an attempt that ran out of its own time, into a *PageHungError when the page
// does not answer a trivial evaluation either for hungSilence: the tab's main thread is stuck,
// and only a new tab helps (page_crash), where asking it again (selector_not_found,
// network_timeout) would spend every attempt the same way and count against the site's breaker.
// A page that answers within hungSilence was busy, not hung: the attempt's error stands and the
// next attempt uses the same tab. An adopted page (WithPage) is the caller's: it is left as it is.
//
// A navigation still waiting for its server holds every call to the page (DevTools keeps them
// for the document to come) without the page being stuck: before the long wait the pending load
// is stopped (at once when the attempt was a navigation, whose next attempt stops it anyway) and
// the page asked again. lr, when not nil, is an in-page wait whose record explain asked for in
// vain: that was the first question, and the page's answer is that record, which says why the
// attempt failed (the page was busy, not hung).
func (s *Session) hung(ctx context.Context, err error, navigating bool, lr *lateRead) error {
	var te *browser.TimeoutError
	if err == nil || s.cfg.page != nil || !errors.As(err, &te) || ctx.Err() != nil {
		return err
	}
	start := time.Now()
	if lr != nil {
		start = lr.asked
	}
	// One evaluation, waited for up to within: a busy page answers it as soon as its task ends.
	answers := func(within time.Duration) bool {
		perr := s.b.Guard(ctx, s.Page(), max(within, hungProbe), "probe", func(p *rod.Page) error {
			_, err := proto.RuntimeEvaluate{Expression: "0"}.Call(p)
			return err
		})
		var pte *browser.TimeoutError
		return !errors.As(perr, &pte)
	}
	busy := func() error {
		if d := time.Since(start); d > hungProbe {
			s.cfg.log.Debug("the page was busy, not hung: it answered again", zap.Duration("silent", d.Round(time.Millisecond)))
		}
		return err
	}
	if !navigating && lr == nil && answers(hungProbe) {
		return busy()
	}
	_ = s.b.Guard(ctx, s.Page(), hungProbe, "stop loading", func(p *rod.Page) error {
		return proto.PageStopLoading{}.Call(p)
	})
	if lr != nil {
		if lerr, ok := s.readLate(ctx, max(hungSilence-time.Since(start), hungProbe), lr.token, lr.late); ok {
			if lerr != nil {
				return lerr
			}
			return busy()
		}
		return &PageHungError{Err: err, Silent: time.Since(start).Round(100 * time.Millisecond)}
	}
	if answers(hungSilence - time.Since(start)) {
		return busy()
	}
	return &PageHungError{Err: err, Silent: time.Since(start).Round(100 * time.Millisecond)}
}

// callerDeadlineError marks a failure whose attempts the caller's deadline cut short: each
// in-page wait keeps up to a second of the time left for its answer, so a call given 300ms can
// give up as "not found" a moment before its deadline. The deadline is what ended it, and
// errors.Is(err, context.DeadlineExceeded) says so; the error's type stays the attempts'.
type callerDeadlineError struct{ err error }

func (e *callerDeadlineError) Error() string {
	return e.err.Error() + " (the caller's deadline ended the wait)"
}
func (e *callerDeadlineError) Unwrap() error        { return e.err }
func (e *callerDeadlineError) Is(target error) bool { return target == context.DeadlineExceeded }

// bind ends ctx when the session closes, with ErrClosed as the cause.
func (s *Session) bind(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(s.ctx, func() { cancel(ErrClosed) })
	return ctx, func() { stop(); cancel(nil) }
}

// closedDuring reports whether ctx (from bind) ended because Close was called, rather than by the
// caller's cancellation or deadline.
func (s *Session) closedDuring(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), ErrClosed)
}

// closedDuring marks err, the end of an action that Close cut short, as ErrClosed: the caller did
// not cancel anything, so a bare context.Canceled would mislead.
func closedDuring(err error) error {
	return fmt.Errorf("%w while the action ran: %w", ErrClosed, err)
}

// op names the step for timeouts: `click "#buy"`, `navigate https://…`.
func (s *Session) op(sp spec) string {
	if sp.selector != "" {
		return sp.action + " " + strconv.Quote(sp.selector)
	}
	if sp.url != "" {
		return sp.action + " " + sp.url
	}
	return sp.action
}

func (s *Session) target(sp spec) string {
	if sp.selector != "" {
		return sp.selector
	}
	return sp.url
}

// fail turns the engine's give-up into an *ActionError, writing the error snapshot when asked.
func (s *Session) fail(ctx context.Context, sp spec, err error) error {
	if s.closedDuring(ctx) {
		err = closedDuring(err)
	} else {
		err = s.withSlowLoadHint(sp, s.withConsentHint(ctx, err))
	}
	ae := &ActionError{Action: sp.action, Target: s.target(sp), URL: s.URL(), Err: err}
	t := classify(err)
	if s.cfg.artifacts != "" && !errors.Is(err, context.Canceled) && !s.isClosed() {
		values, selectors := s.secretLists()
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		arts, werr := snapshot.WriteError(wctx, s.Page(), s.cfg.artifacts, snapshot.ErrorOptions{
			Redact: values, MaskSelectors: selectors, ErrType: t.String(), Now: time.Now(),
		})
		cancel()
		if werr != nil {
			s.cfg.log.Warn("error snapshot failed", zap.String("action", sp.action), zap.Error(werr))
		} else if arts != nil {
			ae.Artifacts = arts.Dir
		}
	}
	msg := s.present(ae.Error(), sp)
	s.cfg.log.Warn("action failed", zap.String("action", sp.action), zap.String("target", s.shown(s.target(sp))),
		zap.String("type", t.String()), zap.Int("attempts", ae.Attempts()), zap.String("artifacts", ae.Artifacts),
		zap.String("error", msg))
	if msg != ae.Error() {
		return &redactedError{msg: msg, err: ae}
	}
	return ae
}

// redact removes FillSecret values from a text (errors from the page could echo one).
func (s *Session) redact(msg string) string {
	values, _ := s.secretLists()
	for _, v := range values {
		if len(v) >= 3 {
			msg = strings.ReplaceAll(msg, v, "[redacted]")
		}
	}
	return msg
}

// maxShown is the longest selector or URL an error or a log line repeats in full; a longer one is
// cut to its start and its length, so a 3 MB URL or a 300 kB selector gives a readable error.
const maxShown = 200

// clip shortens s to maxShown bytes (on a rune boundary) and says how long it was.
func clip(s string) string {
	if len(s) <= maxShown {
		return s
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// shown is how a selector or URL appears in logs: FillSecret values redacted, clipped.
func (s *Session) shown(v string) string { return clip(s.redact(v)) }

// present is the text of an action's error as callers and logs see it: FillSecret values
// redacted, and the action's own selector or URL clipped wherever it is repeated.
func (s *Session) present(msg string, sp spec) string {
	for _, long := range []string{sp.selector, sp.url} {
		if len(long) > maxShown {
			msg = strings.ReplaceAll(msg, strconv.Quote(long), strconv.Quote(clip(long)))
			msg = strings.ReplaceAll(msg, long, clip(long))
		}
	}
	return s.redact(msg)
}

// redactedError shows a redacted message but unwraps to the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// escalate calls the Escalator with what the error says about the wall.
func (s *Session) escalate(ctx context.Context, t retry.ErrorType, err error) error {
	e := Escalation{Type: t, URL: s.URL(), Err: err, Session: s}
	var ce *ChallengeError
	if errors.As(err, &ce) {
		e.Vendor, e.Kind = ce.Vendor, ce.Kind
		if ce.URL != "" {
			e.URL = ce.URL
		}
	}
	var lw *LoginWallError
	if errors.As(err, &lw) && lw.URL != "" {
		e.URL = lw.URL
	}
	s.cfg.log.Info("escalating", zap.String("type", t.String()), zap.String("vendor", e.Vendor),
		zap.String("kind", e.Kind), zap.String("url", e.URL))
	if xerr := s.cfg.escalator.Escalate(ctx, e); xerr != nil {
		return xerr
	}
	s.cfg.log.Info("escalation solved", zap.String("type", t.String()), zap.String("url", e.URL))
	return nil
}
