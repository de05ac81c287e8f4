package actions

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/retry"
)

//go:embed scroll.js
var scrollSrc string

var scrollJS = withQuery(scrollSrc)

// ScrollIdle is how long ScrollUntil waits, after a wheel gesture, for the page to change at
// all before it decides that nothing more is coming. Once items arrive it waits for the DOM to be
// quiet for ScrollQuiet instead. Neither is a sleep: the page watches its DOM (a
// MutationObserver) and answers as soon as either holds.
const (
	ScrollIdle  = 1500 * time.Millisecond
	ScrollQuiet = 150 * time.Millisecond
)

// scrollSettleMax bounds Scroll's wait for the scrolling to stop. The wait itself is for
// conditions (scroll.js's settle): a scroll the browser will do is waited for however late it
// comes (on a loaded machine it came after more than the 500ms idle that had ended the wait), and
// the quiet and idle spans run on the page's responsive clock, so a page too busy to run its
// timers is not taken as quiet. This only ends a wait for a scroll that never comes.
const scrollSettleMax = 5 * time.Second

// scrollReq is what scroll.js gets; scrollRes what it answers.
type scrollReq struct {
	Op      string `json:"op"`
	Sel     string `json:"sel,omitempty"`
	Timeout int64  `json:"timeout,omitempty"`
	Before  int    `json:"before,omitempty"`
	Idle    int64  `json:"idle,omitempty"`
	Quiet   int64  `json:"quiet,omitempty"`
	Max     int64  `json:"max,omitempty"`
}

type scrollRes struct {
	OK     bool    `json:"ok"`
	Reason string  `json:"reason"`
	Detail string  `json:"detail"`
	Count  int     `json:"count"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	DY     float64 `json:"dy"`
	Pos    float64 `json:"pos"`
	End    bool    `json:"end"`
	Grew   bool    `json:"grew"`
	Ms     int64   `json:"ms"`
}

// Scroll turns the mouse wheel over the element sel names (once it is actionable, as for Click)
// by dx, dy CSS pixels (positive dy scrolls down, positive dx right): the element scrolls if it
// can, else the nearest ancestor that can, as under a person's mouse. sel "" scrolls the page: the
// wheel turns over a part of the viewport that no inner scroll box covers. Scroll returns once the
// scrolling has stopped (no scroll event for 100ms of the page's time). A scroll the browser will
// do (something under the wheel can scroll that way and the page did not prevent it) is waited
// for however late it comes; when nothing can scroll there, or the page handles the wheel itself
// and scrolls nothing within 500ms of its time, there is nothing to scroll, which is not an
// error. The page's time is the time it was free to run a timer: the seconds of a page too busy
// to answer (heavy frames, a loaded machine) do not count as quiet. dx and dy both 0 is refused
// (invalid_input).
func (s *Session) Scroll(ctx context.Context, sel string, dx, dy float64) error {
	sp := spec{action: "scroll", selector: sel}
	if (dx == 0 && dy == 0) || math.IsNaN(dx) || math.IsNaN(dy) || math.IsInf(dx, 0) || math.IsInf(dy, 0) {
		return s.refuse(sp, fmt.Sprintf("scroll by (%v, %v): give a finite, non-zero distance", dx, dy))
	}
	return s.run(ctx, sp, func(p *rod.Page, a *retry.Attempt) error {
		var x, y float64
		if sel == "" {
			var res scrollRes
			if err := s.evalInto(p, scrollJS, scrollReq{Op: "page"}, &res); err != nil {
				return err
			}
			x, y = res.X, res.Y
		} else {
			res, err := s.locate(p, "scroll", locateReq{Sel: sel, Strict: true, State: stateActionable, Op: "scroll"})
			if err != nil {
				return err
			}
			x, y = res.X, res.Y
		}
		if err := s.evalInto(p, scrollJS, scrollReq{Op: "arm"}, nil); err != nil {
			return err
		}
		if err := wheel(p, x, y, dx, dy); err != nil {
			return err
		}
		return s.evalInto(p, scrollJS, scrollReq{Op: "settle", Idle: 500, Max: min(scrollSettleMax, jsBudget(p)).Milliseconds()}, nil)
	})
}

// wheel moves the mouse to (x, y) and turns the wheel there.
func wheel(p *rod.Page, x, y, dx, dy float64) error {
	if err := (proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseMoved, X: x, Y: y}).Call(p); err != nil {
		return err
	}
	return proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseWheel, X: x, Y: y, DeltaX: dx, DeltaY: dy}.Call(p)
}

// awaitRequests waits, within p's deadline, until the Fetch/XHR requests the tab started after
// request number since are answered. It reports whether there were any.
func (s *Session) awaitRequests(p *rod.Page, since uint64) bool {
	busy, _ := s.workSince(since)
	if busy == 0 {
		return false
	}
	for busy > 0 {
		_, _, _, changed := s.navCounters()
		if busy, _ = s.workSince(since); busy == 0 {
			break
		}
		select {
		case <-changed:
		case <-p.GetContext().Done():
			return true
		}
	}
	return true
}

// ScrollError says ScrollUntil's list was still growing, short of the count asked for, when an
// attempt's time ran out. Its retry type is SelectorNotFound: the next attempt goes on scrolling
// from where the page is (raise WithTimeout for long lists).
//
// Not modified after it is returned: safe to read from many goroutines.
type ScrollError struct {
	Selector string
	Want     int
	Reached  int
	Waited   time.Duration
}

func (e *ScrollError) Error() string {
	return fmt.Sprintf("%q: %d of %d elements after scrolling for %s, and the list was still growing", e.Selector, e.Reached, e.Want, e.Waited.Round(time.Millisecond))
}

// RetryType is SelectorNotFound.
func (e *ScrollError) RetryType() retry.ErrorType { return retry.SelectorNotFound }

// ScrollUntil scrolls an infinite list until at least n elements match sel, and returns how many
// match. It waits (within the attempt) until sel matches something, finds the scroll container of
// the matches (their nearest ancestor that scrolls vertically, else the page) and turns the mouse
// wheel over it, towards its end; after each turn the page watches its DOM: once new matches have
// arrived and the DOM has been quiet for ScrollQuiet it scrolls again, and when nothing at all
// changed for ScrollIdle and the container cannot scroll further, the list has ended — unless the
// page is still waiting for requests it sent after the wheel (a slow server's next batch): those
// are waited for, and the page watched again.
//
// A list that ends with fewer than n matches is not an error: ScrollUntil returns the count it
// reached and nil (compare it with n). Nothing matching sel at all is selector_not_found. A list
// still growing when an attempt's time (WithTimeout) runs out is a *ScrollError, and the next
// attempt goes on from there. n < 1 is refused (invalid_input).
func (s *Session) ScrollUntil(ctx context.Context, sel string, n int) (int, error) {
	sp := spec{action: "scroll_until", selector: sel}
	if n < 1 {
		return 0, s.refuse(sp, fmt.Sprintf("ScrollUntil needs n ≥ 1 (got %d); Count says how many match now", n))
	}
	reached := 0
	err := s.run(ctx, sp, func(p *rod.Page, a *retry.Attempt) error {
		if err := validateSelector(sel); err != nil {
			return &NotActionableError{Action: "scroll_until", Selector: sel, Reason: ReasonInvalid, Detail: err.Error()}
		}
		start := time.Now()
		var res scrollRes
		if err := s.evalInto(p, scrollJS, scrollReq{Op: "list", Sel: sel, Timeout: jsBudget(p).Milliseconds()}, &res); err != nil {
			return err
		}
		if !res.OK {
			if res.Reason == "invalid" {
				return &NotActionableError{Action: "scroll_until", Selector: sel, Reason: ReasonInvalid, Detail: res.Detail}
			}
			return &NotActionableError{Action: "scroll_until", Selector: sel, Reason: ReasonNotFound, Waited: msDuration(res.Ms)}
		}
		reached = res.Count
		wheels := 0
		for reached < n {
			budget := jsBudget(p)
			if budget < ScrollIdle+ScrollQuiet {
				return &ScrollError{Selector: sel, Want: n, Reached: reached, Waited: time.Since(start)}
			}
			m := s.markNav()
			if err := wheel(p, res.X, res.Y, 0, res.DY); err != nil {
				return err
			}
			wheels++
			prev := res
			for waited := false; ; waited = true {
				res = scrollRes{}
				if err := s.evalInto(p, scrollJS, scrollReq{Op: "more", Sel: sel, Before: reached, Idle: ScrollIdle.Milliseconds(),
					Quiet: ScrollQuiet.Milliseconds(), Max: (budget - ScrollQuiet).Milliseconds()}, &res); err != nil {
					return err
				}
				reached = max(reached, res.Count)
				if res.Grew || !(res.End || res.Pos == prev.Pos) {
					break
				}
				// Nothing came within ScrollIdle. A slow server is no end of the list: when the
				// page is still waiting for requests it sent since the wheel (the next batch),
				// look again once they are answered (once per wheel: a page that polls all the
				// time does not hold the list open).
				if waited || !s.awaitRequests(p, m.work) {
					s.cfg.log.Debug("scroll_until: the list ended", zap.String("selector", s.shown(sel)), zap.Int("count", reached),
						zap.Int("want", n), zap.Int("wheels", wheels))
					return nil
				}
				if budget = jsBudget(p); budget < ScrollIdle+ScrollQuiet {
					return &ScrollError{Selector: sel, Want: n, Reached: reached, Waited: time.Since(start)}
				}
			}
		}
		s.cfg.log.Debug("scroll_until: reached", zap.String("selector", s.shown(sel)), zap.Int("count", reached), zap.Int("wheels", wheels))
		return nil
	})
	return reached, err
}
