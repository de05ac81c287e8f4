package actions

import (
	"context"
	"fmt"

	"github.com/go-rod/rod"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/retry"
)

// maxCheckClicks is how many clicks Check spends in one attempt on a page that reverts or ignores
// them before it gives up.
const maxCheckClicks = 3

// CheckError says the page did not keep a checkbox in the state Check (or Uncheck) asked for:
// it put it back after each click, or the clicks did not change it. Its retry type is
// InvalidInput: the page refuses the change, and clicking again cannot help.
//
// Not modified after it is returned: safe to read from many goroutines.
type CheckError struct {
	Selector string
	Want     bool   // the state asked for
	Got      string // the state it has: "true", "false" or "mixed"
	Clicks   int
	Reverted bool // the page changed it back (false: the clicks did not change it)
}

func (e *CheckError) Error() string {
	if e.Reverted {
		return fmt.Sprintf("%q: the page reverted it to %s after each of %d clicks", e.Selector, stateWord(e.Got), e.Clicks)
	}
	return fmt.Sprintf("%q stayed %s after %d clicks: the page ignores the click", e.Selector, stateWord(e.Got), e.Clicks)
}

// RetryType is InvalidInput.
func (e *CheckError) RetryType() retry.ErrorType { return retry.InvalidInput }

func stateWord(checked string) string {
	switch checked {
	case "true":
		return "checked"
	case "mixed":
		return "mixed (indeterminate)"
	}
	return "unchecked"
}

// Check makes the checkbox or radio button sel names checked, clicking it as a person does (real
// mouse events, through the same actionability checks as Click) only when it is not checked
// already. sel may name an <input type=checkbox|radio>, its <label> (or something inside the
// label), or an element with role=checkbox, radio or switch (aria-checked is its state). An input
// hidden or covered by a styled box is clicked through its visible label.
//
// After the click Check watches the state for WithFillSettle (100ms): a page that puts it back is
// clicked again (three clicks in all), then refused with a *CheckError saying the page reverted
// it (invalid_input).
func (s *Session) Check(ctx context.Context, sel string) error { return s.SetChecked(ctx, sel, true) }

// Uncheck makes the checkbox sel names unchecked, as Check does. A radio button cannot be
// unchecked by a click (a person checks another one of its group): Uncheck on a radio is refused
// at once (invalid_input).
func (s *Session) Uncheck(ctx context.Context, sel string) error {
	return s.SetChecked(ctx, sel, false)
}

// SetChecked is Check when checked is true, Uncheck when it is false.
func (s *Session) SetChecked(ctx context.Context, sel string, checked bool) error {
	action := "uncheck"
	if checked {
		action = "check"
	}
	want := fmt.Sprint(checked)
	return s.run(ctx, spec{action: action, selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		reverted := true
		for clicks := 0; ; {
			st, err := s.inPage(p, action, waitReq{Sel: sel, Strict: true, Op: "checkstate", Arm: true})
			if err != nil {
				return err
			}
			if !st.OK {
				return notFoundAfter(action, sel, st)
			}
			if !checked && st.Type == "radio" {
				return &NotActionableError{Action: action, Selector: sel, Reason: ReasonUnusable,
					Detail: st.Desc + " is a radio button: a click cannot uncheck it; check another radio button of its group"}
			}
			if st.Checked == want {
				return nil // already so, or the page got there late: no (more) clicks
			}
			if clicks >= maxCheckClicks {
				return &CheckError{Selector: sel, Want: checked, Got: st.Checked, Clicks: clicks, Reverted: reverted}
			}
			if st.Disabled && st.Via != "" {
				// Its label is clickable, the input is not: the click would change nothing. (An
				// input clicked directly is waited for by the click's own check.)
				return &NotActionableError{Action: action, Selector: sel, Reason: ReasonDisabled, Detail: st.Desc}
			}
			target := sel
			if st.Via != "" {
				target = sel + " >>> " + st.Via // the visible label of a hidden or covered input
			}
			if err := s.clickFor(p, action, target); err != nil {
				return err
			}
			clicks++
			v, err := s.inPage(p, action, waitReq{Sel: sel, Strict: true, Op: "checkstate", Want: want,
				Settle: max(s.cfg.fillSettle.Milliseconds(), 1), Grace: max(s.cfg.fillSettle.Milliseconds(), 1000)})
			if err != nil {
				return err
			}
			if !v.OK {
				return notFoundAfter(action, sel, v)
			}
			if v.Checked == want {
				if clicks > 1 {
					s.cfg.log.Info(action+": the page changed it back; clicked again", zap.String("selector", s.shown(sel)), zap.Int("clicks", clicks))
				}
				return nil
			}
			reverted = v.Reverted
			s.cfg.log.Debug(action+": not kept after the click", zap.String("selector", s.shown(sel)),
				zap.Bool("reverted", v.Reverted), zap.Int("clicks", clicks))
		}
	})
}

// clickFor is one click of an action other than Click (Check, Uncheck) on the one element sel
// names: the same in-page actionability wait, real mouse events at the point it returned, the
// press-time guard and the wait for a navigation the click started.
func (s *Session) clickFor(p *rod.Page, action, sel string) error {
	m := s.markNav()
	res, err := s.locate(p, action, locateReq{Sel: sel, Strict: true, State: stateActionable, Op: "click"})
	if err != nil {
		return err
	}
	if err := mouseClick(p, res.X, res.Y); err != nil {
		return err
	}
	lost := false
	if bad := s.afterInput(p, res.token, &lost, m); bad != "" {
		return &NotActionableError{Action: action, Selector: sel, Reason: ReasonObscured, Detail: bad, Count: res.Count}
	}
	if lost {
		return &NotActionableError{Action: action, Selector: sel, Reason: ReasonReplaced, Count: res.Count}
	}
	return nil
}
