package retrytest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/smartretry/smartretry/retry"
)

// TestStore checks that a retry.Store behaves as the MemoryStore does, so that a Manager
// decides the same with it: admission, the breaker in both forms with its per-URL counting,
// the single half-open probe as a lease, stragglers, the domain cooloff, failure patterns and
// stuck-loop counters. newStore must return an empty store each time it is called (a fresh key
// prefix for a shared one). Like testing/fstest.TestFS, call it from your own test:
//
//	func TestRedisStore(t *testing.T) {
//		retrytest.TestStore(t, func(t *testing.T) retry.Store { return redisstore.New(client, redisstore.Prefix(t.Name())) })
//	}
//
// Times are virtual (from 2025-01-01): a store must use the now it is given, never its own
// clock.
func TestStore(t *testing.T, newStore func(t *testing.T) retry.Store) {
	ctx := context.Background()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	count := retry.BreakerPolicy{Threshold: 3, Window: 30 * time.Second, Cooloff: time.Minute}
	ratio := retry.BreakerPolicy{FailureRatio: 0.5, MinThroughput: 10, Window: 30 * time.Second, Cooloff: time.Minute}
	const stuckWindow = 10 * time.Minute
	site := func(domain string, key uint64) retry.Result {
		return retry.Result{Domain: domain, Outcome: retry.OutcomeSiteFailure, Type: retry.ServerError, Action: "get", Key: key}
	}
	success := retry.Result{Domain: "a.example", Outcome: retry.OutcomeSuccess, Action: "get"}
	admit := func(t *testing.T, s retry.Store, now time.Time, p retry.BreakerPolicy, probe bool) retry.Admission {
		t.Helper()
		return s.Admit(ctx, "a.example", now, p, probe)
	}
	record := func(s retry.Store, r retry.Result, now time.Time, p retry.BreakerPolicy) retry.Recorded {
		return s.Record(ctx, r, now, p, stuckWindow)
	}
	state := func(t *testing.T, s retry.Store, now time.Time, p retry.BreakerPolicy) retry.BreakerState {
		t.Helper()
		return s.Snapshot(ctx, now, p).Breakers["a.example"]
	}
	want := func(t *testing.T, what string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}

	t.Run("an unknown domain is allowed", func(t *testing.T) {
		s := newStore(t)
		a := admit(t, s, t0, count, true)
		want(t, "admission", a, retry.Admission{Allowed: true})
	})

	t.Run("count form: threshold failures in the window open it", func(t *testing.T) {
		s := newStore(t)
		want(t, "first", record(s, site("a.example", 0), t0, count).Transition, "")
		want(t, "second", record(s, site("a.example", 0), t0.Add(10*time.Second), count).Transition, "")
		want(t, "failures", state(t, s, t0.Add(10*time.Second), count).Failures, 2)
		want(t, "third", record(s, site("a.example", 0), t0.Add(20*time.Second), count).Transition, retry.EventBreakerOpen)
		a := admit(t, s, t0.Add(50*time.Second), count, true)
		want(t, "refused", a.Allowed, false)
		want(t, "wait", a.Wait, 30*time.Second)
		st := state(t, s, t0.Add(50*time.Second), count)
		want(t, "state", st.State, "open")
		want(t, "open until", st.OpenUntil, t0.Add(80*time.Second))
	})

	t.Run("count form: failures out of the window drop out; a success resets", func(t *testing.T) {
		s := newStore(t)
		record(s, site("a.example", 0), t0, count)
		record(s, site("a.example", 0), t0.Add(20*time.Second), count)
		want(t, "the first is out of the window", record(s, site("a.example", 0), t0.Add(40*time.Second), count).Transition, "")
		record(s, success, t0.Add(41*time.Second), count)
		record(s, site("a.example", 0), t0.Add(42*time.Second), count)
		want(t, "after a success", record(s, site("a.example", 0), t0.Add(43*time.Second), count).Transition, "")
		want(t, "state", state(t, s, t0.Add(43*time.Second), count).State, "closed")
	})

	t.Run("one URL counts once in the window", func(t *testing.T) {
		s := newStore(t)
		for i := range 10 {
			record(s, site("a.example", 42), t0.Add(time.Duration(i)*time.Second), count)
		}
		want(t, "state", state(t, s, t0.Add(10*time.Second), count).State, "closed")
		record(s, site("a.example", 43), t0.Add(11*time.Second), count)
		want(t, "third URL", record(s, site("a.example", 44), t0.Add(12*time.Second), count).Transition, retry.EventBreakerOpen)
	})

	t.Run("page-level and ignored outcomes never count", func(t *testing.T) {
		s := newStore(t)
		for i := range 5 {
			now := t0.Add(time.Duration(i) * time.Second)
			record(s, retry.Result{Domain: "a.example", Outcome: retry.OutcomeFailure, Type: retry.SelectorNotFound, Action: "get"}, now, count)
			record(s, retry.Result{Domain: "a.example", Outcome: retry.OutcomeIgnored, Type: retry.Unknown, Action: "get"}, now, count)
		}
		want(t, "admission", admit(t, s, t0.Add(5*time.Second), count, true).Allowed, true)
	})

	t.Run("half-open: one probe, a lease; its result decides", func(t *testing.T) {
		s := newStore(t)
		for range 3 {
			record(s, site("a.example", 0), t0, count)
		}
		after := t0.Add(61 * time.Second)
		look := admit(t, s, after, count, false)
		want(t, "a look goes through", look.Allowed && !look.Probe, true)
		a := admit(t, s, after, count, true)
		want(t, "the probe", a.Allowed && a.Probe, true)
		b := admit(t, s, after.Add(time.Second), count, true)
		want(t, "a second caller is refused", b.Allowed, false)
		want(t, "half-open", b.HalfOpen, true)
		want(t, "state", state(t, s, after, count).State, "half_open")

		// A page-level failure gives the probe back.
		record(s, retry.Result{Domain: "a.example", Outcome: retry.OutcomeFailure, Type: retry.StaleElement, Action: "get"}, after.Add(2*time.Second), count)
		c := admit(t, s, after.Add(3*time.Second), count, true)
		want(t, "the next probe", c.Allowed && c.Probe, true)
		// A site failure reopens it.
		want(t, "reopened", record(s, site("a.example", 7), after.Add(4*time.Second), count).Transition, retry.EventBreakerOpen)
		want(t, "refused", admit(t, s, after.Add(5*time.Second), count, true).Allowed, false)

		// A probe that never reports is given up after one more cooloff.
		later := after.Add(4*time.Second + 61*time.Second)
		want(t, "probe", admit(t, s, later, count, true).Probe, true)
		want(t, "lease runs", admit(t, s, later.Add(59*time.Second), count, true).Allowed, false)
		want(t, "lease over", admit(t, s, later.Add(61*time.Second), count, true).Probe, true)
		// A success closes it.
		want(t, "closed", record(s, success, later.Add(62*time.Second), count).Transition, retry.EventBreakerClosed)
		want(t, "admitted", admit(t, s, later.Add(63*time.Second), count, true), retry.Admission{Allowed: true})
	})

	t.Run("a result from before the breaker opened is ignored", func(t *testing.T) {
		s := newStore(t)
		for range 3 {
			record(s, site("a.example", 0), t0.Add(10*time.Second), count)
		}
		want(t, "straggler success", record(s, success, t0.Add(5*time.Second), count).Transition, "")
		want(t, "state", state(t, s, t0.Add(11*time.Second), count).State, "open")
		want(t, "a success seen after it opened closes it", record(s, success, t0.Add(12*time.Second), count).Transition, retry.EventBreakerClosed)
	})

	t.Run("ratio form", func(t *testing.T) {
		s := newStore(t)
		for i := range 4 {
			record(s, success, t0.Add(time.Duration(i)*time.Second), ratio)
		}
		for i := range 5 {
			want(t, "below the minimum throughput", record(s, site("a.example", 0), t0.Add(time.Duration(4+i)*time.Second), ratio).Transition, "")
		}
		want(t, "failures", state(t, s, t0.Add(9*time.Second), ratio).Failures, 5)
		want(t, "the tenth", record(s, site("a.example", 0), t0.Add(9*time.Second), ratio).Transition, retry.EventBreakerOpen)

		s = newStore(t)
		for i := range 9 {
			record(s, site("a.example", 0), t0.Add(time.Duration(i)*time.Second), ratio)
		}
		for i := range 9 {
			record(s, success, t0.Add(time.Duration(45+i)*time.Second), ratio)
		}
		want(t, "old failures no longer weigh", record(s, site("a.example", 0), t0.Add(55*time.Second), ratio).Transition, "")
	})

	t.Run("cooloff", func(t *testing.T) {
		s := newStore(t)
		r := retry.Result{Domain: "a.example", Outcome: retry.OutcomeSiteFailure, Type: retry.RateLimit, Action: "get", Key: 1, Cooloff: 3 * time.Second}
		record(s, r, t0, count)
		a := admit(t, s, t0.Add(time.Second), count, true)
		want(t, "refused by the cooloff", a.Allowed == false && a.Cooloff, true)
		want(t, "wait", a.Wait, 2*time.Second)
		want(t, "snapshot", s.Snapshot(ctx, t0.Add(time.Second), count).Cooloffs["a.example"], t0.Add(3*time.Second))
		r.Cooloff = time.Second // a shorter one does not shorten it
		record(s, r, t0.Add(time.Second), count)
		want(t, "still", admit(t, s, t0.Add(2500*time.Millisecond), count, true).Allowed, false)
		want(t, "over", admit(t, s, t0.Add(3*time.Second), count, true).Allowed, true)
		want(t, "gone from the snapshot", len(s.Snapshot(ctx, t0.Add(3*time.Second), count).Cooloffs), 0)
	})

	t.Run("patterns learn the solution that followed a failure", func(t *testing.T) {
		s := newStore(t)
		k := retry.PatternKey{Action: "click", Type: retry.PageCrash, Domain: "a.example"}
		record(s, retry.Result{Domain: "a.example", Outcome: retry.OutcomeFailure, Type: retry.PageCrash, Action: "click"}, t0, count)
		record(s, retry.Result{Domain: "a.example", Outcome: retry.OutcomeSuccess, Action: "click", Solution: "reload"}, t0.Add(time.Second), count)
		p, ok := s.Pattern(ctx, k)
		want(t, "known", ok, true)
		want(t, "failures", p.Failures, 1)
		want(t, "solution", p.Solution, "reload")
		want(t, "solved", p.Solved, 1)
		ss := s.Snapshot(ctx, t0.Add(time.Second), count)
		want(t, "counts", [2]int{ss.KnownPatterns, ss.PatternsWithSolutions}, [2]int{1, 1})
		_, ok = s.Pattern(ctx, retry.PatternKey{Action: "type", Type: retry.PageCrash, Domain: "a.example"})
		want(t, "another action", ok, false)
	})

	t.Run("stuck-loop counters", func(t *testing.T) {
		s := newStore(t)
		f := retry.Result{Outcome: retry.OutcomeFailure, Type: retry.SelectorNotFound, Action: "click", Fingerprint: 99}
		for i := 1; i <= 3; i++ {
			want(t, "run", record(s, f, t0.Add(time.Duration(i)*time.Second), count).Stuck, i)
		}
		want(t, "read", s.StuckCount(ctx, 99, retry.SelectorNotFound, t0.Add(4*time.Second), stuckWindow), 3)
		want(t, "another type", s.StuckCount(ctx, 99, retry.StaleElement, t0.Add(4*time.Second), stuckWindow), 0)
		want(t, "too old", s.StuckCount(ctx, 99, retry.SelectorNotFound, t0.Add(stuckWindow+4*time.Second), stuckWindow), 0)
		f.Type = retry.StaleElement
		want(t, "another type starts again", record(s, f, t0.Add(5*time.Second), count).Stuck, 1)
		record(s, retry.Result{Outcome: retry.OutcomeSuccess, Action: "click", Fingerprint: 99}, t0.Add(6*time.Second), count)
		want(t, "a success ends it", s.StuckCount(ctx, 99, retry.StaleElement, t0.Add(7*time.Second), stuckWindow), 0)
	})
}
