package crawl_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/smartretry/smartretry/internal/crawl"
	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/testenv"
)

// site is a server that counts the requests loading at once and when each started.
type site struct {
	*httptest.Server
	latency time.Duration
	status  func(n int) int // the status of the n-th request (0-based)

	mu      sync.Mutex
	now     int
	maxSeen int
	starts  []time.Time
	asked   []time.Time // when load began to ask its limiter for each page
}

func newSite(t *testing.T, latency time.Duration, status func(int) int) *site {
	s := &site{latency: latency, status: status}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		n := len(s.starts)
		s.starts = append(s.starts, time.Now())
		s.now++
		s.maxSeen = max(s.maxSeen, s.now)
		s.mu.Unlock()
		select { // the site takes its time to answer
		case <-time.After(s.latency):
		case <-r.Context().Done():
		}
		s.mu.Lock()
		s.now--
		s.mu.Unlock()
		code := 200
		if s.status != nil {
			code = s.status(n)
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) host() string { u, _ := url.Parse(s.URL); return u.Host }

func (s *site) max() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxSeen
}

func (s *site) startTimes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.starts...)
}

func (s *site) askTimes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.asked...)
}

// load fetches one page of s through l, as the crawl's runner does with its browser.
func load(ctx context.Context, t *testing.T, l *crawl.Limiter, s *site, path string) int {
	s.mu.Lock()
	s.asked = append(s.asked, time.Now())
	s.mu.Unlock()
	tk, err := l.Acquire(ctx, s.host())
	if !assert.NoError(t, err) {
		return 0
	}
	t0 := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	resp, err := http.DefaultClient.Do(req)
	o := crawl.Outcome{Latency: time.Since(t0), Failed: err != nil}
	if err == nil {
		o.Status = resp.StatusCode
		resp.Body.Close()
	}
	tk.Done(o)
	return o.Status
}

// worker is one worker process of a job: its own queue (Redis connection, name) and Limiter.
func worker(t *testing.T, r *testenv.Redis, name string, p crawl.Politeness, log *zap.Logger) *crawl.Limiter {
	t.Helper()
	c, err := queue.Dial(context.Background(), r.URL(0), 8, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	q, err := queue.OpenRedis(context.Background(), c, queue.RedisConfig{Job: "crawl", Worker: name,
		StoreTimeout: 2 * time.Second}) // a loaded test machine (-race) is slow, not down
	require.NoError(t, err)
	t.Cleanup(func() { q.Close() })
	return crawl.NewLimiter(p, nil, crawl.WithCoordinator(q.Coordinator(), log))
}

// crawlAll runs pages page loads on each of tabs goroutines of each limiter (worker).
func crawlAll(t *testing.T, s *site, limiters []*crawl.Limiter, tabs, pages int) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for w, l := range limiters {
		for g := range tabs {
			wg.Go(func() {
				for i := range pages {
					load(ctx, t, l, s, fmt.Sprintf("/w%d/t%d/p%d", w, g, i))
				}
			})
		}
	}
	wg.Wait()
}

// Three workers with four tabs each crawl one site with per_domain_concurrency 2: the site never
// sees more than two pages loading at once. Each worker alone keeps 2, so without the job's
// slots the site sees up to 6.
func TestPerDomainConcurrencyIsJobWide(t *testing.T) {
	r := testenv.StartRedis(t)
	p := crawl.Politeness{PerDomain: 2}
	t.Run("job-wide", func(t *testing.T) {
		s := newSite(t, 30*time.Millisecond, nil)
		var ls []*crawl.Limiter
		for _, name := range []string{"a", "b", "c"} {
			ls = append(ls, worker(t, r, name, p, nil))
		}
		crawlAll(t, s, ls, 4, 6)
		assert.Len(t, s.startTimes(), 72)
		assert.Equal(t, 2, s.max(), "pages of the site loading at once, all workers together")
	})
	t.Run("per worker (the test can fail)", func(t *testing.T) {
		s := newSite(t, 30*time.Millisecond, nil)
		ls := []*crawl.Limiter{crawl.NewLimiter(p, nil), crawl.NewLimiter(p, nil), crawl.NewLimiter(p, nil)}
		crawlAll(t, s, ls, 4, 6)
		assert.Greater(t, s.max(), 2)
	})
}

// One worker meets a 429: the job's delay for the domain grows, and the other worker, which never
// saw one, spaces its page loads by it.
func TestBackoffSlowsEveryWorker(t *testing.T) {
	r := testenv.StartRedis(t)
	s := newSite(t, 0, func(n int) int {
		if n == 0 {
			return http.StatusTooManyRequests
		}
		return http.StatusOK
	})
	p := crawl.Politeness{PerDomain: 2, MaxDelay: 400 * time.Millisecond}
	a, b := worker(t, r, "a", p, nil), worker(t, r, "b", p, nil)
	ctx := context.Background()

	require.Equal(t, http.StatusTooManyRequests, load(ctx, t, a, s, "/a"))
	assert.Equal(t, 400*time.Millisecond, a.Stats(s.host()).Delay, "a backed off (to MaxDelay)")
	assert.Equal(t, 1, a.Stats(s.host()).Backoffs)

	for i := range 3 {
		require.Equal(t, http.StatusOK, load(ctx, t, b, s, fmt.Sprintf("/b%d", i)))
	}
	st := b.Stats(s.host())
	assert.Zero(t, st.Backoffs, "b never met a 429")
	assert.Greater(t, st.Delay, 200*time.Millisecond, "b loads at the job's delay")
	// Each start is booked at least the delay (≥ ~330ms: it grows back by 0.5 pages/s per answer)
	// after the start booked before it, which is no earlier than when that page was asked for.
	// Measured from there, not from the server's arrival of the page before: a request that the
	// loaded machine sent late shortens the next gap but moves no booking.
	starts, asked := s.startTimes(), s.askTimes()
	require.Len(t, starts, 4)
	require.Len(t, asked, 4)
	for i := 1; i < len(starts); i++ {
		gap := starts[i].Sub(asked[i-1])
		assert.GreaterOrEqual(t, gap, 250*time.Millisecond, "request %d came %s after the one before was asked for", i, gap)
	}
}

// When Redis does not answer, page loads go on under the worker's own limits within the store
// timeout, with one warning; when it is back, one line says so and the limits are the job's
// again.
func TestRedisDownFallsBackToLocalLimits(t *testing.T) {
	r := testenv.StartRedis(t)
	s := newSite(t, 0, nil)
	core, logs := observer.New(zap.InfoLevel)
	c, err := queue.Dial(context.Background(), r.URL(0), 8, 5*time.Second)
	require.NoError(t, err)
	defer c.Close()
	q, err := queue.OpenRedis(context.Background(), c, queue.RedisConfig{Job: "crawl", Worker: "a",
		StoreTimeout: 200 * time.Millisecond})
	require.NoError(t, err)
	defer q.Close()
	l := crawl.NewLimiter(crawl.Politeness{PerDomain: 1}, nil, crawl.WithCoordinator(q.Coordinator(), zap.New(core)))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	require.Equal(t, 200, load(ctx, t, l, s, "/up"))
	// Another worker holds the job's only slot: this one waits for it.
	other := worker(t, r, "b", crawl.Politeness{PerDomain: 1}, nil)
	tk, err := other.Acquire(ctx, s.host())
	require.NoError(t, err)
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = l.Acquire(short, s.host())
	cancelShort()
	require.ErrorIs(t, err, context.DeadlineExceeded, "the job's slot is held by b")
	tk.Done(crawl.Outcome{Status: 200})

	r.Stop()
	t0 := time.Now()
	for i := range 5 {
		require.Equal(t, 200, load(ctx, t, l, s, fmt.Sprintf("/down%d", i)))
	}
	assert.Less(t, time.Since(t0), 5*time.Second, "Redis down holds no page up beyond the store timeout")
	warn := logs.FilterMessageSnippet("Redis does not answer")
	assert.Equal(t, 1, warn.Len(), "one warning for the outage")

	r.Restart()
	require.Eventually(t, func() bool {
		load(ctx, t, l, s, "/back")
		return logs.FilterMessageSnippet("answers again").Len() == 1
	}, 30*time.Second, 50*time.Millisecond, "back to the job's limits once Redis answers")
}
