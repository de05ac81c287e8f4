package testenv

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
)

// EnvBrowser is the variable that points the tests (and package browser's Launch, whose
// EnvBrowser it mirrors: this package cannot import browser) at a Chromium executable.
const EnvBrowser = "SMARTRETRY_BROWSER"

// ChromiumPath returns the Chromium the tests drive: $SMARTRETRY_BROWSER if set (it must exist),
// else the system's. The error says how to get one: run `make setup`.
func ChromiumPath() (string, error) {
	bin := os.Getenv(EnvBrowser)
	if bin == "" {
		var ok bool
		if bin, ok = launcher.LookPath(); !ok {
			return "", fmt.Errorf("no Chromium found: run `make setup` (installs Debian's chromium) or set %s to a Chromium binary", EnvBrowser)
		}
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("%s=%s: %v; run `make setup` or fix the path", EnvBrowser, bin, err)
	}
	return bin, nil
}

// RequireChromiumPath is ChromiumPath for a test: a missing Chromium fails it, never skips it.
func RequireChromiumPath(t testing.TB) string {
	t.Helper()
	bin, err := ChromiumPath()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// Chromium is a bare headless Chromium driven through rod, for the tests of the packages below
// package browser (which must not depend on it). Stop ends it.
type Chromium struct {
	*rod.Browser
	cmd     *exec.Cmd
	exited  chan struct{} // closed once the process is reaped
	profile string
	end     context.CancelFunc // ends the connection's context
}

// launchTimeout bounds starting Chromium and connecting to it.
const launchTimeout = 60 * time.Second

var devtoolsLine = regexp.MustCompile(`DevTools listening on (ws://\S+)`)

// StartChromium starts ChromiumPath headless in a fresh profile and returns it connected.
//
// The profile turns Chromium's network prediction off. Prediction opens sockets ahead of time
// (preconnect), and Chromium silently resends a request that fails on such a socket, so a page
// that fails its first request (testpages' /reset?fail=1) would fail twice on the server and
// never in the browser.
//
// Chromium runs in its own process group, killed by the kernel if the test process dies (a
// -timeout panic, a SIGKILL): Stop kills the whole group, waits for it to exit and removes the
// profile, so nothing outlives the caller.
func StartChromium() (*Chromium, error) {
	bin, err := ChromiumPath()
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "testenv-chromium-")
	if err != nil {
		return nil, err
	}
	if err := writeProfile(profile); err != nil {
		_ = os.RemoveAll(profile)
		return nil, err
	}
	// rod's launcher's switches (its defaults and ours), but started here: the launcher cannot
	// ask the kernel to kill Chromium when the test process dies.
	args := launcher.New().
		Bin(bin).
		Headless(true).
		Leakless(false).
		UserDataDir(profile).
		Set("no-sandbox").
		Set("disable-gpu").
		Set("disable-background-networking").
		Set("disable-component-update").
		Set("disable-sync").
		Set("no-first-run").
		Set("disable-dev-shm-usage").
		FormatArgs()
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		_ = os.RemoveAll(profile)
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(profile)
		return nil, fmt.Errorf("launch %s: %w (run `make setup` if Chromium is missing or broken)", bin, err)
	}
	c := &Chromium{cmd: cmd, exited: make(chan struct{}), profile: profile, end: func() {}}
	urlc := make(chan string, 1)
	go func() {
		defer close(c.exited)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		found := false
		for sc.Scan() {
			if m := devtoolsLine.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				urlc <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		_ = cmd.Wait()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), launchTimeout)
	defer cancel()
	var u string
	select {
	case u = <-urlc:
	case <-c.exited:
		c.kill()
		return nil, fmt.Errorf("launch %s: exited before it was ready (run `make setup` if Chromium is missing or broken)", bin)
	case <-ctx.Done():
		c.kill()
		return nil, fmt.Errorf("launch %s: no DevTools endpoint within %s", bin, launchTimeout)
	}
	// rod ties the connection's event stream to the context it connects with: give it one that
	// lives until Stop, and let the deadline cut only the connecting.
	life, end := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, end)
	b := rod.New().ControlURL(u).Context(life)
	err = b.Connect()
	if !stop() || err != nil {
		end()
		c.kill()
		if err == nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("connect to %s: %w", bin, err)
	}
	c.Browser, c.end = b, end
	return c, nil
}

// PID is the process id of Chromium's browser process.
func (c *Chromium) PID() int { return c.cmd.Process.Pid }

// Stop closes the browser, kills its process group, waits for it to exit and removes its profile.
func (c *Chromium) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = c.Browser.Context(ctx).Close()
	c.end()
	c.kill()
}

// kill ends the process group, waits for the process to be reaped and removes the profile.
func (c *Chromium) kill() {
	_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	<-c.exited
	_ = os.RemoveAll(c.profile)
}

// LaunchChromium is StartChromium for one test: a Chromium that cannot start fails the test, and
// the browser is stopped when the test ends.
func LaunchChromium(t testing.TB) *rod.Browser {
	t.Helper()
	c, err := StartChromium()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c.Browser
}

func writeProfile(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "Default"), 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "Default", "Preferences"),
		[]byte(`{"net":{"network_prediction_options":2}}`), 0o600)
}
