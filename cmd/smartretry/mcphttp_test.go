package main

import (
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/testenv"
)

// Two HTTP clients at once each drive a browser of their own: one's navigate does not move the
// other's page (they shared one tab: the first agent's snapshot showed the second one's page),
// their calls run side by side, and one ending its session (DELETE) leaves the other's page as
// it was. SIGTERM leaves no Chromium.
func TestMCPHTTPClientsEachHaveTheirOwnBrowser(t *testing.T) {
	ctx := testenv.Context(t, 3*time.Minute)
	marker := mcpMarker(t)
	endpoint, stop := mcpHTTPServer(ctx, t, marker)

	connect := func(name string) *mcp.ClientSession {
		cs, err := mcp.NewClient(&mcp.Implementation{Name: name, Version: "1"}, nil).Connect(ctx,
			&mcp.StreamableClientTransport{Endpoint: endpoint}, nil)
		require.NoError(t, err)
		return cs
	}
	a, b := connect("agent-a"), connect("agent-b")
	require.NotEqual(t, a.ID(), b.ID())
	page := func(title string) string {
		return "data:text/html," + url.PathEscape("<title>"+title+"</title><h1>"+title+"</h1><button>Go</button>")
	}
	var wg sync.WaitGroup
	for _, x := range []struct {
		cs    *mcp.ClientSession
		title string
	}{{a, "Page of A"}, {b, "Page of B"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, out := callText(t, ctx, x.cs, "browser_navigate", map[string]any{"url": page(x.title)})
			assert.False(t, res.IsError, out)
		}()
	}
	wg.Wait()
	_, snapA := callText(t, ctx, a, "browser_snapshot", nil)
	assert.Contains(t, snapA, "Page of A")
	assert.NotContains(t, snapA, "Page of B")
	_, snapB := callText(t, ctx, b, "browser_snapshot", nil)
	assert.Contains(t, snapB, "Page of B")
	assert.NotContains(t, snapB, "Page of A")

	require.NoError(t, b.Close()) // DELETE: B's session and browser end
	res, snapA := callText(t, ctx, a, "browser_snapshot", nil)
	require.False(t, res.IsError, snapA)
	assert.Contains(t, snapA, "Page of A")
	_ = a.Close()
	stop()
}
