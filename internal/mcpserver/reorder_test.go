package mcpserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// A sort moves a list's nodes without changing one of them (React's keyed children, saucedemo's
// product sort): the result after it shows the new order, where a diff of lines said only the
// sort's label had changed and an agent read the list as unsorted. A change that keeps the
// order (an item added) still comes back as what changed.
func TestMCP_ReorderedListComesBackWhole(t *testing.T) {
	var items strings.Builder
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&items, `<li><a href="/p/%d">Product %02d</a> <span>$%d.99</span></li>`, i, i, i)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<link rel="icon" href="data:,"><button id="sort" onclick="const ul = document.getElementById('list');
Array.from(ul.children).reverse().forEach((li) => ul.append(li)); document.getElementById('order').textContent = 'Z to A'">Sort</button>
<button id="add" onclick="const li = document.createElement('li'); li.textContent = 'Product 41'; document.getElementById('list').append(li)">Add</button>
<p id="order">A to Z</p><ul id="list">%s</ul>`, items.String())
	}))
	t.Cleanup(srv.Close)
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": srv.URL + "/"})
	snap := a.ok("browser_snapshot", nil)

	got := a.ok("browser_click", map[string]any{"element": "Add", "target": refOf(t, snap, "button", "Add")})
	assert.Contains(t, got, "### Snapshot: what changed since the last one", "an added item keeps the order: a diff")
	assert.Contains(t, got, "Product 41")

	got = a.ok("browser_click", map[string]any{"element": "Sort", "target": refOf(t, snap, "button", "Sort")})
	require.Contains(t, got, "### Snapshot\n", "a reorder comes back whole:\n%s", got)
	assert.Less(t, strings.Index(got, `"Product 40"`), strings.Index(got, `"Product 01"`), "the new order:\n%s", got)
	assert.Less(t, strings.Index(got, "Product 41"), strings.Index(got, `"Product 40"`))
}
