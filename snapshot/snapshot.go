package snapshot

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-rod/rod"
)

// Snapshot is what a page looks like at one moment: where it is, how it answered, and what a person
// (or an agent) can act on. Its JSON form uses snake_case keys.
//
// A Snapshot is a plain value: safe for concurrent reads, not for concurrent writes.
type Snapshot struct {
	URL    string `json:"url"`
	Title  string `json:"title"`
	Status int    `json:"status"` // the main document's HTTP status; 0 when unknown
	// Elements are the visible interactive elements in document order (top document first, then
	// same-origin frames), refs e1, e2, …
	Elements []Element `json:"elements"`
	// Frames lists every iframe/frame found (top document and, recursively, same-origin frames).
	Frames []Frame `json:"frames,omitempty"`
	// Truncated counts the elements left out because of Options.MaxElements.
	Truncated int `json:"truncated,omitempty"`
	// Challenge is the CAPTCHA or bot wall on the page, nil when none was seen.
	Challenge *Challenge `json:"challenge,omitempty"`
	// LoginWall reports a page that wants a login before it shows the content; see Take for the rule.
	LoginWall bool `json:"login_wall"`
	// Heading is the text of the page's main heading (its first rendered h1, else h2), at most
	// 200 characters; "" when it has none.
	Heading string `json:"heading,omitempty"`
	// NotFound is set when the page says it was not found although its status is not an error
	// (a "soft 404"): the evidence, e.g. `title "Page not found – Shop"`. See SoftNotFound.
	NotFound string    `json:"not_found,omitempty"`
	TakenAt  time.Time `json:"taken_at"`
}

// Element is one interactive element. Selector re-finds exactly this element in its document (the
// top document, or the frame named by Frame) with querySelector. Input values are never recorded.
//
// An Element is a plain value, safe for concurrent use.
type Element struct {
	Ref      string `json:"ref"`      // e1, e2, … in document order
	Role     string `json:"role"`     // the explicit role attribute, else the implicit ARIA role
	Name     string `json:"name"`     // accessible name, collapsed, at most 80 characters
	Selector string `json:"selector"` // stable CSS selector, unique in its document; "" if none found
	Visible  bool   `json:"visible"`
	Enabled  bool   `json:"enabled"`
	Tag      string `json:"tag"`
	Type     string `json:"type,omitempty"` // input/button type attribute (lower case)
	Href     string `json:"href,omitempty"` // absolute URL of a link
	// Frame is the selector of the same-origin iframe that holds the element ("" for the top
	// document); nested frames are joined with " >> ". Selector is relative to that frame's document.
	Frame string `json:"frame,omitempty"`
}

// Frame is an iframe or frame element. Cross-origin frames run out of process in Chromium: their
// elements are not listed, but their URL is (and DetectChallenge looks inside them).
//
// A Frame is a plain value, safe for concurrent use.
type Frame struct {
	Selector   string `json:"selector"` // the iframe element in its parent (" >> " joins nesting)
	URL        string `json:"url"`
	Name       string `json:"name,omitempty"`
	SameOrigin bool   `json:"same_origin"`
	Visible    bool   `json:"visible"`
}

// Options tune TakeWith. The zero value means: status from the navigation entry, no headers,
// at most DefaultMaxElements elements, visible elements only, same-origin frames 3 levels deep.
//
// Options is a plain value, safe for concurrent use.
type Options struct {
	// Status overrides the document status read from performance navigation timing (> 0 wins).
	Status int
	// Header is the main document's response header (e.g. browser.Response.Header); it lets the
	// challenge check see cf-mitigated, x-amzn-waf-action, DataDome headers.
	Header http.Header
	// MaxElements caps the element list (0 → DefaultMaxElements).
	MaxElements int
	// IncludeHidden lists hidden candidates too (Visible=false).
	IncludeHidden bool
	// RequestedURL is the URL the caller navigated to; a different final URL counts as a redirect
	// for the login-wall rule (redirects the navigation entry reports count as well).
	RequestedURL string
	// FrameDepth bounds how deep same-origin frames are walked (0 → 3; negative → top document only).
	FrameDepth int
}

// DefaultMaxElements is the element cap when Options.MaxElements is 0.
const DefaultMaxElements = 500

// Take snapshots page in one JavaScript round trip: URL, title, document status (from the
// navigation timing entry), visible interactive elements with refs and stable selectors, frames,
// a challenge seen in the DOM, and the login-wall flag.
//
// LoginWall rule: false when a challenge was detected; true when the status is 401 or 403; true when
// a password input is visible AND the page was reached through a redirect (navigation entry
// redirectCount > 0, or a final URL that differs from Options.RequestedURL). A login page opened
// on purpose (no redirect, status 200) is not a wall.
//
// Take is bounded by ctx and, when ctx has no deadline, by an internal 10 s cap; a page that does
// not answer (crashed renderer, open dialog) yields an error wrapping ErrNoAnswer.
func Take(ctx context.Context, page *rod.Page) (*Snapshot, error) {
	return TakeWith(ctx, page, Options{})
}

// TakeWith is Take with options; with Options.Header the response headers are checked for a
// challenge before the DOM (ChallengeFromResponse).
func TakeWith(ctx context.Context, page *rod.Page, o Options) (*Snapshot, error) {
	if page == nil {
		return nil, fmt.Errorf("snapshot: nil page")
	}
	max := o.MaxElements
	if max <= 0 {
		max = DefaultMaxElements
	}
	depth := o.FrameDepth
	if depth == 0 {
		depth = 3
	} else if depth < 0 {
		depth = 0
	}
	r, err := runPageJS(ctx, page, where{}, evalOptions{Elements: true, Max: max, Hidden: o.IncludeHidden, Challenge: true, Frames: depth})
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	s := &Snapshot{
		URL: r.URL, Title: r.Title, Status: r.Status, Elements: r.Elements, Frames: r.Frames,
		Truncated: r.Truncated, TakenAt: time.Now().UTC(),
	}
	if s.Elements == nil {
		s.Elements = []Element{}
	}
	if o.Status > 0 {
		s.Status = o.Status
	}
	if c := ChallengeFromResponse(s.Status, o.Header); c != nil {
		s.Challenge = c
	} else {
		s.Challenge = r.Challenge
	}
	redirected := r.Redirects > 0 || (o.RequestedURL != "" && !sameURL(o.RequestedURL, r.URL))
	s.LoginWall = loginWall(s.Challenge, s.Status, r.PasswordVisible, redirected)
	s.Heading = r.Heading
	if s.Challenge == nil && !s.LoginWall {
		s.NotFound = SoftNotFound(s.Status, s.Title, s.Heading)
	}
	return s, nil
}

func loginWall(c *Challenge, status int, passwordVisible, redirected bool) bool {
	switch {
	case c != nil:
		return false
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return true
	default:
		return passwordVisible && redirected
	}
}

// sameURL compares two URLs ignoring the fragment and a trailing slash on an empty path.
func sameURL(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	if errA != nil || errB != nil {
		return a == b
	}
	ua.Fragment, ub.Fragment = "", ""
	if ua.Path == "" {
		ua.Path = "/"
	}
	if ub.Path == "" {
		ub.Path = "/"
	}
	return ua.String() == ub.String()
}

// Find returns the element with the given ref (e.g. "e3").
func (s *Snapshot) Find(ref string) (Element, bool) {
	if s == nil {
		return Element{}, false
	}
	for _, e := range s.Elements {
		if e.Ref == ref {
			return e, true
		}
	}
	return Element{}, false
}

// String is the compact text form for agents: a header `URL · status · title`, a challenge or
// login-wall line when there is one, one line per visible frame, then one line per element:
//
//	e3 button "Add to cart" [data-testid="add-to-cart"]
//
// followed by flags (disabled, hidden, type=…, frame=…). Input values never appear.
func (s *Snapshot) String() string {
	if s == nil {
		return "<nil snapshot>"
	}
	var b strings.Builder
	status := "?"
	if s.Status > 0 {
		status = fmt.Sprint(s.Status)
	}
	fmt.Fprintf(&b, "%s · %s · %q\n", s.URL, status, s.Title)
	if c := s.Challenge; c != nil {
		fmt.Fprintf(&b, "challenge: %s %s (%s)", c.Vendor, c.Kind, c.Evidence)
		if c.FrameURL != "" {
			fmt.Fprintf(&b, " frame=%s", c.FrameURL)
		}
		b.WriteByte('\n')
	}
	if s.LoginWall {
		b.WriteString("login wall: sign-in required before the content\n")
	}
	if s.NotFound != "" {
		fmt.Fprintf(&b, "not-found page: %s\n", s.NotFound)
	}
	for _, f := range s.Frames {
		if !f.Visible {
			continue // tracking pixels and hidden helpers are noise for a reader; JSON keeps them
		}
		origin := "cross-origin"
		if f.SameOrigin {
			origin = "same-origin"
		}
		fmt.Fprintf(&b, "frame %s %s %s\n", f.Selector, origin, f.URL)
	}
	for _, e := range s.Elements {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	if s.Truncated > 0 {
		fmt.Fprintf(&b, "… %d more elements not listed\n", s.Truncated)
	}
	return b.String()
}

// String is the element's line in Snapshot.String.
func (e Element) String() string {
	var b strings.Builder
	b.WriteString(e.Ref)
	b.WriteByte(' ')
	b.WriteString(e.Role)
	if e.Name != "" {
		fmt.Fprintf(&b, " %q", e.Name)
	}
	if e.Selector != "" {
		b.WriteByte(' ')
		b.WriteString(e.Selector)
	}
	if e.Tag == "input" && e.Type != "" && e.Type != "text" && e.Role != "button" {
		b.WriteString(" type=" + e.Type)
	}
	if !e.Enabled {
		b.WriteString(" disabled")
	}
	if !e.Visible {
		b.WriteString(" hidden")
	}
	if e.Frame != "" {
		b.WriteString(" frame=" + e.Frame)
	}
	return b.String()
}
