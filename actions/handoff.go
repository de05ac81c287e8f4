package actions

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"golang.org/x/term"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/snapshot"
)

// Defaults of a HandOff, documented once here.
const (
	// DefaultHandOffTimeout is how long a person has to solve a challenge.
	DefaultHandOffTimeout = 5 * time.Minute
	// DefaultHandOffPoll is how often the page is checked for the challenge being gone.
	DefaultHandOffPoll = 500 * time.Millisecond
)

// HandOff is the Escalator that hands a CAPTCHA (or a login wall) to a person and resumes when
// the person is done:
//
//   - headful session: it prints what and where ("reCAPTCHA on https://… — solve it in the
//     browser window"), then waits until the challenge is gone from the session's page (checked
//     every DefaultHandOffPoll) or the person presses Enter, and returns nil;
//   - headless session with a display (browser.DisplayAvailable): it opens a visible browser,
//     copies the session's cookies into it, opens the same URL, waits for the person as above,
//     copies the cookies back into the session, closes the visible browser and returns nil;
//   - no display, or nobody at a terminal (CI): it returns an error wrapping retry.ErrEscalate
//     that names the vendor and the URL, at once.
//
// When the person does not finish within the time limit (DefaultHandOffTimeout) Escalate returns
// an error wrapping retry.ErrEscalate. After a nil return the Session checks the page again and
// resumes the action.
//
// A HandOff is safe for concurrent use: there is one person, so concurrent escalations are
// served one at a time, in turn.
type HandOff struct {
	timeout     time.Duration
	poll        time.Duration
	out         io.Writer
	in          io.Reader
	interactive bool
	solved      func(ctx context.Context, e Escalation, p *rod.Page) (bool, error)
	display     func() bool
	launchOpts  []browser.Option
	notify      func(ctx context.Context, p HandOffPrompt)

	turn chan struct{} // one person: one escalation at a time

	enterOnce sync.Once
	enter     chan struct{} // a line read from in (Enter)
}

// HandOffPrompt describes one request to a person. It is given to the HandOffNotify hook right
// after the message is printed, while the person is expected to act.
//
// A plain value, safe for concurrent use.
type HandOffPrompt struct {
	Type    retry.ErrorType
	Vendor  string // "recaptcha", "hcaptcha", "turnstile", "cloudflare", … ("" for a login wall)
	Kind    string
	URL     string
	Message string // the line printed for the person
	// Page is where the person solves it: the session's own page when the session is headful,
	// else the page of the visible browser opened for the hand-off.
	Page *rod.Page
	// Browser is the browser that shows Page (visible).
	Browser *browser.Browser
}

// HandOffOption configures NewHandOff.
//
// Options are applied once, by NewHandOff; reuse them freely.
type HandOffOption func(*HandOff)

// HandOffTimeout sets how long the person has (default DefaultHandOffTimeout). d ≤ 0 keeps the default.
func HandOffTimeout(d time.Duration) HandOffOption {
	return func(h *HandOff) {
		if d > 0 {
			h.timeout = d
		}
	}
}

// HandOffPollInterval sets how often the page is checked for the challenge being gone
// (default DefaultHandOffPoll).
func HandOffPollInterval(d time.Duration) HandOffOption {
	return func(h *HandOff) {
		if d > 0 {
			h.poll = d
		}
	}
}

// HandOffOutput sets where the message for the person is printed (default os.Stderr).
func HandOffOutput(w io.Writer) HandOffOption {
	return func(h *HandOff) { h.out = w }
}

// HandOffInput sets where a line (Enter) tells that the person is done (default os.Stdin).
// nil: only the page is watched. A reader that never ends keeps one goroutine reading it.
func HandOffInput(r io.Reader) HandOffOption {
	return func(h *HandOff) { h.in = r }
}

// HandOffInteractive says whether a person is there at all. The default is true when stdin is a
// terminal. When false, Escalate fails at once with retry.ErrEscalate (the CI case).
func HandOffInteractive(yes bool) HandOffOption {
	return func(h *HandOff) { h.interactive = yes }
}

// HandOffSolved replaces how "solved" is detected. The default: for a CAPTCHA,
// snapshot.DetectChallenge finds no challenge in any frame of the page; for a login wall, the
// page's snapshot shows no login wall. An error counts as "not yet" (the page may be loading).
func HandOffSolved(fn func(ctx context.Context, e Escalation, p *rod.Page) (bool, error)) HandOffOption {
	return func(h *HandOff) {
		if fn != nil {
			h.solved = fn
		}
	}
}

// HandOffDisplay replaces the check for a display (default browser.DisplayAvailable).
func HandOffDisplay(fn func() bool) HandOffOption {
	return func(h *HandOff) {
		if fn != nil {
			h.display = fn
		}
	}
}

// HandOffBrowserOptions adds options for launching the visible browser (Headless(false) is
// always applied last).
func HandOffBrowserOptions(opts ...browser.Option) HandOffOption {
	return func(h *HandOff) { h.launchOpts = append(h.launchOpts, opts...) }
}

// HandOffNotify sets a hook called once per hand-off after the message is printed and the page
// is ready for the person: a desktop notification, a chat message, or a scripted person in
// tests. It runs synchronously before the wait starts, so it should return promptly.
func HandOffNotify(fn func(ctx context.Context, p HandOffPrompt)) HandOffOption {
	return func(h *HandOff) { h.notify = fn }
}

// NewHandOff returns the Escalator for a person; see HandOff for what it does.
func NewHandOff(opts ...HandOffOption) *HandOff {
	h := &HandOff{
		timeout:     DefaultHandOffTimeout,
		poll:        DefaultHandOffPoll,
		out:         os.Stderr,
		in:          os.Stdin,
		interactive: term.IsTerminal(int(os.Stdin.Fd())),
		solved:      defaultSolved,
		display:     browser.DisplayAvailable,
		turn:        make(chan struct{}, 1),
		enter:       make(chan struct{}, 1),
	}
	for _, o := range opts {
		o(h)
	}
	return h
}

var _ Escalator = (*HandOff)(nil)

// Escalate asks a person to solve e and returns nil once it is solved, or an error wrapping
// retry.ErrEscalate when nobody can (no display, not interactive, time limit, ctx ended).
func (h *HandOff) Escalate(ctx context.Context, e Escalation) error {
	what := describe(e)
	if !h.interactive {
		return fmt.Errorf("%w: %s needs a person, but nobody is at a terminal", retry.ErrEscalate, what)
	}
	if e.Session == nil {
		return fmt.Errorf("%w: %s: no session to hand off", retry.ErrEscalate, what)
	}
	headful := e.Session.Browser() != nil && !e.Session.Browser().IsHeadless()
	if !headful && !h.display() {
		return fmt.Errorf("%w: %s needs a person, but no display is available (set DISPLAY or run headful)",
			retry.ErrEscalate, what)
	}

	select {
	case h.turn <- struct{}{}:
		defer func() { <-h.turn }()
	case <-ctx.Done():
		return fmt.Errorf("%w: %s: %w", retry.ErrEscalate, what, ctx.Err())
	}

	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()

	if headful {
		return h.waitForPerson(ctx, e, what, e.Session.Page(), e.Session.Browser())
	}
	return h.visible(ctx, e, what)
}

// visible opens a visible browser on e.URL with the session's cookies, waits for the person and
// brings the cookies back.
func (h *HandOff) visible(ctx context.Context, e Escalation, what string) (err error) {
	src := e.Session.Page()
	url := e.URL
	if url == "" && src != nil {
		if info, ierr := src.Info(); ierr == nil {
			url = info.URL
		}
	}
	if url == "" {
		return fmt.Errorf("%w: %s: no URL to open for the person", retry.ErrEscalate, what)
	}
	opts := append(append([]browser.Option(nil), h.launchOpts...), browser.Headless(false))
	vb, err := browser.Launch(ctx, opts...)
	if err != nil {
		return fmt.Errorf("%w: %s: open a visible browser: %w", retry.ErrEscalate, what, err)
	}
	defer func() {
		if cerr := vb.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("hand-off: close the visible browser: %w", cerr)
		}
	}()
	vp, err := vb.NewPage(ctx)
	if err != nil {
		return fmt.Errorf("%w: %s: open a visible page: %w", retry.ErrEscalate, what, err)
	}
	if src != nil {
		if err := browser.CopyCookies(ctx, src, vp, url); err != nil {
			return fmt.Errorf("%w: %s: copy cookies to the visible browser: %w", retry.ErrEscalate, what, err)
		}
	}
	// A challenge answers 403/429 and the like: the status is not an error for the person.
	if _, err := vb.Navigate(ctx, vp, url, h.timeout); err != nil && !isHTTPStatus(err) {
		return fmt.Errorf("%w: %s: open %s in the visible browser: %w", retry.ErrEscalate, what, url, err)
	}
	if err := h.waitForPerson(ctx, e, what, vp, vb); err != nil {
		return err
	}
	if src != nil {
		if err := browser.CopyCookies(ctx, vp, src, url); err != nil {
			return fmt.Errorf("hand-off: copy cookies back to the session: %w", err)
		}
	}
	return nil
}

// waitForPerson prints the request and waits until the page shows the challenge gone or the
// person presses Enter.
func (h *HandOff) waitForPerson(ctx context.Context, e Escalation, what string, p *rod.Page, b *browser.Browser) error {
	msg := what + " — solve it in the browser window"
	if e.Type == retry.AuthRequired {
		msg = what + " — log in in the browser window"
	}
	enter := h.enterSignal()
	if enter != nil {
		msg += " (or press Enter when done)"
	}
	if h.out != nil {
		fmt.Fprintln(h.out, msg)
	}
	if h.notify != nil {
		h.notify(ctx, HandOffPrompt{Type: e.Type, Vendor: e.Vendor, Kind: e.Kind, URL: e.URL,
			Message: msg, Page: p, Browser: b})
	}

	tick := time.NewTicker(h.poll)
	defer tick.Stop()
	for {
		if ok, _ := h.check(ctx, e, p); ok {
			return nil
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("%w: %s not solved within %s", retry.ErrEscalate, what, h.timeout)
			}
			return fmt.Errorf("%w: %s: %w", retry.ErrEscalate, what, ctx.Err())
		case <-enter:
			return nil
		case <-tick.C:
		}
	}
}

// check runs one solved test bounded by the poll interval, so a hung page cannot stall the wait.
func (h *HandOff) check(ctx context.Context, e Escalation, p *rod.Page) (bool, error) {
	d := h.poll * 4
	if d < 2*time.Second {
		d = 2 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return h.solved(cctx, e, p)
}

// enterSignal returns a channel that receives once per line read from the input, or nil when
// there is no input. One goroutine reads the input for the life of the HandOff (until EOF); a
// line typed while no hand-off waits is dropped.
func (h *HandOff) enterSignal() <-chan struct{} {
	if h.in == nil {
		return nil
	}
	h.enterOnce.Do(func() {
		go func() {
			r := bufio.NewReader(h.in)
			for {
				if _, err := r.ReadString('\n'); err != nil {
					return
				}
				select {
				case h.enter <- struct{}{}:
				default:
				}
			}
		}()
	})
	// Drop an Enter pressed before this hand-off asked for one.
	select {
	case <-h.enter:
	default:
	}
	return h.enter
}

func defaultSolved(ctx context.Context, e Escalation, p *rod.Page) (bool, error) {
	if e.Type == retry.AuthRequired {
		s, err := snapshot.Take(ctx, p)
		if err != nil {
			return false, err
		}
		return !s.LoginWall, nil
	}
	c, err := snapshot.DetectChallenge(ctx, p, 0, nil)
	if err != nil {
		return false, err
	}
	return c == nil, nil
}

func isHTTPStatus(err error) bool {
	var he *retry.HTTPError
	return errors.As(err, &he)
}

// describe says what and where: "reCAPTCHA on https://…".
func describe(e Escalation) string {
	name := vendorName(e.Vendor)
	switch {
	case name != "":
	case e.Type == retry.AuthRequired:
		name = "A login wall"
	default:
		name = "A challenge"
	}
	if e.URL == "" {
		return name
	}
	return name + " on " + e.URL
}

// vendorName is the name a person knows the challenge by; the vendor key stays in the text too
// so logs can be searched by it.
func vendorName(v string) string {
	switch strings.ToLower(v) {
	case "":
		return ""
	case "recaptcha":
		return "reCAPTCHA"
	case "hcaptcha":
		return "hCaptcha"
	case "turnstile":
		return "Cloudflare Turnstile (turnstile)"
	case "cloudflare":
		return "Cloudflare challenge (cloudflare)"
	case "datadome":
		return "DataDome"
	case "perimeterx":
		return "PerimeterX"
	case "awswaf", "aws_waf", "aws-waf":
		return "AWS WAF CAPTCHA (" + v + ")"
	default:
		return v
	}
}
