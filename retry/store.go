package retry

import (
	"context"
	"time"
)

// Store keeps what a Manager learns: per domain a circuit breaker and a cooloff, failure
// patterns with the solutions that fixed them, and stuck-loop counters. The default is a
// MemoryStore (one process); WithStore gives a Manager another one, for example a store shared
// by many workers through Redis (package retry/redisstore), so that every worker sees what the
// others learnt.
//
// Each method is one atomic step: a networked implementation does each in one round trip (a
// Lua script or MULTI), and holds no lock while an action runs. Implementations must be safe for
// concurrent use. A method never fails: a store that cannot reach its backend decides with local
// state (a MemoryStore of its own) and says so in its own log, because an action must never
// block on, or fail because of, the bookkeeping. ctx bounds the call (Run passes its own).
//
// Time is the caller's (now, from the Manager's Clock), so that tests run in virtual time and
// every decision of one Manager uses one clock. The BreakerPolicy a Manager passes has every
// default filled in. retrytest.TestStore checks an implementation against the MemoryStore.
//
// Waiting actions are not notified by the store: an action refused by Admit asks again after
// the Wait it was given (the cooloff left), or every BreakerPollInterval while a half-open probe
// is in flight elsewhere (through the Manager's Clock). A probe taken by the same Manager wakes
// that Manager's waiters directly when its result is recorded.
type Store interface {
	// Admit says whether an attempt may go to domain at now. It refuses while the domain's
	// cooloff runs (Cooloff, Wait = time left) and while its breaker is open (Wait = cooloff
	// left). Once the cooloff has passed the breaker is half-open (Transition =
	// EventBreakerHalfOpen for the call that saw it change): with probe set, the first caller
	// takes the single probe (Probe, a lease of p.Cooloff in case it never reports); the others
	// are refused with HalfOpen while the lease runs (Wait = lease left). Without probe it only
	// looks: it changes nothing but the open → half-open transition.
	Admit(ctx context.Context, domain string, now time.Time, p BreakerPolicy, probe bool) Admission

	// Record learns from one attempt's outcome, all in one step: the breaker of r.Domain (see
	// BreakerPolicy for the counting rules), r.Domain's cooloff (r.Cooloff), the failure pattern
	// (r.Action + r.Type + r.Domain) or, on a success, the solution that fixed the last one, and
	// the stuck-loop counter of r.Fingerprint (consecutive same-type failures with no gap
	// longer than stuckWindow).
	Record(ctx context.Context, r Result, now time.Time, p BreakerPolicy, stuckWindow time.Duration) Recorded

	// StuckCount reads the stuck-loop counter: the run of consecutive failures of type t for
	// fp, 0 when the last failure was of another type or older than window.
	StuckCount(ctx context.Context, fp uint64, t ErrorType, now time.Time, window time.Duration) int

	// Pattern reads what is known about a failure pattern.
	Pattern(ctx context.Context, k PatternKey) (Pattern, bool)

	// Snapshot reads every domain's breaker, the running cooloffs and the pattern counts, for
	// Manager.Stats.
	Snapshot(ctx context.Context, now time.Time, p BreakerPolicy) StoreStats
}

// Admission is Store.Admit's answer. A plain value, safe for concurrent use.
type Admission struct {
	Allowed    bool
	Probe      bool          // this call took the half-open probe: its outcome must be recorded
	Cooloff    bool          // refused by the domain's cooloff (a Retry-After), not by the breaker
	HalfOpen   bool          // refused because the half-open probe is in flight
	Wait       time.Duration // refused: the cooloff, open state or probe lease left
	Transition string        // EventBreakerHalfOpen when this call ended the open state, else ""
}

// Outcome is what an attempt's result says about its domain. A plain value, safe for concurrent
// use.
type Outcome uint8

// The outcomes of Result.Outcome.
const (
	// OutcomeSuccess closes a half-open breaker; in the count form it also resets the failures
	// counted (the ratio form counts it as a good sample).
	OutcomeSuccess Outcome = iota + 1
	// OutcomeSiteFailure says the site is unhealthy (server_error, rate_limit,
	// connection_reset, network_timeout, unknown): it counts towards the breaker, once per
	// Result.Key inside the window (every time when Key is 0), and reopens a half-open one.
	OutcomeSiteFailure
	// OutcomeFailure is a failure of the page or of the request itself (selector_not_found,
	// stale_element, page_crash, the permanent types): the breaker does not count it, but it
	// gives back a half-open probe; patterns and stuck-loop counters learn from it.
	OutcomeFailure
	// OutcomeIgnored is a cancellation or a result that arrived after the caller left: it only
	// gives back a half-open probe, nothing learns from it.
	OutcomeIgnored
)

// Result is one attempt's outcome, as the Manager hands it to Store.Record. A plain value, safe
// for concurrent use.
type Result struct {
	Domain  string // "" when the action has no domain: no breaker, no cooloff
	Outcome Outcome
	// Key identifies the URL of a site failure (a hash of host, path and query) so that one URL
	// retried counts once; 0 for failures that count every time.
	Key         uint64
	Type        ErrorType // a failure's type
	Action      string
	Solution    string        // a success's repair ("reload", "resnapshot"…), for the pattern it fixed
	Fingerprint uint64        // stuck-loop identity of the action and its Info; 0: not tracked
	Cooloff     time.Duration // > 0: no attempt goes to Domain for this long from now (a Retry-After)
}

// Recorded is Store.Record's answer. A plain value, safe for concurrent use.
type Recorded struct {
	Transition string // EventBreakerOpen or EventBreakerClosed when this result changed the breaker, else ""
	Stuck      int    // a failure with a Fingerprint: the run of consecutive same-type failures, this one included
}

// PatternKey names a failure pattern: an action failing with a type on a domain.
// A plain comparable value, safe for concurrent use.
type PatternKey struct {
	Action string
	Type   ErrorType
	Domain string
}

// Pattern is what a Store knows about a failure pattern: how often it failed, and the repair
// that preceded the next success (Solution, which worked Solved times). A plain value, safe for
// concurrent use.
type Pattern struct {
	Failures int
	Solution string
	Solved   int
	Last     time.Time
}

// StoreStats is Store.Snapshot's answer: every domain with a breaker, the cooloffs still
// running (domain → end), and the number of failure patterns known and solved. The maps are
// the caller's: not safe for concurrent writes.
type StoreStats struct {
	Breakers              map[string]BreakerState
	Cooloffs              map[string]time.Time
	KnownPatterns         int
	PatternsWithSolutions int
}
