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

func TestBreakerCountsSiteFailures(t *testing.T) {
	page := func(i int) retry.Info { return retry.Info{"url": fmt.Sprintf("https://shop.example/p/%d?x=1", i)} }
	tests := []struct {
		name string
		recs []retry.Record
		want string
	}{
		{"one URL answering 503 ten times never opens", repeat(10, retry.Record{Args: page(1), Err: errors.New("503 Service Unavailable")}), "closed"},
		{"one URL rate-limited ten times never opens", repeat(10, retry.Record{Args: page(1), Err: &retry.HTTPError{StatusCode: 429}}), "closed"},
		{"three URLs answering 503 open it", []retry.Record{
			{Args: page(1), Err: errors.New("503")}, {Args: page(2), Err: errors.New("503")}, {Args: page(3), Err: errors.New("503")}}, "open"},
		{"the fragment and the scheme do not make another URL", []retry.Record{
			{Args: retry.Info{"url": "https://shop.example/p/1#a"}, Err: errors.New("503")},
			{Args: retry.Info{"url": "http://SHOP.example/p/1#b"}, Err: errors.New("503")},
			{Args: retry.Info{"url": "https://shop.example/p/1"}, Err: errors.New("503")}}, "closed"},
		{"the query does", []retry.Record{
			{Args: retry.Info{"url": "https://shop.example/p?id=1"}, Err: errors.New("503")},
			{Args: retry.Info{"url": "https://shop.example/p?id=2"}, Err: errors.New("503")},
			{Args: retry.Info{"url": "https://shop.example/p?id=3"}, Err: errors.New("503")}}, "open"},
		{"without a URL in Info, the HTTPError's URL counts", []retry.Record{
			{Args: retry.Info{"domain": "shop.example"}, Err: &retry.HTTPError{StatusCode: 503, URL: "https://shop.example/a"}},
			{Args: retry.Info{"domain": "shop.example"}, Err: &retry.HTTPError{StatusCode: 503, URL: "https://shop.example/a"}},
			{Args: retry.Info{"domain": "shop.example"}, Err: &retry.HTTPError{StatusCode: 503, URL: "https://shop.example/a"}}}, "closed"},
		{"without any URL each failure counts", repeat(3, retry.Record{Args: retry.Info{"domain": "shop.example"}, Err: errors.New("503")}), "open"},
		{"RecordAttempt: the host not answering counts every time (the guide)", repeat(3, retry.Record{Args: page(1), Err: errors.New("net::ERR_CONNECTION_RESET")}), "open"},
		{"RecordAttempt: unknown failures count every time", repeat(3, retry.Record{Args: page(1), Err: errors.New("something odd")}), "open"},
		{"page-level failures never count", append(append(
			repeat(5, retry.Record{Args: page(1), Err: errors.New("no such element")}),
			repeat(5, retry.Record{Args: page(2), Err: errors.New("stale element reference")})...),
			repeat(5, retry.Record{Args: page(3), Err: errors.New("Page crashed!")})...), "closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTestManager()
			for _, r := range tt.recs {
				m.RecordAttempt(r)
			}
			broken, _ := m.CheckDomainCircuitBreaker("shop.example")
			assert.Equal(t, tt.want == "open", broken)
			if tt.want == "closed" {
				assert.NotEqual(t, "open", state(m, "shop.example"))
			}
		})
	}
}

func repeat(n int, r retry.Record) []retry.Record {
	out := make([]retry.Record, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func TestBreakerRatioForm(t *testing.T) {
	policy := retry.BreakerPolicy{FailureRatio: 0.5, MinThroughput: 10, Window: 30 * time.Second, Cooloff: time.Minute}
	m, clock := newTestManager(retry.WithBreaker(policy))
	timeout := errors.New("Connection timeout")

	// Given 4 successes and 5 failures: a ratio above 0.5, but only 9 attempts.
	for range 4 {
		succeed(m, "r.com")
	}
	for range 5 {
		fail(m, "r.com", timeout)
	}
	assert.Equal(t, "closed", state(m, "r.com"), "below the minimum throughput the ratio is not trusted")
	assert.Equal(t, 5, m.Stats().CircuitBreakerStates["r.com"].Failures, "successes do not reset the ratio form")

	// When the tenth attempt fails (6/10 ≥ 0.5), it opens for the cooloff.
	fail(m, "r.com", timeout)
	assert.Equal(t, "open", state(m, "r.com"))
	_, reason := m.CheckDomainCircuitBreaker("r.com")
	assert.Equal(t, "Domain r.com in cooloff for 60.0s", reason)

	// A mostly healthy site stays closed whatever the number of failures…
	for range 20 {
		succeed(m, "ok.com")
		succeed(m, "ok.com")
		fail(m, "ok.com", timeout)
	}
	assert.Equal(t, "closed", state(m, "ok.com"))

	// …and failures older than the window no longer weigh.
	for range 9 {
		fail(m, "w.com", timeout)
	}
	clock.Advance(31 * time.Second)
	for range 9 {
		succeed(m, "w.com")
	}
	fail(m, "w.com", timeout)
	assert.Equal(t, "closed", state(m, "w.com"), "1 failure in 10 attempts inside the window")

	// WithBreakerPolicy is the count form again.
	c, _ := newTestManager(retry.WithBreaker(policy), retry.WithBreakerPolicy(3, 0, 0))
	for range 3 {
		fail(c, "c.com", timeout)
	}
	assert.Equal(t, "open", state(c, "c.com"))
}

func TestExactlyOneProbeWhileHalfOpen(t *testing.T) {
	waiting := make(chan retry.Event, 8)
	m, clock := newTestManager(retry.WithObserver(func(e retry.Event) {
		if e.Kind == retry.EventBreakerWait {
			waiting <- e
		}
	}))
	openBreaker(t, m, "down.example")
	clock.Advance(61 * time.Second) // the cooloff is over: the next attempt is the probe

	info := retry.Info{"domain": "down.example"}
	probeStarted, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var order []string
	note := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, s)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		err := retry.Do(context.Background(), func(context.Context) error {
			note("probe")
			close(probeStarted)
			<-release
			return nil
		}, retry.UsingManager(m), retry.WithInfo(info))
		assert.NoError(t, err)
	})
	<-probeStarted
	for _, name := range []string{"b", "c"} {
		wg.Go(func() {
			err := retry.Do(context.Background(), func(context.Context) error { note(name); return nil }, retry.UsingManager(m), retry.WithInfo(info))
			assert.NoError(t, err)
		})
	}
	for range 2 {
		e := <-waiting
		assert.Equal(t, "Domain down.example half-open: waiting for the probe in flight", e.Reason)
	}
	mu.Lock()
	assert.Equal(t, []string{"probe"}, order, "nobody else goes while the probe is out")
	mu.Unlock()
	close(release)
	wg.Wait()
	assert.Len(t, order, 3)
	assert.Equal(t, "closed", state(m, "down.example"))
}

func TestHalfOpenProbeFailureReopensAndWaitersWaitAgain(t *testing.T) {
	m, clock := newTestManager()
	openBreaker(t, m, "down.example")
	clock.Advance(61 * time.Second)
	// The probe fails (the site is still down): the breaker reopens, and the next call waits
	// the new cooloff, then probes again.
	err := retry.Do(context.Background(), retrytest.Always(errors.New("Connection timeout")).Do, retry.UsingManager(m),
		retry.WithInfo(retry.Info{"domain": "down.example"}), retry.MaxAttempts(1))
	assert.ErrorIs(t, err, retry.ErrExhausted)
	assert.Equal(t, "open", state(m, "down.example"))
	f := retrytest.FailN(0, nil)
	require.NoError(t, retry.Do(context.Background(), f.Do, retry.UsingManager(m), retry.WithInfo(retry.Info{"domain": "down.example"}), retry.MaxAttempts(1)),
		"the wait used no attempt")
	assert.Equal(t, 1, f.Calls())
	assert.Equal(t, []time.Duration{60 * time.Second}, clock.Sleeps())
}

// One URL whose server stalls or drops the connection, retried: it counts once, so its own
// retries do not open its site's breaker (the other pages of the site go on), while timeouts on
// three URLs of the site do, and a call then waits out the cooloff and goes as the probe.
func TestHostLevelFailuresCountOncePerURL(t *testing.T) {
	var ev events
	m, clock := newTestManager(retry.WithObserver(ev.observe))
	f := retrytest.FailN(3, errors.New("Connection timeout"))
	err := retry.Run(context.Background(), "get", retry.Info{"url": "https://slow.example/stalls"}, f.Run, retry.UsingManager(m), retry.MaxAttempts(5))
	require.NoError(t, err)
	assert.Equal(t, 4, f.Calls())
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second}, clock.Sleeps(), "backoffs only: no cooloff")
	assert.Equal(t, "closed", state(m, "slow.example"))
	reset := retrytest.FailN(2, errors.New("connection reset by peer"))
	require.NoError(t, retry.Run(context.Background(), "get", retry.Info{"url": "https://slow.example/stalls"}, reset.Run, retry.UsingManager(m), retry.MaxAttempts(5)))
	assert.Equal(t, "closed", state(m, "slow.example"), "the same URL again, another host-level type: still once")
	assert.Empty(t, ev.of(retry.EventBreakerOpen))

	for i := range 3 {
		_ = retry.Run(context.Background(), "get", retry.Info{"url": fmt.Sprintf("https://down.example/%d", i)},
			retrytest.Always(errors.New("Connection timeout")).Run, retry.UsingManager(m), retry.MaxAttempts(1))
	}
	assert.Equal(t, "open", state(m, "down.example"), "three URLs of the site time out: it is down")
	g := retrytest.FailN(0, nil)
	require.NoError(t, retry.Run(context.Background(), "get", retry.Info{"url": "https://down.example/3"}, g.Run, retry.UsingManager(m)))
	assert.Equal(t, "closed", state(m, "down.example"), "the probe went through after the cooloff")
}

// The batch of issue 8: 20 pages of one host, 4 of which always answer 503, two at a time,
// at most 2 attempts each: the 16 healthy pages must not be sunk by the 4 broken ones.
func TestBatchWithBrokenPagesLosesNoHealthyItem(t *testing.T) {
	var ev events
	m, _ := newTestManager(retry.WithObserver(ev.observe))
	pages := make([]string, 20)
	for i := range pages {
		pages[i] = fmt.Sprintf("http://127.0.0.1:8080/page/%d", i)
	}
	broken := map[string]bool{pages[0]: true, pages[1]: true, pages[2]: true, pages[3]: true} // first, so that they open the breaker
	ok, failed := retry.PartialRetry(context.Background(), m, pages, func(_ context.Context, p string) error {
		if broken[p] {
			return &retry.HTTPError{StatusCode: 503, URL: p}
		}
		return nil
	}, retry.MaxAttempts(2), retry.Concurrency(2), retry.WithInfo(retry.Info{"domain": "127.0.0.1:8080"}))

	assert.Len(t, ok, 16)
	require.Len(t, failed, 4)
	for _, f := range failed {
		assert.True(t, broken[f.Item], f.Item)
		assert.Equal(t, retry.ServerError, f.Type, f.Err)
		assert.Equal(t, 2, f.Attempts)
		assert.ErrorIs(t, f.Err, retry.ErrExhausted)
		assert.NotErrorIs(t, f.Err, retry.ErrCircuitOpen)
	}
	assert.NotEmpty(t, ev.of(retry.EventBreakerOpen), "the breaker did protect the host")
	assert.NotEmpty(t, ev.of(retry.EventBreakerWait), "healthy pages waited instead of failing")
}

func TestDomainCooloffFromRetryAfter(t *testing.T) {
	var ev events
	cooloffSet := make(chan retry.Event, 1)
	m, clock := newTestManager(retry.WithObserver(func(e retry.Event) {
		ev.observe(e)
		if e.Kind == retry.EventCooloff {
			cooloffSet <- e
		}
	}))
	info := retry.Info{"url": "https://api.example/items"}

	var wg sync.WaitGroup
	// A: its request is answered 429 with Retry-After 3s (and it has no attempt left, so that
	// its own wait does not move the virtual clock).
	wg.Go(func() {
		f := retrytest.Always(&retry.HTTPError{StatusCode: 429, RetryAfter: 3 * time.Second})
		assert.ErrorIs(t, retry.Run(context.Background(), "a", info, f.Run, retry.UsingManager(m), retry.MaxAttempts(1)), retry.ErrExhausted)
	})
	// B: its first attempt fails at the page level (retried at once) while A's 429 arrives; its
	// next attempt must not start before the cooloff ends.
	var cooloffEnd, second time.Time
	n := 0
	wg.Go(func() {
		err := retry.Run(context.Background(), "b", retry.Info{"url": "https://api.example/other"}, func(context.Context, *retry.Attempt) error {
			n++
			if n == 1 {
				e := <-cooloffSet
				cooloffEnd = e.Time.Add(e.Delay)
				return errors.New("stale element reference")
			}
			second = clock.Now()
			return nil
		}, retry.UsingManager(m))
		assert.NoError(t, err)
	})
	wg.Wait()
	require.Equal(t, 2, n)
	assert.False(t, second.Before(cooloffEnd), "B's next attempt at %v, the cooloff ends at %v", second, cooloffEnd)
	waits := ev.of(retry.EventBreakerWait)
	require.NotEmpty(t, waits)
	assert.Equal(t, "Domain api.example in cooloff for 3.0s", waits[0].Reason)
	assert.Equal(t, 3*time.Second, waits[0].Delay)
	assert.Equal(t, "b", waits[0].Action)
	assert.Equal(t, []time.Duration{3 * time.Second}, clock.Sleeps(), "B's stale element is retried at once: only the cooloff delayed it")
}

func TestCooloffInStatsAndDecisions(t *testing.T) {
	m, clock := newTestManager(retry.WithMaxRetryAfter(time.Minute))
	info := retry.Info{"url": "https://api.example/x"}
	m.RecordAttempt(retry.Record{Args: info, Err: &retry.HTTPError{StatusCode: 503, RetryAfter: time.Hour}})
	s := m.Stats()
	assert.Equal(t, t0.Add(time.Minute), s.Cooloffs["api.example"], "capped by WithMaxRetryAfter")

	broken, reason := m.CheckDomainCircuitBreaker("api.example")
	assert.True(t, broken)
	assert.Equal(t, "Domain api.example in cooloff for 60.0s", reason)
	r := m.Recommend("get", retry.Info{"url": "https://api.example/y"}, errors.New("503"))
	assert.Equal(t, "wait", r.Action)
	assert.Equal(t, time.Minute, r.Delay)
	d := m.ShouldRetry(errors.New("no such element"), 0, retry.Info{"url": "https://api.example/z"})
	assert.True(t, d.Retry)
	assert.Equal(t, time.Minute, d.Delay, "the retry waits for the domain's cooloff")

	clock.Advance(time.Minute)
	assert.Empty(t, m.Stats().Cooloffs)
	broken, _ = m.CheckDomainCircuitBreaker("api.example")
	assert.False(t, broken)

	// A cooloff applies with the breaker off too: it is the server's request.
	off, _ := newTestManager(retry.WithCircuitBreaker(false))
	off.RecordAttempt(retry.Record{Args: info, Err: &retry.HTTPError{StatusCode: 429, RetryAfter: 5 * time.Second}})
	broken, _ = off.CheckDomainCircuitBreaker("api.example")
	assert.True(t, broken)
}

func TestCircuitOpenType(t *testing.T) {
	typ, err := retry.ParseErrorType("circuit_open")
	require.NoError(t, err)
	assert.Equal(t, retry.CircuitOpen, typ)
	assert.False(t, typ.IsPermanent())
	assert.False(t, typ.IsTransient())
	assert.Equal(t, retry.CircuitOpen, retry.ErrorTypes()[len(retry.ErrorTypes())-1])
	assert.Equal(t, retry.ErrorType(11), retry.InvalidInput, "older types keep their numbers")

	// A nested call's refusal classifies as circuit_open and never counts towards a breaker.
	m, _ := newTestManager()
	openBreaker(t, m, "down.example")
	inner := retry.Do(context.Background(), retrytest.FailN(0, nil).Do, retry.UsingManager(m),
		retry.WithInfo(retry.Info{"domain": "down.example"}), retry.MaxBreakerWait(-1))
	assert.Equal(t, retry.CircuitOpen, retry.Classify(inner))
	for range 5 {
		m.RecordAttempt(retry.Record{Args: retry.Info{"domain": "other.example"}, Err: inner})
	}
	assert.NotEqual(t, "open", state(m, "other.example"))
}

// gobreaker's rule: a result that belongs to a time before the breaker opened says nothing
// about the site now.
func TestStragglerSuccessDoesNotCloseBreaker(t *testing.T) {
	for _, busy := range []bool{false, true} {
		t.Run(fmt.Sprint("another domain open: ", busy), func(t *testing.T) {
			m, clock := newTestManager()
			if busy {
				openBreaker(t, m, "elsewhere.example")
			}
			err := retry.Do(context.Background(), func(context.Context) error {
				clock.Advance(time.Second)
				openBreaker(t, m, "slow.example") // the site fails while this attempt runs…
				return nil                        // …whose success arrives late
			}, retry.UsingManager(m), retry.WithInfo(retry.Info{"url": "https://slow.example/"}))
			require.NoError(t, err)
			assert.Equal(t, "open", state(m, "slow.example"))
		})
	}
}

func TestCooloffEndsForEveryDomain(t *testing.T) {
	m, clock := newTestManager()
	m.RecordAttempt(retry.Record{Args: retry.Info{"url": "https://a.example/"}, Err: &retry.HTTPError{StatusCode: 429, RetryAfter: 2 * time.Second}})
	clock.Advance(3 * time.Second)
	// Nobody asks for a.example again; b.example's calls go on, and a.example's cooloff is over.
	require.NoError(t, retry.Do(context.Background(), retrytest.FailN(0, nil).Do, retry.UsingManager(m), retry.WithInfo(retry.Info{"url": "https://b.example/"})))
	assert.Empty(t, m.Stats().Cooloffs)
	broken, _ := m.CheckDomainCircuitBreaker("a.example")
	assert.False(t, broken)
}

// Two Managers on one Store (as two workers on a shared store would be): what one learns, the
// other obeys.
func TestManagersSharingAStore(t *testing.T) {
	store := retry.NewMemoryStore(0)
	clock := retrytest.NewFakeClock(t0)
	var evB events
	a := retry.NewManager(retry.WithClock(clock), retry.WithStore(store))
	b := retry.NewManager(retry.WithClock(clock), retry.WithStore(store), retry.WithObserver(evB.observe))
	info := retry.Info{"url": "https://shared.example/x"}

	openBreaker(t, a, "shared.example")
	broken, reason := b.CheckDomainCircuitBreaker("shared.example")
	assert.True(t, broken)
	assert.Equal(t, "Domain shared.example in cooloff for 60.0s", reason)
	err := retry.Do(context.Background(), retrytest.FailN(0, nil).Do, retry.UsingManager(b), retry.WithInfo(info), retry.MaxBreakerWait(-1))
	assert.ErrorIs(t, err, retry.ErrCircuitOpen)

	f := retrytest.FailN(0, nil)
	require.NoError(t, retry.Do(context.Background(), f.Do, retry.UsingManager(b), retry.WithInfo(info)))
	assert.Equal(t, 1, f.Calls())
	assert.Len(t, evB.of(retry.EventBreakerWait), 1)
	assert.Equal(t, "closed", state(a, "shared.example"), "b's probe closed it for a too")

	a.RecordAttempt(retry.Record{Args: info, Err: &retry.HTTPError{StatusCode: 429, RetryAfter: 5 * time.Second}})
	assert.Contains(t, b.Stats().Cooloffs, "shared.example")
}

// A Store that refuses without saying for how long must not make a waiting call spin.
type vagueStore struct {
	*retry.MemoryStore
	refusals int
}

func (s *vagueStore) Admit(ctx context.Context, domain string, now time.Time, p retry.BreakerPolicy, probe bool) retry.Admission {
	if s.refusals > 0 {
		s.refusals--
		return retry.Admission{}
	}
	return s.MemoryStore.Admit(ctx, domain, now, p, probe)
}

func TestWaitWithAVagueStore(t *testing.T) {
	m, clock := newTestManager(retry.WithStore(&vagueStore{MemoryStore: retry.NewMemoryStore(0), refusals: 2}))
	require.NoError(t, retry.Do(context.Background(), retrytest.FailN(0, nil).Do, retry.UsingManager(m), retry.WithInfo(retry.Info{"domain": "v.example"})))
	assert.Equal(t, []time.Duration{retry.BreakerPollInterval, retry.BreakerPollInterval}, clock.Sleeps())
}

// A call made inside the half-open probe for the same domain (an item retried as a whole, whose
// page load is a call of its own) is part of the probe: it goes through, where it had waited
// for the probe that was waiting for it (a crawl stalled so, every item behind that probe, until
// MaxBreakerWait). Another call for the domain still waits for the probe; the nested call's
// success closes the breaker.
func TestCallInsideTheProbeGoesThrough(t *testing.T) {
	for _, tc := range []struct {
		name  string
		outer func(ctx context.Context, m *retry.Manager, fn func(context.Context) error) error
	}{
		{"Do", func(ctx context.Context, m *retry.Manager, fn func(context.Context) error) error {
			return retry.Do(ctx, fn, retry.UsingManager(m), retry.WithInfo(retry.Info{"url": "https://down.example/item"}))
		}},
		{"PartialRetry", func(ctx context.Context, m *retry.Manager, fn func(context.Context) error) error {
			_, failed := retry.PartialRetry(ctx, m, []string{"a"}, func(ctx context.Context, _ string) error { return fn(ctx) },
				retry.WithInfo(retry.Info{"url": "https://down.example/item"}))
			if len(failed) > 0 {
				return failed[0].Err
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, clock := newTestManager()
			openBreaker(t, m, "down.example")
			clock.Advance(61 * time.Second) // the next call is the probe
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			inner := 0
			err := tc.outer(ctx, m, func(ctx context.Context) error {
				return retry.Run(ctx, "navigate", retry.Info{"url": "https://down.example/page"}, func(context.Context, *retry.Attempt) error {
					inner++
					assert.Equal(t, "half_open", state(m, "down.example"), "the nested call runs while the probe is out")
					return nil
				}, retry.UsingManager(m))
			})
			require.NoError(t, err, "the nested call waited for the probe it is part of")
			assert.Equal(t, 1, inner)
			assert.Equal(t, "closed", state(m, "down.example"))
		})
	}
}

// A call made inside the probe of another domain, or outside any probe, still waits for a probe
// in flight.
func TestOnlyTheProbesOwnCallsGoThrough(t *testing.T) {
	m, clock := newTestManager()
	openBreaker(t, m, "down.example")
	openBreaker(t, m, "other.example")
	clock.Advance(61 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	other := retry.Info{"url": "https://other.example/x"}
	probeOut, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { // takes other.example's probe and holds it
		assert.NoError(t, retry.Do(ctx, func(context.Context) error { close(probeOut); <-release; return nil },
			retry.UsingManager(m), retry.WithInfo(other)))
	})
	<-probeOut
	err := retry.Do(ctx, func(ctx context.Context) error {
		// Inside down.example's probe: a call to other.example may not wait long enough.
		return retry.Do(ctx, func(context.Context) error { return nil }, retry.UsingManager(m), retry.WithInfo(other),
			retry.MaxBreakerWait(-1))
	}, retry.UsingManager(m), retry.WithInfo(retry.Info{"url": "https://down.example/y"}), retry.MaxAttempts(1))
	assert.ErrorIs(t, err, retry.ErrCircuitOpen, "other.example's probe is someone else's")
	close(release)
	wg.Wait()
}

// AwaitDomain waits out the cooloff and takes the half-open probe for calls made later with its
// context: they go through without waiting, anyone else is refused (or waits) until release.
func TestAwaitDomain(t *testing.T) {
	m, clock := newTestManager()
	ctx := context.Background()
	pctx, release, err := m.AwaitDomain(ctx, "free.example")
	require.NoError(t, err, "a domain nothing is known of lets a call through")
	assert.Equal(t, ctx, pctx)
	release()

	openBreaker(t, m, "down.example")
	_, _, err = m.AwaitDomain(ctx, "down.example", retry.MaxBreakerWait(-1))
	require.ErrorIs(t, err, retry.ErrCircuitOpen, "may not wait: refused at once")
	left, ok := retry.RetryAfterOf(err)
	assert.True(t, ok)
	assert.Equal(t, 60*time.Second, left)
	assert.Empty(t, clock.Sleeps())

	pctx, release, err = m.AwaitDomain(ctx, "down.example")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{60 * time.Second}, clock.Sleeps(), "it waited the cooloff")
	assert.Equal(t, "half_open", state(m, "down.example"))
	_, _, err = m.AwaitDomain(ctx, "down.example", retry.MaxBreakerWait(-1))
	require.ErrorIs(t, err, retry.ErrCircuitOpen, "the probe is the caller's")
	_, release2, err := m.AwaitDomain(pctx, "down.example", retry.MaxBreakerWait(-1))
	require.NoError(t, err, "inside the probe: at once")
	release2()

	// The probe is given back unused: the next caller takes it.
	release()
	release()
	assert.Equal(t, "half_open", state(m, "down.example"))
	pctx, release, err = m.AwaitDomain(ctx, "down.example", retry.MaxBreakerWait(-1))
	require.NoError(t, err, "the probe given back is free")
	require.NoError(t, retry.Do(pctx, retrytest.FailN(0, nil).Do, retry.UsingManager(m),
		retry.WithInfo(retry.Info{"url": "https://down.example/p"}), retry.MaxBreakerWait(-1)))
	release()
	assert.Equal(t, "closed", state(m, "down.example"), "the call made inside the probe closed it")
}
