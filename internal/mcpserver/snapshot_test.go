package mcpserver_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

const richPage = `<title>Rich</title><main>
<h2>Order form</h2>
<p>Fill in <b>every</b> field.</p>
<ul><li>First item</li><li>Second item</li></ul>
<table><tr><th>Name</th><th>Price</th></tr><tr><td>Scarf</td><td>$21.08</td></tr></table>
<label for="e">Email</label><input id="e" value="ann@example.com">
<label><input type="checkbox" checked> Remember me</label>
<input type="password" value="pw-never-shown" aria-label="Password">
<button disabled>Pay</button>
<a href="/terms">Terms</a>
<div role="alert">Card declined</div>
<select aria-label="Size"><option>S</option><option selected>M</option></select>
</main>`

// The snapshot shows the page's text and every control with its state, a link's URL, an input's
// value (never a password's), in one aria-like tree.
func TestMCP_SnapshotShowsTextAndState(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": "data:text/html," + url.PathEscape(richPage)})
	snap := a.ok("browser_snapshot", nil)
	for _, want := range []string{
		"- Title: Rich",
		`- heading "Order form" [level=2]`,
		"- paragraph: Fill in every field.",
		"- listitem: First item",
		"- row: Name | Price",
		"- row: Scarf | $21.08",
		`textbox "Email" [ref=`, `]: ann@example.com`,
		`checkbox "Remember me" [ref=`, `] [checked]`,
		`textbox "Password" [ref=`, `]: ••••`,
		`button "Pay" [ref=`, `] [disabled]`,
		`link "Terms" [ref=`, `[url=/terms]`,
		"- alert: Card declined",
		`combobox "Size" [ref=`, `]: M`,
	} {
		assert.Contains(t, snap, want)
	}
	assert.NotContains(t, snap, "pw-never-shown")
}

// A long page is cut to the budget, with a line saying what was cut.
func TestMCP_SnapshotCutToBudget(t *testing.T) {
	a := newAgent(t, mcpserver.Config{SnapshotBudget: 2000}, nil)
	a.ok("browser_navigate", map[string]any{"url": "data:text/html," + url.PathEscape("<ul>"+strings.Repeat("<li>a line of the list</li>", 400)+"</ul>")})
	snap := a.ok("browser_snapshot", nil)
	assert.Contains(t, snap, "- … cut here: ")
	assert.Contains(t, snap, "more lines")
	assert.Less(t, len(snap), 2400)
}
