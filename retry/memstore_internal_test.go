package retry

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The Manager skips admission while MemoryStore.gated is 0: it must count exactly the domains
// that may refuse an attempt.
func TestMemoryStoreGatedCount(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore(2)
	p := BreakerPolicy{}.withDefaults()
	t0 := time.Unix(1000, 0)
	fail := func(d string, now time.Time) {
		s.Record(ctx, Result{Domain: d, Outcome: OutcomeSiteFailure, Type: NetworkTimeout}, now, p, time.Minute)
	}

	for range 3 {
		fail("a", t0)
	}
	assert.Equal(t, int64(1), s.gated.Load(), "open")
	adm := s.Admit(ctx, "a", t0.Add(61*time.Second), p, true)
	assert.True(t, adm.Probe)
	assert.Equal(t, int64(1), s.gated.Load(), "half-open")
	s.Record(ctx, Result{Domain: "a", Outcome: OutcomeSuccess}, t0.Add(62*time.Second), p, time.Minute)
	assert.Equal(t, int64(0), s.gated.Load(), "closed by the probe")

	s.Record(ctx, Result{Domain: "b", Outcome: OutcomeSiteFailure, Type: RateLimit, Cooloff: 5 * time.Second}, t0, p, time.Minute)
	assert.Equal(t, int64(1), s.gated.Load(), "cooloff")
	assert.False(t, s.Admit(ctx, "b", t0.Add(time.Second), p, true).Allowed)
	assert.True(t, s.Admit(ctx, "c", t0.Add(6*time.Second), p, true).Allowed)
	assert.Equal(t, int64(0), s.gated.Load(), "every cooloff has ended")

	for range 3 {
		fail("d", t0.Add(7*time.Second))
	}
	assert.Equal(t, int64(1), s.gated.Load())
	fail("e", t0.Add(8*time.Second)) // the table holds 2: the least recently seen goes
	fail("f", t0.Add(9*time.Second))
	assert.Equal(t, int64(0), s.gated.Load(), "the evicted open breaker no longer gates")
}
