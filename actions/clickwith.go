package actions

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/smartretry/smartretry/retry"
)

// ClickOption changes the click ClickWith makes: the button, the number of clicks, the
// modifier keys held.
//
// ClickOptions are immutable values, safe to share between goroutines and Sessions.
type ClickOption interface{ applyClick(*clickOpts) }

type clickOptFunc func(*clickOpts)

func (f clickOptFunc) applyClick(o *clickOpts) { f(o) }

type clickOpts struct {
	button    proto.InputMouseButton
	count     int
	modifiers int
	nth       int
	many      bool // nth given: no one-element rule
	err       string
}

// Button makes the click use button: "left" (the default), "right" (the context menu) or
// "middle". Another name makes ClickWith fail at once (invalid_input).
func Button(button string) ClickOption {
	return clickOptFunc(func(o *clickOpts) {
		switch b := strings.ToLower(strings.TrimSpace(button)); b {
		case "left", "right", "middle":
			o.button = proto.InputMouseButton(b)
		default:
			o.err = fmt.Sprintf("Button(%q): want left, right or middle", button)
		}
	})
}

// ClickCount makes n clicks in a row at the same point (2: a double click, with the dblclick
// event; 3: a triple click, which selects a paragraph). n must be 1 to 3.
func ClickCount(n int) ClickOption {
	return clickOptFunc(func(o *clickOpts) {
		if n < 1 || n > 3 {
			o.err = fmt.Sprintf("ClickCount(%d): want 1, 2 or 3", n)
			return
		}
		o.count = n
	})
}

// Modifiers holds keys down during the click: "Shift", "Control" (or "Ctrl"), "Alt", "Meta".
// A Control+click on a link opens it in a new tab in most browsers; pages read the modifiers
// from the mouse event (event.shiftKey…).
func Modifiers(keys ...string) ClickOption {
	return clickOptFunc(func(o *clickOpts) {
		for _, k := range keys {
			key, ok := namedKeys[strings.ToLower(k)]
			if !ok || key.Modifier() == 0 {
				o.err = fmt.Sprintf("Modifiers(%q): want Shift, Control, Alt or Meta", k)
				return
			}
			o.modifiers |= key.Modifier()
		}
	})
}

// Nth makes ClickWith click the n-th (0-based; -1 the last) of the elements the selector
// matches, as ClickNth does, instead of requiring exactly one.
func Nth(n int) ClickOption {
	return clickOptFunc(func(o *clickOpts) { o.nth, o.many = n, true })
}

// ClickWith is Click with options: another button (Button("right") opens the context menu),
// several clicks (ClickCount(2) is a double click), modifier keys held (Modifiers("Shift")), the
// n-th match (Nth). Everything else is Click's: the element waited for until actionable, the
// press checked in the page, a click never repeated once it reached the element, a navigation it
// starts waited for. Bad options fail at once (invalid_input).
func (s *Session) ClickWith(ctx context.Context, sel string, opts ...ClickOption) error {
	o := clickOpts{button: proto.InputMouseButtonLeft, count: 1}
	for _, opt := range opts {
		if opt != nil {
			opt.applyClick(&o)
		}
	}
	action := "click"
	switch {
	case o.button == proto.InputMouseButtonRight:
		action = "right_click"
	case o.count == 2:
		action = "double_click"
	}
	if o.err != "" {
		return s.refuse(spec{action: action, selector: sel}, o.err)
	}
	return s.clickWith(ctx, action, sel, o)
}

// DoubleClick is ClickWith(ctx, sel, ClickCount(2)): two clicks at the element's centre, the
// page sees mousedown, mouseup, click twice and dblclick.
func (s *Session) DoubleClick(ctx context.Context, sel string) error {
	return s.ClickWith(ctx, sel, ClickCount(2))
}

// RightClick is ClickWith(ctx, sel, Button("right")): the page gets a contextmenu event (and
// an alert it opens is answered by the WithDialogs policy).
func (s *Session) RightClick(ctx context.Context, sel string) error {
	return s.ClickWith(ctx, sel, Button("right"))
}

func (s *Session) clickWith(ctx context.Context, action, sel string, o clickOpts) error {
	return s.run(ctx, spec{action: action, selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		m := s.markNav()
		res, err := s.locate(p, action, locateReq{Sel: sel, Nth: o.nth, Strict: !o.many, State: stateActionable, Op: "click"})
		if err != nil {
			return err
		}
		if err := mouseClicks(p, res.X, res.Y, o); err != nil {
			return err
		}
		// A right or middle button gets no click event: whether it was lost cannot be told, and
		// it must not be pressed twice.
		var lostp *bool
		lost := false
		if o.button == proto.InputMouseButtonLeft {
			lostp = &lost
		}
		if bad := s.afterInput(p, res.token, lostp, m); bad != "" {
			return &NotActionableError{Action: action, Selector: sel, Reason: ReasonObscured, Detail: bad, Count: res.Count}
		}
		if lost {
			return &NotActionableError{Action: action, Selector: sel, Reason: ReasonReplaced, Count: res.Count}
		}
		return nil
	})
}

// mouseClicks moves the mouse to (x, y) and clicks o.count times with o.button, o.modifiers held
// (the click counts go up as a person's do: the second press says clickCount 2).
func mouseClicks(p *rod.Page, x, y float64, o clickOpts) error {
	if err := (proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseMoved, X: x, Y: y, Modifiers: o.modifiers}).Call(p); err != nil {
		return err
	}
	pressed := map[proto.InputMouseButton]int{proto.InputMouseButtonLeft: 1, proto.InputMouseButtonRight: 2, proto.InputMouseButtonMiddle: 4}[o.button]
	none := 0
	for i := 1; i <= o.count; i++ {
		if err := (proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMousePressed, X: x, Y: y,
			Button: o.button, Buttons: &pressed, ClickCount: i, Modifiers: o.modifiers}).Call(p); err != nil {
			return err
		}
		if err := (proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseReleased, X: x, Y: y,
			Button: o.button, Buttons: &none, ClickCount: i, Modifiers: o.modifiers}).Call(p); err != nil {
			return err
		}
	}
	return nil
}
