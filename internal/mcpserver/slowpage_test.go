package mcpserver_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// A page whose server answers after longer than an action's attempt may take is waited for by
// browser_navigate (25 s at least, as Playwright MCP waits for a navigation): each attempt of the
// action timeout started the navigation again, so the page never loaded and the call failed as
// network_timeout after three attempts (a 15 s page with the default 10 s, here 4 s with 2 s).
func TestMCP_SlowServerPageIsWaitedFor(t *testing.T) {
	a := newAgent(t, mcpserver.Config{ActionTimeout: 2 * time.Second}, nil)
	res, out := a.call("browser_navigate", map[string]any{"url": site.URL("/slow?ms=4000&id=" + uid("slow"))})
	assert.False(t, res.IsError, out)
	assert.Contains(t, out, "HTTP status: 200")
	assert.NotContains(t, out, "network_timeout")
}
