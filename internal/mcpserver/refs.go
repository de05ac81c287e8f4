package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// refInfo is what a ref stood for when a snapshot gave it out: enough to find the element again
// after the page replaced its node (a re-render, a hover that swaps it, new random ids).
type refInfo struct {
	Ref      string `json:"ref"`
	Role     string `json:"role"`
	Name     string `json:"name"`
	Tag      string `json:"tag"`
	Selector string `json:"selector"` // stable CSS selector at snapshot time ("" if none)
	Nth      int    `json:"nth"`      // position among the elements with the same role and name
	Text     string `json:"text"`
	Password bool   `json:"password"`
	URL      string `json:"-"`
}

func (r refInfo) String() string {
	s := r.Role
	if r.Name != "" {
		s += " " + strconv.Quote(clip(r.Name, 80))
	}
	return s
}

var refPattern = regexp.MustCompile(`^\[?(?:ref=)?(e\d+)\]?$`)

// asRef reports whether target is a snapshot ref ("e12", "ref=e12", "[ref=e12]").
func asRef(target string) (string, bool) {
	m := refPattern.FindStringSubmatch(strings.TrimSpace(target))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// resolved is a tool's target made ready for the Session.
type resolved struct {
	Selector string
	Ref      string // "" for a selector target
	Info     refInfo
	Password bool
}

type resolveAnswer struct {
	OK       bool   `json:"ok"`
	How      string `json:"how"`
	Selector string `json:"selector"`
	Password bool   `json:"password"`
	Closest  *struct {
		Role string `json:"role"`
		Name string `json:"name"`
		Ref  string `json:"ref"`
	} `json:"closest"`
	Count int `json:"count"`
}

// errTarget is a target the tool cannot act on at all (missing, a ref never issued, nothing left
// that matches it). It is invalid input: retrying the same call cannot help.
type errTarget struct{ msg string }

func (e *errTarget) Error() string              { return e.msg }
func (e *errTarget) RetryType() retry.ErrorType { return retry.InvalidInput }

// resolve turns target (a ref or a selector) into the selector the Session acts on. A ref whose
// node was replaced is found again by what it was — stable selector, role and accessible name,
// position among equals — and the call's recovery line says so.
func (s *Server) resolve(ctx context.Context, t *tab, target string) (resolved, error) {
	target = strings.TrimSpace(target)
	if target == "" {
		return resolved{}, &errTarget{"target is required: a ref from the snapshot (e12) or a selector"}
	}
	ref, isRef := asRef(target)
	if !isRef {
		r := resolved{Selector: target}
		if len(target) < 2000 {
			var info struct {
				Found    bool `json:"found"`
				Password bool `json:"password"`
			}
			if err := t.pageCall(ctx, "info", map[string]string{"selector": target}, 3*time.Second, &info); err == nil {
				r.Password = info.Password
			}
		}
		return r, nil
	}
	info, ok := t.refs[ref]
	if !ok {
		return resolved{}, &errTarget{fmt.Sprintf("ref %s was never given out on this tab: take a browser_snapshot and use a ref from it", ref)}
	}
	r := resolved{Ref: ref, Info: info, Password: info.Password}
	var a resolveAnswer
	err := t.pageCall(ctx, "resolve", map[string]any{"ref": ref, "role": info.Role, "name": info.Name,
		"selector": info.Selector, "nth": info.Nth, "text": info.Text}, min(s.cfg.ActionTimeout, 5*time.Second), &a)
	switch {
	case err != nil:
		// The page does not answer (crashed, busy): let the Session's own recovery handle it with
		// what the ref was.
		r.Selector = fallbackSelector(info)
		s.log.Debug("resolve ref: the page did not answer; acting on the fallback selector", zap.String("ref", ref), zap.Error(err))
		return r, nil
	case a.OK:
		r.Selector, r.Password = a.Selector, a.Password || info.Password
		if a.How != "live" {
			s.rec.note(fmt.Sprintf("re-resolved ref %s (%s): its node was replaced, found again by %s", ref, info, a.How))
		}
		return r, nil
	}
	if sel := fallbackSelector(info); sel != "" {
		// Not on the page this instant: the Session waits for what the ref was, as it waits for
		// any late element.
		r.Selector = sel
		r.Info.Text = closestText(a)
		return r, nil
	}
	return resolved{}, &errTarget{goneMessage(ref, info, a)}
}

// fallbackSelector names what a ref was in the Session's selector syntax: its role and exact
// accessible name when it has a name, else its stable selector.
func fallbackSelector(info refInfo) string {
	if info.Name != "" && info.Role != "" && !strings.ContainsAny(info.Name, "\n") && standardRole(info) {
		return fmt.Sprintf("role=%s[name=%s s]", info.Role, strconv.Quote(info.Name))
	}
	return info.Selector
}

// standardRole: the Session's role= engine knows the element by this role (a clickable <div> the
// snapshot calls "button" has no role for it).
func standardRole(info refInfo) bool {
	switch info.Tag {
	case "a", "button", "input", "select", "textarea", "summary":
		return true
	}
	return false
}

func closestText(a resolveAnswer) string {
	if a.Closest == nil {
		return ""
	}
	s := a.Closest.Role + " " + strconv.Quote(a.Closest.Name)
	if a.Closest.Ref != "" {
		s += " [ref=" + a.Closest.Ref + "]"
	}
	return s
}

func goneMessage(ref string, info refInfo, a resolveAnswer) string {
	msg := fmt.Sprintf("ref %s (%s) is not on the page any more: nothing with that role and name", ref, info)
	if c := closestText(a); c != "" {
		msg += "; the closest now is " + c
	}
	return msg + " — take a new browser_snapshot"
}

// explainGone rewrites a failure to find a ref's element so that it says what the ref was and
// what is closest now.
func explainGone(r resolved, err error) error {
	if r.Ref == "" {
		return err
	}
	// The element is missing whether the page said so at the end of its wait or the attempt's
	// deadline ran out first (which of the two ends an attempt is a matter of timing).
	var na *actions.NotActionableError
	var te *browser.TimeoutError
	notFound := errors.As(err, &na) && na.Reason == actions.ReasonNotFound
	if !notFound && !(errors.As(err, &te) && te.Kind == browser.WaitElement) {
		return err
	}
	msg := fmt.Sprintf("ref %s (%s) is not on the page any more", r.Ref, r.Info)
	if r.Info.Text != "" && strings.Contains(r.Info.Text, "[ref=") {
		msg += "; the closest now is " + r.Info.Text
	}
	return &refGoneError{msg: msg + ": " + errorText(err), err: err}
}

// refGoneError is an action on a ref whose element is gone: it says what the ref was and what is
// closest, then the Session's own error.
type refGoneError struct {
	msg string
	err error
}

func (e *refGoneError) Error() string { return e.msg }
func (e *refGoneError) Unwrap() error { return e.err }

// replaced reports whether err says the element was not there (so nothing was done and the ref
// may be resolved again).
func replaced(err error) bool {
	var na *actions.NotActionableError
	return errors.As(err, &na) && (na.Reason == actions.ReasonNotFound || na.Reason == actions.ReasonReplaced)
}
