package retry_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

// Every row of the guide's table.
func TestDefaultConfigGuideTable(t *testing.T) {
	tests := []struct {
		t        retry.ErrorType
		attempts int
		strategy retry.Strategy
		base     time.Duration
	}{
		{retry.NetworkTimeout, 3, retry.Immediate, 0},
		{retry.RateLimit, 3, retry.ExponentialJitter, 30 * time.Second},
		{retry.ServerError, 4, retry.ExponentialJitter, 5 * time.Second},
		{retry.Captcha, 1, retry.Immediate, 0},
		{retry.SelectorNotFound, 3, retry.Linear, time.Second},
		{retry.StaleElement, 3, retry.Immediate, 500 * time.Millisecond},
		{retry.NotFound, 1, retry.Immediate, 0},
		{retry.AuthRequired, 1, retry.Immediate, 0},
		{retry.ConnectionReset, 3, retry.ExponentialJitter, time.Second},
		{retry.PageCrash, 2, retry.Linear, 2 * time.Second},
		{retry.InvalidInput, 1, retry.Immediate, 0},
	}
	for _, tt := range tests {
		t.Run(tt.t.String(), func(t *testing.T) {
			c := retry.DefaultConfig(tt.t)
			assert.Equal(t, tt.attempts, c.MaxAttempts)
			assert.Equal(t, tt.strategy, c.Strategy)
			assert.Equal(t, tt.base, c.BaseDelay)
			assert.Positive(t, c.MaxDelay)
			assert.Equal(t, c, retry.NewManager().Config(tt.t))
		})
	}
	assert.Equal(t, 5*time.Minute, retry.DefaultConfig(retry.RateLimit).MaxDelay)
}

// The delays each row produces, attempt by attempt, and where the budget ends.
func TestGuideTableDecisions(t *testing.T) {
	type step struct {
		retry    bool
		min, max time.Duration
	}
	tests := []struct {
		name  string
		err   error
		steps []step
	}{
		{"network timeout: once at once, then backoff", errors.New("timeout"),
			[]step{{true, 0, 0}, {true, time.Second, time.Second}, {false, 0, 0}}},
		{"rate limit: long jittered backoff", errors.New("429 Too Many Requests"),
			[]step{{true, 30 * time.Second, 37500 * time.Millisecond}, {true, 60 * time.Second, 75 * time.Second}, {false, 0, 0}}},
		{"server error: medium jittered backoff", errors.New("503 Service Unavailable"),
			[]step{{true, 5 * time.Second, 6250 * time.Millisecond}, {true, 10 * time.Second, 12500 * time.Millisecond},
				{true, 20 * time.Second, 25 * time.Second}, {false, 0, 0}}},
		{"captcha: never", errors.New("captcha"), []step{{false, 0, 0}}},
		{"selector: linear 1s", errors.New("no such element"),
			[]step{{true, time.Second, time.Second}, {true, 2 * time.Second, 2 * time.Second}, {false, 0, 0}}},
		{"stale: at once, then 500ms", errors.New("stale element"),
			[]step{{true, 0, 0}, {true, 500 * time.Millisecond, 500 * time.Millisecond}, {false, 0, 0}}},
		{"not found: never", errors.New("404 Not Found"), []step{{false, 0, 0}}},
		{"auth: never", errors.New("401 Unauthorized"), []step{{false, 0, 0}}},
		{"connection reset: jittered from 1s", errors.New("connection reset by peer"),
			[]step{{true, time.Second, 1250 * time.Millisecond}, {true, 2 * time.Second, 2500 * time.Millisecond}, {false, 0, 0}}},
		{"page crash: one retry after 2s", errors.New("Page crashed!"),
			[]step{{true, 2 * time.Second, 2 * time.Second}, {false, 0, 0}}},
		{"invalid input: never", errors.New("invalid selector"), []step{{false, 0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := retry.NewManager(retry.WithCircuitBreaker(false), retry.WithClock(retrytest.NewFakeClock(time.Unix(0, 0))))
			for i, s := range tt.steps {
				d := m.ShouldRetry(tt.err, i, nil)
				require.Equal(t, s.retry, d.Retry, "attempt %d: %s", i, d.Reason)
				assert.GreaterOrEqual(t, d.Delay, s.min, "attempt %d", i)
				assert.LessOrEqual(t, d.Delay, s.max, "attempt %d", i)
			}
		})
	}
}

// The guide's Example 3: a longer base delay for rate limits.
func TestSetConfigExample3(t *testing.T) {
	m := retry.NewManager()
	c := m.Config(retry.RateLimit)
	c.BaseDelay, c.MaxAttempts = time.Minute, 5
	m.SetConfig(retry.RateLimit, c)
	d := m.ShouldRetry(errors.New("429 Too Many Requests"), 0, retry.Info{"url": "https://api.example.com"})
	require.True(t, d.Retry)
	assert.GreaterOrEqual(t, d.Delay, time.Minute)
	assert.LessOrEqual(t, d.Delay, 75*time.Second)
	assert.True(t, m.ShouldRetry(errors.New("429"), 3, nil).Retry, "5 attempts now")

	m2 := retry.NewManager(retry.WithConfig(retry.NotFound, retry.Config{MaxAttempts: 2, Strategy: retry.Linear, BaseDelay: time.Second}))
	assert.Equal(t, 2, m2.Config(retry.NotFound).MaxAttempts)
	assert.False(t, m2.ShouldRetry(errors.New("404"), 0, nil).Retry, "permanent stays permanent")
}
