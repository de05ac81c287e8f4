package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/mcpserver"
)

// defaultIdleTimeout is --idle-timeout's default. Over HTTP a client that goes away without
// ending its session (no DELETE: killed, asleep, network gone) looks like a quiet one; its
// session lasts 30 minutes, its browser only this long.
const defaultIdleTimeout = 10 * time.Minute

// EnvMCPToken is the variable --token defaults to.
const EnvMCPToken = "SMARTRETRY_MCP_TOKEN"

type mcpOpts struct {
	httpAddr       string
	allowRemote    bool
	token          string
	headful        bool
	browserURL     string
	actionTimeout  time.Duration
	handoff        string
	handoffTimeout time.Duration
	artifacts      string
	logFormat      string
	verbose        int
	budget         int
	idleTimeout    time.Duration
	idleSet        bool // --idle-timeout given: it applies to stdio too
	ignoreHTTPS    bool
	userAgent      string
}

func newMCPCmd(io stdio) *cobra.Command {
	var o mcpOpts
	c := &cobra.Command{
		Use:   "mcp [flags]",
		Short: "MCP tool server for LLM agents: a browser whose actions survive flaky pages",
		Long: `Serve browser tools over the Model Context Protocol, with Playwright MCP's tool and argument
names (browser_navigate, browser_snapshot, browser_click {target}, browser_type, …) plus
browser_extract, retry_stats and browser_handoff. Every action goes through smartretry's retry
layer: re-rendered elements are found again by ref, 429/5xx/resets are waited out, crashed tabs
replaced, covered elements refused at once naming the cover, CAPTCHAs handed to a person.

The transport is stdio (stdout is the protocol; logs go to stderr), or streamable HTTP with
--http. The browser starts on the first tool call and closes when the client disconnects; over
HTTP each client session has a browser of its own.`,
		Example: `  smartretry mcp                                   # stdio, for an MCP client's config
  smartretry mcp --http 127.0.0.1:8931             # streamable HTTP at http://127.0.0.1:8931/mcp
  SMARTRETRY_MCP_TOKEN=s3cret smartretry mcp --http 0.0.0.0:8931 --allow-remote`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.idleSet = cmd.Flags().Changed("idle-timeout")
			return runMCP(cmd.Context(), io, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.httpAddr, "http", "", "serve streamable HTTP on this address (e.g. 127.0.0.1:8931) instead of stdio")
	f.BoolVar(&o.allowRemote, "allow-remote", false, "allow --http on a non-loopback address (unsafe without --token)")
	f.StringVar(&o.token, "token", os.Getenv(EnvMCPToken), "bearer token HTTP clients must send (default $"+EnvMCPToken+")")
	f.BoolVar(&o.headful, "headful", false, "show the browser window (a person can solve CAPTCHAs in it)")
	f.BoolVar(&o.ignoreHTTPS, "ignore-https-errors", false, "accept certificates the browser would refuse (a test server's self-signed one); never for sites whose identity matters")
	f.StringVar(&o.userAgent, "user-agent", "", "the User-Agent every page sends and reports (default: the browser's own)")
	f.StringVar(&o.browserURL, "browser-url", "", "connect to a running Chromium (ws://… or http://host:port) instead of launching one; only our tabs are closed")
	f.DurationVar(&o.actionTimeout, "action-timeout", mcpserver.DefaultActionTimeout, "deadline of one attempt of one action")
	f.StringVar(&o.handoff, "handoff", "auto", "CAPTCHA/login hand-off to a person: auto (through the client's elicitation, when a window can be shown), on, off")
	f.DurationVar(&o.handoffTimeout, "handoff-timeout", mcpserver.DefaultHandOffTimeout, "how long a person has to solve a CAPTCHA")
	f.StringVar(&o.artifacts, "artifacts", "", "folder for error snapshots of failed actions")
	f.StringVar(&o.logFormat, "log-format", "console", "log format on stderr: console or json")
	f.CountVarP(&o.verbose, "verbose", "v", "-v logs recoveries (info), -vv every step (debug)")
	f.DurationVar(&o.idleTimeout, "idle-timeout", defaultIdleTimeout, "close the browser after this long without a tool call (the next call starts a new one); applies to --http, and to stdio when given; 0: never")
	f.IntVar(&o.budget, "snapshot-budget", mcpserver.DefaultSnapshotBudget, "longest snapshot text, in characters")
	return c
}

func runMCP(ctx context.Context, sio stdio, o mcpOpts) error {
	switch o.handoff {
	case "auto", "on", "off":
	default:
		return exitWith(exitUsage, fmt.Errorf("--handoff: want auto, on or off, got %q", o.handoff))
	}
	if o.actionTimeout <= 0 || o.handoffTimeout <= 0 {
		return exitWith(exitUsage, errors.New("--action-timeout and --handoff-timeout must be positive"))
	}
	if o.idleTimeout < 0 {
		return exitWith(exitUsage, fmt.Errorf("--idle-timeout: want 0 (never) or a positive duration, got %s", o.idleTimeout))
	}
	idle := o.idleTimeout
	if o.httpAddr == "" && !o.idleSet {
		idle = 0 // stdio: the client's process ends ours when it goes
	}
	if o.budget < 1000 {
		return exitWith(exitUsage, fmt.Errorf("--snapshot-budget: want at least 1000 characters, got %d", o.budget))
	}
	log, err := newLogger(sio.err, o.logFormat, o.verbose)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	defer func() { _ = log.Sync() }()
	var bopts []browser.Option
	if o.ignoreHTTPS {
		bopts = append(bopts, browser.IgnoreHTTPSErrors())
	}
	if o.userAgent != "" {
		if err := browser.CheckUserAgent(o.userAgent); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--user-agent: %w", err))
		}
		bopts = append(bopts, browser.UserAgent(o.userAgent))
	}
	cfg := mcpserver.Config{
		BrowserOptions: bopts,
		Headful:        o.headful,
		BrowserURL:     o.browserURL,
		ActionTimeout:  o.actionTimeout,
		HandOff:        o.handoff,
		HandOffTimeout: o.handoffTimeout,
		Artifacts:      o.artifacts,
		SnapshotBudget: o.budget,
		Logger:         log,
		Version:        "1",
		IdleTimeout:    idle,
	}
	if o.httpAddr != "" {
		return serveMCPHTTP(ctx, sio, o, cfg, log)
	}
	srv := mcpserver.New(cfg)
	in, ok := sio.in.(io.ReadCloser)
	if !ok {
		in = readCloser{sio.in}
	}
	t := &mcp.IOTransport{Reader: in, Writer: writeCloser{sio.out}}
	errc := make(chan error, 1)
	go func() { errc <- srv.Run(ctx, t) }()
	select {
	case err := <-errc:
		if err != nil && !errors.Is(err, io.EOF) && ctx.Err() == nil {
			log.Warn("mcp session ended", zap.Error(err))
		}
	case <-ctx.Done():
		// SIGINT/SIGTERM: the browser goes first; a read blocked on stdin must not hold us.
		_ = srv.Close()
		select {
		case <-errc:
		case <-time.After(2 * time.Second):
		}
	}
	if ctx.Err() != nil {
		return exitWith(exitInterrupted, nil)
	}
	return nil
}

// serveMCPHTTP serves streamable HTTP at /mcp (and /) until ctx ends; each client session has a
// browser of its own (mcpserver.Sessions).
func serveMCPHTTP(ctx context.Context, sio stdio, o mcpOpts, cfg mcpserver.Config, log *zap.Logger) error {
	host, _, err := net.SplitHostPort(o.httpAddr)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("--http: %w", err))
	}
	if !isLoopback(host) && !o.allowRemote {
		return exitWith(exitUsage, fmt.Errorf("--http: %s is not a loopback address: anyone who reaches it drives your browser; add --allow-remote (and --token) if you mean it", host))
	}
	if !isLoopback(host) && o.token == "" {
		fmt.Fprintln(sio.err, "smartretry mcp: WARNING: listening beyond this machine without --token: anyone who reaches the port drives the browser")
	}
	ln, err := net.Listen("tcp", o.httpAddr)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("--http: %w", err))
	}
	h := mcpserver.NewSessions(cfg, &mcp.StreamableHTTPOptions{SessionTimeout: 30 * time.Minute, DisableLocalhostProtection: o.allowRemote})
	var handler http.Handler = h
	if o.token != "" {
		handler = bearer(o.token, h)
	}
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(sio.err, "smartretry mcp: listening on http://%s/mcp\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
	}
	if cerr := h.Close(); cerr != nil {
		log.Warn("close the browsers", zap.Error(cerr))
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return exitWith(exitFailed, serveErr)
	}
	if ctx.Err() != nil {
		return exitWith(exitInterrupted, nil)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// bearer lets through requests whose Authorization header carries token (compared in constant
// time); the others get 401.
func bearer(token string, next http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(strings.TrimSpace(r.Header.Get("Authorization")))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="smartretry mcp"`)
			http.Error(w, "missing or wrong bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type readCloser struct{ io.Reader }

func (readCloser) Close() error { return nil }

type writeCloser struct{ io.Writer }

func (writeCloser) Close() error { return nil }
