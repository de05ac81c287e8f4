package mcpserver_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
	"github.com/smartretry/smartretry/internal/testenv"
)

// A client that goes quiet (over HTTP: one that dropped without ending its session) gives its
// browser back after the idle timeout; a call that takes longer than the timeout is not cut;
// the next call gets a new browser and its result says what was lost.
func TestMCP_IdleTimeoutClosesTheBrowser(t *testing.T) {
	a := newAgent(t, mcpserver.Config{IdleTimeout: 1500 * time.Millisecond}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	out := a.ok("browser_wait_for", map[string]any{"time": 2.5})
	assert.NotContains(t, out, "idle", "a call longer than the idle timeout is no idleness")
	require.True(t, a.srv.HasBrowserForTest())
	before := len(testenv.ChromiumDescendants())

	require.Eventually(t, func() bool { return !a.srv.HasBrowserForTest() }, 30*time.Second, 20*time.Millisecond, "the idle browser is closed")
	require.Eventually(t, func() bool { return len(testenv.ChromiumDescendants()) < before }, 30*time.Second, 50*time.Millisecond, "its processes are gone")

	out = a.ok("browser_snapshot", nil)
	assert.Contains(t, out, "the browser was closed after 1.5s without a tool call")
	assert.Contains(t, out, "about:blank", "a new browser, on a new tab")
	out = a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	assert.NotContains(t, out, "closed after", "said once")
}
