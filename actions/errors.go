package actions

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// ErrClosed is returned by every action on a closed Session.
var ErrClosed = errors.New("actions: session closed")

// Reasons a NotActionableError gives, as the in-page check reports them.
const (
	ReasonNotFound = "not_found" // nothing matches the selector
	ReasonHidden   = "hidden"    // it matches, but is not visible
	ReasonDisabled = "disabled"  // visible, but disabled (or aria-disabled)
	ReasonReadOnly = "readonly"  // a Fill target that cannot be edited
	ReasonUnstable = "unstable"  // still moving when the time ran out
	ReasonCovered  = "covered"   // the same other element would receive the click, for WithCoverTimeout
	ReasonObscured = "obscured"  // another element would receive the click now (it may go away)
	ReasonUnusable = "unusable"  // the element is not of a kind the action can use (Fill on a <select>…)
	ReasonMultiple = "multiple"  // the selector matches several elements where one is meant
	ReasonInvalid  = "invalid"   // the selector is malformed (CSS, XPath or engine syntax), or names a cross-origin frame
	ReasonReplaced = "replaced"  // pressed, but re-rendered before the release: no click was delivered
	ReasonNoOption = "no_option" // a Select's <select> has no option with a wanted value or label (yet)
)

// NotActionableError says why the element a selector names could not be acted on. Its retry type:
// invalid, multiple, a lasting cover and an option that never came (the whole attempt waited for
// it) are InvalidInput (retrying the same call cannot help: fix the selector or the value, or
// close the overlay first); everything else is SelectorNotFound.
//
// Errors are not modified after they are returned: safe to read from many goroutines.
type NotActionableError struct {
	Action   string
	Selector string
	Reason   string        // one of the Reason… constants
	Detail   string        // the cover ("div#overlay"), or the browser's SyntaxError text
	Count    int           // how many elements the selector matched
	Waited   time.Duration // how long the page watched before answering
}

// digitID finds a CSS #id or .class that starts with a digit, which CSS does not allow unescaped
// (scrapethissite's year links are <a id="2015">: "#2015" is a syntax error).
var digitID = regexp.MustCompile(`(?:^|[^\\\d"'])([#.])(\d[\w-]*)`)

// digitIDHint says how to write the #id or .class a selector starts with a digit ("" when it
// has none).
func digitIDHint(sel string) string {
	m := digitID.FindStringSubmatch(sel)
	if m == nil || len(sel) > 2000 {
		return ""
	}
	attr := "id"
	if m[1] == "." {
		attr = "class~"
	}
	return fmt.Sprintf(" (an id or class that starts with a digit must be escaped in CSS: write [%s=\"%s\"])", attr, m[2])
}

func (e *NotActionableError) Error() string {
	sel := clip(e.Selector) // a 300 kB selector gives a readable error
	w := ""
	if e.Waited > 0 {
		w = fmt.Sprintf(" (waited %s)", e.Waited.Round(time.Millisecond))
	}
	switch e.Reason {
	case ReasonNotFound:
		return fmt.Sprintf("no element matches %q%s", sel, w)
	case ReasonInvalid:
		return fmt.Sprintf("invalid selector %q: %s%s", sel, e.Detail, invalidSelectorHint(e.Selector))
	case ReasonMultiple:
		if e.Detail != "" {
			return fmt.Sprintf("selector %q matches %d elements (%s), %s needs exactly one: make it more specific or use the Nth variant", sel, e.Count, e.Detail, e.Action)
		}
		return fmt.Sprintf("selector %q matches %d elements, %s needs exactly one: make it more specific or use the Nth variant", sel, e.Count, e.Action)
	case ReasonCovered:
		if strings.HasPrefix(e.Detail, "nothing") {
			return fmt.Sprintf("%q is outside the viewport and scrolling does not bring it in%s", sel, w)
		}
		return fmt.Sprintf("%q is covered by %s%s: the %s would land on it; close it first", sel, e.Detail, w, e.Action)
	case ReasonObscured:
		return fmt.Sprintf("%q is covered by %s%s", sel, e.Detail, w)
	case ReasonUnusable:
		return fmt.Sprintf("%q cannot be used to %s: %s", sel, e.Action, e.Detail)
	case ReasonHidden:
		if e.Detail != "" { // "shown on hover of li.todo, which was hovered"
			return fmt.Sprintf("%q matched but stayed hidden (%s)%s", sel, e.Detail, w)
		}
		return fmt.Sprintf("%q matched but stayed hidden%s", sel, w)
	case ReasonDisabled:
		return fmt.Sprintf("%q matched but stayed disabled%s", sel, w)
	case ReasonReadOnly:
		return fmt.Sprintf("%q is read-only%s", sel, w)
	case ReasonUnstable:
		return fmt.Sprintf("%q kept moving%s", sel, w)
	case ReasonReplaced:
		return fmt.Sprintf("%q was re-rendered between press and release: the page got no click", sel)
	case ReasonNoOption:
		return fmt.Sprintf("%q: %s%s", sel, e.Detail, w)
	}
	return fmt.Sprintf("%q not actionable: %s %s%s", sel, e.Reason, e.Detail, w)
}

// RetryType is the error's type for the retry engine.
func (e *NotActionableError) RetryType() retry.ErrorType {
	switch e.Reason {
	case ReasonInvalid, ReasonMultiple, ReasonCovered, ReasonUnusable, ReasonNoOption:
		return retry.InvalidInput
	case ReasonReplaced:
		return retry.StaleElement
	}
	return retry.SelectorNotFound
}

// FillError says the page did not keep the value Fill typed, even after typing it again. It never
// contains the value. Its retry type is InvalidInput: the page refuses the value (a mask, a
// maxlength, a script that rewrites it), and retrying the same value cannot help.
//
// Not modified after it is returned: safe to read from many goroutines.
type FillError struct {
	Selector string
	WantLen  int // characters typed
	GotLen   int // characters the field holds
	Erased   bool
	Secret   bool
	Typed    int // how many times it was typed
}

func (e *FillError) Error() string {
	what := "changed"
	if e.Erased {
		what = "erased"
	}
	return fmt.Sprintf("%q: the page %s the value after it was typed %d time(s) (typed %d characters, field holds %d)",
		e.Selector, what, e.Typed, e.WantLen, e.GotLen)
}

// RetryType is InvalidInput.
func (e *FillError) RetryType() retry.ErrorType { return retry.InvalidInput }

// ChallengeError is a CAPTCHA or bot wall met by Navigate. Type Captcha.
//
// Not modified after it is returned: safe to read from many goroutines.
type ChallengeError struct {
	Vendor, Kind, URL string
	Evidence          string
}

func (e *ChallengeError) Error() string {
	s := fmt.Sprintf("%s %s challenge at %s", e.Vendor, e.Kind, e.URL)
	if e.Evidence != "" {
		s += " (" + e.Evidence + ")"
	}
	return s
}

// RetryType is Captcha.
func (e *ChallengeError) RetryType() retry.ErrorType { return retry.Captcha }

// PageHungError is an attempt that ran out of time because the page itself stopped answering:
// after the deadline, a trivial evaluation got no answer either (a script that never yields the
// main thread, an endless loop). Its retry type is PageCrash: asking the same tab again cannot
// help, a new tab on the same URL can. It wraps the step's *browser.TimeoutError, so
// errors.Is(err, context.DeadlineExceeded) holds.
//
// Not modified after it is returned: safe to read from many goroutines.
type PageHungError struct {
	Err    error         // the step's *browser.TimeoutError
	Silent time.Duration // how long the page was asked again after the deadline, in vain
}

func (e *PageHungError) Error() string {
	return fmt.Sprintf("%v: the page stopped answering (nothing for %s more): a script is blocking its main thread (an endless loop?), or the page is too heavy for this machine (tens of thousands of elements)",
		e.Err, e.Silent)
}

func (e *PageHungError) Unwrap() error { return e.Err }

// RetryType is PageCrash: the repair is a new tab.
func (e *PageHungError) RetryType() retry.ErrorType { return retry.PageCrash }

// LoginWallError is a page that wants a login: 401/403, or a redirect to a password form.
// Type AuthRequired. It wraps the *retry.HTTPError when there was one.
//
// Not modified after it is returned: safe to read from many goroutines.
type LoginWallError struct {
	URL     string // what was asked for
	Landed  string // where the browser ended up
	Status  int
	Err     error
	Comment string
}

func (e *LoginWallError) Error() string {
	s := fmt.Sprintf("login required for %s", e.URL)
	if e.Landed != "" && e.Landed != e.URL {
		s += " (redirected to " + e.Landed + ")"
	}
	if e.Status != 0 {
		s += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Comment != "" {
		s += ": " + e.Comment
	}
	return s
}

func (e *LoginWallError) Unwrap() error { return e.Err }

// RetryType is AuthRequired.
func (e *LoginWallError) RetryType() retry.ErrorType { return retry.AuthRequired }

// ActionError is what every Session method returns when it gives up: the action, its selector or
// URL, and the engine's *retry.Error (type, attempts, reason, last cause), plus where the error
// snapshot went when WithArtifacts is set. errors.Is/As reach everything it wraps
// (retry.ErrPermanent, *retry.Error, *NotActionableError…).
//
// Not modified after it is returned: safe to read from many goroutines.
type ActionError struct {
	Action    string // "click", "navigate", …
	Target    string // the selector, or the URL for navigate
	URL       string // the page the session was on
	Artifacts string // folder of the error snapshot, "" if none
	Err       error
}

func (e *ActionError) Error() string {
	var b strings.Builder
	b.WriteString(e.Action)
	if e.Target != "" {
		fmt.Fprintf(&b, " %q", e.Target)
	}
	// Chromium's own error page (a reset, a 401 it would not show) says nothing the target does not.
	if e.URL != "" && e.URL != e.Target && e.URL != "about:blank" && !strings.HasPrefix(e.URL, "chrome-error:") {
		b.WriteString(" on ")
		b.WriteString(e.URL)
	}
	b.WriteString(": ")
	msg := e.Err.Error()
	var re *retry.Error
	if errors.As(e.Err, &re) {
		msg = strings.TrimPrefix(msg, re.Action+": ")
	}
	b.WriteString(msg)
	if e.Artifacts != "" {
		b.WriteString(" [error snapshot: ")
		b.WriteString(e.Artifacts)
		b.WriteString("]")
	}
	return b.String()
}

func (e *ActionError) Unwrap() error { return e.Err }

// Type is the retry type the engine gave up with (Unknown if it did not get that far).
func (e *ActionError) Type() retry.ErrorType {
	var re *retry.Error
	if errors.As(e.Err, &re) {
		return re.Type
	}
	return classify(e.Err)
}

// Attempts is how many attempts were made (0 if unknown).
func (e *ActionError) Attempts() int {
	var re *retry.Error
	if errors.As(e.Err, &re) {
		return re.Attempts
	}
	return 0
}

// typed is an error that knows its retry type.
type typed interface{ RetryType() retry.ErrorType }

// classifier claims actions' own errors and, through browser.Classify, rod's and CDP's.
// Registered process-wide once (retry.RegisterClassifier) so any Manager classifies them.
func classifier(err error) (retry.ErrorType, bool) {
	var t typed
	if errors.As(err, &t) {
		return t.RetryType(), true
	}
	return browser.Classify(err)
}

func classify(err error) retry.ErrorType {
	if err == nil {
		return retry.Unknown
	}
	if t, ok := classifier(err); ok {
		return t
	}
	return retry.Classify(err)
}

func init() { retry.RegisterClassifier(classifier) }
