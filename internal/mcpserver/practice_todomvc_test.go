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

// An agent keeps a todo list on TodoMVC (Playwright's demo app, internal/practice's replica) the
// way it reads the snapshots: it adds todos with the textbox's ref and submit, ticks one by the
// checkbox beside its title (the list is rendered again on every change: the checkbox it clicked
// is gone by the next snapshot), deletes one with the × its row shows only under the pointer
// (listed [on hover] with a ref; the click hovers the row first), edits one with a double click
// on its title and types the new one with submit, filters by the Completed link (hash routing)
// and clears the completed ones.
func TestMCP_TodoMVCByRefs(t *testing.T) {
	srv := httptest.NewServer(practice.TodoMVC())
	t.Cleanup(srv.Close)
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": srv.URL + "/todomvc/"})
	snap := a.ok("browser_snapshot", nil)
	box := refOf(t, snap, "textbox", "What needs to be done?")
	for _, todo := range []string{"buy some cheese", "feed the cat", "book a doctors appointment"} {
		a.ok("browser_type", map[string]any{"element": "new todo", "target": box, "text": todo, "submit": true})
	}
	snap = a.snapshotUntil("3 items left")

	// The × of every row is listed, though hidden until its row is hovered.
	del := regexp.MustCompile(`- button "×" \[ref=(e\d+)\] \[on hover\]`).FindAllStringSubmatch(snap, -1)
	require.Len(t, del, 3, "one × per todo in:\n%s", snap)
	tick := regexp.MustCompile(`- checkbox \[ref=(e\d+)\]\n\s*- label: feed the cat`).FindStringSubmatch(snap)
	require.NotNil(t, tick, "no checkbox before 'feed the cat' in:\n%s", snap)
	a.ok("browser_click", map[string]any{"element": "toggle feed the cat", "target": tick[1]})
	snap = a.snapshotUntil("2 items left")
	assert.Regexp(t, `- checkbox \[ref=e\d+\] \[checked\]\n\s*- label: feed the cat`, snap)

	a.ok("browser_click", map[string]any{"element": "delete buy some cheese", "target": del[0][1]})
	snap = a.snapshotUntil("1 item left")
	assert.NotContains(t, snap, "buy some cheese")

	a.ok("browser_click", map[string]any{"element": "book a doctors appointment", "target": `text="book a doctors appointment"`, "doubleClick": true})
	snap = a.snapshotUntil(`textbox "Edit"`)
	edit := regexp.MustCompile(`- textbox "Edit" \[ref=(e\d+)\]: book a doctors appointment`).FindStringSubmatch(snap)
	require.NotNil(t, edit, "no edit box in:\n%s", snap)
	a.ok("browser_type", map[string]any{"element": "Edit", "target": edit[1], "text": "book a dentist", "submit": true})
	snap = a.snapshotUntil("label: book a dentist")
	assert.NotContains(t, snap, `textbox "Edit"`)

	a.ok("browser_click", map[string]any{"element": "Completed", "target": refOf(t, snap, "link", "Completed")})
	snap = a.snapshotUntil("/todomvc/#/completed")
	assert.Contains(t, snap, "label: feed the cat")
	assert.NotContains(t, snap, "book a dentist")
	a.ok("browser_click", map[string]any{"element": "Clear completed", "target": refOf(t, snap, "button", "Clear completed")})
	a.ok("browser_click", map[string]any{"element": "All", "target": refOf(t, a.ok("browser_snapshot", nil), "link", "All")})
	snap = a.snapshotUntil("label: book a dentist")
	assert.NotContains(t, snap, "feed the cat")
	assert.Contains(t, snap, "1 item left")
}
