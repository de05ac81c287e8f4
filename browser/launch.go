package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/cdp"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"
)

// EnvBrowser names the environment variable that points Launch at a Chromium executable.
const EnvBrowser = "SMARTRETRY_BROWSER"

// ErrNoBrowser is returned by Launch when no Chromium is installed and downloading is not allowed.
var ErrNoBrowser = errors.New("no Chromium found: install Debian's chromium (apt-get install chromium) or set " + EnvBrowser)

// Browser is one Chromium, launched by Launch or attached by Connect, with crash watching for
// every page it opens. It is safe for concurrent use; a *rod.Page it returns is not (clone it with
// Guard or Page.Context per goroutine, as rod recommends).
type Browser struct {
	rod        *rod.Browser
	ws         *cdp.WebSocket
	controlURL string
	headless   bool
	log        *zap.Logger
	loadGrace  time.Duration
	ctx        context.Context    // the browser's lifetime
	cancel     context.CancelFunc // ends every rod goroutine bound to that lifetime
	proc       *process           // nil when connected to someone else's browser
	watch      *watcher
	viewport   *Size  // set on every new page; nil: none
	userAgent  string // set on every new page of a connected browser (a launched one has the flag)

	mu       sync.Mutex
	owned    []*rod.Page                            // pages this Browser opened (closed on Close when connected)
	contexts map[proto.BrowserBrowserContextID]bool // contexts NewContext made and Close has not disposed

	closeOnce sync.Once
	closeErr  error
}

// Launch starts a fresh Chromium with an empty temporary profile and connects to it.
//
// The executable is Bin's, else $SMARTRETRY_BROWSER, else the system Chromium (launcher.LookPath);
// nothing is downloaded unless AllowDownload(true). It runs headless unless Headless(false), with
// --no-sandbox when running as root, and always with --disable-gpu --disable-background-networking
// --disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage and a fresh
// --user-data-dir that Close removes.
//
// The process runs in its own process group, which Close (or a ctx that ends during Launch)
// kills as a whole; it also gets SIGKILL if the Go process dies first (Linux parent-death signal),
// so no Chromium outlives its owner. rod's "leakless" guard is not used: it extracts a helper
// binary to /tmp and serialises launches on a fixed TCP port, and the group kill does its job.
//
// If Chromium exits before it is ready, the error carries Chromium's own last output lines.
// If ctx ends first, Launch returns ctx's error and leaves no process behind.
func Launch(ctx context.Context, opts ...Option) (*Browser, error) {
	cfg := newConfig(opts)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := CheckUserAgent(cfg.userAgent); err != nil {
		return nil, fmt.Errorf("user agent: %w", err)
	}
	bin, err := findBin(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if !cfg.headless && !DisplayAvailable() {
		return nil, errors.New("launch chromium: a visible browser (Headless(false)) needs a display: set $DISPLAY or $WAYLAND_DISPLAY (or run under Xvfb)")
	}
	dir, err := os.MkdirTemp("", "smartretry-chromium-")
	if err != nil {
		return nil, fmt.Errorf("launch chromium: profile dir: %w", err)
	}
	if err := writeProfilePrefs(dir); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("launch chromium: profile prefs: %w", err)
	}
	proc, wsURL, err := startChromium(ctx, bin, chromiumArgs(cfg, dir), dir, cfg.logger)
	if err != nil {
		return nil, err
	}
	b, err := connect(ctx, wsURL, cfg, proc)
	if err == nil && cfg.ignoreHTTPS {
		if err = b.SetIgnoreHTTPSErrors(ctx, true); err != nil {
			_ = b.Close()
		}
	}
	if err != nil {
		proc.kill()
		return nil, err
	}
	b.headless = cfg.headless
	b.viewport = cfg.viewportFor()
	b.userAgent = cfg.userAgent
	cfg.logger.Info("chromium launched", zap.String("bin", bin), zap.Int("pid", proc.pid),
		zap.Bool("headless", cfg.headless), zap.String("control_url", wsURL))
	return b, nil
}

// Connect attaches to a running Chromium's DevTools endpoint: a ws:// URL as Chromium prints it,
// or http://host:port (resolved through /json/version). Close then closes the tabs this Browser
// opened and disconnects; it does not stop that browser.
func Connect(ctx context.Context, controlURL string, opts ...Option) (*Browser, error) {
	cfg := newConfig(opts)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := CheckUserAgent(cfg.userAgent); err != nil {
		return nil, fmt.Errorf("user agent: %w", err)
	}
	wsURL, err := resolveControlURL(ctx, controlURL)
	if err != nil {
		return nil, err
	}
	b, err := connect(ctx, wsURL, cfg, nil)
	if err != nil {
		return nil, err
	}
	if cfg.ignoreHTTPS {
		if err := b.SetIgnoreHTTPSErrors(ctx, true); err != nil {
			_ = b.Close()
			return nil, err
		}
	}
	vctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if v, err := (proto.BrowserGetVersion{}).Call(b.rod.Context(vctx)); err == nil {
		b.headless = strings.Contains(v.UserAgent, "Headless")
	}
	cfg.headless = b.headless
	b.viewport = cfg.viewportFor()
	b.userAgent = cfg.userAgent
	cfg.logger.Info("chromium connected", zap.String("control_url", wsURL), zap.Bool("headless", b.headless))
	return b, nil
}

// connect opens the CDP websocket and starts rod and the crash watcher on it. Everything
// long-lived is bound to the browser's own context, not ctx: ctx only bounds the connecting.
func connect(ctx context.Context, wsURL string, cfg *config, proc *process) (*Browser, error) {
	ws := &cdp.WebSocket{}
	if err := ws.Connect(ctx, wsURL, nil); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("connect to chromium at %s: %w", wsURL, err)
	}
	bctx, cancel := context.WithCancel(context.Background())
	// A ctx that ends while we talk to the browser breaks the connection, so no call below can hang.
	stop := context.AfterFunc(ctx, func() { _ = ws.Close() })
	client := cdp.New().Start(ws)
	rb := rod.New().ControlURL("").Client(client).Context(bctx).NoDefaultDevice()
	err := rb.Connect()
	if !stop() {
		err = ctx.Err()
	}
	if err != nil {
		cancel()
		_ = ws.Close()
		return nil, fmt.Errorf("connect to chromium at %s: %w", wsURL, err)
	}
	b := &Browser{
		rod:        rb,
		ws:         ws,
		controlURL: wsURL,
		log:        cfg.logger,
		loadGrace:  cfg.loadGrace,
		ctx:        bctx,
		cancel:     cancel,
		proc:       proc,
	}
	b.watch = newWatcher(rb, cfg.logger)
	return b, nil
}

// Rod returns the underlying rod browser, for what this package does not wrap.
func (b *Browser) Rod() *rod.Browser { return b.rod }

// PagesOpened counts the page targets (tabs, popups) created in the browser since this Browser
// connected, whoever opened them: a caller that remembers the count can tell cheaply whether any
// tab appeared since (Session.Reset skips looking for stray popups when none did).
func (b *Browser) PagesOpened() uint64 { return b.watch.pages.Load() }

// IsHeadless reports whether the browser has no visible window. For Connect it is read from
// the browser's user agent.
func (b *Browser) IsHeadless() bool { return b.headless }

// ControlURL is the browser's DevTools websocket URL; Connect accepts it.
func (b *Browser) ControlURL() string { return b.controlURL }

// PID is the launched Chromium's process id (the leader of its process group), or 0 after Connect.
func (b *Browser) PID() int {
	if b.proc == nil {
		return 0
	}
	return b.proc.pid
}

// NewPage opens an about:blank tab in the browser's default context (shared cookies and storage)
// that is crash-watched from birth (see CrashSignal) and has the browser's viewport (see
// Viewport). ctx bounds the opening only; the page lives until it is closed or the browser is.
func (b *Browser) NewPage(ctx context.Context) (*rod.Page, error) {
	return b.newPage(ctx, "")
}

// newPage opens a tab in the browser context id ("" for the default one).
func (b *Browser) newPage(ctx context.Context, id proto.BrowserBrowserContextID) (*rod.Page, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b.watch.isClosed() {
		return nil, errors.New("new page: browser is closed")
	}
	// rod binds a page's lifetime to the context it was created with, so create it under a
	// context that follows ctx only until the page exists.
	pctx, cancel := context.WithCancel(b.ctx)
	stop := context.AfterFunc(ctx, cancel)
	rb := b.rod.Context(pctx)
	target, err := proto.TargetCreateTarget{URL: "about:blank", BrowserContextID: id}.Call(rb)
	if err != nil {
		stop()
		cancel()
		return nil, b.pageErr(ctx, err)
	}
	st := b.watch.registerTarget(target.TargetID)
	p, err := b.attach(rb, target.TargetID)
	if !stop() {
		err = ctx.Err()
	}
	if err != nil {
		cancel()
		b.closeTarget(target.TargetID)
		return nil, b.pageErr(ctx, err)
	}
	// pctx is never cancelled from here on: the page's life follows the browser's (b.cancel
	// ends the connection, which ends rod's per-page goroutines).
	b.watch.bindSession(st, p.SessionID)
	b.mu.Lock()
	live := b.owned[:0]
	for _, o := range b.owned {
		if _, gone := b.watch.state(o).crashed(); !gone {
			live = append(live, o)
		}
	}
	b.owned = append(live, p)
	b.mu.Unlock()
	return p, nil
}

func (b *Browser) attach(rb *rod.Browser, id proto.TargetTargetID) (*rod.Page, error) {
	p, err := rb.PageFromTarget(id)
	if err != nil {
		return nil, err
	}
	// Inspector.targetCrashed arrives on the page's own session only once Inspector is enabled;
	// Network is enabled once for good so Navigate's subscriptions never toggle it for others.
	if err := (proto.InspectorEnable{}).Call(p); err != nil {
		return nil, err
	}
	if b.userAgent != "" && b.proc == nil { // a launched browser has --user-agent for every target
		if err := (proto.NetworkSetUserAgentOverride{UserAgent: b.userAgent}).Call(p); err != nil {
			return nil, err
		}
	}
	if err := (proto.NetworkEnable{}).Call(p); err != nil {
		return nil, err
	}
	// Every tab behaves as the focused one: with several sessions in one browser, a new tab would
	// otherwise take the focus from the others, blurring their inputs (firing "change", closing
	// menus) and pausing focus-dependent pages in the middle of an action.
	if err := (proto.EmulationSetFocusEmulationEnabled{Enabled: true}).Call(p); err != nil {
		return nil, err
	}
	if b.viewport != nil {
		if err := SetViewport(p, *b.viewport); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// SetViewport gives p a desktop viewport of s (CSS pixels, device scale 1, not mobile) until the
// page is closed; the screen reports the same size. It runs on p as given: bind a deadline with
// p.Context or Guard.
func SetViewport(p *rod.Page, s Size) error {
	if s.Width <= 0 || s.Height <= 0 {
		return proto.EmulationClearDeviceMetricsOverride{}.Call(p)
	}
	return proto.EmulationSetDeviceMetricsOverride{Width: s.Width, Height: s.Height, DeviceScaleFactor: 1,
		ScreenWidth: &s.Width, ScreenHeight: &s.Height}.Call(p)
}

// closeTarget closes a tab and waits (briefly) until the browser reports it gone.
func (b *Browser) closeTarget(id proto.TargetTargetID) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st := b.watch.registerTarget(id)
	if _, err := (proto.TargetCloseTarget{TargetID: id}).Call(b.rod.Context(ctx)); err != nil {
		return
	}
	select {
	case <-st.ctx.Done():
	case <-ctx.Done():
	}
}

func (b *Browser) pageErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if b.watch.isClosed() {
		return fmt.Errorf("new page: browser is closed: %w", err)
	}
	return fmt.Errorf("new page: %w", err)
}

// Close ends the browser: for Launch it kills Chromium's whole process group and removes the
// temporary profile; for Connect it closes the tabs this Browser opened and disconnects.
// Every crash signal fires, so pending Guard calls end. Close is idempotent and safe to call
// concurrently; later calls return the first call's result.
func (b *Browser) Close() error {
	b.closeOnce.Do(func() {
		if b.proc == nil {
			b.mu.Lock()
			pages := b.owned
			var ids []proto.BrowserBrowserContextID
			for id := range b.contexts {
				ids = append(ids, id)
			}
			b.mu.Unlock()
			for _, p := range pages {
				b.closeTarget(p.TargetID)
			}
			for _, id := range ids {
				b.disposeContext(id)
			}
		}
		b.watch.shutdown("browser closed")
		b.cancel()
		_ = b.ws.Close()
		if b.proc != nil {
			b.closeErr = b.proc.kill()
		}
		<-b.watch.done
		b.log.Info("chromium closed", zap.Int("pid", b.PID()))
	})
	return b.closeErr
}

// resolveControlURL turns "host:port", "http://host:port" or a ws:// URL into the browser's
// websocket URL, asking /json/version when needed.
func resolveControlURL(ctx context.Context, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errors.New("connect: empty control URL")
	}
	if strings.HasPrefix(s, "ws://") || strings.HasPrefix(s, "wss://") {
		return s, nil
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("connect: control URL %q: %w", raw, err)
	}
	u.Path = "/json/version"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", fmt.Errorf("connect: control URL %q: %w", raw, err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("connect: %w", err)
	}
	defer res.Body.Close()
	var v struct {
		WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil || v.WebSocketDebuggerURL == "" {
		return "", fmt.Errorf("connect: %s did not answer like a DevTools endpoint (status %d)", u, res.StatusCode)
	}
	return v.WebSocketDebuggerURL, nil
}

// profilePrefs turns Chromium's network prediction off. With it on, Chromium preconnects sockets
// and silently resends a request whose socket was reset, so a reset the server really sent never
// reaches the caller (observed with Chromium 156: one navigation ate two resets) and the retry
// layer cannot count or back off. Off, every reset is one navigation error.
const profilePrefs = `{"net":{"network_prediction_options":2}}`

func writeProfilePrefs(dir string) error {
	def := filepath.Join(dir, "Default")
	if err := os.MkdirAll(def, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(def, "Preferences"), []byte(profilePrefs), 0o600)
}
