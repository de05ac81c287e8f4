package mcpserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// A click whose handler throws changes nothing on the page (saucedemo.com's error_user adding an
// odd product): the click's result says what the page logged, as Playwright MCP's "### New
// console messages" does, once; the result of the next action does not repeat it.
func TestMCP_ResultListsNewConsoleErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<link rel="icon" href="data:,"><button id="add" onclick="throw new Error('Failed to add item to the cart.')">Add to cart</button>
<button id="warn" onclick="console.warn('low stock'); console.log('just info')">Warn</button>
<button id="quiet" onclick="this.textContent = 'Done'">Quiet</button>`)
	}))
	t.Cleanup(srv.Close)
	a := newAgent(t, mcpserver.Config{}, nil)
	nav := a.ok("browser_navigate", map[string]any{"url": srv.URL + "/"})
	assert.NotContains(t, nav, "### New console messages", "a page that logged nothing")
	snap := a.ok("browser_snapshot", nil)

	got := a.ok("browser_click", map[string]any{"element": "Add to cart", "target": refOf(t, snap, "button", "Add to cart")})
	assert.Contains(t, got, "### New console messages\n- [error] uncaught Error: Failed to add item to the cart.\n")
	assert.NotContains(t, got, "    at ", "the first line, not the stack")

	got = a.ok("browser_click", map[string]any{"element": "Warn", "target": refOf(t, snap, "button", "Warn")})
	assert.Contains(t, got, "### New console messages\n- [warning] low stock\n")
	assert.NotContains(t, got, "Failed to add item", "told once")
	assert.NotContains(t, got, "just info", "errors and warnings only")

	got = a.ok("browser_click", map[string]any{"element": "Quiet", "target": refOf(t, snap, "button", "Quiet")})
	assert.NotContains(t, got, "### New console messages")
	all := a.ok("browser_console_messages", nil)
	assert.Equal(t, 1, strings.Count(all, "Failed to add item to the cart."), all)
}
