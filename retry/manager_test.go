package retry_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func newTestManager(opts ...retry.Option) (*retry.Manager, *retrytest.FakeClock) {
	c := retrytest.NewFakeClock(t0)
	return retry.NewManager(append([]retry.Option{retry.WithClock(c)}, opts...)...), c
}

var exampleURL = retry.Info{"url": "https://example.com"}

// The guide's section 4 and section 3, with the exact reason texts.
func TestShouldRetryGuideExamples(t *testing.T) {
	m, _ := newTestManager()

	d := m.ShouldRetry(errors.New("404 Not Found"), 0, exampleURL)
	assert.Equal(t, retry.Decision{Retry: false, Reason: "not_found is not retryable", Type: retry.NotFound}, d)

	d = m.ShouldRetry(errors.New("Network timeout"), 0, exampleURL)
	assert.Equal(t, retry.Decision{Retry: true, Reason: "Retry #1 with immediate backoff (0ms delay)", Type: retry.NetworkTimeout}, d)

	d = m.ShouldRetry(errors.New("429 Too Many Requests"), 0, retry.Info{"url": "https://api.example.com"})
	assert.True(t, d.Retry)
	assert.True(t, strings.HasPrefix(d.Reason, "Retry #1 with exponential_jitter backoff"), d.Reason)
	assert.InDelta(t, 30*time.Second, d.Delay, float64(7500*time.Millisecond))

	d = m.ShouldRetry(errors.New("no such element"), 1, nil)
	assert.Equal(t, "Retry #2 with linear backoff (2000ms delay)", d.Reason)

	// section 3: three failures in 30s open the breaker for 60s
	for range 3 {
		m.RecordAttempt(retry.Record{Action: "fetch_data", Strategy: "default", Args: exampleURL, Err: errors.New("Connection timeout")})
	}
	broken, reason := m.CheckDomainCircuitBreaker("example.com")
	assert.True(t, broken)
	assert.Equal(t, "Domain example.com in cooloff for 60.0s", reason)
	d = m.ShouldRetry(errors.New("timeout"), 0, exampleURL)
	assert.Equal(t, retry.Decision{Retry: false, Reason: "Domain example.com in cooloff for 60.0s", Type: retry.NetworkTimeout}, d)
}

func TestShouldRetryCancelledAndNil(t *testing.T) {
	m, _ := newTestManager()
	assert.False(t, m.ShouldRetry(nil, 0, nil).Retry)
	d := m.ShouldRetry(fmt.Errorf("wait: %w", context.Canceled), 0, nil)
	assert.False(t, d.Retry)
	assert.Equal(t, "context canceled", d.Reason)
}

func TestRetryAfter(t *testing.T) {
	rl := func(ra time.Duration) error { return &retry.HTTPError{StatusCode: 429, RetryAfter: ra} }
	tests := []struct {
		name      string
		err       error
		opts      []retry.Option
		retry     bool
		delay     time.Duration // exact when > 0
		minDelay  time.Duration
		reasonHas string
	}{
		{"longer Retry-After wins over backoff", rl(2 * time.Minute), nil, true, 2 * time.Minute, 0, "honouring Retry-After"},
		{"shorter Retry-After keeps the backoff", rl(2 * time.Second), nil, true, 0, 30 * time.Second, "exponential_jitter"},
		{"on a server error too", &retry.HTTPError{StatusCode: 503, RetryAfter: 40 * time.Second}, nil, true, 40 * time.Second, 0, "Retry #1"},
		{"above the default cap: refused", rl(2 * time.Hour), nil, false, 0, 0, "Retry-After 2h0m0s exceeds the limit of 10m0s"},
		{"above a custom cap: refused", rl(2 * time.Minute), []retry.Option{retry.WithMaxRetryAfter(time.Minute)}, false, 0, 0, "exceeds the limit of 1m0s"},
		{"permanent ignores it", &retry.HTTPError{StatusCode: 404, RetryAfter: time.Second}, nil, false, 0, 0, "not_found is not retryable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTestManager(tt.opts...)
			d := m.ShouldRetry(tt.err, 0, nil)
			assert.Equal(t, tt.retry, d.Retry, d.Reason)
			assert.Contains(t, d.Reason, tt.reasonHas)
			if tt.delay > 0 {
				assert.Equal(t, tt.delay, d.Delay)
			}
			assert.GreaterOrEqual(t, d.Delay, tt.minDelay)
		})
	}
}

func fail(m *retry.Manager, domain string, err error) {
	m.RecordAttempt(retry.Record{Action: "get", Args: retry.Info{"domain": domain}, Err: err})
}

func succeed(m *retry.Manager, domain string) {
	m.RecordAttempt(retry.Record{Action: "get", Args: retry.Info{"domain": domain}, Success: true})
}

func state(m *retry.Manager, domain string) string {
	return m.Stats().CircuitBreakerStates[domain].State
}

func TestBreakerStateMachine(t *testing.T) {
	var events []string
	var mu sync.Mutex
	m, clock := newTestManager(retry.WithObserver(func(e retry.Event) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e.Kind+" "+e.Domain)
	}))
	boom := errors.New("503")

	// Given two failures, the breaker stays closed.
	fail(m, "a.com", boom)
	fail(m, "a.com", boom)
	assert.Equal(t, "closed", state(m, "a.com"))
	assert.Equal(t, 2, m.Stats().CircuitBreakerStates["a.com"].Failures)
	broken, _ := m.CheckDomainCircuitBreaker("a.com")
	assert.False(t, broken)

	// When a third arrives inside the window, it opens for the cooloff.
	clock.Advance(10 * time.Second)
	fail(m, "a.com", boom)
	assert.Equal(t, "open", state(m, "a.com"))
	assert.Equal(t, t0.Add(70*time.Second), m.Stats().CircuitBreakerStates["a.com"].OpenUntil)
	clock.Advance(30 * time.Second)
	broken, reason := m.CheckDomainCircuitBreaker("a.com")
	assert.True(t, broken)
	assert.Equal(t, "Domain a.com in cooloff for 30.0s", reason)

	// Then after the cooloff exactly one probe goes through.
	clock.Advance(30 * time.Second)
	assert.Equal(t, "half_open", state(m, "a.com"))
	broken, _ = m.CheckDomainCircuitBreaker("a.com")
	assert.False(t, broken, "the probe")
	broken, reason = m.CheckDomainCircuitBreaker("a.com")
	assert.True(t, broken, "a second caller while the probe is out")
	assert.Contains(t, reason, "half-open")

	// A failing probe opens it again.
	fail(m, "a.com", boom)
	assert.Equal(t, "open", state(m, "a.com"))
	clock.Advance(61 * time.Second)
	broken, _ = m.CheckDomainCircuitBreaker("a.com")
	require.False(t, broken)

	// A successful probe closes it and resets the count.
	succeed(m, "a.com")
	assert.Equal(t, "closed", state(m, "a.com"))
	fail(m, "a.com", boom)
	fail(m, "a.com", boom)
	assert.Equal(t, "closed", state(m, "a.com"))

	mu.Lock()
	assert.Equal(t, []string{"breaker_open a.com", "breaker_half_open a.com", "breaker_open a.com",
		"breaker_half_open a.com", "breaker_closed a.com"}, events)
	mu.Unlock()
}

func TestBreakerWindowAndExclusions(t *testing.T) {
	m, clock := newTestManager()
	boom := errors.New("timeout")
	fail(m, "w.com", boom)
	clock.Advance(20 * time.Second)
	fail(m, "w.com", boom)
	clock.Advance(20 * time.Second) // the first is now out of the 30s window
	fail(m, "w.com", boom)
	assert.Equal(t, "closed", state(m, "w.com"))

	for _, err := range []error{errors.New("404"), errors.New("401"), errors.New("captcha"), errors.New("invalid selector"),
		context.Canceled, fmt.Errorf("x: %w", context.Canceled)} {
		for range 3 {
			fail(m, "p.com", err)
		}
	}
	broken, _ := m.CheckDomainCircuitBreaker("p.com")
	assert.False(t, broken, "permanent types and cancellation never count")

	succeed(m, "s.com")
	fail(m, "s.com", boom)
	fail(m, "s.com", boom)
	succeed(m, "s.com")
	fail(m, "s.com", boom)
	assert.Equal(t, "closed", state(m, "s.com"), "a success resets the count")
}

func TestBreakerPolicyAndDisabled(t *testing.T) {
	m, clock := newTestManager(retry.WithBreakerPolicy(2, time.Minute, 5*time.Second))
	fail(m, "x.com", errors.New("503"))
	clock.Advance(50 * time.Second)
	fail(m, "x.com", errors.New("503"))
	broken, reason := m.CheckDomainCircuitBreaker("x.com")
	assert.True(t, broken)
	assert.Equal(t, "Domain x.com in cooloff for 5.0s", reason)

	off, _ := newTestManager(retry.WithCircuitBreaker(false))
	for range 10 {
		fail(off, "x.com", errors.New("503"))
	}
	broken, _ = off.CheckDomainCircuitBreaker("x.com")
	assert.False(t, broken)
	assert.True(t, off.ShouldRetry(errors.New("503"), 0, retry.Info{"domain": "x.com"}).Retry)
}

func TestStuckLoop(t *testing.T) {
	m, _ := newTestManager(retry.WithCircuitBreaker(false))
	args := retry.Info{"action": "click", "selector": "#buy"}
	rec := func(info retry.Info, err error) {
		m.RecordAttempt(retry.Record{Args: info, Err: err, Success: err == nil})
	}
	notFound := errors.New("no such element")
	for range 4 {
		rec(args, notFound)
	}
	assert.True(t, m.ShouldRetry(notFound, 0, args).Retry)
	rec(args, notFound)
	d := m.ShouldRetry(notFound, 0, args)
	assert.False(t, d.Retry)
	assert.True(t, strings.HasPrefix(d.Reason, "stuck: click failed 5 times"), d.Reason)
	assert.Equal(t, "abort", m.Recommend("click", args, notFound).Action)

	// other arguments, or another failure, are not the same loop
	other := retry.Info{"action": "click", "selector": "#sell"}
	assert.True(t, m.ShouldRetry(notFound, 0, other).Retry)
	assert.True(t, m.ShouldRetry(errors.New("stale element"), 0, args).Retry)

	// a success ends the loop
	rec(args, nil)
	assert.True(t, m.ShouldRetry(notFound, 0, args).Retry)

	off, _ := newTestManager(retry.WithStuckDetection(0, 0))
	for range 10 {
		off.RecordAttempt(retry.Record{Args: args, Err: notFound})
	}
	assert.True(t, off.ShouldRetry(notFound, 0, args).Retry)
}

func TestRecommend(t *testing.T) {
	m, _ := newTestManager()
	info := retry.Info{"url": "https://shop.example/cart"}
	tests := []struct {
		name   string
		err    error
		action string
		sol    string
	}{
		{"captcha escalates", errors.New("CAPTCHA detected"), "escalate", "escalated"},
		{"login escalates", &retry.HTTPError{StatusCode: 401}, "escalate", "escalated"},
		{"404 aborts", errors.New("404 Not Found"), "abort", ""},
		{"invalid input aborts", errors.New("invalid selector"), "abort", ""},
		{"cancel aborts", context.Canceled, "abort", ""},
		{"rate limit waits", errors.New("429"), "wait", "wait"},
		{"Retry-After waits", &retry.HTTPError{StatusCode: 503, RetryAfter: 20 * time.Second}, "wait", "wait"},
		{"selector retries with a resnapshot", errors.New("no such element"), "retry", "resnapshot"},
		{"stale retries with re-resolve", errors.New("stale element"), "retry", "reresolve"},
		{"crash retries on a new page", errors.New("Page crashed!"), "retry", "new_page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.Recommend("login", info, tt.err)
			assert.Equal(t, tt.action, r.Action, r.Reason)
			assert.Equal(t, tt.sol, r.Solution)
			assert.NotEmpty(t, r.Reason)
		})
	}
	r := m.Recommend("login", info, &retry.HTTPError{StatusCode: 503, RetryAfter: 20 * time.Second})
	assert.Equal(t, 20*time.Second, r.Delay)
}

func TestRecommendBreakerAndLearntSolution(t *testing.T) {
	m, clock := newTestManager()
	info := retry.Info{"url": "https://shop.example/p/1"}
	crash := errors.New("Target crashed")

	// Given a crash that a reload fixed…
	m.RecordAttempt(retry.Record{Action: "click", Args: info, Err: crash})
	m.RecordAttempt(retry.Record{Action: "click", Args: info, Success: true, Solution: "reload"})
	s := m.Stats()
	assert.Equal(t, 1, s.KnownPatterns)
	assert.Equal(t, 1, s.PatternsWithSolutions)

	// …the same pattern next time recommends the reload, not the usual new_page.
	r := m.Recommend("click", info, crash)
	assert.Equal(t, "retry", r.Action)
	assert.Equal(t, "reload", r.Solution)
	assert.Contains(t, r.Reason, "reload")
	assert.Equal(t, "new_page", m.Recommend("type", info, crash).Solution, "another action has not learnt it")

	for i := range 3 { // three pages of the site answer 503: the site is failing
		m.RecordAttempt(retry.Record{Action: "click", Args: retry.Info{"url": fmt.Sprint("https://shop.example/p/", i)}, Err: errors.New("503")})
	}
	clock.Advance(15 * time.Second)
	r = m.Recommend("click", info, errors.New("503"))
	assert.Equal(t, "wait", r.Action)
	assert.Equal(t, 45*time.Second, r.Delay)
	assert.Equal(t, "Domain shop.example in cooloff for 45.0s", r.Reason)
}

// The guide's Example 4.
func TestStats(t *testing.T) {
	m, _ := newTestManager()
	m.RecordAttempt(retry.Record{Action: "a", Args: exampleURL, Err: errors.New("timeout")})
	m.RecordAttempt(retry.Record{Action: "a", Args: exampleURL, Err: errors.New("timeout")})
	m.RecordAttempt(retry.Record{Action: "a", Args: exampleURL, Err: errors.New("429")})
	m.RecordAttempt(retry.Record{Action: "a", Args: exampleURL, Success: true, Solution: "wait"})
	s := m.Stats()
	assert.Equal(t, 4, s.SessionAttempts)
	assert.Equal(t, 2, s.KnownPatterns)
	assert.Equal(t, 1, s.PatternsWithSolutions, "the solution goes to the failure it followed")
	assert.Equal(t, map[string]int{"network_timeout": 2, "rate_limit": 1}, s.ErrorTypeDistribution)
	assert.Equal(t, retry.BreakerState{State: "closed"}, s.CircuitBreakerStates["example.com"])

	g := retry.GetStats()
	assert.NotNil(t, g.ErrorTypeDistribution)
	assert.Same(t, retry.Default(), retry.Default())
}

func TestMemoryIsBounded(t *testing.T) {
	m, clock := newTestManager(retry.WithMemoryLimit(10))
	for i := range 100 {
		clock.Advance(time.Millisecond)
		m.RecordAttempt(retry.Record{Action: fmt.Sprint("a", i), Args: retry.Info{"domain": fmt.Sprint("d", i, ".com"), "i": i}, Err: errors.New("503")})
	}
	s := m.Stats()
	assert.Equal(t, 10, s.KnownPatterns)
	assert.Len(t, s.CircuitBreakerStates, 10)
	assert.Contains(t, s.CircuitBreakerStates, "d99.com", "the newest stays")
	assert.NotContains(t, s.CircuitBreakerStates, "d0.com", "the oldest goes")
}

func TestInfoDomain(t *testing.T) {
	tests := []struct {
		info retry.Info
		want string
	}{
		{retry.Info{"domain": "x.org", "url": "https://y.org"}, "x.org"},
		{retry.Info{"url": "https://Example.COM/a?b#c"}, "example.com"},
		{retry.Info{"url": "http://user:pw@host.io:8080/x"}, "host.io:8080"},
		{retry.Info{"url": "127.0.0.1:4000/path"}, "127.0.0.1:4000"},
		{retry.Info{"url": "localhost:4000"}, "localhost:4000"},
		{retry.Info{"url": "example.com/path"}, "example.com"},
		{retry.Info{"url": "about:blank"}, ""},
		{retry.Info{"url": 42}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.info.Domain(), "%v", tt.info)
	}
}

func TestManagerConcurrent(t *testing.T) {
	m, _ := newTestManager(retry.WithMemoryLimit(50))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				info := retry.Info{"domain": fmt.Sprint("d", (g*7+i)%60), "action": "x"}
				err := errors.New("503")
				m.RecordAttempt(retry.Record{Args: info, Err: err, Success: i%5 == 0})
				m.ShouldRetry(err, i%4, info)
				m.CheckDomainCircuitBreaker(info.Domain())
				m.Recommend("x", info, err)
				if i%50 == 0 {
					m.Stats()
					m.SetConfig(retry.ServerError, retry.DefaultConfig(retry.ServerError))
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1600, m.Stats().SessionAttempts)
}
