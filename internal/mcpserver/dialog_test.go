package mcpserver_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

const dialogButtons = `<title>dialogs</title>
<button id="del" onclick="out.textContent = 'confirm ' + confirm('Delete?')">Delete</button>
<button id="ask" onclick="out.textContent = 'prompt ' + prompt('Your name?', 'nobody')">Ask</button>
<p id="out">nothing yet</p>`

// As in Playwright MCP: a dialog the page opens ends the call at once (the click is not held
// until its deadline) and the result shows it as the modal state; other tools are refused with
// its description; browser_handle_dialog answers it and the page goes on.
func TestMCP_DialogIsShownThenAnswered(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": dataPage(dialogButtons)})
	snap := a.ok("browser_snapshot", nil)

	start := time.Now()
	out := a.ok("browser_click", map[string]any{"element": "Delete", "target": refOf(t, snap, "button", "Delete")})
	assert.Less(t, time.Since(start), 10*time.Second, "the dialog ends the call")
	assert.Contains(t, out, "### Modal state\n- [\"confirm\" dialog with message \"Delete?\"]: can be handled by the browser_handle_dialog tool", out)
	assert.NotContains(t, out, "nothing yet", "no snapshot while the page is held")

	res, out := a.call("browser_snapshot", nil)
	require.True(t, res.IsError, out)
	assert.Contains(t, out, `Tool "browser_snapshot" does not handle the modal state`)
	assert.Contains(t, out, `"confirm" dialog with message "Delete?"`)
	a.ok("browser_tabs", map[string]any{"action": "list"}) // tabs do not touch the page

	out = a.ok("browser_handle_dialog", map[string]any{"accept": false})
	assert.Contains(t, out, `The confirm dialog "Delete?" was dismissed`)
	assert.Contains(t, out, "confirm false", out)

	out = a.ok("browser_click", map[string]any{"target": "#ask"})
	assert.Contains(t, out, `"prompt" dialog with message "Your name?"`)
	out = a.ok("browser_handle_dialog", map[string]any{"accept": true, "promptText": "Ann"})
	assert.Contains(t, out, "prompt Ann", out)

	// A dialog that opens by itself between calls is the next call's modal state.
	a.ok("browser_navigate", map[string]any{"url": site.URL("/dialog?ms=200&kind=alert")})
	require.Eventually(t, func() bool {
		res, out := a.call("browser_snapshot", nil)
		return res.IsError && strings.Contains(out, `"alert" dialog with message "Hello from testpages"`)
	}, 30*time.Second, 50*time.Millisecond)
	out = a.ok("browser_handle_dialog", map[string]any{"accept": true})
	assert.Contains(t, out, "alert closed", out)

	// Left open when the client goes: closing the server answers it (no goroutine stays held).
	a.ok("browser_navigate", map[string]any{"url": dataPage(dialogButtons)})
	out = a.ok("browser_click", map[string]any{"target": "#del"})
	assert.Contains(t, out, "Modal state")
}

// An agent that calls browser_handle_dialog before any dialog (the older way) sets how the next
// ones are answered: the moment they open, the result saying how.
func TestMCP_DialogPolicySetBefore(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": dataPage(dialogButtons)})
	out := a.ok("browser_handle_dialog", map[string]any{"accept": true, "promptText": "Bo"})
	assert.Contains(t, out, "No dialog is open: from now on JS dialogs are accepted")
	start := time.Now()
	res, out := a.call("browser_click", map[string]any{"target": "#ask"})
	assert.Less(t, time.Since(start), 10*time.Second)
	require.False(t, res.IsError, out)
	assert.Contains(t, out, `a prompt dialog "Your name?" was accepted`)
	assert.Contains(t, out, "prompt Bo")
	assert.NotContains(t, out, "Modal state")
	var po map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	require.NoError(t, json.Unmarshal(b, &po))
	assert.Equal(t, "dialogs", po["title"])
}

// A popup's dialog holds its opener too (they share a renderer): no call may hang on it. The
// dialog is the modal state (answered from the opener's tab), or, when the popup was held
// before it could become a tab, the popup is closed and the result says so. (A dialog that opens
// in the instant between rod's attach and the Session's subscription is not seen: see README.)
func TestMCP_PopupDialogDoesNotHang(t *testing.T) {
	a := newAgent(t, mcpserver.Config{ActionTimeout: 5 * time.Second}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	start := time.Now()
	_, out := a.call("browser_evaluate", map[string]any{"function": "() => { window.open(" + `'` + site.URL("/dialog?ms=1000&kind=alert") + `'` + "); return 1 }"})
	assert.Less(t, time.Since(start), 30*time.Second)
	if !strings.Contains(out, "did not answer") {
		if !strings.Contains(out, "Modal state") {
			require.Eventually(t, func() bool {
				_, out = a.call("browser_snapshot", nil)
				return strings.Contains(out, "Modal state")
			}, 30*time.Second, 50*time.Millisecond)
		}
		assert.Contains(t, out, `"alert" dialog with message "Hello from testpages"`, out)
		out = a.ok("browser_handle_dialog", map[string]any{"accept": true})
		assert.Contains(t, out, `The alert dialog "Hello from testpages" was accepted`)
	}
	start = time.Now()
	out = a.ok("browser_snapshot", nil)
	assert.Contains(t, out, "Late element")
	assert.Less(t, time.Since(start), 10*time.Second, "the opener answers again")
}
