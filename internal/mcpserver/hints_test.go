package mcpserver_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// Every tool says all its hints, as Playwright MCP's do: a client that lets read-only calls
// through without asking (or asks before destructive ones) must not have to guess from a missing
// annotation. browser_wait_for only watches the page.
func TestMCP_EveryToolSaysItsHints(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	res, err := a.cs.ListTools(a.ctx, nil)
	require.NoError(t, err)
	readOnly := map[string]bool{"browser_snapshot": true, "browser_take_screenshot": true, "browser_console_messages": true,
		"browser_network_requests": true, "browser_wait_for": true, "browser_install": true, "browser_extract": true, "retry_stats": true}
	for _, tool := range res.Tools {
		an := tool.Annotations
		if !assert.NotNil(t, an, tool.Name) {
			continue
		}
		assert.Equal(t, tool.Title, an.Title, tool.Name)
		if assert.NotNil(t, an.OpenWorldHint, tool.Name) {
			assert.True(t, *an.OpenWorldHint, tool.Name)
		}
		assert.Equal(t, readOnly[tool.Name], an.ReadOnlyHint, tool.Name)
		if assert.NotNil(t, an.DestructiveHint, tool.Name) {
			assert.Equal(t, !readOnly[tool.Name], *an.DestructiveHint, tool.Name)
		}
	}
	assert.GreaterOrEqual(t, len(res.Tools), 20)
}
