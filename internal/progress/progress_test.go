package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/smartretry/smartretry/retry"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestTrackerCounts(t *testing.T) {
	tr := NewTracker(10)
	start := tr.start
	tr.now = func() time.Time { return start.Add(2 * time.Second) }
	tr.Skipped(2)
	tr.ItemDone(10)
	tr.ItemDone(5)
	tr.ItemFailed("server_error")
	for _, k := range []string{retry.EventRetry, retry.EventRetry, retry.EventBreakerOpen, retry.EventEscalate} {
		tr.Observe(retry.Event{Kind: k, Domain: "h"})
	}
	s := tr.Snapshot()
	assert.Equal(t, Snapshot{Total: 10, Done: 2, Failed: 1, Skipped: 2, Records: 15, Retries: 2, Escalations: 1,
		OpenBreakers: 1, BreakerEvents: 1, FailuresByType: map[string]int{"server_error": 1}, Elapsed: 2 * time.Second}, s)
	assert.Equal(t, "5/10 items (4 ok, 1 failed, 2 from before) · 2 retries · 1 open breakers · 1.5 items/s", s.Line())
	assert.Equal(t, "[############xxx...............] "+s.Line(), s.Bar(30))
	tr.Observe(retry.Event{Kind: retry.EventBreakerClosed, Domain: "h"})
	assert.Zero(t, tr.Snapshot().OpenBreakers)
	sum := s.Summary()
	assert.Contains(t, sum, "items: 10 total, 2 ok, 1 failed, 2 skipped")
	assert.Contains(t, sum, "failures by type: server_error 1")
	assert.Contains(t, sum, "duration: 2s")
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestReporterStops(t *testing.T) {
	var w syncBuf
	r := Start(NewTracker(1), &w, false, time.Millisecond)
	r.Printf("hello\n")
	r.Stop()
	r.Stop()
	assert.True(t, strings.HasPrefix(w.String(), "hello\n") || strings.Contains(w.String(), "progress: "))
}

// Items that meet an open breaker are deferred, not failed: the line says what they wait for,
// the summary counts them.
func TestTrackerDeferrals(t *testing.T) {
	tr := NewTracker(20)
	now := tr.start
	tr.now = func() time.Time { return now }
	tr.Observe(retry.Event{Kind: retry.EventBreakerOpen, Domain: "127.0.0.1:8080"})
	tr.Observe(retry.Event{Kind: retry.EventBreakerWait, Domain: "127.0.0.1:8080", Delay: 41500 * time.Millisecond})
	tr.Observe(retry.Event{Kind: retry.EventBreakerWait, Domain: "127.0.0.1:8080", Delay: 41 * time.Second})
	s := tr.Snapshot()
	assert.Equal(t, 2, s.Deferred)
	assert.Equal(t, []Waiting{{Domain: "127.0.0.1:8080", Left: 41500 * time.Millisecond}}, s.Waiting)
	assert.True(t, strings.HasSuffix(s.Line(), " · waiting for 127.0.0.1:8080 cooloff 42s"), s.Line())

	tr.ItemDeferred("b.example", now.Add(3*time.Second))
	s = tr.Snapshot()
	assert.Equal(t, 3, s.Deferred)
	assert.Contains(t, s.Line(), "waiting for 127.0.0.1:8080 cooloff 42s (+1 more domains)")
	assert.Contains(t, s.Summary(), "items: 20 total, 0 ok, 0 failed, deferred 3 (breaker cooloff)")

	// The cooloff ends: the half-open probe is waited for, then the breaker closes.
	now = now.Add(42 * time.Second)
	tr.Observe(retry.Event{Kind: retry.EventBreakerWait, Domain: "127.0.0.1:8080"})
	s = tr.Snapshot()
	assert.Equal(t, 3, s.Deferred, "waiting for the probe is the same deferral")
	assert.Equal(t, "waiting for 127.0.0.1:8080 probe", s.Waiting[0].String())
	now = now.Add(3 * time.Minute)
	assert.Equal(t, "waiting for 127.0.0.1:8080 probe", tr.Snapshot().Waiting[0].String(),
		"a long probe: its waiters are silent, the line still says what they wait for")
	tr.Observe(retry.Event{Kind: retry.EventBreakerClosed, Domain: "127.0.0.1:8080"})
	s = tr.Snapshot()
	assert.Empty(t, s.Waiting, "b.example's cooloff ended too")
	assert.NotContains(t, s.Line(), "waiting")
	assert.Equal(t, 3, s.Deferred)
}

// Another worker's probe (a shared store: asked again every second) is shown as the probe too;
// a failed probe gives way to the new cooloff.
func TestTrackerProbeElsewhereAndReopen(t *testing.T) {
	tr := NewTracker(5)
	now := tr.start
	tr.now = func() time.Time { return now }
	tr.Observe(retry.Event{Kind: retry.EventBreakerWait, Domain: "d", Delay: time.Second,
		Reason: "Domain d half-open: waiting for the probe in flight"})
	now = now.Add(time.Minute)
	assert.Equal(t, "waiting for d probe", tr.Snapshot().Waiting[0].String())
	tr.Observe(retry.Event{Kind: retry.EventBreakerOpen, Domain: "d"})
	assert.Empty(t, tr.Snapshot().Waiting)
	tr.Observe(retry.Event{Kind: retry.EventBreakerWait, Domain: "d", Delay: 30 * time.Second})
	assert.Equal(t, "waiting for d cooloff 30s", tr.Snapshot().Waiting[0].String())
}

// A crawl's page waiting a second or more for its domain's next start is on the line; a
// breaker's wait says more and stays; the wait ends with its time.
func TestTrackerPacing(t *testing.T) {
	tr := NewTracker(5)
	now := tr.start
	tr.now = func() time.Time { return now }
	tr.Pacing("a", now.Add(500*time.Millisecond))
	assert.Empty(t, tr.Snapshot().Waiting, "a short wait is not worth a mention")
	tr.Pacing("a", now.Add(12*time.Second))
	tr.Pacing("a", now.Add(3*time.Second))
	s := tr.Snapshot()
	assert.Equal(t, []Waiting{{Domain: "a", Left: 12 * time.Second, Pace: true}}, s.Waiting)
	assert.Contains(t, s.Line(), " · waiting for a delay 12s")
	assert.Zero(t, s.Deferred)

	tr.Observe(retry.Event{Kind: retry.EventBreakerWait, Domain: "b", Delay: 20 * time.Second})
	tr.Pacing("b", now.Add(30*time.Second))
	s = tr.Snapshot()
	assert.Equal(t, "waiting for b cooloff 20s", s.Waiting[1].String(), "the breaker's wait stays")
	tr.Observe(retry.Event{Kind: retry.EventBreakerWait, Domain: "a", Delay: 5 * time.Second})
	assert.Equal(t, "waiting for a cooloff 5s", tr.Snapshot().Waiting[0].String(), "a breaker wait replaces a delay")

	now = now.Add(time.Minute)
	assert.Empty(t, tr.Snapshot().Waiting)
}
