package runner

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

// windowsSite serves an opener with three ways to open a tab (a target=_blank link, window.open,
// an OAuth-like window that writes back to its opener and closes itself), a button that opens
// nothing, and files to download.
func windowsSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><body>"+body+"</body></html>")
	}
	mux.HandleFunc("/opener", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h1>Opener</h1>
<a target="_blank" href="/child?from=link">Open the window</a>
<a target="_blank" rel="noopener noreferrer" href="/child?from=noopener">Open without opener</a>
<button id="wopen" onclick="window.w = window.open('/child?from=script')">window.open</button>
<button id="login" onclick="window.open('/auth', 'auth', 'width=400,height=400')">Log in</button>
<button id="nothing">Opens nothing</button>
<p id="who">nobody</p><p id="state">none</p>
<script>setInterval(() => { if (window.w) document.getElementById('state').textContent = window.w.closed ? 'closed' : 'open' }, 50)</script>`)
	})
	mux.HandleFunc("/child", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h3>New Window `+r.URL.Query().Get("from")+`</h3><input id="q">
<a href="/child2">next</a> <a href="/child2?deeper" target="_blank">deeper</a>`)
	})
	mux.HandleFunc("/child2", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h3>Second page</h3>`)
	})
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h2>Allow?</h2><button id="allow" onclick="opener.document.getElementById('who').textContent = 'ada'; window.close()">Allow</button>`)
	})
	mux.HandleFunc("/files", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<a href="/file?name=report.csv">report</a> <a href="/file?name=`+r.URL.Query().Get("name")+`">named</a> <a href="/nothing">none</a>
<a href="/file?name=tab.csv" target="_blank">in a new tab</a>`)
	})
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		fmt.Fprintf(w, "id,name\n1,%s\n", name)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// A popup's steps run in the tab the action opened, its reads go into the item's record, and the
// item goes on in the opener once the popup is closed: a target=_blank link, window.open, an
// OAuth-like window that answers its opener and closes itself, and a rel="noopener noreferrer"
// link (most sites' "open in a new tab").
func TestPopupSteps(t *testing.T) {
	srv := windowsSite(t)
	o := runFlow(t, fmt.Sprintf(`
start_url: %s/opener
steps:
  - popup:
      action: "text=Open the window"
      steps:
        - text: {selector: h3, as: link_title}
        - fill: {selector: "#q", value: typed in the popup}
        - value: {selector: "#q", as: typed}
        - click: "text=next"
        - text: {selector: h3, as: link_next}
  - text: {selector: h1, as: opener}
  - popup:
      action: {click: "#wopen"}
      steps:
        - text: {selector: h3, as: script_title}
        - popup:                              # a popup of the popup
            action: "text=deeper"
            steps: [{text: {selector: h3, as: nested}}]
        - value: {selector: "#q", as: back_in_first_popup}
  - wait_for: {selector: "#state", text: closed}
  - popup:
      action: "#login"
      steps:
        - click: "#allow"
  - wait_for: {selector: "#who", text: ada}
  - text: {selector: "#who", as: who}
  - popup:
      action: "text=Open without opener"
      steps: [{text: {selector: h3, as: noopener}}]
`, srv.URL), nil, nil)
	require.NoError(t, o.err)
	require.Len(t, o.items, 1)
	for _, l := range o.items {
		require.Equal(t, results.StatusOK, l.Status, "%s: %s", l.ErrorType, l.Error)
	}
	require.Len(t, o.records, 1)
	rec := o.records[0]
	assert.Equal(t, "New Window link", rec["link_title"])
	assert.Equal(t, "typed in the popup", rec["typed"])
	assert.Equal(t, "Second page", rec["link_next"], "the popup navigated on its own")
	assert.Equal(t, "Opener", rec["opener"], "back in the opener after the popup")
	assert.Equal(t, "New Window script", rec["script_title"])
	assert.Equal(t, "Second page", rec["nested"], "a popup opened from a popup")
	assert.Equal(t, "", rec["back_in_first_popup"], "then back in the first popup")
	assert.Equal(t, "ada", rec["who"], "the window that closed itself answered its opener")
	assert.Equal(t, "New Window noopener", rec["noopener"], "a rel=noopener noreferrer link's tab is found too")
}

// An action that opens no tab fails the item, naming the popup step's line; a failing step in
// the popup names its own.
func TestPopupFailures(t *testing.T) {
	srv := windowsSite(t)
	o := runFlow(t, fmt.Sprintf(`
start_url: %s/opener
steps:
  - popup:
      action: "#nothing"
      steps: [{text: h3}]
`, srv.URL), func(c *Config) { c.ItemAttempts = 1; c.ActionTimeout = 2e9 }, nil)
	require.NoError(t, o.err)
	require.Len(t, o.items, 1)
	for _, l := range o.items {
		assert.Equal(t, results.StatusFail, l.Status)
		assert.Contains(t, l.Error, "step 1 (line 4)")
		assert.Contains(t, l.Error, "opened no new tab")
	}
	o = runFlow(t, fmt.Sprintf(`
start_url: %s/opener
steps:
  - popup:
      action: "#wopen"
      steps:
        - text: h3
        - text: {selector: "#missing", as: missing}
          timeout: 1s
`, srv.URL), func(c *Config) { c.ItemAttempts = 1; c.ActionTimeout = 10e9 }, nil) // the popup has 10s to come
	require.NoError(t, o.err)
	for _, l := range o.items {
		assert.Equal(t, results.StatusFail, l.Status)
		assert.Contains(t, l.Error, "step 1 (line 4): popup step 2 (line 8)")
	}
}

// A download is saved under the downloads directory, as save_as says or as the site names it,
// and its path, name, size and URL go into the item's record (a target=_blank download link's
// too); items downloading the same name at once each get their own file, with and without a
// browser context each.
func TestDownloadSteps(t *testing.T) {
	srv := windowsSite(t)
	for _, isolated := range []bool{true, false} {
		t.Run(fmt.Sprintf("isolated=%v", isolated), func(t *testing.T) {
			dir := t.TempDir()
			o := runFlow(t, fmt.Sprintf(`
isolated: %v
concurrency: 3
items: [{id: a}, {id: b}, {id: c}]
start_url: %s/files?name=${item.id}.csv
steps:
  - download: "text=report"
  - download:
      action: {click: "text=named"}
      save_as: "by-item/${item.id}/data.csv"
      as: named
  - download: {action: "text=in a new tab", as: from_tab}
`, isolated, srv.URL), func(c *Config) { c.Downloads = dir }, nil)
			require.NoError(t, o.err)
			require.Len(t, o.items, 3)
			for _, l := range o.items {
				require.Equal(t, results.StatusOK, l.Status, "%s: %s", l.ErrorType, l.Error)
			}
			require.Len(t, o.records, 3)
			seen := map[string]bool{}
			for _, rec := range o.records {
				d := rec["download"].(map[string]any)
				assert.Equal(t, "report.csv", d["name"])
				assert.Equal(t, srv.URL+"/file?name=report.csv", d["url"])
				p := d["path"].(string)
				assert.Equal(t, dir, filepath.Dir(p))
				assert.Regexp(t, `^report( \(\d+\))?\.csv$`, filepath.Base(p), "the site's name, numbered when taken")
				assert.False(t, seen[p], "two items saved to %s", p)
				seen[p] = true
				data, err := os.ReadFile(p)
				require.NoError(t, err)
				assert.Equal(t, "id,name\n1,report.csv\n", string(data))
				assert.EqualValues(t, len(data), d["size"])

				n := rec["named"].(map[string]any)
				np := n["path"].(string)
				id := strings.TrimSuffix(n["name"].(string), ".csv")
				assert.Equal(t, filepath.Join(dir, "by-item", id, "data.csv"), np)
				data, err = os.ReadFile(np)
				require.NoError(t, err)
				assert.Equal(t, "id,name\n1,"+id+".csv\n", string(data))

				tab := rec["from_tab"].(map[string]any)
				assert.Equal(t, "tab.csv", tab["name"], "a target=_blank download link's file")
				assert.EqualValues(t, len("id,name\n1,tab.csv\n"), tab["size"])
			}
			left, err := filepath.Glob(filepath.Join(dir, ".partial-*"))
			require.NoError(t, err)
			assert.Empty(t, left, "no partial directory stays behind")
		})
	}
}

// A save_as that an item's field takes out of the downloads directory fails that item at once
// (invalid_input), before anything is clicked; a link that downloads nothing fails as such.
func TestDownloadRefusals(t *testing.T) {
	srv := windowsSite(t)
	dir := t.TempDir()
	downloads := filepath.Join(dir, "downloads")
	o := runFlow(t, fmt.Sprintf(`
items: [{id: ok, name: fine.csv}, {id: evil, name: ../../escaped.csv}]
start_url: %s/files?name=x.csv
steps:
  - download: {action: "text=report", save_as: "${item.name}"}
`, srv.URL), func(c *Config) { c.Downloads = downloads; c.ItemAttempts = 1 }, nil)
	require.NoError(t, o.err)
	assert.Equal(t, results.StatusOK, o.items["ok"].Status, o.items["ok"].Error)
	evil := o.items["evil"]
	assert.Equal(t, results.StatusFail, evil.Status)
	assert.Equal(t, "invalid_input", evil.ErrorType)
	assert.Contains(t, evil.Error, "leaves the downloads directory")
	_, err := os.Stat(filepath.Join(dir, "escaped.csv"))
	assert.ErrorIs(t, err, os.ErrNotExist)

	o = runFlow(t, fmt.Sprintf(`
start_url: %s/files?name=x.csv
steps:
  - download: "text=none"
`, srv.URL), func(c *Config) { c.Downloads = downloads; c.ItemAttempts = 1; c.ActionTimeout = 2e9 }, nil)
	require.NoError(t, o.err)
	for _, l := range o.items {
		assert.Equal(t, results.StatusFail, l.Status)
		assert.Contains(t, l.Error, "step 1 (line 4)")
	}
}

// In a crawl, a stage's popup and download steps run as in a batch: the popup's reads and the
// download's file go into the page's record.
func TestPopupAndDownloadInACrawl(t *testing.T) {
	srv := windowsSite(t)
	dir := t.TempDir()
	o := runFlow(t, fmt.Sprintf(`
crawl: {robots: ignore}
stages:
  page:
    start: ["%s/opener"]
    steps:
      - popup:
          action: "text=Open the window"
          steps: [{text: {selector: h3, as: popup}}]
      - enqueue: {urls: ["/files?name=x.csv"], stage: files}
  files:
    steps:
      - download: {action: "text=named", save_as: "crawl/d${item.depth}.csv"}
`, srv.URL), func(c *Config) { c.Downloads = dir }, nil)
	require.NoError(t, o.err)
	require.Len(t, o.items, 2)
	for _, l := range o.items {
		require.Equal(t, results.StatusOK, l.Status, "%s: %s", l.ErrorType, l.Error)
	}
	var popup string
	var file map[string]any
	for _, rec := range o.records {
		if v, ok := rec["popup"].(string); ok {
			popup = v
		}
		if v, ok := rec["download"].(map[string]any); ok {
			file = v
		}
	}
	assert.Equal(t, "New Window link", popup)
	require.NotNil(t, file)
	assert.Equal(t, filepath.Join(dir, "crawl", "d1.csv"), file["path"])
	data, err := os.ReadFile(filepath.Join(dir, "crawl", "d1.csv"))
	require.NoError(t, err)
	assert.Equal(t, "id,name\n1,x.csv\n", string(data))
}
