package retry_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

// events records a Manager's events, safe for the goroutines that emit them.
type events struct {
	mu  sync.Mutex
	all []retry.Event
}

func (e *events) observe(ev retry.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, ev)
}

func (e *events) of(kind string) []retry.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []retry.Event
	for _, ev := range e.all {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

// openBreaker opens domain's breaker the way a failing site does: three pages answer 503.
func openBreaker(t *testing.T, m *retry.Manager, domain string) {
	t.Helper()
	for i := range 3 {
		m.RecordAttempt(retry.Record{Action: "get", Args: retry.Info{"url": fmt.Sprintf("https://%s/page/%d", domain, i)}, Err: errors.New("503 Service Unavailable")})
	}
	require.Equal(t, "open", state(m, domain))
}

func TestRunWaitsForOpenBreaker(t *testing.T) {
	var ev events
	m, clock := newTestManager(retry.WithObserver(ev.observe))
	openBreaker(t, m, "down.example")

	f := retrytest.FailN(0, nil)
	err := retry.Run(context.Background(), "get", retry.Info{"url": "https://down.example/y"}, f.Run, retry.UsingManager(m))
	require.NoError(t, err, "the breaker is not the item's failure: it waits, then goes through as the probe")
	assert.Equal(t, 1, f.Calls())
	assert.Equal(t, []time.Duration{60 * time.Second}, clock.Sleeps(), "one wait: the cooloff left")
	assert.Equal(t, "closed", state(m, "down.example"), "the probe's success closed it")

	waits := ev.of(retry.EventBreakerWait)
	require.Len(t, waits, 1)
	assert.Equal(t, "down.example", waits[0].Domain)
	assert.Equal(t, "get", waits[0].Action)
	assert.Equal(t, 60*time.Second, waits[0].Delay)
	assert.Equal(t, "Domain down.example in cooloff for 60.0s", waits[0].Reason)
	assert.Equal(t, 1, m.Stats().SessionAttempts-3, "the wait is no attempt")
}

func TestRunThatMayNotWaitFailsTyped(t *testing.T) {
	m, clock := newTestManager()
	openBreaker(t, m, "down.example")
	clock.Advance(18 * time.Second)

	f := retrytest.FailN(0, nil)
	err := retry.Run(context.Background(), "get", retry.Info{"url": "https://down.example/y"}, f.Run,
		retry.UsingManager(m), retry.MaxBreakerWait(-1))
	require.Error(t, err)
	assert.Zero(t, f.Calls(), "an open breaker refuses before calling")
	assert.ErrorIs(t, err, retry.ErrCircuitOpen)
	assert.NotErrorIs(t, err, retry.ErrExhausted)
	var re *retry.Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, retry.CircuitOpen, re.Type)
	assert.Equal(t, "circuit_open", re.Type.String())
	assert.Equal(t, "get: circuit_open: Domain down.example in cooloff for 42.0s", err.Error())
	assert.NotContains(t, err.Error(), "after 0 attempts")
	ra, ok := retry.RetryAfterOf(err)
	assert.True(t, ok)
	assert.Equal(t, 42*time.Second, ra, "a caller can defer the item until then")
	assert.Empty(t, clock.Sleeps())
	assert.Equal(t, "open", state(m, "down.example"))
}

func TestBreakerWaitBounds(t *testing.T) {
	t.Run("the Manager's bound", func(t *testing.T) {
		m, _ := newTestManager(retry.WithMaxBreakerWait(30 * time.Second))
		openBreaker(t, m, "down.example")
		err := retry.Do(context.Background(), retrytest.FailN(0, nil).Do, retry.UsingManager(m), retry.WithInfo(retry.Info{"domain": "down.example"}))
		assert.ErrorIs(t, err, retry.ErrCircuitOpen)
		assert.ErrorContains(t, err, "in cooloff for 60.0s")
	})
	t.Run("the call's bound wins", func(t *testing.T) {
		m, _ := newTestManager(retry.WithMaxBreakerWait(-1))
		openBreaker(t, m, "down.example")
		err := retry.Do(context.Background(), retrytest.FailN(0, nil).Do, retry.UsingManager(m),
			retry.WithInfo(retry.Info{"domain": "down.example"}), retry.MaxBreakerWait(time.Minute))
		assert.NoError(t, err)
	})
	t.Run("a deadline the wait cannot fit in", func(t *testing.T) {
		m, clock := newTestManager()
		openBreaker(t, m, "down.example")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		f := retrytest.FailN(0, nil)
		err := retry.Do(ctx, f.Do, retry.UsingManager(m), retry.WithInfo(retry.Info{"domain": "down.example"}))
		assert.ErrorIs(t, err, retry.ErrCircuitOpen)
		assert.Zero(t, f.Calls())
		assert.Empty(t, clock.Sleeps(), "no wait started")
	})
}

func TestBreakerWaitEndsWithContext(t *testing.T) {
	clock := blockingClock{sleeping: make(chan time.Duration, 1)}
	m := retry.NewManager(retry.WithClock(clock))
	openBreaker(t, m, "down.example")
	ctx, cancel := context.WithCancel(context.Background())
	f := retrytest.FailN(0, nil)
	done := make(chan error, 1)
	go func() {
		done <- retry.Do(ctx, f.Do, retry.UsingManager(m), retry.WithInfo(retry.Info{"domain": "down.example"}))
	}()
	assert.Equal(t, 60*time.Second, <-clock.sleeping)
	cancel()
	err := <-done
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, f.Calls())
	var re *retry.Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, retry.CircuitOpen, re.Type, "never unknown")
}
