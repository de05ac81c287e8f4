package mcpserver_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
	"github.com/smartretry/smartretry/internal/practice"
)

// dialogShown returns once the alert with message holds the page: in the result of the call that
// caused it (out), or in a later call's refusal (it opened after the call returned).
func (a *agent) dialogShown(out, message string) {
	a.t.Helper()
	want := `["alert" dialog with message "` + message + `"]`
	if strings.Contains(out, want) {
		return
	}
	require.Eventually(a.t, func() bool {
		res, out := a.call("browser_snapshot", nil)
		return res.IsError && strings.Contains(out, want)
	}, 30*time.Second, 50*time.Millisecond, "no %s", want)
}

// textboxAfter finds the ref of the textbox that follows the label line (DemoBlaze's login labels
// name ids that do not exist: its textboxes have no name).
func textboxAfter(t *testing.T, snap, label string) string {
	t.Helper()
	m := regexp.MustCompile(`- label: ` + regexp.QuoteMeta(label) + `\n\s*- textbox \[ref=(e\d+)\]`).FindStringSubmatch(snap)
	require.NotNil(t, m, "no textbox after %q in:\n%s", label, snap)
	return m[1]
}

// An agent shops on DemoBlaze's PRODUCT STORE (demoblaze.com's replica) as it reads the snapshots:
// the grid a request fills after the load, a product (its details a request too), Add to cart,
// whose alert "Product added." comes after a slow request and holds the page until
// browser_handle_dialog answers it, the cart, the order modal typed into as it fades in, the
// SweetAlert box's OK; then a login whose wrong password is an alert, and "Welcome test".
func TestMCP_DemoBlazeShopAndLogIn(t *testing.T) {
	srv := httptest.NewServer(practice.DemoBlaze())
	t.Cleanup(srv.Close)
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": srv.URL + "/"})
	snap := a.snapshotUntil(`link "Samsung galaxy s6"`)
	a.ok("browser_click", map[string]any{"element": "Samsung galaxy s6", "target": refOf(t, snap, "link", "Samsung galaxy s6")})
	snap = a.snapshotUntil(`heading "$360 *includes tax"`)
	assert.Contains(t, snap, "/prod.html?idp_=1")

	out := a.ok("browser_click", map[string]any{"element": "Add to cart", "target": refOf(t, snap, "link", "Add to cart")})
	a.dialogShown(out, "Product added.")
	out = a.ok("browser_handle_dialog", map[string]any{"accept": true})
	assert.Contains(t, out, `The alert dialog "Product added." was accepted`)

	snap = a.ok("browser_snapshot", nil)
	a.ok("browser_click", map[string]any{"element": "Cart", "target": refOf(t, snap, "link", "Cart")})
	snap = a.snapshotUntil("Samsung galaxy s6")
	assert.Contains(t, snap, "/cart.html")
	a.ok("browser_click", map[string]any{"element": "Place Order", "target": refOf(t, snap, "button", "Place Order")})
	snap = a.snapshotUntil(`button "Purchase"`)
	a.ok("browser_type", map[string]any{"element": "Name", "target": refOf(t, snap, "textbox", "Name:"), "text": "Ada Lovelace"})
	a.ok("browser_type", map[string]any{"element": "Credit card", "target": refOf(t, snap, "textbox", "Credit card:"), "text": "4111 1111 1111 1111"})
	a.ok("browser_click", map[string]any{"element": "Purchase", "target": refOf(t, snap, "button", "Purchase")})
	snap = a.snapshotUntil("Thank you for your purchase!")
	assert.Contains(t, snap, "Amount: 360 USD")
	a.ok("browser_click", map[string]any{"element": "OK", "target": refOf(t, snap, "button", "OK")})
	snap = a.snapshotUntil("/index.html")

	a.ok("browser_click", map[string]any{"element": "Log in", "target": refOf(t, snap, "link", "Log in")})
	snap = a.snapshotUntil(`button "Log in"`)
	user, pass := textboxAfter(t, snap, "Username:"), textboxAfter(t, snap, "Password:")
	a.ok("browser_type", map[string]any{"element": "Username", "target": user, "text": practice.DemoBlazeUser})
	a.ok("browser_type", map[string]any{"element": "Password", "target": pass, "text": "wrong"})
	out = a.ok("browser_click", map[string]any{"element": "Log in button", "target": refOf(t, snap, "button", "Log in")})
	a.dialogShown(out, "Wrong password.")
	a.ok("browser_handle_dialog", map[string]any{"accept": true})
	a.ok("browser_type", map[string]any{"element": "Password", "target": pass, "text": practice.DemoBlazePassword})
	a.ok("browser_click", map[string]any{"element": "Log in button", "target": refOf(t, snap, "button", "Log in")})
	snap = a.snapshotUntil("Welcome test")
	assert.NotContains(t, snap, `link "Log in"`)
}
