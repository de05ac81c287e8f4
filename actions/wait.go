package actions

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-rod/rod"

	"github.com/smartretry/smartretry/retry"
)

// WaitState is what WaitForState waits for. The zero value is Visible.
//
// A plain value, safe for concurrent use.
type WaitState int

// The states WaitForState knows. Over the elements a selector matches:
const (
	Visible  WaitState = iota // at least one is rendered: a box, not visibility:hidden, not inside display:none
	Hidden                    // none is rendered, or nothing matches
	Attached                  // at least one is in the document, rendered or not
	Detached                  // nothing matches (the element is gone)
	Enabled                   // at least one is attached and not disabled (disabled, a disabled fieldset, aria-disabled)
)

var waitStateNames = [...]string{"visible", "hidden", "attached", "detached", "enabled"}

// String is "visible", "hidden", "attached", "detached" or "enabled".
func (w WaitState) String() string {
	if w >= 0 && int(w) < len(waitStateNames) {
		return waitStateNames[w]
	}
	return "WaitState(" + strconv.Itoa(int(w)) + ")"
}

// ParseWaitState reads a state's name, case-insensitively: visible, hidden, attached, detached,
// enabled, and "gone" for detached.
func ParseWaitState(s string) (WaitState, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	if k == "gone" {
		return Detached, nil
	}
	for i, n := range waitStateNames {
		if k == n {
			return WaitState(i), nil
		}
	}
	return 0, fmt.Errorf("unknown wait state %q (known: visible, hidden, attached, detached or gone, enabled)", s)
}

// WaitError says what WaitForState or WaitForText waited for and what the page showed last when
// the attempt's time ran out. Its retry type is SelectorNotFound: the engine may give the page
// another attempt.
//
// Not modified after it is returned: safe to read from many goroutines.
type WaitError struct {
	Selector string
	Want     string        // "hidden", "detached", `text containing "Done"`…
	Seen     string        // what the page showed last: "visible (div#toast)", "nothing matches"…
	Count    int           // how many elements matched last
	Waited   time.Duration // how long the page watched
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("waited %s for %q to be %s; last seen: %s", e.Waited.Round(time.Millisecond), e.Selector, e.Want, e.Seen)
}

// RetryType is SelectorNotFound.
func (e *WaitError) RetryType() retry.ErrorType { return retry.SelectorNotFound }

//go:embed wait.js
var waitSrc string

var waitJS = withQuery(waitSrc)

// waitReq is what wait.js gets.
type waitReq struct {
	Sel     string `json:"sel"`
	Nth     int    `json:"nth"`
	Strict  bool   `json:"strict"`
	State   string `json:"state,omitempty"`
	Text    string `json:"text,omitempty"`
	Timeout int64  `json:"timeout"`
	Op      string `json:"op,omitempty"`
	Want    string `json:"want,omitempty"`
	Settle  int64  `json:"settle,omitempty"`
	Grace   int64  `json:"grace,omitempty"`
	Arm     bool   `json:"arm,omitempty"`
	Token   string `json:"token,omitempty"` // the page records what it saw under it (late.go)
}

// waitRes is what it answers.
type waitRes struct {
	OK        bool   `json:"ok"`
	Reason    string `json:"reason"`
	Detail    string `json:"detail"`
	Seen      string `json:"seen"`
	Count     int    `json:"count"`
	Ms        int64  `json:"ms"`
	Value     string `json:"value"`
	Kind      string `json:"kind"`
	Type      string `json:"type"`
	Checked   string `json:"checked"`
	Disabled  bool   `json:"disabled"`
	Desc      string `json:"desc"`
	Via       string `json:"via"`
	Label     string `json:"label"`
	Reverted  bool   `json:"reverted"`
	Unchanged bool   `json:"unchanged"`
}

// inPage runs wait.js for r. A malformed selector, several matches where one is meant and an
// element of the wrong kind come back as *NotActionableError; a timeout as waitRes with
// Reason "timeout" (the caller words it).
func (s *Session) inPage(p *rod.Page, action string, r waitReq) (*waitRes, error) {
	if err := validateSelector(r.Sel); err != nil {
		return nil, &NotActionableError{Action: action, Selector: r.Sel, Reason: ReasonInvalid, Detail: err.Error()}
	}
	r.Timeout = waitBudget(p).Milliseconds()
	var res waitRes
	if err := s.evalInto(p, waitJS, r, &res); err != nil {
		return nil, err
	}
	if res.OK || res.Reason == "timeout" {
		return &res, nil
	}
	reason := res.Reason
	switch reason {
	case "invalid":
		reason = ReasonInvalid
	case "multiple":
		reason = ReasonMultiple
	case "unusable":
		reason = ReasonUnusable
	default:
		reason = ReasonNotFound
	}
	return &res, &NotActionableError{Action: action, Selector: r.Sel, Reason: reason, Detail: res.Detail, Count: res.Count,
		Waited: time.Duration(res.Ms) * time.Millisecond}
}

// WaitForState waits until the elements sel matches are in state: Visible (at least one
// rendered), Hidden (none rendered, or none at all), Attached, Detached (none matches) or Enabled.
// The page itself watches (a MutationObserver and a slow poll), so the wait ends within a frame or
// two of the change. When an attempt's time (WithTimeout) runs out the error (*WaitError) says
// what was awaited and what the page showed last; the engine may try again (selector_not_found).
//
// WaitFor(ctx, sel) is the older form of Visible: it waits for the first match.
func (s *Session) WaitForState(ctx context.Context, sel string, state WaitState) error {
	sp := spec{action: "wait_for", selector: sel}
	if state < Visible || state > Enabled {
		return s.refuse(sp, fmt.Sprintf("unknown wait state %d (use actions.Visible, Hidden, Attached, Detached or Enabled)", int(state)))
	}
	return s.waitFor(ctx, sp, waitReq{Sel: sel, State: state.String()}, state.String())
}

// WaitForText waits until an element sel matches contains text: a case-sensitive substring of
// its rendered text (innerText) with whitespace runs (and &nbsp;) collapsed to one space on both
// sides, so "Saved  2\nitems" contains "Saved 2 items". The element need not be visible. Timing
// out is a *WaitError that quotes the text the element had last.
func (s *Session) WaitForText(ctx context.Context, sel, text string) error {
	sp := spec{action: "wait_for_text", selector: sel}
	if strings.TrimSpace(text) == "" {
		return s.refuse(sp, "WaitForText needs a text to wait for (use WaitForState to wait for the element)")
	}
	return s.waitFor(ctx, sp, waitReq{Sel: sel, State: "text", Text: text}, "containing text "+strconv.Quote(text))
}

func (s *Session) waitFor(ctx context.Context, sp spec, r waitReq, want string) error {
	return s.run(ctx, sp, func(p *rod.Page, a *retry.Attempt) error {
		r.Token = strconv.FormatUint(tokens.Add(1), 10)
		step := s.attempt.Load()
		step.waiting(r.Token, func(rec json.RawMessage) error {
			// Its answer missed the deadline: what it saw last is the *WaitError it gives.
			var res waitRes
			if json.Unmarshal(rec, &res) != nil || res.OK || (res.Reason != "" && res.Reason != "timeout") {
				return nil
			}
			return &WaitError{Selector: r.Sel, Want: want, Seen: res.Seen, Count: res.Count, Waited: time.Duration(res.Ms) * time.Millisecond}
		})
		res, err := s.inPage(p, sp.action, r)
		if err != nil {
			return err
		}
		step.ready("")
		if !res.OK {
			return &WaitError{Selector: r.Sel, Want: want, Seen: res.Seen, Count: res.Count, Waited: time.Duration(res.Ms) * time.Millisecond}
		}
		return nil
	})
}

func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }

// waitBudget is how long wait.js may watch: the attempt's remaining time less a quarter of it
// (at least 100ms, at most 1.3s), so that on a loaded machine the page's own answer (what it saw
// last) still arrives before the deadline cuts the evaluation short, and a short deadline (the
// caller's ctx) still leaves time to watch.
func waitBudget(p *rod.Page) time.Duration {
	d := 10 * time.Second
	if dl, ok := p.GetContext().Deadline(); ok {
		d = time.Until(dl)
	}
	margin := min(max(d/4, 100*time.Millisecond), 1300*time.Millisecond)
	return max(d-margin, 0)
}

// MarshalText writes the state's name, so a WaitState reads well in JSON and YAML.
func (w WaitState) MarshalText() ([]byte, error) {
	if w < Visible || w > Enabled {
		return nil, fmt.Errorf("unknown wait state %d", int(w))
	}
	return []byte(w.String()), nil
}

// UnmarshalText reads a state's name as ParseWaitState does.
func (w *WaitState) UnmarshalText(b []byte) error {
	st, err := ParseWaitState(string(b))
	if err != nil {
		return err
	}
	*w = st
	return nil
}
