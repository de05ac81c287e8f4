package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/redisstore"
	"github.com/smartretry/smartretry/retry/retrytest"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

const shop = "https://shop.example/catalog?page=1"

// worker is one Manager with its own connections to the shared Redis, as a second process has.
func worker(t *testing.T, r *testenv.Redis, prefix string, clock retry.Clock, opts ...redisstore.Option) (*retry.Manager, *redisstore.Store) {
	t.Helper()
	return workerWith(t, r, prefix, clock, opts)
}

func workerWith(t *testing.T, r *testenv.Redis, prefix string, clock retry.Clock, opts []redisstore.Option, mopts ...retry.Option) (*retry.Manager, *redisstore.Store) {
	t.Helper()
	s := redisstore.New(dial(t, r), append([]redisstore.Option{redisstore.Prefix(prefix), redisstore.Timeout(2 * time.Second)}, opts...)...)
	t.Cleanup(func() { s.Close() })
	return retry.NewManager(append(mopts, retry.WithStore(s), retry.WithClock(clock))...), s
}

// One worker opens the domain's breaker; the other refuses at once, without calling its action.
func TestTwoManagersShareTheBreaker(t *testing.T) {
	r := testenv.StartRedis(t)
	clock := retrytest.NewFakeClock(t0)
	var opened atomic.Int32
	a, _ := workerWith(t, r, t.Name(), clock, nil, retry.WithObserver(func(ev retry.Event) {
		if ev.Kind == retry.EventBreakerOpen {
			opened.Add(1)
		}
	}))
	b, _ := worker(t, r, t.Name(), clock)

	for i := range 3 {
		u := fmt.Sprintf("https://shop.example/p/%d", i)
		a.RecordAttempt(retry.Record{Action: "get", Args: retry.Info{"url": u}, Err: &retry.HTTPError{StatusCode: 503, URL: u}})
	}
	require.EqualValues(t, 1, opened.Load(), "three URLs failing with 503 open the breaker")

	broken, reason := b.CheckDomainCircuitBreaker("shop.example")
	require.True(t, broken)
	assert.Contains(t, reason, "Domain shop.example in cooloff for 60.0s")

	calls := 0
	err := retry.Do(context.Background(), func(context.Context) error { calls++; return nil },
		retry.UsingManager(b), retry.WithInfo(retry.Info{"url": shop}), retry.MaxBreakerWait(-1))
	require.ErrorIs(t, err, retry.ErrCircuitOpen)
	assert.Zero(t, calls, "the second worker sent nothing to the domain")
	assert.Equal(t, "open", b.Stats().CircuitBreakerStates["shop.example"].State)

	// After the cooloff one worker takes the probe; its success closes the breaker for both.
	clock.Advance(61 * time.Second)
	require.NoError(t, retry.Do(context.Background(), func(context.Context) error { calls++; return nil },
		retry.UsingManager(b), retry.WithInfo(retry.Info{"url": shop})))
	assert.Equal(t, 1, calls)
	broken, _ = a.CheckDomainCircuitBreaker("shop.example")
	assert.False(t, broken)
}

// A Retry-After seen by one worker pauses the domain for every worker: the other one's action
// waits for the cooloff's end (virtual time), then runs once.
func TestRetryAfterCooloffIsShared(t *testing.T) {
	r := testenv.StartRedis(t)
	clock := retrytest.NewFakeClock(t0)
	a, _ := worker(t, r, t.Name(), clock)
	b, _ := worker(t, r, t.Name(), clock)

	a.RecordAttempt(retry.Record{Action: "get", Args: retry.Info{"url": shop},
		Err: &retry.HTTPError{StatusCode: 429, URL: shop, RetryAfter: 3 * time.Second}})
	assert.Equal(t, t0.Add(3*time.Second), b.Stats().Cooloffs["shop.example"])

	var at time.Time
	err := retry.Do(context.Background(), func(context.Context) error { at = clock.Now(); return nil },
		retry.UsingManager(b), retry.WithInfo(retry.Info{"url": "https://shop.example/other"}))
	require.NoError(t, err)
	assert.Equal(t, t0.Add(3*time.Second), at, "the action ran when the cooloff ended, not before")
	assert.Equal(t, []time.Duration{3 * time.Second}, clock.Sleeps())
}

// Redis stops while a Manager uses the store: its actions go on with local state (no error,
// within the timeout), one log line says so; once Redis is back the store returns to the shared
// state on its own.
func TestRedisOutageFallsBackToLocalStateAndRecovers(t *testing.T) {
	r := testenv.StartRedis(t)
	core, logs := observer.New(zapcore.InfoLevel)
	clock := retrytest.NewFakeClock(t0)
	m, s := worker(t, r, t.Name(), clock, redisstore.Logger(zap.New(core)), redisstore.Reconnect(10*time.Millisecond, 100*time.Millisecond))
	other, _ := worker(t, r, t.Name(), clock)

	ok := func(context.Context) error { return nil }
	info := retry.Info{"url": shop}
	require.NoError(t, retry.Do(context.Background(), ok, retry.UsingManager(m), retry.WithInfo(info)))
	require.True(t, s.Shared())

	r.Stop()
	for range 20 {
		require.NoError(t, retry.Do(context.Background(), ok, retry.UsingManager(m), retry.WithInfo(info)))
	}
	assert.False(t, s.Shared())
	// Local state decides: three failures open the breaker here.
	for i := range 3 {
		m.RecordAttempt(retry.Record{Action: "get", Args: retry.Info{"url": fmt.Sprintf("https://down.example/%d", i)}, Err: errors.New("net::ERR_CONNECTION_RESET")})
	}
	broken, _ := m.CheckDomainCircuitBreaker("down.example")
	assert.True(t, broken, "the local breaker opened")
	warnings := logs.FilterLevelExact(zapcore.WarnLevel).All()
	require.Len(t, warnings, 1, "one line for the outage, not one per action")
	assert.Contains(t, warnings[0].Message, "deciding with local state")

	r.Restart()
	require.Eventually(t, s.Shared, 20*time.Second, 10*time.Millisecond, "back to the shared state once Redis answers")
	m.RecordAttempt(retry.Record{Action: "get", Args: retry.Info{"url": shop},
		Err: &retry.HTTPError{StatusCode: 429, URL: shop, RetryAfter: 5 * time.Second}})
	broken, reason := other.CheckDomainCircuitBreaker("shop.example")
	assert.True(t, broken, "the other worker sees what was learnt after the outage")
	assert.Contains(t, reason, "in cooloff for 5.0s")
	var lines []string
	for _, e := range logs.All() {
		lines = append(lines, e.Message)
	}
	require.Len(t, lines, 2, "one line when Redis went, one when it came back")
	assert.Contains(t, lines[1], "answers again")
}

// Close stops the reconnection loop even while Redis is down (goleak checks the rest).
func TestCloseWhileRedisIsDown(t *testing.T) {
	r := testenv.StartRedis(t)
	s := redisstore.New(dial(t, r), redisstore.Prefix(t.Name()))
	r.Stop()
	s.Record(context.Background(), retry.Result{Domain: "a.example", Outcome: retry.OutcomeSiteFailure, Type: retry.ServerError}, t0, retry.BreakerPolicy{}, time.Minute)
	require.False(t, s.Shared())
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	assert.Equal(t, retry.Admission{Allowed: true}, s.Admit(context.Background(), "b.example", t0, retry.BreakerPolicy{}, true), "decided locally after Close")
}

// A password never reaches the log, even when Redis refuses it.
func TestOutageLogHasNoPassword(t *testing.T) {
	r := testenv.StartRedis(t, testenv.RedisPassword("right-pass"))
	c, err := queue.Dial(context.Background(), r.URL(0), 4, 5*time.Second)
	require.NoError(t, err)
	defer c.Close()
	o := *c.Options()
	o.Password = "wrong-s3cret"
	wrong := redis.NewClient(&o)
	defer wrong.Close()
	core, logs := observer.New(zapcore.InfoLevel)
	s := redisstore.New(wrong, redisstore.Prefix(t.Name()), redisstore.Logger(zap.New(core)))
	defer s.Close()
	assert.Equal(t, retry.Admission{Allowed: true}, s.Admit(context.Background(), "a.example", t0, retry.BreakerPolicy{}, true))
	require.False(t, s.Shared())
	require.Len(t, logs.All(), 1)
	line := fmt.Sprint(logs.All()[0].Message, logs.All()[0].ContextMap())
	assert.NotContains(t, line, "wrong-s3cret")
	assert.Contains(t, line, r.Addr)
}
