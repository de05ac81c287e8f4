package mcpserver_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/smartretry/smartretry/internal/mcpserver"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
	"github.com/smartretry/smartretry/testpages"
)

var site *testpages.Server

type siteM struct{ m *testing.M }

func (c siteM) Run() int {
	var err error
	if site, err = testpages.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "start testpages:", err)
		return 1
	}
	code := c.m.Run()
	_ = site.Close()
	if left := testenv.WaitGone(10*time.Second, testenv.ChromiumDescendants); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "Chromium outlived the tests: %v\n", left)
		code = 1
	}
	return code
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(siteM{m}) }

var ids atomic.Int64

func uid(name string) string { return fmt.Sprintf("%s-%d", name, ids.Add(1)) }

// agent is an MCP client connected in memory to a server of its own (and so its own browser).
type agent struct {
	t   testing.TB
	ctx context.Context
	srv *mcpserver.Server
	cs  *mcp.ClientSession
}

// testActionTimeout is the attempt deadline of the tests' servers. No test here is about an
// attempt running out: a navigation's attempt covers the round trips to Chromium, the response
// and the document's load event, which on a loaded 2-core machine (a CI run beside another
// browser workload) can take seconds for a local page; a short deadline turns that into
// network_timeout retries and flaky counts. Tests that meet something missing make it fail at
// once (an invalid selector, a ref never given out) instead of waiting the deadline out.
const testActionTimeout = 15 * time.Second

// newAgent starts a server with cfg (a fake clock for the engine: no real backoff waits;
// testActionTimeout attempts unless cfg says otherwise) and connects a client with opts.
func newAgent(t testing.TB, cfg mcpserver.Config, opts *mcp.ClientOptions) *agent {
	t.Helper()
	ctx := testenv.Context(t, 3*time.Minute)
	if cfg.ActionTimeout == 0 {
		cfg.ActionTimeout = testActionTimeout
	}
	if cfg.ManagerOptions == nil {
		cfg.ManagerOptions = []retry.Option{retry.WithClock(retrytest.NewFakeClock(time.Now())), retry.WithCircuitBreaker(false)}
	}
	srv := mcpserver.New(cfg)
	st, ct := mcp.NewInMemoryTransports()
	done := make(chan error, 1)
	go func() { done <- srv.Run(context.Background(), st) }()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-agent", Version: "1"}, opts).Connect(ctx, ct, nil)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = cs.Close()
		require.NoError(t, <-done)
	})
	return &agent{t: t, ctx: ctx, srv: srv, cs: cs}
}

// call calls a tool and returns its result (never a protocol error) and its text.
func (a *agent) call(name string, args map[string]any) (*mcp.CallToolResult, string) {
	a.t.Helper()
	res, err := a.cs.CallTool(a.ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(a.t, err, "a tool call must not be a protocol error")
	return res, text(res)
}

// ok calls a tool that must succeed.
func (a *agent) ok(name string, args map[string]any) string {
	a.t.Helper()
	res, txt := a.call(name, args)
	require.False(a.t, res.IsError, "%s %v failed:\n%s", name, args, txt)
	return txt
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// snapshotUntil takes snapshots until one contains want (the page changes by itself).
func (a *agent) snapshotUntil(want string) string {
	a.t.Helper()
	var snap string
	require.Eventually(a.t, func() bool {
		snap = a.ok("browser_snapshot", nil)
		return strings.Contains(snap, want)
	}, 30*time.Second, 50*time.Millisecond, "no %q in the snapshot", want)
	return snap
}
