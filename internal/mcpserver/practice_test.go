package mcpserver_test

import (
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
	"github.com/smartretry/smartretry/internal/practice"
)

// An agent fills DemoQA's practice form (internal/practice's replica) the way it reads the
// snapshot: refs of the textboxes, of the custom radio and checkbox inputs (transparent under
// their labels), of react-select's nameless textbox after "Select State" typed into with
// submit (Enter), and submits; the result dialog holds what it chose.
func TestMCP_PracticeFormByRefs(t *testing.T) {
	srv := httptest.NewServer(practice.DemoQA())
	t.Cleanup(srv.Close)
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": srv.URL + "/automation-practice-form"})
	snap := a.ok("browser_snapshot", nil)
	after := func(label string) string {
		t.Helper()
		m := regexp.MustCompile(`- text: ` + regexp.QuoteMeta(label) + `\n\s*- textbox \[ref=(e\d+)\]`).FindStringSubmatch(snap)
		require.NotNil(t, m, "no textbox after %q in:\n%s", label, snap)
		return m[1]
	}
	state, subjects := after("Select State"), after("Select...")
	a.ok("browser_type", map[string]any{"element": "First Name", "target": refOf(t, snap, "textbox", "First Name"), "text": "Ada"})
	a.ok("browser_type", map[string]any{"element": "Last Name", "target": refOf(t, snap, "textbox", "Last Name"), "text": "Lovelace"})
	a.ok("browser_click", map[string]any{"element": "Female radio", "target": refOf(t, snap, "radio", "Female")})
	a.ok("browser_type", map[string]any{"element": "Mobile Number", "target": refOf(t, snap, "textbox", "Mobile Number"), "text": "0123456789"})
	a.ok("browser_click", map[string]any{"element": "Music checkbox", "target": refOf(t, snap, "checkbox", "Music")})
	a.ok("browser_type", map[string]any{"element": "Subjects", "target": subjects, "text": "Eng", "submit": true})
	a.ok("browser_type", map[string]any{"element": "State", "target": state, "text": "Raj", "submit": true})
	snap = a.snapshotUntil(`text: Select City`)
	a.ok("browser_type", map[string]any{"element": "City", "target": after("Select City"), "text": "Jai", "submit": true})
	a.ok("browser_click", map[string]any{"element": "Submit", "target": refOf(t, a.ok("browser_snapshot", nil), "button", "Submit")})
	done := a.snapshotUntil("Thanks for submitting the form")
	for _, want := range []string{"Ada Lovelace", "Female", "0123456789", "Music", "English", "Rajasthan Jaipur"} {
		assert.Contains(t, done, want)
	}
}
