package flow

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

const expectFlow = `
start_url: ${SITE}/windows
items: [{id: a}, {id: b}]
steps:
  - popup:
      action: "text=Click Here"
      steps:
        - text: {selector: h3, as: title}
        - popup:
            action: {click: "#again", retry: {max_attempts: 1}, timeout: 3s}
            steps: [{count: li}]
    timeout: 20s
  - download: "text=report.pdf"
  - download:
      action: {press: {key: Enter, selector: "#export"}}
      save_as: "reports/${item.id}.csv"
      as: export
`

func TestParsePopupAndDownload(t *testing.T) {
	f, err := parse(t, expectFlow)
	require.NoError(t, err)
	require.Len(t, f.Steps, 3)

	pop := f.Steps[0]
	assert.Equal(t, "popup", pop.Kind)
	assert.Equal(t, 20e9, float64(pop.Timeout))
	require.NotNil(t, pop.Action)
	assert.Equal(t, "click", pop.Action.Kind, "a string action is a click")
	assert.Equal(t, "text=Click Here", pop.Action.Get("selector"))
	assert.Equal(t, 6, pop.Action.Line)
	require.Len(t, pop.Steps, 2)
	assert.Equal(t, "title", pop.Steps[0].Into())
	inner := pop.Steps[1]
	require.NotNil(t, inner.Action)
	assert.Equal(t, 1, inner.Action.Retry.MaxAttempts, "the action keeps its own retry and timeout")
	assert.Equal(t, 3e9, float64(inner.Action.Timeout))
	assert.Equal(t, "count", inner.Steps[0].Kind)
	assert.Equal(t, "popup from click text=Click Here (2 steps)", pop.String())

	dl := f.Steps[1]
	assert.Equal(t, "download", dl.Kind)
	assert.Equal(t, "click", dl.Action.Kind, "download: SELECTOR clicks it")
	assert.Equal(t, "download", dl.Into())
	assert.True(t, dl.IsRead(), "a download writes its file into the item's record")
	assert.Empty(t, dl.Get("save_as"))

	ex := f.Steps[2]
	assert.Equal(t, "press", ex.Action.Kind)
	assert.Equal(t, "reports/${item.id}.csv", ex.Get("save_as"))
	assert.Equal(t, "export", ex.Into())
	assert.Equal(t, "download from press Enter on #export → export", ex.String())

	// The schema takes it too.
	s := loadSchema(t)
	var doc any
	require.NoError(t, yaml.Unmarshal([]byte(expectFlow), &doc))
	assert.Empty(t, validate(s, s, jsonish(doc), "$"))
}

// What cannot work is refused at load, each problem on its line.
func TestPopupAndDownloadErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"no steps", "  - popup: {action: a}\n", "f.yaml:3:12: steps[0].popup.steps: field is required"},
		{"no action", "  - popup: {steps: [{text: h1}]}\n", "f.yaml:3:12: steps[0].popup.action: field is required"},
		{"empty steps", "  - popup: {action: a, steps: []}\n", "f.yaml:3:31: steps[0].popup.steps: at least one step is required"},
		{"typo", "  - popup:\n      action: a\n      stpes: [{text: h1}]\n", `f.yaml:5:7: steps[0].popup.stpes: unknown field "stpes" (did you mean "steps"?)`},
		{"bad inner step", "  - popup:\n      action: a\n      steps:\n        - clik: b\n", `f.yaml:6:11: steps[0].popup.steps[0].clik: unknown field "clik" (did you mean "click"?)`},
		{"inner field", "  - popup:\n      action: a\n      steps:\n        - fill: {selector: b}\n", "f.yaml:6:17: steps[0].popup.steps[0].fill.value: field is required"},
		{"popup as action", "  - popup:\n      action: {popup: {action: a, steps: [{text: h1}]}}\n      steps: [{text: h1}]\n", "f.yaml:4:16: steps[0].popup.action: popup cannot be the action"},
		{"download as action", "  - download: {action: {download: a}}\n", "f.yaml:3:25: steps[0].download.action: download cannot be the action"},
		{"bad action", "  - popup: {action: [a], steps: [{text: h1}]}\n", "steps[0].popup.action: want a step"},
		{"empty click", "  - download: {action: {click: \"\"}}\n", "steps[0].download.action.click.selector: must not be empty"},
		{"retry on popup", "  - popup: {action: a, steps: [{text: h1}]}\n    retry: {max_attempts: 2}\n", "f.yaml:3: steps[0].retry: a popup step is not retried as a whole: give retry to its action"},
		{"retry on download", "  - download: a\n    retry: {max_attempts: 2}\n", "steps[0].retry: a download step is not retried as a whole"},
		{"enqueue in popup", "  - popup: {action: a, steps: [{enqueue: {links: a}}]}\n", "steps[0].popup.steps[0].enqueue: enqueue adds the links of the item's page: put it outside the popup"},
		{"download in popup", "  - popup: {action: a, steps: [{download: x}]}\n", "steps[0].popup.steps[0].download: a download from a popup is not supported"},
		{"absolute", "  - download: {action: a, save_as: /etc/cron.d/x}\n", `f.yaml:3:36: steps[0].download.save_as: want a path relative to the downloads directory (--downloads), got "/etc/cron.d/x"`},
		{"dotdot", "  - download: {action: a, save_as: \"x/../../y\"}\n", `steps[0].download.save_as: "x/../../y" leaves the downloads directory (..)`},
		{"backslash dotdot", "  - download: {action: a, save_as: '..\\y'}\n", `leaves the downloads directory (..)`},
		{"directory", "  - download: {action: a, save_as: out/}\n", `steps[0].download.save_as: "out/" names a directory`},
		{"dot", "  - download: {action: a, save_as: ./.}\n", `names the downloads directory itself`},
		{"empty", "  - download: {action: a, save_as: \" \"}\n", `steps[0].download.save_as: must not be empty`},
		{"same record field", "  - text: {selector: h1, as: file}\n  - download: {action: a, as: file}\n", `f.yaml:4:31: steps[1].download: record field "file" is already read by the step on line 3`},
		{"read in popup twice", "  - text: h1\n  - popup: {action: a, steps: [{text: h2}]}\n", `steps[1].popup.steps[0].text: record field "text" is already read by the step on line 3`},
		{"nested too deep", "  - popup: {action: a, steps: [{popup: {action: a, steps: [{popup: {action: a, steps: [{popup: {action: a, steps: [{popup: {action: a, steps: [{text: h1}]}}]}}]}}]}}]}\n", "popups nested more than 4 deep"},
		{"unset variable", "  - download: {action: a, save_as: \"${NOPE}.pdf\"}\n", "${NOPE} is neither a variable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, "start_url: ${SITE}/\nsteps:\n"+tc.src)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// In a batch (or a crawl) a save_as without ${item.…} would have every item write the same file.
func TestDownloadSaveAsPerItem(t *testing.T) {
	_, err := parse(t, "start_url: ${SITE}/\nitems: [{id: a}, {id: b}]\nsteps:\n  - download: {action: a, save_as: report.pdf}\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `f.yaml:4:36: steps[0].download.save_as: every item would save to "report.pdf"`)

	_, err = parse(t, "start_url: ${SITE}/\nsteps:\n  - download: {action: a, save_as: report.pdf}\n")
	assert.NoError(t, err, "one run, one file")

	_, err = parse(t, "stages:\n  s:\n    start: [\"${SITE}/\"]\n    steps:\n      - download: {action: a, save_as: report.pdf}\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "every item would save to")

	_, err = parse(t, "stages:\n  s:\n    start: [\"${SITE}/\"]\n    steps:\n      - download: {action: a, save_as: \"d${item.depth}.pdf\"}\n      - popup: {action: a, steps: [{text: h1}]}\n")
	assert.NoError(t, err)
}

// An expanded save_as (an item's field may hold anything) is checked again before the file is
// written.
func TestSaveAsPath(t *testing.T) {
	dir := t.TempDir()
	p, err := SaveAsPath(dir, "reports/a.pdf")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "reports", "a.pdf"), p)
	for _, bad := range []string{"../a", "a/../../b", "/etc/passwd", "", ".", "a/"} {
		_, err := SaveAsPath(dir, bad)
		assert.Error(t, err, bad)
	}
}

// The schema refuses the same shapes.
func TestSchemaRejectsBadPopupAndDownload(t *testing.T) {
	s := loadSchema(t)
	for _, src := range []string{
		"start_url: http://h/\nsteps:\n  - popup: {action: a}\n",
		"start_url: http://h/\nsteps:\n  - popup: {action: a, steps: []}\n",
		"start_url: http://h/\nsteps:\n  - popup: {action: {clik: a}, steps: [{text: h1}]}\n",
		"start_url: http://h/\nsteps:\n  - popup: {action: {download: a}, steps: [{text: h1}]}\n",
		"start_url: http://h/\nsteps:\n  - popup: {action: a, steps: [{text: h1}]}\n    retry: {max_attempts: 2}\n",
		"start_url: http://h/\nsteps:\n  - download: {save_as: x.pdf}\n",
		"start_url: http://h/\nsteps:\n  - download: {action: a, saveas: x.pdf}\n",
	} {
		t.Run(src, func(t *testing.T) {
			_, perr := parse(t, src)
			require.Error(t, perr, "parser")
			var doc any
			require.NoError(t, yaml.Unmarshal([]byte(src), &doc))
			assert.NotEmpty(t, validate(s, s, jsonish(doc), "$"), "schema accepts what the parser rejects")
		})
	}
}
