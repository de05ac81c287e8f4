package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	l   *launcher.Launcher
	end context.CancelFunc // ends the connection's context
}

// launchTimeout bounds starting Chromium and connecting to it.
const launchTimeout = 60 * time.Second

// StartChromium starts ChromiumPath headless in a fresh profile and returns it connected.
//
// The profile turns Chromium's network prediction off. Prediction opens sockets ahead of time
// (preconnect), and Chromium silently resends a request that fails on such a socket, so a page
// that fails its first request (testpages' /reset?fail=1) would fail twice on the server and
// never in the browser.
//
// Chromium runs in its own process group without rod's leakless helper: Stop kills the whole
// group, waits for it to exit and removes the profile, so nothing outlives the caller.
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
	ctx, cancel := context.WithTimeout(context.Background(), launchTimeout)
	defer cancel()
	l := launcher.New().
		Context(context.Background()). // the process lives until Kill, not until ctx ends
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
		Set("disable-dev-shm-usage")
	type launched struct {
		url string
		err error
	}
	done := make(chan launched, 1)
	go func() {
		u, err := l.Launch()
		done <- launched{u, err}
	}()
	var u string
	select {
	case r := <-done:
		if r.err != nil {
			stopLauncher(l, profile)
			return nil, fmt.Errorf("launch %s: %w (run `make setup` if Chromium is missing or broken)", bin, r.err)
		}
		u = r.url
	case <-ctx.Done():
		stopLauncher(l, profile)
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
		stopLauncher(l, profile)
		if err == nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("connect to %s: %w", bin, err)
	}
	return &Chromium{Browser: b, l: l, end: end}, nil
}

// Stop closes the browser, kills its process group, waits for it to exit and removes its profile.
func (c *Chromium) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = c.Browser.Context(ctx).Close()
	c.end()
	c.l.Kill()
	c.l.Cleanup() // waits for the process to exit, then removes the profile
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

// stopLauncher ends a launch that failed: the process (if any) and the profile.
func stopLauncher(l *launcher.Launcher, profile string) {
	l.Kill()
	if l.PID() != 0 {
		l.Cleanup()
	}
	_ = os.RemoveAll(profile)
}
