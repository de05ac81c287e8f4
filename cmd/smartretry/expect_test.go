package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/results"
)

// popupSite serves the-internet's "Multiple Windows" (a target=_blank link to a new window) and
// a download page whose files are served as attachments.
func popupSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><body>"+body+"</body></html>")
	}
	mux.HandleFunc("/windows", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h3>Opening a new window</h3><a href="/windows/new" target="_blank">Click Here</a>
<a href="/download">downloads</a>`)
	})
	mux.HandleFunc("/windows/new", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h3>New Window</h3>`)
	})
	mux.HandleFunc("/download", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h3>File Downloader</h3><a href="/download/report.txt">report.txt</a> <a href="/download/data.csv">data.csv</a>`)
	})
	mux.HandleFunc("/download/", func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Base(r.URL.Path)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		fmt.Fprintf(w, "contents of %s\n", name)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// A flow opens a new window, reads it, comes back to the opener, and downloads two files: one
// under the name the site gives, one as save_as; both land in downloads/ beside --out and the
// record says where, with the size and the site's name.
func TestRunPopupAndDownloadSteps(t *testing.T) {
	srv := popupSite(t)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "windows.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`
start_url: ${SITE}/windows
steps:
  - popup:
      action: "text=Click Here"
      steps:
        - text: {selector: h3, as: new_window}
  - text: {selector: h3, as: opener}
  - click: "text=downloads"
  - download: "text=report.txt"
  - download:
      action: {click: "text=data.csv"}
      save_as: "csv/latest.csv"
      as: data
`), 0o644))
	out := filepath.Join(dir, "results", "out.jsonl")
	require.NoError(t, os.MkdirAll(filepath.Dir(out), 0o755))
	r := run(t, dir, []string{"SITE=" + srv.URL}, "run", "--out", out, flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	var rec map[string]any
	for _, l := range readResults(t, out) {
		if l.Kind == results.KindRecord {
			rec = l.Data
		} else {
			assert.Equal(t, results.StatusOK, l.Status, l.Error)
		}
	}
	require.NotNil(t, rec, "the reads make a record")
	assert.Equal(t, "New Window", rec["new_window"])
	assert.Equal(t, "Opening a new window", rec["opener"], "back in the opener")

	downloads := filepath.Join(dir, "results", "downloads")
	d := rec["download"].(map[string]any)
	assert.Equal(t, filepath.Join(downloads, "report.txt"), d["path"])
	assert.Equal(t, "report.txt", d["name"])
	assert.Equal(t, srv.URL+"/download/report.txt", d["url"])
	assert.EqualValues(t, len("contents of report.txt\n"), d["size"])
	body, err := os.ReadFile(filepath.Join(downloads, "report.txt"))
	require.NoError(t, err)
	assert.Equal(t, "contents of report.txt\n", string(body))

	csv := rec["data"].(map[string]any)
	assert.Equal(t, filepath.Join(downloads, "csv", "latest.csv"), csv["path"])
	assert.Equal(t, "data.csv", csv["name"])
	body, err = os.ReadFile(filepath.Join(downloads, "csv", "latest.csv"))
	require.NoError(t, err)
	assert.Equal(t, "contents of data.csv\n", string(body))

	// --downloads puts them elsewhere; a second run beside the first keeps both report.txt files.
	other := filepath.Join(dir, "elsewhere")
	r = run(t, dir, []string{"SITE=" + srv.URL}, "run", "--downloads", other, "--out", out, flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	for _, name := range []string{"report.txt", filepath.Join("csv", "latest.csv")} {
		_, err := os.Stat(filepath.Join(other, name))
		assert.NoError(t, err, name)
	}
}

// A popup or download that cannot work is refused before the browser starts: exit 2, the file,
// line and field of each problem.
func TestRunRefusesBadPopupAndDownloadSteps(t *testing.T) {
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`start_url: http://127.0.0.1:1/
items: [{id: a}, {id: b}]
steps:
  - popup:
      action: "text=Open"
      stesp: [{text: h3}]
  - download: {action: "text=report", save_as: ../../etc/report.txt}
  - download: {action: "text=report", save_as: report.txt, as: second}
  - popup:
      action: {download: "text=report"}
      steps: [{text: h1}]
`), 0o644))
	r := run(t, dir, nil, "run", flowFile)
	assert.Equal(t, 2, r.code, r.stderr)
	for _, want := range []string{
		"invalid flow:",
		flowFile + `:6:7: steps[0].popup.stesp: unknown field "stesp" (did you mean "steps"?)`,
		flowFile + `:7:48: steps[1].download.save_as: "../../etc/report.txt" leaves the downloads directory (..)`,
		flowFile + `:8:48: steps[2].download.save_as: every item would save to "report.txt"`,
		flowFile + `:10:16: steps[3].popup.action: download cannot be the action of a popup or a download`,
	} {
		assert.Contains(t, r.stderr, want)
	}
	assert.False(t, strings.Contains(r.stderr, "browser"), "nothing started: %s", r.stderr)
}
