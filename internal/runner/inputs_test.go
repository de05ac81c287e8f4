package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/progress"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
)

// practiceServer replicates the-internet's basic auth, file upload, drag and drop and double
// click exercises, and counts the loads of each page.
func practiceServer(t *testing.T, password string) *httptest.Server {
	var mu sync.Mutex
	loads := map[string]int{}
	pages := map[string]string{
		"/basic_auth": `<p id="msg">Congratulations! You must have the proper credentials.</p>`,
		"/upload": `<label for="file-upload" class="button">Choose file</label><input id="file-upload" type="file" style="display:none">
<p id="uploaded"></p><script>document.getElementById('file-upload').onchange = (e) => { uploaded.textContent = e.target.files[0].name + ' ' + e.target.files[0].size; };</script>`,
		"/drag": `<div id="column-a" draggable="true" style="float:left;width:120px;height:120px;border:1px solid"><header>A</header></div>
<div id="column-b" draggable="true" style="float:left;width:120px;height:120px;border:1px solid"><header>B</header></div>
<div id="box" style="clear:both;width:100px;height:50px;border:1px solid">box</div><p id="dbl"></p><p id="ctx"></p>
<button id="ask" onclick="answer.textContent = 'You entered: ' + prompt('Your name?')">Ask</button><p id="answer"></p>
<script>
let dragged;
for (const c of [document.getElementById('column-a'), document.getElementById('column-b')]) {
  c.ondragstart = (e) => { dragged = c; e.dataTransfer.setData('text/html', c.innerHTML); };
  c.ondragover = (e) => e.preventDefault();
  c.ondrop = (e) => { e.preventDefault(); dragged.innerHTML = c.innerHTML; c.innerHTML = e.dataTransfer.getData('text/html'); };
}
box.ondblclick = () => dbl.textContent = 'double clicked';
box.oncontextmenu = (e) => { e.preventDefault(); ctx.textContent = 'context menu'; };
</script>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/basic_auth" {
			if u, p, ok := r.BasicAuth(); !ok || u != "admin" || p != password {
				w.Header().Set("WWW-Authenticate", `Basic realm="Restricted"`)
				http.Error(w, "Not authorized", http.StatusUnauthorized)
				return
			}
		}
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		loads[r.URL.Path]++
		n := loads[r.URL.Path]
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(w, `<!doctype html><title>%s</title><p id="loads">%d</p>%s`, r.URL.Path, n, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const practiceFlow = `name: practice
variables:
  pw: {value: "${PRACTICE_PW}", secret: true}
http_credentials: {username: admin, password: "${pw}"}
dialogs: {prompt_text: Ada}
steps:
  - navigate: ${SITE}/basic_auth
  - text: {selector: "#msg", as: auth}
  - navigate: ${SITE}/upload
  - upload: {selector: "text=Choose file", files: [data/cv.txt]}
  - text: {selector: "#uploaded", as: uploaded}
  - navigate: ${SITE}/drag
  - drag: {from: "#column-a", to: "#column-b"}
  - text: {selector: "#column-b header", as: column_b}
  - click: {selector: "#box", count: 2}
  - text: {selector: "#dbl", as: dbl}
  - click: {selector: "#box", button: right}
  - text: {selector: "#ctx", as: ctx}
  - click: "#ask"
  - dialog: {as: asked}
  - text: {selector: "#answer", as: answer}
  - back:
  - forward:
  - text: {selector: "#loads", as: loads_before}
  - reload:
  - text: {selector: "#loads", as: loads}
`

// The practice tasks as a flow file, as `smartretry run` runs it: the upload's path is relative
// to the flow file, the password a secret variable that appears nowhere in the results.
func TestFlowPracticeSteps(t *testing.T) {
	requireEnv(t)
	const password = "pr4ctice-Secret"
	srv := practiceServer(t, password)
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "data"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data", "cv.txt"), []byte("my cv"), 0o644))
	path := filepath.Join(dir, "practice.yaml")
	require.NoError(t, os.WriteFile(path, []byte(practiceFlow), 0o644))
	f, err := flow.Load(path, func(k string) (string, bool) {
		switch k {
		case "SITE":
			return srv.URL, true
		case "PRACTICE_PW":
			return password, true
		}
		return "", false
	})
	require.NoError(t, err)

	m := retry.NewManager(append(ManagerOptions(f.Engine), retry.WithClassifier(browser.Classify))...)
	var buf testenv.LockedBuffer
	w := results.NewWriter(&buf)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sum, err := Run(ctx, Config{Flow: f, Browser: env.b, Manager: m, Results: w,
		Tracker: progress.NewTracker(len(f.Batch())), ActionTimeout: 10 * time.Second})
	require.NoError(t, w.Close())
	require.NoError(t, err, buf.String())
	require.Equal(t, 1, sum.OK, buf.String())
	out := buf.String()
	assert.NotContains(t, out, password)
	for _, want := range []string{
		`"auth":"Congratulations! You must have the proper credentials."`,
		`"uploaded":"cv.txt 5"`,
		`"column_b":"A"`,
		`"dbl":"double clicked"`,
		`"ctx":"context menu"`,
		`"asked":"Your name?"`,
		`"answer":"You entered: Ada"`,
	} {
		assert.Contains(t, out, want)
	}
	// The reload asked the server again (forward may come from the back-forward cache).
	var rec struct {
		Data map[string]string `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &rec))
	before, err := strconv.Atoi(rec.Data["loads_before"])
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(before+1), rec.Data["loads"])
}
