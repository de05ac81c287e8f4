package mcpserver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/mcpserver"
	"github.com/smartretry/smartretry/retry"
)

// page200 is a page with 200 interactive elements (a link and a button in each of 100 table
// rows) and their text, like a product list.
func page200() *httptest.Server {
	var b strings.Builder
	b.WriteString(`<!doctype html><title>200 elements</title><h1>Catalogue</h1><p>Clicks: <output id="n">0</output></p><table><tr><th>Name</th><th>Price</th><th></th></tr>`)
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, `<tr><td><a href="/item/%d">Item number %d</a></td><td>$%d.99</td><td><button id="b%d" onclick="n.textContent=+n.textContent+1">Add %d</button></td></tr>`, i, i, i, i, i)
	}
	b.WriteString(`</table>`)
	html := b.String()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(html))
	}))
}

// BenchmarkSnapshot200 is browser_snapshot of the 200-element page through MCP (in memory):
// time per call and the snapshot's size in characters.
func BenchmarkSnapshot200(b *testing.B) {
	hs := page200()
	defer hs.Close()
	a := newAgent(b, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": hs.URL})
	var size int
	for b.Loop() {
		size = len(a.ok("browser_snapshot", nil))
	}
	b.ReportMetric(float64(size), "chars")
}

// BenchmarkClickMCP is one browser_click by ref, round trip through MCP (the fresh snapshot, or
// what changed, included).
func BenchmarkClickMCP(b *testing.B) {
	hs := page200()
	defer hs.Close()
	a := newAgent(b, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": hs.URL})
	snap := a.ok("browser_snapshot", nil)
	ref := refOf(b, snap, "button", "Add 50")
	for b.Loop() {
		a.ok("browser_click", map[string]any{"target": ref})
	}
}

// BenchmarkClickLibrary is the same click through actions.Session directly.
func BenchmarkClickLibrary(b *testing.B) {
	hs := page200()
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	br, err := browser.Launch(ctx)
	require.NoError(b, err)
	defer br.Close()
	s, err := actions.NewSession(br, actions.WithManager(retry.NewManager()))
	require.NoError(b, err)
	defer s.Close()
	_, err = s.Navigate(ctx, hs.URL)
	require.NoError(b, err)
	for b.Loop() {
		require.NoError(b, s.Click(ctx, "#b50"))
	}
}
