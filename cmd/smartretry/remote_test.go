package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
)

// remoteChromium is a Chromium started by the test with --remote-debugging-port=0 on loopback,
// as someone else's browser would be: its http:// and ws:// endpoints.
type remoteChromium struct {
	cmd      *exec.Cmd
	http, ws string
}

func startRemoteChromium(t *testing.T) *remoteChromium {
	bin := testenv.RequireChromiumPath(t)
	profile := t.TempDir()
	c := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--disable-background-networking", "--disable-sync",
		"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir="+profile, "about:blank")
	c.Env = append(os.Environ(), marker)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stderr, err := c.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, c.Start())
	gone := make(chan struct{})
	t.Cleanup(func() {
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		<-gone
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		_ = c.Wait()
		close(gone)
	}()
	select {
	case ws := <-found:
		host := strings.SplitN(strings.TrimPrefix(ws, "ws://"), "/", 2)[0]
		return &remoteChromium{cmd: c, http: "http://" + host, ws: ws}
	case <-gone:
		t.Fatal("chromium exited before it listened")
	case <-time.After(60 * time.Second):
		t.Fatal("chromium printed no DevTools URL")
	}
	return nil
}

type target struct {
	ID, Type, URL string
}

func (rc *remoteChromium) pages(t *testing.T) map[string]string {
	t.Helper()
	out, err := rc.list()
	require.NoError(t, err)
	return out
}

// list returns the browser's tabs: id → URL.
func (rc *remoteChromium) list() (map[string]string, error) {
	res, err := http.Get(rc.http + "/json/list")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var ts []target
	if err := json.NewDecoder(res.Body).Decode(&ts); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, tg := range ts {
		if tg.Type == "page" {
			out[tg.ID] = tg.URL
		}
	}
	return out, nil
}

// A flow run through --browser-url (the http:// endpoint, and $SMARTRETRY_BROWSER_URL with the
// ws:// one): a tab crashed mid-item is replaced (new tab, last URL) and the item ends ok; after
// the run the remote browser is still there and holds none of our tabs.
func TestBrowserURL(t *testing.T) {
	srv, site := startSite(t)
	rc := startRemoteChromium(t)
	before := rc.pages(t)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "late.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`name: late
concurrency: 2
items: [{n: "1"}, {n: "2"}, {n: "3"}]
start_url: ${SITE}/late?ms=2500&id=remote${item.n}
steps:
  - wait_for: "#target"
  - click: "#target"
`), 0o644))

	// While item 1 waits for its button, crash its tab from outside (Page.crash).
	crashed := make(chan error, 1)
	go func() {
		crashed <- func() error {
			// Our own connection, ended by cancel (rod's Close would close the whole browser).
			life, cancel := context.WithCancel(context.Background())
			defer cancel()
			b := rod.New().ControlURL(rc.ws).Context(life)
			if err := b.Connect(); err != nil {
				return err
			}
			deadline := time.Now().Add(2 * time.Minute)
			for time.Now().Before(deadline) {
				tabs, err := rc.list()
				if err != nil {
					return err
				}
				for id, u := range tabs {
					if strings.Contains(u, "id=remote1") {
						p, err := b.PageFromTarget(proto.TargetTargetID(id))
						if err != nil {
							return err
						}
						ctx, cancel := context.WithTimeout(context.Background(), time.Second)
						_ = proto.PageCrash{}.Call(p.Context(ctx)) // never answers
						cancel()
						return nil
					}
				}
				time.Sleep(20 * time.Millisecond) // polling the endpoint's tab list
			}
			return context.DeadlineExceeded
		}()
	}()
	out := filepath.Join(dir, "out.jsonl")
	r := run(t, dir, []string{site}, "run", "-v", "--action-timeout", "15s", "--browser-url", rc.http, "--out", out, flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, <-crashed)
	assert.Contains(t, r.stderr, "page_crash")
	ok := 0
	for _, l := range readResults(t, out) {
		if l.Kind == results.KindItem && l.Status == results.StatusOK {
			ok++
		}
	}
	assert.Equal(t, 3, ok)
	assert.GreaterOrEqual(t, srv.Hits("/late", "remote1"), 2, "the crashed item went back to its URL")

	// The remote browser lives on, with only the tabs it had.
	assert.True(t, testenv.ProcessAlive(rc.cmd.Process.Pid))
	assert.Eventually(t, func() bool { return len(rc.pages(t)) == len(before) }, 10*time.Second, 50*time.Millisecond,
		"our tabs are left: %v", rc.pages(t))
	for id := range rc.pages(t) {
		assert.Contains(t, before, id)
	}

	// The ws:// endpoint through the environment, and snapshot too.
	r = run(t, dir, []string{"SMARTRETRY_BROWSER_URL=" + rc.ws}, "snapshot", srv.URL("/login"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "#username")
	assert.True(t, testenv.ProcessAlive(rc.cmd.Process.Pid))
	assert.Eventually(t, func() bool { return len(rc.pages(t)) == len(before) }, 10*time.Second, 50*time.Millisecond)
}
