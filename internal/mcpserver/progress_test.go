package mcpserver_test

import (
	"context"
	"net/url"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// A client that gives a progressToken hears from a long call while it runs (a wait for text that
// comes after 3 s): what it is and how long it has taken. The TypeScript SDK's
// resetTimeoutOnProgress needs them to keep a call past its 60 s request timeout (a 429's retry
// waits 30 s and more). A call without a token gets none.
func TestMCP_ProgressWhileAWaitRuns(t *testing.T) {
	var mu sync.Mutex
	var got []*mcp.ProgressNotificationParams
	a := newAgent(t, mcpserver.Config{}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, req.Params)
		},
	})
	page := `<h1>Waiting</h1><script>setTimeout(() => { const p = document.createElement('p'); p.textContent = 'Finally ready'; document.body.append(p) }, 3000)</script>`
	a.ok("browser_navigate", map[string]any{"url": "data:text/html," + url.PathEscape(page)})
	params := &mcp.CallToolParams{Name: "browser_wait_for", Arguments: map[string]any{"text": "Finally ready"}}
	params.SetProgressToken("wait-1")
	res, err := a.cs.CallTool(a.ctx, params)
	require.NoError(t, err)
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), `text "Finally ready" appeared`)

	mu.Lock()
	n := len(got)
	for i, p := range got {
		assert.Equal(t, "wait-1", p.ProgressToken)
		assert.Contains(t, p.Message, "browser_wait_for: ")
		if i > 0 {
			assert.Greater(t, p.Progress, got[i-1].Progress, "progress must increase")
		}
	}
	mu.Unlock()
	assert.GreaterOrEqual(t, n, 1, "no progress notification during a wait of 3 s")

	a.ok("browser_navigate", map[string]any{"url": "data:text/html," + url.PathEscape(page)})
	a.ok("browser_wait_for", map[string]any{"text": "Finally ready"})
	mu.Lock()
	assert.Len(t, got, n, "progress without a progressToken")
	mu.Unlock()
}
