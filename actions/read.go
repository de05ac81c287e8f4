package actions

import (
	"context"
	"strings"

	"github.com/go-rod/rod"

	"github.com/smartretry/smartretry/retry"
)

// Value returns the current value of the one form field sel names, once it is attached (visible
// or not) — what the user typed or the page set, not the value attribute:
//
//   - input, textarea: its value (a password field's too: Value gives it to the caller and
//     never logs it, like FillSecret);
//   - select: the value of the selected option ("" when none); for a multiple select the
//     selected options' values joined with "," in document order;
//   - checkbox and radio inputs, and role=checkbox|radio|switch elements: "true" or "false"
//     (aria-checked="mixed" gives "mixed") — whether it is checked, not its value attribute;
//   - contenteditable: its text (innerText);
//   - output, option, button, progress, meter, data: their value property.
//
// Any other element is refused at once (invalid_input): read it with Text or Attr.
func (s *Session) Value(ctx context.Context, sel string) (string, error) {
	return s.value(ctx, sel, 0, true)
}

// ValueNth is Value on the n-th (0-based; -1 is the last) of the elements sel matches, without
// the one-element rule (as ClickNth).
func (s *Session) ValueNth(ctx context.Context, sel string, n int) (string, error) {
	return s.value(ctx, sel, n, false)
}

func (s *Session) value(ctx context.Context, sel string, nth int, strict bool) (string, error) {
	var v string
	err := s.run(ctx, spec{action: "value", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		res, err := s.inPage(p, "value", waitReq{Sel: sel, Nth: nth, Strict: strict, Op: "value"})
		if err != nil {
			return err
		}
		if !res.OK {
			return notFoundAfter("value", sel, res)
		}
		v = res.Value
		return nil
	})
	return v, err
}

// notFoundAfter is the error of a read whose element never came within the attempt.
func notFoundAfter(action, sel string, res *waitRes) error {
	return &NotActionableError{Action: action, Selector: sel, Reason: ReasonNotFound, Count: res.Count,
		Waited: msDuration(res.Ms)}
}

// Count returns how many elements sel matches now: no waiting, 0 is an answer. A malformed
// selector fails at once (invalid_input).
func (s *Session) Count(ctx context.Context, sel string) (int, error) {
	var n int
	err := s.run(ctx, spec{action: "count", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		res, err := s.inPage(p, "count", waitReq{Sel: sel, Op: "count"})
		if err != nil {
			return err
		}
		n = res.Count
		return nil
	})
	return n, err
}

// TextNth is Text on the n-th (0-based; -1 is the last) of the elements sel matches, without the
// one-element rule (as ClickNth).
func (s *Session) TextNth(ctx context.Context, sel string, n int) (string, error) {
	var text string
	err := s.run(ctx, spec{action: "text", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		read := func() (string, error) {
			res, err := s.locate(p, "text", locateReq{Sel: sel, Nth: n, State: stateAttached, Op: "text"})
			if err != nil {
				return "", err
			}
			return strings.TrimSpace(strings.ReplaceAll(res.Text, "\u00a0", " ")), nil
		}
		var err error
		if text, err = read(); err != nil {
			return err
		}
		text, err = s.emptyRead(p, text, read)
		return err
	})
	return text, err
}

// AttrNth is Attr on the n-th (0-based; -1 is the last) of the elements sel matches, without the
// one-element rule (as ClickNth).
func (s *Session) AttrNth(ctx context.Context, sel, name string, n int) (value string, ok bool, err error) {
	err = s.run(ctx, spec{action: "attr", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		res, err := s.locate(p, "attr", locateReq{Sel: sel, Nth: n, State: stateAttached, Op: "attr", Name: name})
		if err != nil {
			return err
		}
		value, ok = res.Value, res.Has
		return nil
	})
	return value, ok, err
}
