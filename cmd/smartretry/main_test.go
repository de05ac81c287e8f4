package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/testpages"
)

// The tests run the built binary as a user would. Every process they start carries a marker in
// its environment (Chromium and its helpers inherit it), so TestMain can prove none outlives the run.
var (
	bin    string
	marker = fmt.Sprintf("SMARTRETRY_CLI_TEST=%d", os.Getpid())
	// tmp is every run's TMPDIR: a run killed with SIGKILL cannot remove its Chromium profile,
	// so the profiles live here and go with it.
	tmp string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "smartretry-cli-test")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "smartretry")
	tmp = filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		panic(err)
	}
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build smartretry:", err)
		os.Exit(2)
	}
	code := m.Run()
	if left := leftovers(10 * time.Second); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "processes outlived the tests (killed now): %v\n", left)
		for _, pid := range left {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		code = 1
	}
	if err := goleak.Find(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, "goroutine leak:", err)
		code = 1
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// leftovers returns the pids of live processes started by these tests (they carry the marker),
// after waiting up to grace for them to go.
func leftovers(grace time.Duration) []int {
	return testenv.WaitGone(grace, func() []int { return testenv.ProcessesWithEnv(marker) })
}

type result struct {
	code           int
	stdout, stderr string
}

// cmd prepares the binary with args, the marker, and env (KEY=VALUE) in its own process group.
func cmd(ctx context.Context, dir string, env []string, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, bin, args...)
	c.Dir = dir
	c.Env = append(append(os.Environ(), marker, "TMPDIR="+tmp), env...)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	return c
}

func run(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := cmd(ctx, dir, env, args...)
	// A run still going after its 3 minutes is stuck: SIGQUIT makes Go print every goroutine's
	// stack on its stderr, which the failing test shows, before the group is killed below.
	c.Cancel = func() error { return c.Process.Signal(syscall.SIGQUIT) }
	c.WaitDelay = 10 * time.Second
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL) // nothing of the group may stay behind
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

func startSite(t *testing.T) (*testpages.Server, string) {
	t.Helper()
	s, err := testpages.Start()
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s, "SITE=" + strings.TrimSuffix(s.URL("/"), "/")
}

func readResults(t *testing.T, path string) []results.Line {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []results.Line
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var l results.Line
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		out = append(out, l)
	}
	return out
}

func TestHelpAndUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--help"}, 0, "Exit codes:"},
		{[]string{"run", "--help"}, 0, "--resume"},
		{[]string{"demo", "--help"}, 0, "well under a minute"},
		{[]string{"snapshot", "--help"}, 0, "--json"},
		{[]string{"serve", "--help"}, 0, "--addr"},
		{[]string{"run"}, 2, "accepts 1 arg"},
		{[]string{"run", "--bogus", "x.yaml"}, 2, "unknown flag: --bogus"},
		{[]string{"run", "--concurrency", "1000", "../../examples/catalog.yaml"}, 2, ""},
		{[]string{"run", "--resume", "../../examples/catalog.yaml"}, 2, "--resume needs --out"},
		{[]string{"nope"}, 2, "unknown command"},
		{[]string{"snapshot", "not a url"}, 2, ""},
		{[]string{"serve", "--addr", "0.0.0.0:0"}, 2, "not a loopback address"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := run(t, ".", []string{"SITE=http://127.0.0.1:1"}, tc.args...)
			assert.Equal(t, tc.code, r.code, r.stderr)
			assert.Contains(t, r.stdout+r.stderr, tc.want)
		})
	}
}

func TestDemo(t *testing.T) {
	r := run(t, t.TempDir(), nil, "demo")
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	for _, want := range []string{
		"rate_limit", "honouring Retry-After", "server_error", "page_crash", "repair: new_page",
		"not_found is not retryable", "captcha", "== retry engine stats ==", "== scraped records: 200",
		"== summary ==", "scenarios as expected: 10/10", "catalogue: 20 pages ok, 0 failed, 200 records",
	} {
		assert.Contains(t, r.stdout, want)
	}
}

func TestRunExamples(t *testing.T) {
	_, site := startSite(t)
	const password = "pw-Zq81-secret"
	for _, tc := range []struct {
		file           string
		items, records int
	}{
		{"catalog.yaml", 20, 200},
		{"products.yaml", 12, 12},
		{"login.yaml", 1, 0},
		{"fill-erase.yaml", 1, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out.jsonl")
			r := run(t, dir, []string{site, "DEMO_PASSWORD=" + password}, "run", "--out", out, "--artifacts", dir,
				"--log-format", "json", "-v", filepath.Join(wd(t), "../../examples", tc.file))
			require.Equal(t, 0, r.code, r.stderr)
			lines := readResults(t, out)
			items, records := 0, 0
			for _, l := range lines {
				if l.Kind == results.KindItem {
					items++
					assert.Equal(t, results.StatusOK, l.Status)
				} else {
					records++
				}
			}
			assert.Equal(t, tc.items, items)
			assert.Equal(t, tc.records, records)
			assert.Contains(t, r.stderr, "items: ")
			data, _ := os.ReadFile(out)
			assert.NotContains(t, string(data)+r.stdout+r.stderr, password, "a secret leaked")
		})
	}
}

func wd(t *testing.T) string {
	d, err := os.Getwd()
	require.NoError(t, err)
	return d
}

// A malformed flow is refused before anything starts: with no usable browser at all, the
// answer is still the flow error (exit 2), not a browser error (exit 3).
func TestMalformedFlowFailsBeforeBrowser(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("start_url: http://127.0.0.1:1/\nsteps:\n  - clik: '#buy'\n  - fill: {selector: '#q'}\n"), 0o644))
	good := filepath.Join(dir, "good.yaml")
	require.NoError(t, os.WriteFile(good, []byte("start_url: http://127.0.0.1:1/\nsteps:\n  - click: '#buy'\n"), 0o644))
	noBrowser := []string{"SMARTRETRY_BROWSER=/nonexistent/chromium"}

	r := run(t, dir, noBrowser, "run", bad)
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "bad.yaml:3:5: steps[0].clik: unknown field \"clik\" (did you mean \"click\"?)")
	assert.Contains(t, r.stderr, "bad.yaml:4:11: steps[1].fill.value: field is required")
	assert.NotContains(t, r.stderr, "browser")

	r = run(t, dir, noBrowser, "run", good)
	assert.Equal(t, 3, r.code, "the same setting does break the browser: %s", r.stderr)
	assert.Contains(t, r.stderr, "start the browser")
}

// A batch killed with SIGKILL mid-run and resumed ends with every item exactly once.
func TestKillAndResume(t *testing.T) {
	_, site := startSite(t)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "batch.yaml")
	var items []string
	for i := 1; i <= 20; i++ {
		items = append(items, fmt.Sprintf("{page: %d}", i))
	}
	require.NoError(t, os.WriteFile(flowFile, []byte(`
concurrency: 2
start_url: ${SITE}/slow?ms=300
engine: # page 5's one 503 is retried after 200ms, not the default seconds
  errors:
    server_error: {base_delay: 200ms, max_delay: 1s}
items: [`+strings.Join(items, ", ")+`]
steps:
  - navigate: ${SITE}/catalog?page=${item.page}&id=kill&flaky=5&fail=1
  - extract: {container: .product, fields: {name: .name, url: {selector: a.detail, attr: href}}}
`), 0o644))
	out := filepath.Join(dir, "out.jsonl")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := cmd(ctx, dir, []string{site}, "run", "--out", out, flowFile)
	c.Stdout, c.Stderr = io.Discard, io.Discard
	require.NoError(t, c.Start())
	// Wait until some items are on disk, then kill the whole group, Chromium included.
	for {
		data, _ := os.ReadFile(out)
		if bytes.Count(data, []byte(`"kind":"item"`)) >= 4 {
			break
		}
		require.NoError(t, ctx.Err(), "no items written")
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, syscall.Kill(-c.Process.Pid, syscall.SIGKILL))
	_ = c.Wait()
	before := readResultsTolerant(t, out)
	require.Less(t, before, 20, "the kill came too late to prove anything")

	r := run(t, dir, []string{site}, "run", "--out", out, "--resume", flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "resume: ")

	okItems := map[string]int{}
	urls := map[string]int{}
	for _, l := range readResults(t, out) {
		switch {
		case l.Kind == results.KindItem && l.Status == results.StatusOK:
			okItems[l.Item]++
		case l.Kind == results.KindRecord:
			urls[l.Data["url"].(string)]++
		}
	}
	assert.Len(t, okItems, 20)
	for k, n := range okItems {
		assert.Equal(t, 1, n, "item %s", k)
	}
	assert.Len(t, urls, 200)
	for u, n := range urls {
		assert.Equal(t, 1, n, "record %s", u)
	}
}

// readResultsTolerant counts the complete ok items of a file that may end in a torn line.
func readResultsTolerant(t *testing.T, path string) int {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	st, err := results.ReadState(f)
	require.NoError(t, err)
	return len(st.Done)
}

// One item fails (404, permanent), one meets a CAPTCHA with nobody at a terminal: both fail with
// their type, attempts, reason and error snapshot; the other items go on; exit code 1.
func TestFailuresAreRecordedAndOthersGoOn(t *testing.T) {
	srv, site := startSite(t)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "mixed.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`
items:
  - {id: ok1, path: /product/1}
  - {id: missing, path: /notfound}
  - {id: captcha, path: /captcha/hcaptcha}
  - {id: ok2, path: /product/2}
start_url: ${SITE}${item.path}
steps:
  - wait_for: h1.name
`), 0o644))
	out := filepath.Join(dir, "out.jsonl")
	arts := filepath.Join(dir, "artifacts")
	r := run(t, dir, []string{site}, "run", "--out", out, "--artifacts", arts, flowFile)
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "2 of 4 items failed")
	assert.Contains(t, r.stderr, "failures by type: captcha 1, not_found 1")

	byItem := map[string]results.Line{}
	for _, l := range readResults(t, out) {
		if l.Kind == results.KindItem {
			byItem[l.Item] = l
		}
	}
	assert.Equal(t, results.StatusOK, byItem["ok1"].Status)
	assert.Equal(t, results.StatusOK, byItem["ok2"].Status)
	nf := byItem["missing"]
	assert.Equal(t, results.StatusFail, nf.Status)
	assert.Equal(t, "not_found", nf.ErrorType)
	assert.Equal(t, 1, nf.Attempts)
	assert.Equal(t, "not_found is not retryable", nf.Reason)
	assert.NotEmpty(t, nf.Snapshot)
	assert.DirExists(t, nf.Snapshot)
	cp := byItem["captcha"]
	assert.Equal(t, "captcha", cp.ErrorType)
	assert.Contains(t, cp.Error, "hcaptcha")
	assert.Contains(t, cp.Error, srv.URL("/captcha/hcaptcha"))
	assert.Contains(t, cp.Error, "escalation needed")
	assert.NotEmpty(t, cp.Snapshot)
	assert.Equal(t, 1, srv.Hits("/notfound", "default"), "a 404 is never retried")
}

func TestSnapshotCommand(t *testing.T) {
	srv, _ := startSite(t)
	r := run(t, t.TempDir(), nil, "snapshot", srv.URL("/login"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "#username")
	assert.Contains(t, r.stdout, "#password")

	r = run(t, t.TempDir(), nil, "snapshot", "--json", srv.URL("/captcha/recaptcha"))
	require.Equal(t, 0, r.code, r.stderr)
	var snap struct {
		URL       string `json:"url"`
		Elements  []any  `json:"elements"`
		Challenge *struct {
			Vendor string `json:"vendor"`
		} `json:"challenge"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &snap), r.stdout)
	require.NotNil(t, snap.Challenge)
	assert.Equal(t, "recaptcha", snap.Challenge.Vendor)

	r = run(t, t.TempDir(), nil, "snapshot", srv.URL("/notfound"))
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "not_found")
}

func TestServe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := cmd(ctx, t.TempDir(), nil, "serve")
	stdout, err := c.StdoutPipe()
	require.NoError(t, err)
	var errb bytes.Buffer
	c.Stderr = &errb
	require.NoError(t, c.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	url := strings.TrimSpace(line)
	require.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), url)

	resp, err := http.Get(url + "/ratelimit?id=serve&fail=1&ra=1")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))

	require.NoError(t, c.Process.Signal(syscall.SIGTERM))
	err = c.Wait()
	assert.NoError(t, err, errb.String())
	assert.Equal(t, 0, c.ProcessState.ExitCode())
}
