package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// Defaults of a Config, documented once here.
const (
	DefaultActionTimeout  = 10 * time.Second
	DefaultSnapshotBudget = 25000
	DefaultHandOffTimeout = actions.DefaultHandOffTimeout
	// launchTimeout bounds starting (or connecting to) the browser on the first tool call.
	launchTimeout = 60 * time.Second
	// maxAgentRetryAfter is the longest Retry-After a call waits out (see New).
	maxAgentRetryAfter = 30 * time.Second
	// navTimeout is the least an attempt of a page load waits for its page (browser_navigate,
	// back, forward, a crashed tab's reload; a server slow to answer); two attempts and their
	// backoff stay within a client's 60 s request timeout.
	navTimeout = 25 * time.Second
)

// agentNetworkTimeout: a network_timeout is tried twice within a tool call, not three times
// (a navigation's attempt waits navTimeout).
var agentNetworkTimeout = retry.Config{MaxAttempts: 2, Strategy: retry.Immediate, MaxDelay: time.Minute}

// agentRateLimit is the backoff of a 429 within a tool call: 2 s, then 4 s (a Retry-After longer
// than that is honoured, up to maxAgentRetryAfter). ManagerOptions can set another.
var agentRateLimit = retry.Config{MaxAttempts: 3, Strategy: retry.ExponentialJitter, BaseDelay: 2 * time.Second, MaxDelay: 20 * time.Second}

// Config says how the server drives its browser. The zero value is usable: a headless Chromium
// launched on the first tool call, 10s per attempt of an action, hand-offs to a person when the
// client can ask one, 25k-character snapshots, no logs.
//
// A Config is a plain value; New copies it.
type Config struct {
	// Headful shows the browser window (a person can solve CAPTCHAs in it).
	Headful bool
	// BrowserURL connects to a running Chromium (ws:// or http://host:port) instead of launching
	// one; only the tabs the server opened are closed at the end.
	BrowserURL string
	// ActionTimeout is the deadline of one attempt of one action (DefaultActionTimeout).
	ActionTimeout time.Duration
	// HandOff is "auto" (default: ask a person through the client's elicitation, or when
	// browser_handoff is called, if a window can be shown), "on" (the same) or "off" (never: a
	// CAPTCHA ends the action with a "person needed" result).
	HandOff string
	// HandOffTimeout is how long a person has (DefaultHandOffTimeout).
	HandOffTimeout time.Duration
	// HandOffNotify is called when the person's window is ready (a desktop notification, or a
	// scripted person in tests).
	HandOffNotify func(ctx context.Context, p actions.HandOffPrompt)
	// Artifacts is a folder for error snapshots of failed actions ("" for none).
	Artifacts string
	// SnapshotBudget caps a snapshot's text in characters (DefaultSnapshotBudget).
	SnapshotBudget int
	// Logger gets the server's, the engine's and the browser's logs (zap.NewNop by default).
	Logger *zap.Logger
	// BrowserOptions are added when launching Chromium (and the hand-off's visible one).
	BrowserOptions []browser.Option
	// ManagerOptions tune the retry engine (per-type configs, breaker policy, a clock for tests).
	ManagerOptions []retry.Option
	// Version is reported to clients.
	Version string
	// IdleTimeout closes the browser (every tab) after this long without a tool call; the next
	// call starts a new one and its result says so. 0: never. Over HTTP a client can go away
	// without ending its session: this is what gives its browser back.
	IdleTimeout time.Duration
}

// Server is the MCP tool server: the tools, the browser behind them (started on the first tool
// call) and its tabs. Tool calls are served one at a time, in arrival order; it is safe for
// concurrent use.
type Server struct {
	cfg     Config
	log     *zap.Logger
	mcp     *mcp.Server
	mgr     *retry.Manager
	esc     *escalator
	handoff *actions.HandOff
	tools   map[string]bool

	call sync.Mutex // held for the whole of one tool call
	rec  recorder

	st       sync.Mutex // guards what follows
	b        *browser.Browser
	tabs     []*tab
	cur      int
	closed   bool
	sessions int
	dialog   dialogPolicy // set by browser_handle_dialog with no dialog open: answer the next ones at once
	callTab  *tab         // the tab of the call under way
	onModal  context.CancelCauseFunc
	secrets  []string
	// announced: popups a result has named already (adoptPopups), by target.
	announced map[proto.TargetTargetID]bool
	gen       uint64      // tool calls begun: an idle timer armed before the last one is stale
	idle      *time.Timer // closes the browser after cfg.IdleTimeout without a call
	idleNote  string      // for the next call: the browser was closed for idleness
	// onStart and onEnd: a client session of this Server began, the last one ended (Sessions).
	onStart, onEnd func(*Server)
}

// New builds the server and registers its tools. Nothing starts until a tool is called.
func New(cfg Config) *Server {
	if cfg.ActionTimeout <= 0 {
		cfg.ActionTimeout = DefaultActionTimeout
	}
	if cfg.SnapshotBudget <= 0 {
		cfg.SnapshotBudget = DefaultSnapshotBudget
	}
	if cfg.HandOffTimeout <= 0 {
		cfg.HandOffTimeout = DefaultHandOffTimeout
	}
	if cfg.HandOff == "" {
		cfg.HandOff = "auto"
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	s := &Server{cfg: cfg, log: cfg.Logger, tools: map[string]bool{}, announced: map[proto.TargetTargetID]bool{}}
	mopts := append([]retry.Option{
		retry.WithLogger(cfg.Logger.Named("retry")),
		retry.WithClassifier(browser.Classify),
		// A client waits about a minute for a call (the TypeScript SDK's default request
		// timeout), then cancels it and its agent learns nothing. The engine's rate-limit backoff
		// (30 s, then 60 s) outlasted that for a 429 that said Retry-After: 1; a Retry-After the
		// call cannot wait out is refused at once, saying how long the server asked for.
		retry.WithConfig(retry.RateLimit, agentRateLimit),
		retry.WithMaxRetryAfter(maxAgentRetryAfter),
		retry.WithConfig(retry.NetworkTimeout, agentNetworkTimeout),
	}, cfg.ManagerOptions...)
	s.mgr = retry.NewManager(append(mopts, retry.WithObserver(s.rec.observe))...)
	s.esc = &escalator{s: s}
	hopts := []actions.HandOffOption{
		actions.HandOffOutput(io.Discard), // stdout is the protocol; the client is told instead
		actions.HandOffInput(nil),
		actions.HandOffInteractive(true),
		actions.HandOffTimeout(cfg.HandOffTimeout),
		actions.HandOffBrowserOptions(cfg.BrowserOptions...),
	}
	if cfg.HandOffNotify != nil {
		hopts = append(hopts, actions.HandOffNotify(cfg.HandOffNotify))
	}
	s.handoff = actions.NewHandOff(hopts...)
	s.mcp = mcp.NewServer(&mcp.Implementation{Name: "smartretry", Title: "smartretry browser", Version: cfg.Version},
		&mcp.ServerOptions{
			Instructions: instructions,
			InitializedHandler: func(ctx context.Context, req *mcp.InitializedRequest) {
				s.follow(req.Session)
			},
		})
	s.mcp.AddReceivingMiddleware(s.unknownTools)
	s.register()
	return s
}

const instructions = `A browser whose every action survives flaky pages: stale or re-rendered elements are re-resolved, ` +
	`429/5xx/resets are waited out, crashed tabs are replaced. Take browser_snapshot, act by ref ([ref=e12] → target "e12"). ` +
	`Each result starts with one line saying what recovery happened, then the page (or what changed).`

// MCP is the underlying MCP server, to run on any transport.
func (s *Server) MCP() *mcp.Server { return s.mcp }

// Run serves one client on t (stdio, say) until it disconnects or ctx ends, then closes the browser.
func (s *Server) Run(ctx context.Context, t mcp.Transport) error {
	err := s.mcp.Run(ctx, t)
	if cerr := s.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// follow closes the browser once the last client session has ended (the HTTP transport's clients
// come and go; stdio's one client ends Run).
func (s *Server) follow(ss *mcp.ServerSession) {
	if ss == nil {
		return
	}
	s.st.Lock()
	s.sessions++
	onStart, onEnd := s.onStart, s.onEnd
	s.st.Unlock()
	if onStart != nil {
		onStart(s)
	}
	go func() {
		_ = ss.Wait()
		s.st.Lock()
		s.sessions--
		last := s.sessions == 0
		s.st.Unlock()
		if last {
			s.closeBrowser()
			if onEnd != nil {
				onEnd(s)
			}
		}
	}()
}

// sessionHooks sets what is called when a client session of s begins and when the last one ends.
func (s *Server) sessionHooks(onStart, onEnd func(*Server)) {
	s.st.Lock()
	defer s.st.Unlock()
	s.onStart, s.onEnd = onStart, onEnd
}

// Close closes every tab and the browser (a connected browser keeps running; only our tabs go).
// Idempotent; tool calls after it fail.
func (s *Server) Close() error {
	s.st.Lock()
	s.closed = true
	if s.idle != nil {
		s.idle.Stop()
	}
	s.st.Unlock()
	return s.closeBrowser()
}

func (s *Server) closeBrowser() error {
	s.st.Lock()
	b, tabs := s.b, s.tabs
	s.b, s.tabs, s.cur = nil, nil, 0
	s.announced = map[proto.TargetTargetID]bool{}
	s.st.Unlock()
	for _, t := range tabs {
		t.close()
	}
	if b == nil {
		return nil
	}
	s.log.Info("closing the browser")
	return b.Close()
}

// begin starts a tool call: one at a time; the idle timer stops.
func (s *Server) begin() {
	s.call.Lock()
	s.st.Lock()
	s.gen++
	if s.idle != nil {
		s.idle.Stop()
	}
	s.st.Unlock()
}

// end ends a tool call; with a browser open, the idle timer starts again.
func (s *Server) end() {
	s.st.Lock()
	if d := s.cfg.IdleTimeout; d > 0 && s.b != nil && !s.closed {
		g := s.gen
		s.idle = time.AfterFunc(d, func() { s.idleClose(g) })
	}
	s.st.Unlock()
	s.call.Unlock()
}

// idleClose closes the browser when no tool call has begun since the timer of call gen was armed.
func (s *Server) idleClose(gen uint64) {
	s.call.Lock()
	defer s.call.Unlock()
	s.st.Lock()
	stale := s.gen != gen || s.closed || s.b == nil
	if !stale {
		s.idleNote = fmt.Sprintf("the browser was closed after %s without a tool call (--idle-timeout): its tabs, cookies and page state are gone; this call started a new one", s.cfg.IdleTimeout)
	}
	s.st.Unlock()
	if stale {
		return
	}
	s.log.Info("no tool call for a while: closing the browser", zap.Duration("idle", s.cfg.IdleTimeout))
	if err := s.closeBrowser(); err != nil {
		s.log.Warn("close the idle browser", zap.Error(err))
	}
}

// takeIdleNote returns (once) the note that the browser was closed for idleness.
func (s *Server) takeIdleNote() string {
	s.st.Lock()
	defer s.st.Unlock()
	n := s.idleNote
	s.idleNote = ""
	return n
}

// current returns the tab tools act on, starting the browser and a first tab when there is none.
func (s *Server) current(ctx context.Context) (*tab, error) {
	s.st.Lock()
	if s.closed {
		s.st.Unlock()
		return nil, errors.New("the server is shutting down")
	}
	if len(s.tabs) > 0 {
		t := s.tabs[s.cur]
		s.st.Unlock()
		return t, nil
	}
	s.st.Unlock()
	if _, err := s.ensureBrowser(ctx); err != nil {
		return nil, err
	}
	t, err := s.openTab(ctx)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Server) ensureBrowser(ctx context.Context) (*browser.Browser, error) {
	s.st.Lock()
	b := s.b
	s.st.Unlock()
	if b != nil {
		return b, nil
	}
	lctx, cancel := context.WithTimeout(ctx, launchTimeout)
	defer cancel()
	opts := append([]browser.Option{browser.WithLogger(s.log.Named("browser"))}, s.cfg.BrowserOptions...)
	var err error
	if s.cfg.BrowserURL != "" {
		b, err = browser.Connect(lctx, s.cfg.BrowserURL, opts...)
		if err != nil {
			return nil, fmt.Errorf("connect to the browser at %s: %w", s.cfg.BrowserURL, err)
		}
	} else {
		b, err = browser.Launch(lctx, append(opts, browser.Headless(!s.cfg.Headful))...)
		if err != nil {
			return nil, fmt.Errorf("start the browser: %w", err)
		}
	}
	s.st.Lock()
	if s.closed {
		s.st.Unlock()
		_ = b.Close()
		return nil, errors.New("the server is shutting down")
	}
	s.b = b
	s.st.Unlock()
	return b, nil
}

// openTab opens a new tab (a new Session), makes it the current one and returns it.
func (s *Server) openTab(ctx context.Context) (*tab, error) {
	b, err := s.ensureBrowser(ctx)
	if err != nil {
		return nil, err
	}
	t := &tab{refs: map[string]refInfo{}, next: 1}
	sess, err := actions.NewSession(b, s.sessionOptions(t)...)
	if err != nil {
		return nil, err
	}
	t.sess = sess
	t.prepare(ctx)
	s.st.Lock()
	s.tabs = append(s.tabs, t)
	s.cur = len(s.tabs) - 1
	s.st.Unlock()
	return t, nil
}

// sessionOptions are the options of the Session of tab t (its sess is set after).
func (s *Server) sessionOptions(t *tab) []actions.Option {
	opts := []actions.Option{
		actions.WithManager(s.mgr),
		actions.WithEscalator(s.esc),
		actions.WithTimeout(s.cfg.ActionTimeout),
		actions.WithNavigationTimeout(max(s.cfg.ActionTimeout, navTimeout)),
		actions.WithLogger(s.log.Named("actions")),
		actions.WithDialogs(func(d actions.Dialog) (bool, string) { return s.onDialog(t, d) }),
	}
	if s.cfg.Artifacts != "" {
		opts = append(opts, actions.WithArtifacts(s.cfg.Artifacts))
	}
	return opts
}

// adoptPopups makes the pages our tabs opened (a target=_blank link, window.open) tabs of the
// tools too, as Playwright MCP lists them: they are added after the others and the current tab
// stays current. It returns the tabs added, and the URLs of the pages opened that could not be
// adopted within wait because their first document is still waiting for its server (they are
// adopted by a later call; each is returned once).
func (s *Server) adoptPopups(ctx context.Context, wait time.Duration) (added []*tab, loading []string) {
	s.st.Lock()
	b, tabs := s.b, append([]*tab(nil), s.tabs...)
	s.st.Unlock()
	if b == nil || len(tabs) == 0 {
		return nil, nil
	}
	ours := map[proto.TargetTargetID]bool{}
	for _, t := range tabs {
		if p := t.sess.Page(); p != nil {
			ours[p.TargetID] = true
		}
	}
	gctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	list, err := proto.TargetGetTargets{}.Call(b.Rod().Context(gctx))
	if err != nil {
		return nil, nil
	}
	s.dropGone(list.TargetInfos)
	deadline := time.Now().Add(wait)
	for _, ti := range list.TargetInfos {
		if ti.Type != proto.TargetTargetInfoTypePage || ours[ti.TargetID] || !ours[ti.OpenerID] {
			continue
		}
		// rod's PageFromTarget enables the Page domain, which Chromium answers only once the
		// page's first document has committed: for a popup whose server is slow that is a
		// wait without end, under a lock of rod's. Ask on a session of our own first, bounded.
		if !attachable(ctx, b.Rod(), ti.TargetID, time.Until(deadline)) {
			s.st.Lock()
			if !s.announced[ti.TargetID] {
				s.announced[ti.TargetID] = true
				loading = append(loading, ti.URL)
			}
			s.st.Unlock()
			continue
		}
		t, ok := s.adoptOne(b, ti.TargetID, time.Until(deadline))
		if !ok {
			// Held between the probe and the adoption (a dialog it opened, a script that loops):
			// it holds the pages of its renderer too, its opener's among them, and no tool can
			// reach it. It is closed (the browser does that even for a held page).
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			_, _ = proto.TargetCloseTarget{TargetID: ti.TargetID}.Call(b.Rod().Context(cctx))
			cancel()
			what := "a new tab"
			if ti.URL != "" {
				what += " (" + clip(ti.URL, 200) + ")"
			}
			s.rec.note("the page opened " + what + " that did not answer (held by a dialog or a script): it was closed, as it held the pages it shares a renderer with")
			s.st.Lock()
			s.announced[ti.TargetID] = true
			s.st.Unlock()
			continue
		}
		if t == nil {
			continue // closed meanwhile
		}
		t.prepare(ctx)
		ours[ti.TargetID] = true
		s.st.Lock()
		if s.b != b { // the browser was closed meanwhile
			s.st.Unlock()
			return added, loading
		}
		s.tabs = append(s.tabs, t)
		announced := s.announced[ti.TargetID]
		s.st.Unlock()
		if !announced {
			added = append(added, t)
		}
	}
	return added, loading
}

// adoptOne makes a tab of the page of target, within d. rod's PageFromTarget and the Session's
// event subscriptions enable DevTools domains with no deadline, which a page held by a dialog
// does not answer: past d the work is abandoned (it ends when the page closes, and what it made
// is closed then) and ok is false. A nil tab with ok: the page is gone.
func (s *Server) adoptOne(b *browser.Browser, target proto.TargetTargetID, d time.Duration) (t *tab, ok bool) {
	type made struct {
		t   *tab
		err error
	}
	done := make(chan made, 1)
	var mu sync.Mutex
	abandoned := false
	go func() {
		// Not under a call's context: the page keeps the browser value it was made from (rod's
		// Info, Close and others go through it), which must outlive this call.
		p, err := b.Rod().PageFromTarget(target)
		if err != nil {
			done <- made{err: err} // buffered
			return
		}
		t := &tab{refs: map[string]refInfo{}, next: 1, adopted: true}
		sess, err := actions.NewSession(b, append(s.sessionOptions(t), actions.WithPage(p))...)
		if err != nil {
			done <- made{err: err} // buffered
			return
		}
		t.sess = sess
		mu.Lock()
		late := abandoned
		if !late {
			done <- made{t: t} // buffered
		}
		mu.Unlock()
		if late {
			t.close()
		}
	}()
	tm := time.NewTimer(max(d, time.Second))
	defer tm.Stop()
	select {
	case m := <-done:
		return m.t, true
	case <-tm.C:
	}
	mu.Lock()
	abandoned = true
	mu.Unlock()
	select {
	case m := <-done: // made just now, or failed
		return m.t, true
	default:
		return nil, false
	}
}

// attachable reports whether the page of target answers the Page domain within d (see
// adoptPopups), on a DevTools session of its own that is detached after.
func attachable(ctx context.Context, b *rod.Browser, target proto.TargetTargetID, d time.Duration) bool {
	d = max(d, 100*time.Millisecond)
	actx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	sess, err := proto.TargetAttachToTarget{TargetID: target, Flatten: true}.Call(b.Context(actx))
	if err != nil {
		return false
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = proto.TargetDetachFromTarget{SessionID: sess.SessionID}.Call(b.Context(dctx))
	}()
	_, err = b.Call(actx, string(sess.SessionID), "Page.enable", nil)
	return err == nil
}

// dropGone forgets the adopted tabs whose page is no longer among the browser's targets: the
// page closed itself (window.close) or went with the tab that opened it.
func (s *Server) dropGone(targets []*proto.TargetTargetInfo) {
	live := map[proto.TargetTargetID]bool{}
	for _, ti := range targets {
		live[ti.TargetID] = true
	}
	var gone []*tab
	s.st.Lock()
	if len(s.tabs) == 0 {
		s.st.Unlock()
		return
	}
	cur := s.tabs[s.cur]
	kept := s.tabs[:0:0]
	for _, t := range s.tabs {
		if p := t.sess.Page(); t.adopted && p != nil && !live[p.TargetID] {
			gone = append(gone, t)
			continue
		}
		kept = append(kept, t)
	}
	if len(gone) > 0 {
		s.tabs, s.cur = kept, 0
		for i, t := range kept {
			if t == cur {
				s.cur = i
			}
		}
	}
	s.st.Unlock()
	for _, t := range gone {
		t.releaseDialog()
		t.console.close()
		_ = t.sess.Close()
	}
}

// tab is one browser tab: its Session and the refs its snapshots gave out.
type tab struct {
	sess     *actions.Session
	refs     map[string]refInfo
	next     int       // the next ref number
	last     *pageView // the last snapshot shown, for "what changed"
	prepared any       // the page listeners.js was installed on
	asked    string    // the URL browser_navigate asked for last
	adopted  bool      // a page one of our tabs opened (adoptPopups): its Session leaves it open
	console  consoleLog
	dmu      sync.Mutex  // guards dialog
	dialog   *openDialog // a dialog the page opened that waits for browser_handle_dialog
}

// close ends the tab's Session and closes its page.
func (t *tab) close() {
	t.releaseDialog()
	p := t.sess.Page()
	t.console.close()
	_ = t.sess.Close()
	if t.adopted && p != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = p.Context(ctx).Close()
	}
}

// prepare installs listeners.js on the tab's page (again after a crash replaced it).
func (t *tab) prepare(ctx context.Context) {
	p := t.sess.Page()
	if p == nil || t.prepared == any(p) {
		return
	}
	t.prepared = p
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, _ = proto.PageAddScriptToEvaluateOnNewDocument{Source: listenersJS}.Call(p.Context(pctx))
	// A file input's chooser opens no dialog; its node waits for browser_file_upload.
	_ = proto.PageSetInterceptFileChooserDialog{Enabled: true}.Call(p.Context(pctx))
	t.console.watch(p)
}

// rememberSecret keeps a typed secret so that no result, log or snapshot shows it.
func (s *Server) rememberSecret(v string) {
	if v == "" {
		return
	}
	s.st.Lock()
	defer s.st.Unlock()
	s.secrets = append(s.secrets, v)
}

func (s *Server) secretValues() []string {
	s.st.Lock()
	defer s.st.Unlock()
	return append([]string(nil), s.secrets...)
}
