package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A step named as another tool names it (Playwright's dblclick, Selenium's context_click,
// goto, type) is answered with the step that does it here, not with the list of every step
// kind: 'dblclick' on TodoMVC's titles got "(known: assert_text, attr, back, …)", and nothing
// said that a double click is click with count 2. A typo of a step kind still gets its guess.
func TestStepNamedAsAnotherToolSaysHowToWriteIt(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"  - dblclick: 'text=\"buy milk\"'\n", `f.yaml:3:5: steps[0].dblclick: unknown field "dblclick" (write click: {selector: "…", count: 2} (a double click))`},
		{"  - double_click: '#a'\n", `count: 2} (a double click)`},
		{"  - right_click: '#a'\n", `(write click: {selector: "…", button: right} (a right click))`},
		{"  - goto: http://h/x\n", `(write navigate: "https://…")`},
		{"  - type: {selector: '#a', value: b}\n", `(write fill: {selector: "…", value: "…"}, then press`},
		{"  - popup:\n      action: {dblclick: a}\n      steps: [{text: h1}]\n", `steps[0].popup.action.dblclick: unknown field "dblclick" (write click:`},
		{"  - clik: a\n", `unknown field "clik" (did you mean "click"?)`},
	} {
		_, err := parse(t, "start_url: http://h/\nsteps:\n"+tc.src)
		require.Error(t, err, tc.src)
		assert.Contains(t, err.Error(), tc.want, tc.src)
	}
	// Not in other mappings: a field called "open" elsewhere is only unknown.
	_, err := parse(t, "start_url: http://h/\nsteps:\n  - fill: {selector: a, value: b, open: c}\n")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "navigate")
}
