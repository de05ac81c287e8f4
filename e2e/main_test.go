package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/testenv"
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

	chromium := testenv.ChromiumDescendants()
	if len(chromium) == 0 {
		fmt.Fprintln(os.Stderr, "e2e: found no Chromium process under this test binary; cannot check for leftovers")
		code = 1
	}
	if err := b.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: close Chromium:", err)
		code = 1
	}
	if left := testenv.StillRunning(chromium, 10*time.Second); len(left) > 0 {
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
