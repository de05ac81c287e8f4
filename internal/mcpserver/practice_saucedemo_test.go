package mcpserver_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
	"github.com/smartretry/smartretry/internal/practice"
)

// An agent shops on Swag Labs (saucedemo.com's replica, a React single-page app) the way it reads
// the snapshots: it logs in by the refs of the textboxes and the Login button, sorts with the
// combobox (a <select> all but transparent over its label; the result shows the new order),
// adds the backpack with the "Add to cart" button that follows the product's name (six buttons
// share that name; a click replaces it with a Remove button), opens the cart through the badge's
// link (an <a> with no href, named by the count alone), then logs out through the burger menu,
// whose Logout link it clicks while the menu still slides in.
func TestMCP_SauceDemoAddToCartByRefs(t *testing.T) {
	srv := httptest.NewServer(practice.SauceDemo())
	t.Cleanup(srv.Close)
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": srv.URL + "/"})
	snap := a.ok("browser_snapshot", nil)
	a.ok("browser_type", map[string]any{"element": "Username", "target": refOf(t, snap, "textbox", "Username"), "text": "standard_user"})
	a.ok("browser_type", map[string]any{"element": "Password", "target": refOf(t, snap, "textbox", "Password"), "text": practice.SauceDemoPassword})
	a.ok("browser_click", map[string]any{"element": "Login button", "target": refOf(t, snap, "button", "Login")})
	snap = a.snapshotUntil("text: Products")
	assert.Contains(t, snap, "/inventory.html")

	combo := regexp.MustCompile(`- combobox \[ref=(e\d+)\]: Name \(A to Z\)`).FindStringSubmatch(snap)
	require.NotNil(t, combo, "no sort combobox in:\n%s", snap)
	snap = a.ok("browser_select_option", map[string]any{"element": "sort", "target": combo[1], "values": []string{"Price (low to high)"}})
	require.Contains(t, snap, "combobox [ref="+combo[1]+"]: Price (low to high)")
	// The result shows the new order (the products' nodes moved, none changed).
	assert.Less(t, strings.Index(snap, `"Sauce Labs Onesie"`), strings.Index(snap, `"Sauce Labs Fleece Jacket"`), "cheapest first:\n%s", snap)

	add := regexp.MustCompile(`link "Sauce Labs Backpack" \[ref=e\d+\][^\n]*\n(?:[^\n]*\n)*?\s*- button "Add to cart" \[ref=(e\d+)\]`).FindStringSubmatch(snap)
	require.NotNil(t, add, "no Add to cart after the backpack in:\n%s", snap)
	a.ok("browser_click", map[string]any{"element": "Add to cart (Sauce Labs Backpack)", "target": add[1]})
	snap = a.snapshotUntil(`button "Remove"`)
	cart := refOf(t, snap, "link", "1") // the badge's count is all the link says
	assert.Equal(t, 5, strings.Count(snap, `button "Add to cart"`))

	a.ok("browser_click", map[string]any{"element": "shopping cart", "target": cart})
	snap = a.snapshotUntil("Your Cart")
	assert.Contains(t, snap, "/cart.html")
	assert.Contains(t, snap, "Sauce Labs Backpack")
	assert.NotContains(t, snap, "Sauce Labs Onesie")

	a.ok("browser_click", map[string]any{"element": "Open Menu", "target": refOf(t, snap, "button", "Open Menu")})
	snap = a.snapshotUntil(`link "Logout"`)
	a.ok("browser_click", map[string]any{"element": "Logout", "target": refOf(t, snap, "link", "Logout")})
	snap = a.snapshotUntil(`button "Login"`)
	assert.NotContains(t, snap, "/cart.html")
}
