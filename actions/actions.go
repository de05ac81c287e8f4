package actions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/retry"
)

// Click waits until the one element sel matches is actionable (attached, visible, enabled, stable
// for an animation frame, and the pointer at its centre lands on it), then clicks it with real
// input events at that point. A centre under another element (a sticky header, a panel over part
// of a scroll box) is brought free first: the element's scrollable ancestors and the page scroll
// through five alignments until the centre is the hit target; when none frees it, a visible part
// of the element is clicked instead. The press is checked in the page: if something else would receive
// it, the click is blocked and the attempt retried. A selector matching several elements is an
// error (use ClickNth). An element covered by the same other element for WithCoverTimeout (1s) is
// refused at once, naming the cover (type invalid_input: retrying cannot uncover it) — unless
// the cover is a fixed or sticky band at the edge of the viewport, clear of its centre (a
// footer, an advertisement) and the element is one Enter activates (a button, a link, a submit
// input): that one is focused and pressed with Enter, as a person who cannot point at it does.
//
// When the click starts a navigation (a link, a submit button, or the page's script), Click waits
// for the new document's load event within the attempt's deadline; LastNavigation tells where it
// landed. A script that navigates after requests the click started (a handler that fetches from a
// slow server, then sets location; a submit handler that asks the server first) is waited for
// too: Click waits for those requests (3 s of them at most: one that never ends, a hanging tracker
// or a long poll, does not hold the click), lets the page act on their answers, then for the
// navigation. A click is never repeated once its press reached the element.
func (s *Session) Click(ctx context.Context, sel string) error { return s.click(ctx, sel, 0, true) }

// ClickNth is Click on the n-th (0-based; -1 is the last) of the elements sel matches, without the
// one-element rule.
func (s *Session) ClickNth(ctx context.Context, sel string, n int) error {
	return s.click(ctx, sel, n, false)
}

func (s *Session) click(ctx context.Context, sel string, nth int, strict bool) error {
	return s.run(ctx, spec{action: "click", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		m := s.markNav()
		res, err := s.locate(p, "click", locateReq{Sel: sel, Nth: nth, Strict: strict, State: stateActionable, Op: "click", Keys: true})
		if err != nil {
			return err
		}
		if res.Keyboard {
			// A fixed band (a footer, an advertisement) covers the button where the page ends:
			// focused, it is pressed with Enter, as a person without a way to point at it does.
			s.cfg.log.Info("click: covered by a fixed band at the edge of the viewport; pressed Enter on it",
				zap.String("selector", s.shown(sel)), zap.String("band", res.Detail))
			if err := sendKeys(p, []input.Key{input.Enter}, 0); err != nil {
				return err
			}
		} else if err := mouseClick(p, res.X, res.Y); err != nil {
			return err
		}
		// The press has been dispatched: from here on, nothing may lead to a second click.
		lost := false
		if bad := s.afterInput(p, res.token, &lost, m); bad != "" {
			// Our guard blocked a press that something else would have received.
			return &NotActionableError{Action: "click", Selector: sel, Reason: ReasonObscured, Detail: bad, Count: res.Count}
		}
		if lost {
			return &NotActionableError{Action: "click", Selector: sel, Reason: ReasonReplaced, Count: res.Count}
		}
		return nil
	})
}

// afterInput reads what the page saw of the input just sent (locate.js's tracker for token) and
// waits for a navigation it started. It returns the description of the element that received a
// press meant for another (the press was blocked), or "".
//
// For a click, lost (when not nil) is set when the press reached the element but no click event
// followed.
func (s *Session) afterInput(p *rod.Page, token string, lost *bool, m navMark) (blocked string) {
	var chk *struct {
		Hit             *bool  `json:"hit"`
		ClickSeen       bool   `json:"clickSeen"`
		Bad             string `json:"bad"`
		Link            bool   `json:"link"`
		Prevented       bool   `json:"prevented"`
		Submitted       bool   `json:"submitted"`
		SubmitPrevented bool   `json:"submitPrevented"`
	}
	err := evalExpr(p, `(() => { const s = window.__smartretry; if (!s || s.token !== `+jsString(token)+`) return null;
		s.cleanup(); window.__smartretry = null; return s; })()`, &chk)
	navigated := err != nil || chk == nil // the document changed under us: the input navigated
	if chk != nil && chk.Hit != nil && !*chk.Hit {
		return chk.Bad
	}
	if lost != nil && !navigated && chk.Hit != nil && *chk.Hit && !chk.ClickSeen {
		// Pressed on the element, released elsewhere: the page re-rendered it in between, and
		// Chromium delivers no click when press and release targets share no ancestor. Nothing
		// was clicked, so trying again cannot click twice.
		*lost = true
		return ""
	}
	expect := navigated || (chk.Link && !chk.Prevented) || (chk.Submitted && !chk.SubmitPrevented)
	s.waitNavigation(p, expect, m)
	return ""
}

// mouseClick moves the mouse to (x, y) and presses and releases the left button there.
func mouseClick(p *rod.Page, x, y float64) error {
	if err := (proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseMoved, X: x, Y: y}).Call(p); err != nil {
		return err
	}
	one := 1
	zero := 0
	if err := (proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMousePressed, X: x, Y: y,
		Button: proto.InputMouseButtonLeft, Buttons: &one, ClickCount: 1}).Call(p); err != nil {
		return err
	}
	return proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseReleased, X: x, Y: y,
		Button: proto.InputMouseButtonLeft, Buttons: &zero, ClickCount: 1}.Call(p)
}

// waitNavigation waits for a navigation an action started to commit and load, within p's deadline.
// expect says one is likely (a link or submit was clicked); otherwise only a navigation already
// requested is waited for, or one the action's requests lead to: a click handler that fetches
// from a slow server and then sets location, a submit handler that asks the server first. While
// Fetch/XHR requests started since m are in flight it waits for them (slow ones too),
// then lets the page act on their answers before it decides that no navigation is coming; for
// maxRequestWait at most, so that a request that never ends (a tracker that does not answer, a
// long poll) does not hold every click for its whole attempt: the next action waits for what it
// needs. It never fails the action: the action happened.
func (s *Session) waitNavigation(p *rod.Page, expect bool, m navMark) {
	ctx := p.GetContext()
	start := time.Now()
	// A navigation the click caused is requested while the click is handled; give its events a
	// moment to arrive when one is expected.
	grace := time.NewTimer(time.Second)
	defer grace.Stop()
	var turned uint64 // the newest request whose answer the page has had its turn to act on
	handedOver := false
	var reqCap <-chan time.Time // ends the wait for the action's requests
	capped := false
	for {
		req, com, load, changed := s.navCounters()
		started := req > m.requested || com > m.committed
		if com > m.committed && load > m.loads {
			nav := s.LastNavigation()
			s.cfg.log.Debug("navigation followed the action", zap.String("url", nav.URL), zap.Int("status", nav.Status),
				zap.Duration("took", time.Since(start)))
			return
		}
		if !started {
			busy, newest := s.workSince(m.work)
			switch {
			case busy > 0 && !capped:
				// The action's requests are on their way: what they lead to is not known yet.
				if reqCap == nil {
					t := time.NewTimer(maxRequestWait - time.Since(start))
					defer t.Stop()
					reqCap = t.C
				}
				select {
				case <-changed:
				case <-reqCap:
					s.cfg.log.Debug("requests after the action still running: not waited for further",
						zap.Int("requests", busy), zap.Duration("waited", time.Since(start).Round(time.Millisecond)))
					capped = true
				case <-ctx.Done():
					s.cfg.log.Debug("requests after the action did not finish in time", zap.Error(ctx.Err()))
					return
				}
				continue
			case newest > m.work && newest != turned:
				// All answered: the page's handlers run in its next tasks. Give them that turn
				// (a navigation or request they start is announced before the turn's answer;
				// syncEvents makes sure the watcher has it), and look again.
				turned, handedOver = newest, false
				s.pageTurn(p)
				continue
			case !handedOver:
				// What the page announced before our last answer (the input's, the turn's) may
				// still be on its way to the watcher: a request the click's handler started.
				handedOver = true
				s.syncEvents(p)
				continue
			case !expect:
				return
			}
		}
		select {
		case <-changed:
		case <-grace.C:
			if !started {
				return
			}
		case <-ctx.Done():
			s.cfg.log.Debug("navigation after the action did not finish in time", zap.Error(ctx.Err()))
			return
		}
	}
}

// maxRequestWait bounds how long an action waits for the Fetch/XHR requests it started, to see
// whether they lead to a navigation: a login's or a search's request answers well within it.
const maxRequestWait = 3 * time.Second

// pageTurn lets the page run the tasks already queued: two timer turns, for the handlers of
// answers that just arrived and a setTimeout(0) hop of theirs.
func (s *Session) pageTurn(p *rod.Page) {
	var v int
	_ = evalExpr(p, `new Promise((r) => setTimeout(() => setTimeout(() => r(0), 0), 0))`, &v)
	// An error is the document changing under us: a navigation, which the caller sees.
}

// Fill types value into the input, textarea or contenteditable sel names (replacing what was
// there) — or, when sel names a <label>, into its control, and when it names an element that
// is no field, into the one visible text field it holds (a widget's container, as
// react-select's; several are refused at once naming them, none is refused after the attempt)
// — once its centre is free as for Click (pages check where the user types, and some erase
// a value typed into a covered field; the field's own placeholder or floating label over it — a
// react-select input under "Select..." — is no cover: nothing else usable shares the small box
// they sit in), with real key events — keydown, keypress, input and keyup for each character, so pages
// that only listen for keys see it (a value over 256 bytes is inserted in one go) — then reads it
// back over WithFillSettle (100ms). A value the page formatted as it came (an input mask:
// "(555) 123-4567" for "5551234567", spaces in a card number, upper case) is kept: the same
// letters and digits in the same order. If the page erased or changed it, Fill scrolls it into view,
// focuses it, selects all and types again once; if it still differs the error (*FillError,
// invalid_input) says so without showing the value. Inputs that cannot be typed into (date,
// time, color, range…) are set directly, with input and change events.
func (s *Session) Fill(ctx context.Context, sel, value string) error {
	return s.fill(ctx, sel, value, false)
}

// FillSecret is Fill for passwords and tokens: the value never appears in logs, errors, snapshots
// or error snapshots (the session redacts it from error-snapshot HTML and masks sel in their
// screenshots).
func (s *Session) FillSecret(ctx context.Context, sel, value string) error {
	s.rememberSecret(sel, value)
	return s.fill(ctx, sel, value, true)
}

func (s *Session) fill(ctx context.Context, sel, value string, secret bool) error {
	action := "fill"
	if secret {
		action = "fill_secret"
	}
	return s.run(ctx, spec{action: action, selector: sel, secret: secret}, func(p *rod.Page, a *retry.Attempt) error {
		fe := &FillError{Selector: sel, WantLen: len([]rune(value)), Secret: secret}
		for typed := 1; ; typed++ {
			req := locateReq{Sel: sel, Strict: true, State: stateEditable, Op: "fill", Clear: value == ""}
			if !secret {
				req.Value = &value
			}
			res, err := s.locate(p, action, req)
			if err != nil {
				return err
			}
			if res.Kind == "select" {
				return &NotActionableError{Action: action, Selector: sel, Reason: ReasonUnusable, Detail: "it is a <select>: use Select"}
			}
			if res.Tag == "input" && strings.ContainsAny(value, "\r\n") {
				// The browser drops line breaks from an <input>: the read-back could only say "the
				// page changed it", which would be wrong.
				return &NotActionableError{Action: action, Selector: sel, Reason: ReasonUnusable,
					Detail: "an <input> holds one line and the value has a line break (fill a <textarea>, or Press Enter)"}
			}
			if !res.Set && value != "" {
				if err := typeText(p, value); err != nil {
					return err
				}
			}
			var rb struct {
				OK     bool `json:"ok"`
				Len    int  `json:"len"`
				Gone   bool `json:"gone"`
				Erased bool `json:"erased"`
			}
			s.doing("reading the value back")
			if err := s.evalInto(p, readBackJS, map[string]any{"sel": sel, "want": value, "settle": s.cfg.fillSettle.Milliseconds(), "fields": textFields}, &rb); err != nil {
				return err
			}
			if rb.Gone {
				return &NotActionableError{Action: action, Selector: sel, Reason: ReasonNotFound}
			}
			if rb.OK {
				if typed > 1 {
					s.cfg.log.Info("fill: the page changed the value; typed again", zap.String("selector", sel), zap.Int("typed", typed))
				}
				return nil
			}
			fe.GotLen, fe.Erased, fe.Typed = rb.Len, rb.Erased, typed
			if typed >= 2 {
				return fe
			}
			s.cfg.log.Debug("fill: value changed by the page, typing again", zap.String("selector", sel),
				zap.Bool("erased", rb.Erased), zap.Int("want_len", fe.WantLen), zap.Int("got_len", rb.Len))
		}
	})
}

// typeText types value into the focused element as a keyboard does: a keyDown carrying each
// character's text and a keyUp, so a page that listens for key events (keydown, keypress, keyup,
// all trusted) sees the typing, not only the input event. Control characters (runs of them
// together, so "\r\n" stays one line break) and values too long to type key by key (over
// maxKeyTyped bytes) are inserted as text, as before.
func typeText(p *rod.Page, value string) error {
	if len(value) > maxKeyTyped {
		return proto.InputInsertText{Text: value}.Call(p)
	}
	rs := []rune(value)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r < ' ' || r == 0x7f {
			j := i
			for j < len(rs) && (rs[j] < ' ' || rs[j] == 0x7f) {
				j++
			}
			if err := (proto.InputInsertText{Text: string(rs[i:j])}).Call(p); err != nil {
				return err
			}
			i = j - 1
			continue
		}
		ch := string(r)
		down := &proto.InputDispatchKeyEvent{Type: proto.InputDispatchKeyEventTypeKeyDown, Key: ch, Text: ch, UnmodifiedText: ch}
		up := &proto.InputDispatchKeyEvent{Type: proto.InputDispatchKeyEventTypeKeyUp, Key: ch}
		if r < 128 { // rod knows the US layout's code and keyCode
			k := input.Key(r)
			down = k.Encode(proto.InputDispatchKeyEventTypeKeyDown, 0)
			up = k.Encode(proto.InputDispatchKeyEventTypeKeyUp, 0)
			down.Key, down.Text, down.UnmodifiedText, up.Key = ch, ch, ch, ch
		}
		if err := down.Call(p); err != nil {
			return err
		}
		if err := up.Call(p); err != nil {
			return err
		}
	}
	return nil
}

// maxKeyTyped is the longest value (in bytes) Fill types key by key.
const maxKeyTyped = 256

// textFields are the elements Fill types into inside an element that is not a field itself
// (locate.js's TEXT_FIELDS).
const textFields = `input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]):not([type=reset]):not([type=file]):not([type=image]),textarea,[contenteditable]:not([contenteditable=false])`

// readBackJS watches the value for settle ms and answers as soon as it differs.
var readBackJS = withQuery(`(o) => new Promise((resolve) => {
  const query = /*QUERY*/null;
  const t0 = performance.now();
  // Text controls store every line break as "\n" (HTML's value normalisation).
  const want = o.want.replace(/\r\n?/g, '\n');
  const read = () => {
    let el = null;
    try {
      const l = query(o.sel, document); // the element locate.js picked
      el = (l.length > 1 && l.whole && l.whole.length === 1 ? l.whole[0] : l[0]) || null;
    } catch (e) {}
    if (!el) return null;
    // The field locate.js typed into: el, its label's control, or the one text field it holds.
    const tag = el.localName;
    if (!(tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable || (tag.includes('-') && 'value' in el))) {
      if (tag === 'label' && el.control) el = el.control;
      else {
        const inner = Array.from(el.querySelectorAll(o.fields)).filter((f) => f.getClientRects().length > 0);
        if (inner.length === 1) el = inner[0];
      }
    }
    if ('value' in el && el.tagName !== 'BUTTON') return String(el.value);
    return (el.innerText || '').replace(/\n$/, '');
  };
  // An input mask formats what was typed: "(555) 123-4567" for 5551234567, "4111 1111 1111 1111",
  // "12/31/2024", upper case. The same letters and digits in the same order are the value kept.
  const bare = (s) => s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const wantBare = bare(want);
  const kept = (v) => v === want || (wantBare !== '' && bare(v) === wantBare);
  const tick = () => {
    const v = read();
    if (v === null) return resolve({ ok: false, gone: true, len: 0 });
    if (!kept(v)) return resolve({ ok: false, len: v.length, erased: v === '' });
    if (performance.now() - t0 >= o.settle) return resolve({ ok: true, len: v.length });
    setTimeout(tick, 10);
  };
  tick();
})`)

// Select chooses the options of the <select> sel names whose value or visible label equal values
// (one for a single select, any number for a multiple one), firing input and change events, once
// the element is actionable with its centre free, as for Click. Options that are not there yet
// (a list filled by a later fetch) are waited for until the attempt's deadline; when they never
// come the call fails without another attempt (ReasonNoOption, invalid_input: a value the page
// does not offer), naming the options the element has. When the change posts the form back (a
// change handler that submits it: ASP.NET's AutoPostBack, a ViewState search form), Select
// waits for the new page within the attempt's deadline, as Click does, so the next call meets
// it and not the page being left. When the page's change handler puts other options back at once
// (a controlled <select> that refused the choice) and no page change follows, Select fails
// without another attempt with a *SelectError (invalid_input) naming both.
func (s *Session) Select(ctx context.Context, sel string, values ...string) error {
	return s.run(ctx, spec{action: "select", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		m := s.markNav()
		res, err := s.locate(p, "select", locateReq{Sel: sel, Strict: true, State: stateActionable, Op: "select", Values: values})
		if err != nil {
			return err
		}
		s.waitNavigation(p, false, m)
		if res.Chosen != nil && !selectKept(res.Chosen, res.Values) {
			if now := s.markNav(); now.requested == m.requested && now.committed == m.committed {
				// No page change either (a jump menu resets itself as it leaves): refused.
				return &SelectError{Selector: sel, Chosen: res.Chosen, Kept: res.Values}
			}
		}
		return nil
	})
}

// Press focuses the element sel names and presses key: a key name ("Enter", "Tab", "Escape",
// "ArrowDown", "Backspace", "F5"…), a single character, or a chord like "Shift+Tab" or
// "Control+a". Its centre is brought free first when a scroll can do it (keys reach a covered
// element too, so a cover is no refusal here). An empty sel presses the key on whatever has the
// focus (the page), as a flow's `press: Enter` does.
func (s *Session) Press(ctx context.Context, sel, key string) error {
	keys, mods, err := parseKey(key)
	if err != nil {
		return &ActionError{Action: "press", Target: sel, Err: fmt.Errorf("%w: %w", retry.ErrPermanent, err)}
	}
	if sel == "" {
		return s.pressFocused(ctx, keys, mods)
	}
	return s.run(ctx, spec{action: "press", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		m := s.markNav()
		res, err := s.locate(p, "press", locateReq{Sel: sel, Strict: true, State: stateEnabled, Op: "press"})
		if err != nil {
			return err
		}
		defer s.afterInput(p, res.token, nil, m)
		return sendKeys(p, keys, mods)
	})
}

var namedKeys = map[string]input.Key{
	"enter": input.Enter, "tab": input.Tab, "escape": input.Escape, "esc": input.Escape,
	"backspace": input.Backspace, "delete": input.Delete, "space": input.Space, " ": input.Space,
	"arrowup": input.ArrowUp, "arrowdown": input.ArrowDown, "arrowleft": input.ArrowLeft, "arrowright": input.ArrowRight,
	"home": input.Home, "end": input.End, "pageup": input.PageUp, "pagedown": input.PageDown, "insert": input.Insert,
	"f1": input.F1, "f2": input.F2, "f3": input.F3, "f4": input.F4, "f5": input.F5, "f6": input.F6,
	"f7": input.F7, "f8": input.F8, "f9": input.F9, "f10": input.F10, "f11": input.F11, "f12": input.F12,
	"shift": input.ShiftLeft, "control": input.ControlLeft, "ctrl": input.ControlLeft, "alt": input.AltLeft,
	"meta": input.MetaLeft,
}

// parseKey reads "Enter", "a", "Shift+Tab" into the keys to press (modifiers first) and the
// modifier mask for the last one.
func parseKey(key string) ([]input.Key, int, error) {
	parts := strings.Split(key, "+")
	if key == "+" {
		parts = []string{"+"}
	}
	var keys []input.Key
	mods := 0
	for i, part := range parts {
		var k input.Key
		if named, ok := namedKeys[strings.ToLower(part)]; ok {
			k = named
		} else if r := []rune(part); len(r) == 1 && r[0] < 128 {
			k = input.Key(r[0])
		} else {
			return nil, 0, fmt.Errorf("unknown key %q in %q", part, key)
		}
		if i < len(parts)-1 {
			if k.Modifier() == 0 {
				return nil, 0, fmt.Errorf("%q is not a modifier in %q", part, key)
			}
			mods |= k.Modifier()
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, 0, errors.New("empty key")
	}
	return keys, mods, nil
}

// Hover moves the mouse over the centre of the one element sel names, once it is actionable.
func (s *Session) Hover(ctx context.Context, sel string) error {
	return s.run(ctx, spec{action: "hover", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		res, err := s.locate(p, "hover", locateReq{Sel: sel, Strict: true, State: stateActionable, Op: "hover"})
		if err != nil {
			return err
		}
		return proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseMoved, X: res.X, Y: res.Y}.Call(p)
	})
}

// WaitFor waits until an element sel matches is visible (the first, if several match).
func (s *Session) WaitFor(ctx context.Context, sel string) error {
	return s.run(ctx, spec{action: "wait_for", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		_, err := s.locate(p, "wait_for", locateReq{Sel: sel, State: stateVisible})
		return err
	})
}

// Text returns the rendered text (innerText, trimmed) of the one element sel names, once it is
// attached (visible or not). Non-breaking spaces (&nbsp;) come back as plain spaces, so the text
// compares equal to what a reader sees. An element still empty while the page's Fetch/XHR
// requests are in flight (a product's name, "Welcome <user>", filled from an answer after load)
// is read again once they are answered and acted on, for 3 s of them at most.
func (s *Session) Text(ctx context.Context, sel string) (string, error) {
	var text string
	err := s.run(ctx, spec{action: "text", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		read := func() (string, error) {
			res, err := s.locate(p, "text", locateReq{Sel: sel, Strict: true, State: stateAttached, Op: "text"})
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

// Attr returns the attribute name of the one element sel names, once it is attached. ok is false
// when the element has no such attribute (value is then ""); a missing element is an error.
func (s *Session) Attr(ctx context.Context, sel, name string) (value string, ok bool, err error) {
	err = s.run(ctx, spec{action: "attr", selector: sel}, func(p *rod.Page, a *retry.Attempt) error {
		res, err := s.locate(p, "attr", locateReq{Sel: sel, Strict: true, State: stateAttached, Op: "attr", Name: name})
		if err != nil {
			return err
		}
		value, ok = res.Value, res.Has
		return nil
	})
	return value, ok, err
}

// Extract returns one record per element container matches (in document order), once at least
// one is attached and some field of some record has a value (skeleton cards, text fetched after
// load), or the page has not changed for 2 s: then the fields empty on this page are "", no
// error. Rows that arrive one by one (a cart whose lines each come from a request) are read once
// the page's Fetch/XHR requests in flight are answered and acted on, for 3 s of them at most.
// fields maps a record key to a field selector, relative to the container:
//
//	".name"         the trimmed innerText of the first match inside the container
//	"a.detail@href" its attribute (href and src come back absolute)
//	"@data-id"      the container's own attribute
//	"" or "."       the container's own text
//
// A field whose element is missing is "" in that record (the key is always present).
func (s *Session) Extract(ctx context.Context, container string, fields map[string]string) ([]map[string]string, error) {
	q := make(map[string]fieldQ, len(fields))
	for k, f := range fields {
		q[k] = parseField(f)
	}
	var out []map[string]string
	err := s.run(ctx, spec{action: "extract", selector: container}, func(p *rod.Page, a *retry.Attempt) error {
		res, err := s.locate(p, "extract", locateReq{Sel: container, State: stateAttached, Op: "extract", Fields: q})
		if err != nil {
			return err
		}
		out = res.Records
		// Rows that arrive one by one, each with its own answer (a cart's lines): read again
		// once the page's requests in flight are answered (readwait.go).
		for st := s.settler(p); st.again(); {
			if res, err = s.locate(p, "extract", locateReq{Sel: container, State: stateAttached, Op: "extract", Fields: q}); err != nil {
				return err
			}
			out = res.Records
		}
		return nil
	})
	return out, err
}

// parseField splits "sel@attr" (the last '@' followed by an attribute name).
func parseField(f string) fieldQ {
	f = strings.TrimSpace(f)
	if f == "." {
		return fieldQ{}
	}
	if i := strings.LastIndexByte(f, '@'); i >= 0 {
		attr := f[i+1:]
		if attr != "" && strings.IndexFunc(attr, func(r rune) bool {
			return !(r == '-' || r == '_' || r == ':' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		}) < 0 {
			return fieldQ{Sel: strings.TrimSpace(f[:i]), Attr: attr}
		}
	}
	return fieldQ{Sel: f}
}
