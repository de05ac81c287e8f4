package browser

import (
	"time"

	"go.uber.org/zap"
)

// Option configures Launch and Connect. Options are applied in order; a later one wins.
//
// Defaults, in one place:
//   - headless: true (Headless(false) opens a visible window; it needs $DISPLAY or $WAYLAND_DISPLAY)
//   - binary: $SMARTRETRY_BROWSER, else the system Chromium found by launcher.LookPath (Bin overrides both)
//   - download: never (AllowDownload(true) lets rod fetch its pinned Chromium when none is found)
//   - logger: zap.NewNop()
//   - flags: see Launch; Flag adds or overrides one
//   - viewport: every page NewPage (or Context.NewPage) opens in a headless browser is a
//     DefaultViewportWidth×DefaultViewportHeight (1280×720) desktop viewport; a visible window keeps
//     its own size (Viewport overrides both; Viewport(0, 0) leaves every page as Chromium made it)
//
// Connect uses only WithLogger; the other options describe a process Connect does not start.
// An Option is an immutable value: safe to share and to use from several goroutines.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type flag struct {
	name   string
	values []string
}

type config struct {
	headless      bool
	bin           string
	allowDownload bool
	logger        *zap.Logger
	flags         []flag
	loadGrace     time.Duration
	viewport      *Size // nil: the default (see Viewport)
	ignoreHTTPS   bool
	userAgent     string // "" : the browser's own
}

func newConfig(opts []Option) *config {
	c := &config{headless: true, logger: zap.NewNop(), loadGrace: DefaultLoadGrace}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	if c.logger == nil {
		c.logger = zap.NewNop()
	}
	return c
}

// Default viewport of the pages a headless browser opens: a common desktop size. Chromium's own
// headless window is 780×493 CSS pixels, which lays pages out like a phone's and hides elements a
// desktop user sees.
const (
	DefaultViewportWidth  = 1280
	DefaultViewportHeight = 720
)

// Size is a viewport size in CSS pixels. A plain value, safe for concurrent use.
type Size struct{ Width, Height int }

// Viewport sets the viewport (CSS pixels, device scale 1, not mobile) of every page this Browser
// opens, headless or not. Viewport(0, 0) turns the emulation off: pages keep the window's size.
// Negative sizes count as 0.
func Viewport(width, height int) Option {
	return optionFunc(func(c *config) {
		c.viewport = &Size{Width: max(width, 0), Height: max(height, 0)}
	})
}

// viewportFor is the viewport NewPage sets, or nil for none.
func (c *config) viewportFor() *Size {
	if c.viewport != nil {
		if c.viewport.Width == 0 || c.viewport.Height == 0 {
			return nil
		}
		return c.viewport
	}
	if !c.headless {
		return nil // a person's window: its own size
	}
	return &Size{Width: DefaultViewportWidth, Height: DefaultViewportHeight}
}

// DefaultLoadGrace is how long Navigate waits for the load event once the document has been
// parsed (DOMContentLoaded). See LoadGrace.
const DefaultLoadGrace = 3 * time.Second

// LoadGrace sets how long Navigate waits for the load event after DOMContentLoaded before it
// returns anyway (Response.Loaded false), or half the time left before the deadline if that is
// shorter. A page whose ad, tracker or huge image never finishes
// would otherwise fail as a timeout although its document arrived; the actions that follow wait
// for their own elements. 0 waits for the load event until the deadline. Default DefaultLoadGrace.
func LoadGrace(d time.Duration) Option {
	return optionFunc(func(c *config) { c.loadGrace = max(d, 0) })
}

// Headless chooses between a headless browser (true, the default) and a visible window (false).
func Headless(enabled bool) Option {
	return optionFunc(func(c *config) { c.headless = enabled })
}

// Bin sets the Chromium executable to run, ahead of $SMARTRETRY_BROWSER and the system lookup.
func Bin(path string) Option {
	return optionFunc(func(c *config) { c.bin = path })
}

// WithLogger sets where the package logs launches, crashes and closes (never cookies or values).
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}

// AllowDownload lets Launch download rod's pinned Chromium build when no browser is installed.
// Off by default: a surprise download of ~150 MB is never what a user of this package wants.
func AllowDownload(enabled bool) Option {
	return optionFunc(func(c *config) { c.allowDownload = enabled })
}

// Flag adds a Chromium command-line switch (name without the leading "--"), or replaces the value
// of one Launch sets itself, e.g. Flag("window-size", "1280,800") or Flag("lang", "de-DE").
func Flag(name string, values ...string) Option {
	return optionFunc(func(c *config) {
		c.flags = append(c.flags, flag{name: name, values: append([]string(nil), values...)})
	})
}
