package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/practice"
	"github.com/smartretry/smartretry/internal/results"
)

// TodoMVC (Playwright's demo app, internal/practice's replica) through the binary with its
// defaults, as a new user writes the flow from the README: todos added with fill and press
// Enter, one ticked (its checkbox is replaced by the re-render), one deleted with the × its row
// shows only on hover, one edited with a double click (click count 2) and Enter, the counter
// asserted, the filters followed (hash routing), the completed ones cleared. Two items, each in
// a context of its own: the todos are localStorage's, and the second item starts with none.
func TestRunTodoMVCFlow(t *testing.T) {
	todo := httptest.NewServer(practice.TodoMVC())
	t.Cleanup(todo.Close)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "todomvc.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`name: todomvc
start_url: ${TODO}/todomvc/
items: [{id: a}, {id: b}]
steps:
  - count: {selector: '[data-testid="todo-item"]', as: at_start}
  - fill: {selector: .new-todo, value: "buy some cheese ${item.id}"}
  - press: {selector: .new-todo, key: Enter}
  - fill: {selector: .new-todo, value: feed the cat}
  - press: {selector: .new-todo, key: Enter}
  - fill: {selector: .new-todo, value: book a doctors appointment}
  - press: {selector: .new-todo, key: Enter}
  - check: ".todo-list li:nth-child(1) .toggle"
  - click: ".todo-list li:nth-child(2) .destroy"
  - click: {selector: 'text="book a doctors appointment"', count: 2}
  - fill: {selector: ".todo-list li.editing .edit", value: book a dentist}
  - press: {selector: ".todo-list li.editing .edit", key: Enter}
  - assert_text: {selector: '[data-testid="todo-count"]', equals: "1 item left"}
  - click: "text=Active"
  - wait_for: {selector: a.selected, text: Active}
  - count: {selector: '[data-testid="todo-item"]', as: active}
  - text: {selector: '[data-testid="todo-title"]', as: active_title}
  - click: "text=Completed"
  - wait_for: {selector: a.selected, text: Completed}
  - text: {selector: '[data-testid="todo-title"]', as: done}
  - click: "text=Clear completed"
  - click: 'text="All"'
  - wait_for: {selector: '.clear-completed', state: gone}
  - count: {selector: '[data-testid="todo-item"]', as: left}
`), 0o644))
	out := filepath.Join(dir, "out.jsonl")
	r := run(t, dir, []string{"TODO=" + todo.URL}, "run", "--out", out, flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	got := map[string]map[string]any{}
	for _, l := range readResults(t, out) {
		if l.Kind != results.KindRecord {
			assert.Equal(t, results.StatusOK, l.Status, l.Error)
			t.Logf("%s: %d ms", l.Item, l.DurationMS)
			continue
		}
		got[l.Item] = l.Data
	}
	for _, id := range []string{"a", "b"} {
		require.Contains(t, got, id)
		assert.Equal(t, map[string]any{"at_start": float64(0), "active": float64(1), "active_title": "book a dentist",
			"done": "buy some cheese " + id, "left": float64(1)}, got[id], id)
	}
}

// Playwright's name for a double click, the first thing a new user tries, is refused before any
// browser starts, with the step that does it.
func TestRunTodoMVCDblclickSaysHowToWriteIt(t *testing.T) {
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "todomvc.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte("start_url: http://127.0.0.1:1/todomvc/\nsteps:\n  - dblclick: 'text=\"buy some cheese\"'\n"), 0o644))
	r := run(t, dir, nil, "run", flowFile)
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, `steps[0].dblclick: unknown field "dblclick" (write click: {selector: "…", count: 2} (a double click))`)
}
