package flow

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestParseInputSteps(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cv.pdf"), []byte("%PDF"), 0o644))
	flowFile := filepath.Join(dir, "f.yaml")
	src := `
start_url: http://h/
variables:
  pw: {value: hunter22, secret: true}
http_credentials: {username: admin, password: "${pw}", origins: ["http://h"]}
steps:
  - click: {selector: "#box", button: right}
  - click: {selector: "#box", count: 2}
  - upload: {selector: "#file-upload", files: [cv.pdf]}
  - upload: {selector: "#file-upload", files: "${item.file}"}
  - drag: {from: "#column-a", to: "#column-b"}
  - back:
  - forward: {}
  - reload: {expect_status: 503}
  - dialog:
  - dialog: {as: alert_text}
dialogs: {accept: true, prompt_text: hello}
items: [{file: /tmp/x}]
`
	f, err := Parse([]byte(src), Options{File: flowFile, Env: testEnv, ReadFile: noFiles})
	require.NoError(t, err)
	require.Len(t, f.Steps, 10)
	assert.Equal(t, "dialog", f.Steps[8].Into())
	assert.Equal(t, "alert_text", f.Steps[9].Into())
	assert.Equal(t, &Dialogs{Accept: true, PromptText: "hello"}, f.Dialogs)
	assert.Equal(t, "right", f.Steps[0].Get("button"))
	assert.Equal(t, "click #box (right)", f.Steps[0].String())
	assert.Equal(t, 2, f.Steps[1].Count)
	assert.Equal(t, []string{"cv.pdf"}, f.Steps[2].Files)
	assert.Equal(t, filepath.Join(dir, "cv.pdf"), f.FilePath(f.Steps[2].Files[0]), "relative to the flow file")
	assert.Equal(t, []string{"${item.file}"}, f.Steps[3].Files)
	assert.Equal(t, "#column-a", f.Steps[4].Get("from"))
	assert.Equal(t, []string{"back", "forward", "reload"}, []string{f.Steps[5].Kind, f.Steps[6].Kind, f.Steps[7].Kind})
	assert.Equal(t, []int{503}, f.Steps[7].ExpectStatus)
	require.NotNil(t, f.HTTPCredentials)
	assert.Equal(t, "admin", f.HTTPCredentials.Username)
	assert.Equal(t, "${pw}", f.HTTPCredentials.Password, "kept as a template: the secret is never in the Flow's text")
	assert.Equal(t, []string{"http://h"}, f.HTTPCredentials.Origins)
	pw, secret, err := f.Resolve(f.HTTPCredentials.Password, Item{})
	require.NoError(t, err)
	assert.Equal(t, "hunter22", pw)
	assert.True(t, secret)

	// The schema takes the same document.
	s := loadSchema(t)
	var doc any
	require.NoError(t, yaml.Unmarshal([]byte(src), &doc))
	assert.Empty(t, validate(s, s, jsonish(doc), "$"))
}

func TestParseInputStepErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"bad button", "start_url: http://h/\nsteps:\n  - click: {selector: a, button: rihgt}\n", []string{`f.yaml:3:34: steps[0].click.button: unknown button "rihgt" (did you mean "right"?)`}},
		{"four clicks", "start_url: http://h/\nsteps:\n  - click: {selector: a, count: 4}\n", []string{"steps[0].click.count: want an integer from 1 to 3, got 4"}},
		{"missing file", "start_url: http://h/\nsteps:\n  - upload: {selector: a, files: [nope.pdf]}\n", []string{`f.yaml:3:35: steps[0].upload.files[0]: file "nope.pdf" not found`, "relative paths start at the flow file's directory"}},
		{"no files", "start_url: http://h/\nsteps:\n  - upload: {selector: a, files: []}\n", []string{"steps[0].upload.files: want at least one file"}},
		{"files mapping", "start_url: http://h/\nsteps:\n  - upload: {selector: a, files: {a: b}}\n", []string{"steps[0].upload.files: want a file path or a list of them"}},
		{"upload shorthand", "start_url: http://h/\nsteps:\n  - upload: a\n", []string{"steps[0].upload: want a mapping of files, selector"}},
		{"drag without to", "start_url: http://h/\nsteps:\n  - drag: {from: a}\n", []string{"steps[0].drag.to: field is required"}},
		{"back with a value", "start_url: http://h/\nsteps:\n  - back: 2\n", []string{"steps[0].back: want a mapping of expect_status"}},
		{"reload bad status", "start_url: http://h/\nsteps:\n  - reload: {expect_status: 99}\n", []string{"steps[0].reload.expect_status"}},
		{"credentials without password", "start_url: http://h/\nhttp_credentials: {username: a}\nsteps:\n  - click: a\n", []string{"http_credentials.password: field is required"}},
		{"credentials per item", "start_url: http://h/\nhttp_credentials: {username: a, password: '${item.pw}'}\nitems: [{pw: x}]\nsteps:\n  - click: a\n", []string{"the credentials serve the whole run"}},
		{"credentials bad origin", "start_url: http://h/\nhttp_credentials: {username: a, password: b, origins: [intranet]}\nsteps:\n  - click: a\n", []string{`want an origin like https://intranet.example, got "intranet"`}},
		{"dismissed prompt with text", "start_url: http://h/\ndialogs: {accept: false, prompt_text: x}\nsteps:\n  - click: a\n", []string{"dialogs.prompt_text: a dismissed prompt gets no text"}},
		{"dialogs typo", "start_url: http://h/\ndialogs: {acept: false}\nsteps:\n  - click: a\n", []string{`dialogs.acept: unknown field "acept" (did you mean "accept"?)`}},
		{"dialog twice", "start_url: http://h/\nsteps:\n  - dialog:\n  - dialog:\n", []string{`record field "dialog" is already read`}},
		{"secret elsewhere", "variables:\n  pw: {value: x, secret: true}\nstart_url: http://h/\nhttp_credentials: {username: '${pw}', password: b}\nsteps:\n  - click: a\n", []string{`http_credentials.username: variable "pw" is secret`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, tc.src)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			s := loadSchema(t)
			var doc any
			require.NoError(t, yaml.Unmarshal([]byte(tc.src), &doc))
			if tc.name != "missing file" && tc.name != "credentials per item" && tc.name != "secret elsewhere" &&
				tc.name != "dismissed prompt with text" && tc.name != "dialog twice" { // what a schema cannot know
				assert.NotEmpty(t, validate(s, s, jsonish(doc), "$"), "schema accepts what the parser rejects")
			}
		})
	}
}
