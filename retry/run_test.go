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
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

func TestDoSucceedsAfterFlakes(t *testing.T) {
	m, clock := newTestManager()
	f := retrytest.FailN(2, errors.New("503 Service Unavailable"))
	err := retry.Do(context.Background(), f.Do, retry.UsingManager(m))
	require.NoError(t, err)
	assert.Equal(t, 3, f.Calls())
	sleeps := clock.Sleeps()
	require.Len(t, sleeps, 2)
	assert.InDelta(t, 5*time.Second, sleeps[0], float64(1250*time.Millisecond))
	assert.InDelta(t, 10*time.Second, sleeps[1], float64(2500*time.Millisecond))
}

func TestDoGiveUps(t *testing.T) {
	tests := []struct {
		name   string
		fn     *retrytest.Flaky
		opts   []retry.CallOption
		is     []error
		isNot  []error
		calls  int
		sleeps int
		typ    retry.ErrorType
		text   string
	}{
		{"permanent: one call, no sleep", retrytest.Always(errors.New("404 Not Found")), nil,
			[]error{retry.ErrPermanent}, []error{retry.ErrExhausted}, 1, 0, retry.NotFound,
			"do: not_found after 1 attempt: not_found is not retryable: 404 Not Found"},
		{"exhausted: no sleep after the last attempt", retrytest.Always(errors.New("timeout")), nil,
			[]error{retry.ErrExhausted}, []error{retry.ErrPermanent}, 3, 1, retry.NetworkTimeout, // the first retry is immediate
			"fetch: network_timeout after 3 attempts: timeout"},
		{"per-call budget", retrytest.Always(errors.New("timeout")), []retry.CallOption{retry.MaxAttempts(5)},
			[]error{retry.ErrExhausted}, nil, 5, 3, retry.NetworkTimeout, ""},
		{"captcha without hook: escalate", retrytest.Always(errors.New("captcha")), nil,
			[]error{retry.ErrEscalate, retry.ErrPermanent}, nil, 1, 0, retry.Captcha, ""},
		{"auth without hook: escalate", retrytest.Always(&retry.HTTPError{StatusCode: 403}), nil,
			[]error{retry.ErrEscalate, retry.ErrPermanent}, nil, 1, 0, retry.AuthRequired, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, clock := newTestManager(retry.WithCircuitBreaker(false))
			opts := append([]retry.CallOption{retry.UsingManager(m)}, tt.opts...)
			if tt.text != "" && tt.calls == 3 {
				opts = append(opts, retry.ActionName("fetch"))
			}
			err := retry.Do(context.Background(), tt.fn.Do, opts...)
			require.Error(t, err)
			for _, target := range tt.is {
				assert.ErrorIs(t, err, target)
			}
			for _, target := range tt.isNot {
				assert.NotErrorIs(t, err, target)
			}
			var re *retry.Error
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.typ, re.Type)
			assert.Equal(t, tt.calls, re.Attempts)
			assert.Equal(t, tt.calls, tt.fn.Calls())
			assert.Len(t, clock.Sleeps(), tt.sleeps)
			if tt.text != "" {
				assert.Equal(t, tt.text, err.Error())
			}
		})
	}
}

func TestErrorUnwrapsToLastError(t *testing.T) {
	m, _ := newTestManager()
	last := &retry.HTTPError{StatusCode: 404, URL: "https://x/y"}
	err := retry.Do(context.Background(), retrytest.Errors(errors.New("timeout"), last).Do, retry.UsingManager(m))
	assert.ErrorIs(t, err, last)
	var he *retry.HTTPError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, 404, he.StatusCode)
}

func TestCallOverrides(t *testing.T) {
	m, clock := newTestManager()
	err := retry.Do(context.Background(), retrytest.FailN(3, errors.New("no such element")).Do,
		retry.UsingManager(m), retry.MaxAttempts(4), retry.UseStrategy(retry.Exponential))
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, clock.Sleeps())

	m, clock = newTestManager()
	require.NoError(t, retry.Do(context.Background(), retrytest.FailN(2, errors.New("503")).Do, retry.UsingManager(m), retry.Backoff(false)))
	assert.Empty(t, clock.Sleeps())

	m, clock = newTestManager()
	ra := &retry.HTTPError{StatusCode: 429, RetryAfter: 3 * time.Second}
	require.NoError(t, retry.Do(context.Background(), retrytest.FailN(1, ra).Do, retry.UsingManager(m), retry.Backoff(false)))
	assert.Equal(t, []time.Duration{3 * time.Second}, clock.Sleeps(), "Retry-After is honoured without backoff")
}

func TestDoValue(t *testing.T) {
	m, _ := newTestManager()
	n := 0
	v, err := retry.DoValue(context.Background(), func(context.Context) (string, error) {
		n++
		if n < 2 {
			return "partial", errors.New("connection reset")
		}
		return "ok", nil
	}, retry.UsingManager(m))
	require.NoError(t, err)
	assert.Equal(t, "ok", v)

	v, err = retry.DoValue(context.Background(), func(context.Context) (string, error) { return "junk", errors.New("404") }, retry.UsingManager(m))
	assert.Error(t, err)
	assert.Empty(t, v)
}

func TestRunModifyOnRetryAndSolution(t *testing.T) {
	m, _ := newTestManager()
	caller := retry.Info{"url": "https://shop.example/p", "timeout": 10}
	var seen []any
	err := retry.Run(context.Background(), "scrape", caller, func(_ context.Context, a *retry.Attempt) error {
		seen = append(seen, a.Info["timeout"])
		if a.Number == 0 {
			a.ModifyOnRetry("timeout", 60)
			assert.Equal(t, 10, a.Info["timeout"], "only from the next attempt on")
			return errors.New("Page crashed!")
		}
		assert.ErrorContains(t, a.LastError, "crashed")
		a.SetSolution("reload")
		return nil
	}, retry.UsingManager(m))
	require.NoError(t, err)
	assert.Equal(t, []any{10, 60}, seen)
	assert.Equal(t, 10, caller["timeout"], "the caller's map is not touched")
	assert.Equal(t, "reload", m.Recommend("scrape", caller, errors.New("Page crashed!")).Solution)
}

// blockingClock blocks in Sleep until ctx ends, and tells when it starts sleeping.
type blockingClock struct{ sleeping chan time.Duration }

func (blockingClock) Now() time.Time { return t0 }
func (c blockingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.sleeping <- d
	<-ctx.Done()
	return ctx.Err()
}

func TestCancelMidWaitReturnsAtOnce(t *testing.T) {
	clock := blockingClock{sleeping: make(chan time.Duration, 1)}
	m := retry.NewManager(retry.WithClock(clock))
	ctx, cancel := context.WithCancel(context.Background())
	f := retrytest.Always(errors.New("429 Too Many Requests"))
	done := make(chan error, 1)
	go func() { done <- retry.Do(ctx, f.Do, retry.UsingManager(m)) }()
	d := <-clock.sleeping
	assert.GreaterOrEqual(t, d, 30*time.Second)
	cancel()
	err := <-done
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, f.Calls())
	var re *retry.Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, retry.RateLimit, re.Type)
}

func TestRealClockSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := retry.NewManager() // real clock: a 1h wait must end at once
	err := retry.Do(ctx, func(context.Context) error { return nil }, retry.UsingManager(m))
	assert.ErrorIs(t, err, context.Canceled, "a dead ctx stops before the first attempt")

	ctx, cancel = context.WithCancel(context.Background())
	called := make(chan struct{})
	go func() {
		<-called
		cancel()
	}()
	err = retry.Do(ctx, func(context.Context) error {
		close(called) // only once: the 5 min Retry-After must never elapse
		return &retry.HTTPError{StatusCode: 503, RetryAfter: 5 * time.Minute}
	}, retry.UsingManager(m))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestCancellationIsItsOwnGiveUp(t *testing.T) {
	m, _ := newTestManager()
	err := retry.Do(context.Background(), retrytest.Always(fmt.Errorf("step: %w", context.Canceled)).Do, retry.UsingManager(m))
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, retry.ErrExhausted)
	assert.Equal(t, 1, m.Stats().SessionAttempts)
	assert.Empty(t, m.Stats().ErrorTypeDistribution)
}

func TestLateResultDoesNotCount(t *testing.T) {
	m, _ := newTestManager()
	ctx, cancel := context.WithCancel(context.Background())
	err := retry.Run(ctx, "slow", retry.Info{"domain": "late.com"}, func(ctx context.Context, a *retry.Attempt) error {
		cancel()                 // the caller goes away while the attempt is running…
		return errors.New("503") // …and its failure arrives late
	}, retry.UsingManager(m))
	assert.ErrorIs(t, err, context.Canceled)
	s := m.Stats()
	assert.Zero(t, s.SessionAttempts)
	assert.NotContains(t, s.CircuitBreakerStates, "late.com")
}

func TestRunStuckAcrossRuns(t *testing.T) {
	m, _ := newTestManager(retry.WithCircuitBreaker(false))
	info := retry.Info{"selector": "#gone"}
	f := retrytest.Always(errors.New("no such element"))
	err := retry.Run(context.Background(), "click", info, f.Run, retry.UsingManager(m))
	assert.ErrorIs(t, err, retry.ErrExhausted)
	err = retry.Run(context.Background(), "click", info, f.Run, retry.UsingManager(m))
	assert.ErrorIs(t, err, retry.ErrStuck)
	assert.ErrorContains(t, err, "stuck")
	assert.Equal(t, 5, f.Calls())
}

func TestEscalation(t *testing.T) {
	t.Run("solved by a person", func(t *testing.T) {
		m, clock := newTestManager()
		var calls int
		f := retrytest.FailN(1, errors.New("CAPTCHA detected"))
		err := retry.Run(context.Background(), "login", exampleURL, f.Run, retry.UsingManager(m),
			retry.OnEscalate(func(_ context.Context, typ retry.ErrorType, err error) error {
				calls++
				assert.Equal(t, retry.Captcha, typ)
				return nil
			}))
		require.NoError(t, err)
		assert.Equal(t, 1, calls)
		assert.Empty(t, clock.Sleeps(), "next attempt at once")
		assert.Equal(t, "escalated", m.Recommend("login", exampleURL, errors.New("captcha")).Solution)
	})
	t.Run("the person gives up", func(t *testing.T) {
		m, _ := newTestManager()
		refused := errors.New("user closed the window")
		err := retry.Run(context.Background(), "login", nil, retrytest.Always(&retry.HTTPError{StatusCode: 401}).Run, retry.UsingManager(m),
			retry.OnEscalate(func(context.Context, retry.ErrorType, error) error { return refused }))
		assert.ErrorIs(t, err, retry.ErrEscalate)
		assert.ErrorIs(t, err, refused)
		assert.NotErrorIs(t, err, retry.ErrPermanent)
	})
	t.Run("at most three escalations", func(t *testing.T) {
		m, _ := newTestManager()
		f := retrytest.Always(errors.New("captcha"))
		err := retry.Run(context.Background(), "login", nil, f.Run, retry.UsingManager(m),
			retry.OnEscalate(func(context.Context, retry.ErrorType, error) error { return nil }))
		assert.ErrorIs(t, err, retry.ErrEscalate)
		assert.Equal(t, 4, f.Calls())
	})
}

func TestObserverAndLogger(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	var mu sync.Mutex
	var kinds []string
	m, _ := newTestManager(retry.WithLogger(zap.New(core)), retry.WithObserver(func(e retry.Event) {
		mu.Lock()
		defer mu.Unlock()
		kinds = append(kinds, e.Kind)
		assert.False(t, e.Time.IsZero())
	}))
	var retried []retry.Decision
	err := retry.Run(context.Background(), "fetch", retry.Info{"domain": "o.com"}, retrytest.FailN(1, errors.New("timeout")).Run,
		retry.UsingManager(m), retry.OnRetry(func(a *retry.Attempt, d retry.Decision) { retried = append(retried, d) }))
	require.NoError(t, err)
	_ = retry.Run(context.Background(), "fetch", nil, retrytest.Always(errors.New("404")).Run, retry.UsingManager(m))
	assert.Equal(t, []string{"retry", "success", "give_up"}, kinds)
	require.Len(t, retried, 1)
	assert.Equal(t, "Retry #1 with immediate backoff (0ms delay)", retried[0].Reason)
	require.Equal(t, 2, logs.Len())
	f := logs.All()[0].ContextMap()
	assert.Equal(t, "fetch", f["action"])
	assert.Equal(t, "network_timeout", f["type"])
	assert.Equal(t, "Retry #1 with immediate backoff (0ms delay)", f["reason"])
}

func TestErrorIsForHandBuilt(t *testing.T) {
	assert.ErrorIs(t, &retry.Error{Type: retry.NotFound}, retry.ErrPermanent)
	assert.ErrorIs(t, &retry.Error{Type: retry.ServerError}, retry.ErrExhausted)
	assert.Equal(t, "retry: unknown after 0 attempts", (&retry.Error{}).Error())
}
