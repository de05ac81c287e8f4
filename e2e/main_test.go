package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/testpages"
)

// env is what every test of the run shares: one test site and one Chromium.
var env struct {
	srv *testpages.Server
	b   *browser.Browser
	err error // set when the run cannot start: every test fails with it
}

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(suite{m})
}

// suite wraps m so the browser is closed before goleak looks for leftovers.
type suite struct{ m *testing.M }

func (s suite) Run() int {
	srv, err := testpages.Start()
	if err != nil {
		env.err = fmt.Errorf("start the test site: %w", err)
		return s.m.Run()
	}
	env.srv = srv
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	b, err := browser.Launch(ctx)
	cancel()
	if err != nil {
		env.err = fmt.Errorf("launch Chromium: %w — run make setup", err)
		fmt.Fprintln(os.Stderr, "e2e:", env.err)
		return s.m.Run() // every test fails with env.err: a missing browser is a failure, not a skip
	}
	env.b = b

	code := s.m.Run()

	chromium := chromiumDescendants()
	if len(chromium) == 0 {
		fmt.Fprintln(os.Stderr, "e2e: found no Chromium process under this test binary; cannot check for leftovers")
		code = 1
	}
	if err := b.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: close Chromium:", err)
		code = 1
	}
	if left := stillRunning(chromium, 10*time.Second); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "e2e: Chromium processes outlived the run: %v\n", left)
		code = 1
	}
	return code
}

// requireEnv fails the test when the shared browser or site could not start.
func requireEnv(t testing.TB) {
	t.Helper()
	if env.err != nil {
		t.Fatalf("e2e needs Chromium at /usr/bin/chromium (or SMARTRETRY_BROWSER): %v", env.err)
	}
}

// chromiumDescendants lists the Chromium processes this test binary started (directly or through
// rod's leakless guard), from /proc.
func chromiumDescendants() []int {
	parent := map[int]int{}
	comm := map[int]string{}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		ppid, name, ok := procStat(pid)
		if !ok {
			continue
		}
		parent[pid] = ppid
		comm[pid] = name
	}
	self := os.Getpid()
	var out []int
	for pid := range parent {
		for p, n := parent[pid], 0; p > 1 && n < 64; p, n = parent[p], n+1 {
			if p == self {
				if strings.Contains(comm[pid], "chrom") {
					out = append(out, pid)
				}
				break
			}
		}
	}
	return out
}

// stillRunning waits (bounded) for pids to exit and returns those still alive; zombies count as
// gone. This is process bookkeeping after the run, not a test's timing.
func stillRunning(pids []int, within time.Duration) []int {
	deadline := time.Now().Add(within)
	for {
		var alive []int
		for _, pid := range pids {
			if processAlive(pid) {
				alive = append(alive, pid)
			}
		}
		if len(alive) == 0 || time.Now().After(deadline) {
			return alive
		}
		pids = alive
		time.Sleep(50 * time.Millisecond)
	}
}

func processAlive(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return false
	}
	return s[i+2] != 'Z' && s[i+2] != 'X'
}

// procStat reads the parent pid and the command name of pid.
func procStat(pid int) (ppid int, name string, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, "", false
	}
	s := string(b)
	open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || closing < open {
		return 0, "", false
	}
	name = s[open+1 : closing]
	f := strings.Fields(s[closing+1:])
	if len(f) < 2 {
		return 0, "", false
	}
	ppid, err = strconv.Atoi(f[1])
	if err != nil {
		return 0, "", false
	}
	return ppid, name, true
}
