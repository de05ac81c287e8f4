package actions

import (
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// Option configures a Session (NewSession). The defaults, all in one place:
//
//   - Manager: retry.Default(), the process-wide one (WithManager)
//   - Escalator: none; a CAPTCHA or login wall ends the action with an error that
//     Is(retry.ErrEscalate) and names the vendor and URL (WithEscalator)
//   - Timeout: 10s per attempt, inside the caller's ctx (WithTimeout)
//   - Navigation timeout: a page load's attempt (Navigate, Back, Forward, Reload, the tab that
//     replaces a crashed one) gets the Timeout unless WithNavigationTimeout gives it its own
//   - Logger: zap.NewNop() (WithLogger)
//   - Artifacts: none; with a folder, a final failure writes an error snapshot there (WithArtifacts)
//   - Page: a new tab in the browser's default context, shared with every other non-isolated
//     Session (WithPage adopts one instead; Isolated gives the Session a context of its own)
//   - Viewport: the browser's (1280×720 in a headless browser, see browser.Viewport); WithViewport
//     sets the Session's own
//   - Dialogs: alert/confirm/prompt accepted at once, prompt with "" (WithDialogs)
//   - Cover refusal: an element covered for 1s by the same other element is refused
//     (WithCoverTimeout); a loading veil (a spinner, "Please wait…", no control) is waited for
//   - Fill verification: the value is read back over 100ms after typing (WithFillSettle)
//   - HTTP authentication: none; a 401 challenge is auth_required at once (WithHTTPCredentials)
//
// Options are immutable values, safe to share between goroutines and Sessions.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	manager    *retry.Manager
	escalator  Escalator
	timeout    time.Duration
	navTimeout time.Duration // WithNavigationTimeout; 0: timeout
	log        *zap.Logger
	artifacts  string
	page       *rod.Page
	dialog     DialogHandler
	coverAfter time.Duration
	fillSettle time.Duration
	isolated   bool
	viewport   *browser.Size
	httpCreds  []HTTPCredentials // WithHTTPCredentials (auth.go)
	authw      *authWatch        // their per-tab state, when there are some
	userDialog DialogHandler     // the policy as given; dialog wraps it to remember (dialogs.go)
	dialogs    *dialogLog
}

func newConfig(opts []Option) config {
	c := config{
		timeout:    10 * time.Second,
		coverAfter: time.Second,
		fillSettle: 100 * time.Millisecond,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	if c.manager == nil {
		c.manager = retry.Default()
	}
	if c.log == nil {
		c.log = zap.NewNop()
	}
	if c.escalator == nil {
		c.escalator = failEscalator{}
	}
	if c.dialog == nil {
		c.dialog = AcceptDialogs("")
	}
	c.userDialog, c.dialogs = c.dialog, &dialogLog{}
	c.dialog = c.dialogs.remembering(c.userDialog)
	if len(c.httpCreds) > 0 {
		c.authw = &authWatch{tabs: map[proto.TargetSessionID]bool{}}
	}
	return c
}

// WithManager makes the session decide and record through m (breakers, patterns and stats are
// shared with everything else that uses m).
func WithManager(m *retry.Manager) Option { return optionFunc(func(c *config) { c.manager = m }) }

// WithEscalator sets who is called for a CAPTCHA or a login wall. After it returns nil the action
// checks again and goes on.
func WithEscalator(e Escalator) Option { return optionFunc(func(c *config) { c.escalator = e }) }

// WithTimeout sets the deadline of one attempt (default 10s). The caller's ctx still bounds the
// whole action, all attempts and waits included.
func WithTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	})
}

// WithNavigationTimeout sets the deadline of one attempt of a page load: Navigate and
// NavigateWith, Back, Forward and Reload, and the load that takes a new tab back to the last URL
// after a crash. It defaults to WithTimeout's, as Playwright's navigation timeout falls back to
// its default timeout. A page load waits for a server, a download and the load event, which a
// slow site or a loaded machine (2 cores shared with the browser) takes seconds for, where an
// element on a loaded page is there or not: a short WithTimeout that fails fast on a missing
// element would also cut such loads and retry them as network_timeout. Give loads their own,
// longer budget then (WithTimeout(3*time.Second), WithNavigationTimeout(15*time.Second)). A click
// that starts a navigation stays an element action: its attempt is WithTimeout's. NavTimeout
// gives one NavigateWith call a longer one. The caller's ctx still bounds the whole action.
func WithNavigationTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.navTimeout = d
		}
	})
}

// navigation is the deadline of one attempt of a page load (WithNavigationTimeout).
func (c *config) navigation() time.Duration {
	if c.navTimeout > 0 {
		return c.navTimeout
	}
	return c.timeout
}

// WithLogger logs every action's outcome, recoveries and dialogs. FillSecret values never reach it.
func WithLogger(l *zap.Logger) Option { return optionFunc(func(c *config) { c.log = l }) }

// WithArtifacts makes a final failure write an error snapshot (screenshot, HTML, element list) to
// a new folder under dir; the error and the log say where.
func WithArtifacts(dir string) Option { return optionFunc(func(c *config) { c.artifacts = dir }) }

// WithPage adopts p instead of opening a new tab. Close leaves an adopted page open.
func WithPage(p *rod.Page) Option { return optionFunc(func(c *config) { c.page = p }) }

// WithDialogs sets how JS dialogs (alert, confirm, prompt, beforeunload) are answered. They are
// always answered at once, so they never block the page.
func WithDialogs(h DialogHandler) Option { return optionFunc(func(c *config) { c.dialog = h }) }

// WithCoverTimeout sets how long an element may stay covered by the same other element before
// the action is refused (default 1s). A cover that changes or goes away restarts the count. It
// does not apply to a loading veil, which goes away by itself: an overlay with no control a
// person could use (no button, link or close ×) and a sign of loading (a spinner's endless
// animation, role=progressbar, aria-busy, a loader's class, "Loading…", "Please wait"). That one
// is waited for until the attempt ends, then reported as ReasonObscured (retried).
func WithCoverTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.coverAfter = d
		}
	})
}

// WithFillSettle sets how long Fill watches the value after typing before it trusts it
// (default 100ms). 0 is allowed: read back once at once.
func WithFillSettle(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d >= 0 {
			c.fillSettle = d
		}
	})
}

// Isolated gives the Session a browser context of its own (incognito: its own cookies, storage,
// cache and permissions), so parallel Sessions with different logins share nothing. Its tabs —
// the first one, and the one that replaces a crashed tab — all live in that context; Close
// disposes it. Reset can then clear everything an item left behind. With WithPage it is an
// error: an adopted page already belongs to a context.
func Isolated() Option { return optionFunc(func(c *config) { c.isolated = true }) }

// WithViewport sets the viewport of the Session's tabs (CSS pixels; the tab that replaces a
// crashed one gets it too), instead of the browser's default (1280×720 headless, see
// browser.Viewport). Sizes ≤ 0 are ignored.
func WithViewport(width, height int) Option {
	return optionFunc(func(c *config) {
		if width > 0 && height > 0 {
			c.viewport = &browser.Size{Width: width, Height: height}
		}
	})
}

// Dialog is a JS dialog the page opened.
//
// A plain value, safe for concurrent use.
type Dialog struct {
	Type          string // "alert", "confirm", "prompt", "beforeunload"
	Message       string
	DefaultPrompt string
	URL           string
}

// DialogHandler answers a dialog: accept or dismiss, and the text for a prompt. It is called on
// the session's event goroutine and must not block or call the Session.
//
// It may be called from the session's event goroutine while another goroutine uses the Session.
type DialogHandler func(d Dialog) (accept bool, promptText string)

// AcceptDialogs accepts every dialog; prompts get text (the page's default when text is "").
func AcceptDialogs(text string) DialogHandler {
	return func(d Dialog) (bool, string) {
		if text == "" {
			return true, d.DefaultPrompt
		}
		return true, text
	}
}

// DismissDialogs dismisses every dialog (confirm returns false, prompt null).
func DismissDialogs() DialogHandler { return func(Dialog) (bool, string) { return false, "" } }
