package mcpserver_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// 429, 503 and a reset connection are waited out; the result's first line says how.
func TestMCP_FlakyServersSucceedWithRecoveryLine(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	cases := []struct{ path, want string }{
		{"/ratelimit?fail=1&ra=1&id=" + uid("rl"), "navigate: HTTP 429, waited"},
		{"/flaky?fail=2&code=503&id=" + uid("fl"), "navigate: HTTP 503 twice, waited"},
		{"/reset?fail=1&id=" + uid("rs"), "navigate: connection_reset"},
	}
	for _, c := range cases {
		out := a.ok("browser_navigate", map[string]any{"url": site.URL(c.path)})
		assert.Contains(t, out, c.want)
		assert.Contains(t, out, "succeeded")
		assert.Contains(t, out, "HTTP status: 200")
	}
}

// A 404 fails at once, clearly.
func TestMCP_NotFoundFailsAtOnce(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	res, out := a.call("browser_navigate", map[string]any{"url": site.URL("/notfound")})
	require.True(t, res.IsError)
	assert.Contains(t, out, "refused at once")
	assert.Contains(t, out, "404")
	assert.Contains(t, out, "not_found")
}

// An element covered by an overlay is refused fast, naming the cover; closing it lets the click through.
func TestMCP_OverlayRefusedNamingTheCover(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/overlay?ms=0")})
	snap := a.snapshotUntil(`button "Close"`)
	buy := refOf(t, snap, "button", "Buy")
	res, out := a.call("browser_click", map[string]any{"target": buy})
	require.True(t, res.IsError, out)
	assert.Contains(t, out, "refused")
	assert.Contains(t, out, "covered by div#overlay")
	a.ok("browser_click", map[string]any{"target": refOf(t, snap, "button", "Close")})
	assert.Contains(t, a.ok("browser_click", map[string]any{"target": buy}), "clicked 1")
}

// A crashed tab is replaced by a new one on the same URL and the action goes on.
func TestMCP_CrashedTabRecovers(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/crash")})
	p := a.srv.PageForTest()
	require.NotNil(t, p)
	ctx, cancel := context.WithTimeout(a.ctx, time.Second)
	_ = proto.PageCrash{}.Call(p.Context(ctx)) // never answers
	cancel()
	out := a.ok("browser_click", map[string]any{"target": "#target"})
	assert.Contains(t, out, "page_crash")
	assert.Contains(t, out, "opened a new tab")
	assert.Contains(t, out, "clicked 1")
}

// A wait for text that never comes waited the whole action timeout: its result says so, not
// "refused at once" (which tells the agent nothing was tried).
func TestMCP_WaitForTextInVain(t *testing.T) {
	a := newAgent(t, mcpserver.Config{ActionTimeout: 2 * time.Second}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	res, out := a.call("browser_wait_for", map[string]any{"text": "never-there"})
	require.True(t, res.IsError, out)
	first := strings.SplitN(out, "\n", 2)[0]
	assert.Equal(t, `waited in vain: text "never-there" never appeared within 2s (the action timeout)`, first)
}
