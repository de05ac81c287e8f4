package e2e

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

// testTimeout bounds every test's context: a hang fails the test instead of the whole run.
const testTimeout = 90 * time.Second

// ids gives each test its own counter key on the test site, so parallel tests never share faults.
var ids atomic.Int64

func uniqueID(t testing.TB) string {
	return fmt.Sprintf("e2e-%d", ids.Add(1))
}

// recorder keeps every decision the Manager announces (retry.WithObserver).
// It is safe for concurrent use.
type recorder struct {
	mu     sync.Mutex
	events []retry.Event
}

func (r *recorder) observe(e retry.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// of returns the events of one kind ("retry", "give_up", "success", "escalate", …).
func (r *recorder) of(kind string) []retry.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []retry.Event
	for _, e := range r.events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func (r *recorder) all() []retry.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]retry.Event(nil), r.events...)
}

// retryTypes lists the error type of each retry, in order.
func (r *recorder) retryTypes() []retry.ErrorType {
	var out []retry.ErrorType
	for _, e := range r.of("retry") {
		out = append(out, e.Type)
	}
	return out
}

// fixture is one test's session with its own Manager on a fake clock.
type fixture struct {
	s     *actions.Session
	m     *retry.Manager
	clock *retrytest.FakeClock
	rec   *recorder
	ctx   context.Context
}

type fixtureConfig struct {
	managerOpts []retry.Option
	sessionOpts []actions.Option
	timeout     time.Duration // per attempt; 0 = a test default
}

// newFixture opens a tab on the shared browser with a Manager whose sleeps are virtual: the
// backoff and Retry-After waits are asserted as values on the clock, never slept for real.
func newFixture(t *testing.T, cfg fixtureConfig) *fixture {
	t.Helper()
	requireEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)

	f := &fixture{clock: retrytest.NewFakeClock(time.Now()), rec: &recorder{}, ctx: ctx}
	mopts := append([]retry.Option{
		retry.WithClock(f.clock),
		retry.WithObserver(f.rec.observe),
	}, cfg.managerOpts...)
	f.m = retry.NewManager(mopts...)
	t.Cleanup(func() {
		if t.Failed() {
			for _, e := range f.rec.all() {
				t.Logf("event %s %s attempt=%d type=%s delay=%s solution=%q reason=%q err=%v",
					e.Kind, e.Action, e.Attempt, e.Type, e.Delay, e.Solution, e.Reason, e.Err)
			}
		}
	})

	timeout := cfg.timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	sopts := append([]actions.Option{
		actions.WithManager(f.m),
		actions.WithTimeout(timeout),
		actions.WithLogger(zap.NewNop()),
	}, cfg.sessionOpts...)
	s, err := actions.NewSession(env.b, sopts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	f.s = s
	return f
}

// url is a test-site URL.
func url(path string) string { return env.srv.URL(path) }

// asRetryError returns the *retry.Error in err, failing the test when there is none.
func asRetryError(t *testing.T, err error) *retry.Error {
	t.Helper()
	require.Error(t, err)
	var re *retry.Error
	require.True(t, errors.As(err, &re), "want a *retry.Error, got %T: %v", err, err)
	return re
}

// resultAfter waits, inside the page (a MutationObserver, no polling), until #result no longer
// reads from, and returns the new text. ctx bounds the wait.
func resultAfter(ctx context.Context, s *actions.Session, from string) (string, error) {
	res, err := s.Page().Context(ctx).Eval(`(from) => new Promise(resolve => {
		const r = document.querySelector('#result');
		const done = () => r.textContent.trim() !== from && (resolve(r.textContent.trim()), true);
		if (done()) return;
		new MutationObserver((_, mo) => done() && mo.disconnect())
			.observe(r, {childList: true, characterData: true, subtree: true});
	})`, from)
	if err != nil {
		return "", err
	}
	return res.Value.Str(), nil
}

// assertLogsLack checks that no captured log entry, message or field, contains s.
func assertLogsLack(t *testing.T, logs *observer.ObservedLogs, s string) {
	t.Helper()
	for _, e := range logs.All() {
		line := e.Message
		for k, v := range e.ContextMap() {
			line += " " + k + "=" + toString(v)
		}
		assert.NotContains(t, line, s, "log entry %q", e.Message)
	}
}
