package actions

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/browser"
)

// attemptStep is what one attempt was doing, for the words of its timeout: the in-page wait in
// flight (its token: the page keeps what it saw under it) or, once that answered, the step after
// it ("typing"). Made per attempt by run, set by locate and the actions, read by run after the
// attempt. Safe for concurrent use.
type attemptStep struct {
	mu    sync.Mutex
	token string                          // an in-page wait in flight, "" when none
	late  func(rec json.RawMessage) error // its record → the error it would have answered, nil if none
	step  string                          // what the attempt did after the element was ready, "" before
}

// waiting records that an in-page wait for token is in flight; late turns what the page recorded
// under token (lateAnswerRead's answer) into the error the wait would have returned.
func (a *attemptStep) waiting(token string, late func(rec json.RawMessage) error) {
	if a == nil {
		return
	}
	a.mu.Lock()
	a.token, a.late, a.step = token, late, ""
	a.mu.Unlock()
}

// ready records that the wait answered, and what the action does next.
func (a *attemptStep) ready(step string) {
	if a == nil {
		return
	}
	a.mu.Lock()
	a.token, a.late, a.step = "", nil, step
	a.mu.Unlock()
}

func (a *attemptStep) get() (token string, late func(json.RawMessage) error, step string) {
	if a == nil {
		return "", nil, ""
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.token, a.late, a.step
}

// doing says what the current attempt does now (after its element was ready): an attempt that
// runs out of time says "timed out after 3s <what>" instead of "waiting for the element".
func (s *Session) doing(what string) { s.attempt.Load().ready(what) }

// stepAfter is what action does once locate.js found its element ready.
func stepAfter(action string) string {
	switch action {
	case "click", "double_click", "right_click", "click_with", "check", "uncheck", "set_checked":
		return "clicking it"
	case "fill", "fill_secret":
		return "typing into it"
	case "select":
		return "choosing the option"
	case "press":
		return "pressing the key"
	case "hover", "drag":
		return "moving the mouse"
	}
	return "acting on it"
}

// steppedTimeout is an attempt that ran out of time after its element was ready: the timeout is
// the step's (typing, clicking…), not the element's. It wraps the guard's *browser.TimeoutError,
// which keeps its type (errors.As, errors.Is(err, context.DeadlineExceeded), its classification).
type steppedTimeout struct {
	te   *browser.TimeoutError
	step string
}

func (e *steppedTimeout) Error() string {
	op := e.te.Op
	if op == "" {
		op = "browser step"
	}
	return op + ": timed out after " + e.te.After.String() + " " + e.step + " (the element was ready)"
}

func (e *steppedTimeout) Unwrap() error { return e.te }

// lateAnswerRead reads an in-page wait's record (locate.js, wait.js) of the wait with a token:
// its answer if it gave one (done), else what it saw last; null when the document holds no such
// wait (a navigation replaced it).
const lateAnswerRead = `((token) => {
  const r = globalThis[Symbol.for('smartretry.wait.seen')];
  if (!r || r.token !== token) return null;
  if (r.result) return Object.assign({ done: true }, r.result);
  return Object.assign({ done: false, ms: Math.round(performance.now() - r.t0) }, r.last);
})`

// lateReasons are the reasons of a locate.js wait that still waited when its record was read
// late: what the element was then ("parsing", "empty" and the like are the wait's own business).
var lateReasons = map[string]bool{
	ReasonNotFound: true, ReasonHidden: true, ReasonDisabled: true, ReasonReadOnly: true,
	ReasonUnstable: true, ReasonCovered: true, ReasonNoOption: true,
}

// lateLocate is locate's reading of its record: the *NotActionableError it would have answered.
func lateLocate(action, sel string) func(json.RawMessage) error {
	return func(rec json.RawMessage) error {
		var res struct {
			locateRes
			Done bool `json:"done"`
		}
		if json.Unmarshal(rec, &res) != nil || (!res.Done && (res.OK || !lateReasons[res.Reason])) {
			return nil
		}
		if !res.Done {
			res.Final = false // what it saw while it waited on: a cover then is one that may go
		}
		return res.fault(action, sel)
	}
}

// silentMemory is how long explain remembers that the page did not answer its question.
const silentMemory = 15 * time.Second

// lateRead is an in-page wait whose record explain asked for in vain within hungProbe: hung
// reads it in place of its own probe once it has stopped the page loading.
type lateRead struct {
	asked time.Time // when explain asked
	token string
	late  func(json.RawMessage) error
}

// explain gives err, an attempt that ran out of its own time, the words of what ran out. While
// an in-page wait was in flight, the page is asked (within hungProbe) for what that wait saw: on
// a loaded machine its answer, due a margin before the deadline, can come after it, and a bare
// "timed out after 3s waiting for the element" named no reason where the page knew it
// (not_found, hidden, covered…, what a WaitFor saw last). The page's account comes back as the
// error the wait would have returned. A page that does not answer leaves err to hung, which
// reads the record (lr) once the page answers it. After the element was ready, the timeout names
// the step (typing…).
func (s *Session) explain(ctx context.Context, err error, step *attemptStep) (_ error, lr *lateRead) {
	var te *browser.TimeoutError
	if err == nil || !errors.As(err, &te) || te.Kind != browser.WaitElement || ctx.Err() != nil {
		return err, nil
	}
	token, late, what := step.get()
	if token == "" || late == nil {
		if what != "" {
			return &steppedTimeout{te: te, step: what}, nil
		}
		return err, nil
	}
	// A page that left the question unanswered a moment ago (its main thread stuck, an adopted
	// page that hung never replaces) is not asked again for every attempt: each question costs
	// hungProbe, and every action on such a page would take its attempts three times as long.
	if since := time.Since(time.Unix(0, s.silentAt.Load())); since < silentMemory {
		return err, nil
	}
	asked := time.Now()
	lerr, answered := s.readLate(ctx, hungProbe, token, late)
	if !answered {
		s.silentAt.Store(time.Now().UnixNano())
	} else {
		s.silentAt.Store(0)
	}
	switch {
	case !answered:
		return err, &lateRead{asked: asked, token: token, late: late}
	case lerr != nil:
		return lerr, nil
	}
	return err, nil
}

// readLate asks the page, within the given time, for the record of the in-page wait with token
// and turns it into the error that wait would have returned (nil: none, it found its element
// ready, or the document holds no such wait). answered is false when the page did not answer
// in time.
func (s *Session) readLate(ctx context.Context, within time.Duration, token string, late func(json.RawMessage) error) (_ error, answered bool) {
	var rec json.RawMessage
	rerr := s.b.Guard(ctx, s.Page(), within, "read the page's answer", func(p *rod.Page) error {
		return s.evalInto(p, lateAnswerRead, token, &rec)
	})
	var rte *browser.TimeoutError
	if errors.As(rerr, &rte) {
		return nil, false
	}
	if rerr != nil || len(rec) == 0 || string(rec) == "null" {
		return nil, true
	}
	lerr := late(rec)
	if lerr != nil {
		s.cfg.log.Debug("the page's answer came after the attempt's deadline", zap.String("error", s.redact(lerr.Error())))
	}
	return lerr, true
}
