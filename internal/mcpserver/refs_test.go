package mcpserver_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/smartretry/smartretry/internal/mcpserver"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

// A ref taken from a list that is rebuilt every 50 ms (every node new) still clicks the right
// button, once.
func TestMCP_RefSurvivesRerender(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/rerender?ms=50")})
	snap := a.snapshotUntil(`button "Add 3"`)
	ref := refOf(t, snap, "button", "Add 3")
	out := a.ok("browser_click", map[string]any{"target": ref})
	assert.Contains(t, out, "added 3")
	assert.NotContains(t, out, "added 3, 3", "clicked exactly once")
}

// The hover replaces the button with a fresh copy: the ref taken before still clicks it, and the
// result says the ref was re-resolved.
func TestMCP_RefSurvivesHoverReplace(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/hover-replace")})
	ref := refOf(t, a.ok("browser_snapshot", nil), "button", "Buy")
	a.ok("browser_hover", map[string]any{"target": ref})
	out := a.ok("browser_click", map[string]any{"ref": ref}) // the older argument name
	assert.Contains(t, out, "clicked 1")
	assert.Contains(t, out, "re-resolved ref "+ref)
}

// After a reload every id and class is new: the old ref is found again by what it was.
func TestMCP_RefSurvivesReloadWithNewIDs(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	u := site.URL("/dynamic")
	a.ok("browser_navigate", map[string]any{"url": u})
	ref := refOf(t, a.ok("browser_snapshot", nil), "button", "Add to cart")
	a.ok("browser_navigate", map[string]any{"url": u})
	out := a.ok("browser_click", map[string]any{"target": ref})
	assert.Contains(t, out, "clicked 1")
	assert.Contains(t, out, "re-resolved ref "+ref)
}

// A ref whose element is gone for good fails, saying what it was and what is closest.
func TestMCP_RefGoneSaysWhatItWasAndWhatIsClosest(t *testing.T) {
	// The click waits for the element as for any late one, a whole attempt: one attempt is
	// enough to see the message (the number of attempts is not what this test is about).
	a := newAgent(t, mcpserver.Config{ManagerOptions: []retry.Option{
		retry.WithClock(retrytest.NewFakeClock(time.Now())), retry.WithCircuitBreaker(false),
		retry.WithConfig(retry.SelectorNotFound, retry.Config{MaxAttempts: 1, Strategy: retry.Immediate}),
	}}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/dynamic")})
	ref := refOf(t, a.ok("browser_snapshot", nil), "button", "Add to cart")
	a.ok("browser_evaluate", map[string]any{"function": `() => document.querySelector('[data-testid=add-to-cart]').remove()`})
	res, out := a.call("browser_click", map[string]any{"target": ref})
	assert.True(t, res.IsError)
	assert.Contains(t, out, "ref "+ref+` (button "Add to cart") is not on the page any more`)
	assert.True(t, strings.Contains(out, "closest"), out)
}

// Elements a person can click that no role announces get refs: onclick, a click listener, a
// pointer cursor.
func TestMCP_ClickableWithoutRoleGetsRef(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": "data:text/html,<p>x</p>"})
	a.ok("browser_evaluate", map[string]any{"function": `() => {
		const mk = (html) => { const d = document.createElement('div'); d.innerHTML = html; document.body.appendChild(d.firstChild); };
		mk('<a id="nohref">Open menu</a>');
		document.getElementById('nohref').addEventListener('click', () => { document.title = 'menu open'; });
		mk('<div onclick="document.title=\'div clicked\'">Pick me</div>');
		mk('<span style="cursor:pointer">Pointer span</span>');
	}`})
	snap := a.ok("browser_snapshot", nil)
	ref := refOf(t, snap, "link", "Open menu")
	refOf(t, snap, "button", "Pick me")
	refOf(t, snap, "button", "Pointer span")
	out := a.ok("browser_click", map[string]any{"target": ref})
	assert.Contains(t, out, "Title: menu open")
}
