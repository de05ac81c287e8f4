package actions_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
	"github.com/smartretry/smartretry/testpages"
)

// One Chromium and one test site for the whole package; pages per test.
var (
	testBrowser *browser.Browser
	site        *testpages.Server
)

type closingM struct{ m *testing.M }

func (c closingM) Run() int {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var err error
	if site, err = testpages.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "start testpages:", err)
		return 1
	}
	defer site.Close()
	// Fail loudly, never skip, when no browser can start.
	if testBrowser, err = browser.Launch(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "launch Chromium (run `make setup`):", err)
		return 1
	}
	code := c.m.Run()
	if err := testBrowser.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "close Chromium:", err)
		code = 1
	}
	return code
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(closingM{m}) }

// newSession opens a session with its own Manager on a fake clock (no real backoff sleeps) and a
// short per-attempt timeout; it is closed when the test ends. Page loads get loadUnderLoad.
func newSession(t *testing.T, opts ...actions.Option) (*actions.Session, *retrytest.FakeClock) {
	t.Helper()
	clock := retrytest.NewFakeClock(time.Now())
	m := retry.NewManager(retry.WithClock(clock), retry.WithCircuitBreaker(false))
	base := []actions.Option{actions.WithManager(m), actions.WithTimeout(3 * time.Second),
		actions.WithNavigationTimeout(loadUnderLoad)}
	s, err := actions.NewSession(testBrowser, append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s, clock
}

// loadUnderLoad is the attempt deadline of newSession's page loads: no test that takes it is
// about a load running out, and with 3 s attempts a local page's load (the round trips to
// Chromium, the response, the load event) timed out all 3 attempts on a loaded 2-core machine
// (load 25-45: TestDialogsNeverBlock, TestBackFromTheBackForwardCacheKeepsTheStatus, a bot wall
// loaded 3 times for once).
const loadUnderLoad = 30 * time.Second

func ctxT(t *testing.T) context.Context { return testenv.Context(t, 60*time.Second) }

var ids atomic.Int64

// uid makes a testpages counter key unique to this run of the test (go test -count=N reuses the
// site, whose fail-N-times counters are per key).
func uid(name string) string { return fmt.Sprintf("%s-%d", name, ids.Add(1)) }
