package retry

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Manager decides whether, when and how to retry, and learns from what happened: a circuit
// breaker and a cooloff per domain, failure patterns (action + error type + domain) with the
// solution that preceded the next success, and stuck-loop detection, all kept in its Store.
// Create one with NewManager; the zero value is not usable. A Manager is safe for concurrent use.
type Manager struct {
	clock          Clock
	realClock      bool // the clock is the real one: a wait may also use a timer
	log            *zap.Logger
	breakerOn      bool
	policy         BreakerPolicy
	maxRetryAfter  time.Duration
	maxBreakerWait time.Duration
	stuckThreshold int
	stuckWindow    time.Duration
	limit          int
	classifiers    []Classifier
	observer       func(Event)

	mu      sync.RWMutex
	configs [numErrorTypes]Config

	st       Store
	mem      *MemoryStore // st, when it is one: its success path has a shortcut
	attempts atomic.Int64
	dist     [numErrorTypes]atomic.Int64

	probeMu sync.Mutex
	probes  map[string]chan struct{} // half-open probes this Manager's calls hold; closed when they report
}

// Option configures a Manager in NewManager.
//
// Options are immutable values, safe to share between goroutines and Managers.
type Option interface{ apply(*Manager) }

type optionFunc func(*Manager)

func (f optionFunc) apply(m *Manager) { f(m) }

// The defaults, documented once.
const (
	DefaultBreakerThreshold = 3                // failures for one domain…
	DefaultBreakerWindow    = 30 * time.Second // …inside this window open its breaker…
	DefaultBreakerCooloff   = 60 * time.Second // …for this long, then one probe goes through
	DefaultMaxRetryAfter    = 10 * time.Minute // a longer Retry-After is refused, not slept
	DefaultStuckThreshold   = 5                // same action+Info failing the same way this many times in a row…
	DefaultStuckWindow      = 10 * time.Minute // …with no gap longer than this is a stuck loop
	DefaultMemoryLimit      = 1000             // entries per table (domains, patterns, stuck counters)
)

// NewManager returns a Manager with the guide's defaults: circuit breaker on in its count form
// (3 site failures in 30s → 60s cooloff; see BreakerPolicy), calls that meet an open breaker or
// a domain cooloff wait for it up to DefaultMaxBreakerWait, DefaultConfig for every type, the
// real clock, no logging, Retry-After up to 10 minutes, stuck loops stopped after 5 identical
// failures, a MemoryStore of at most 1000 entries per table.
func NewManager(opts ...Option) *Manager {
	m := &Manager{
		clock:          realClock{},
		log:            zap.NewNop(),
		breakerOn:      true,
		policy:         BreakerPolicy{}.withDefaults(),
		maxRetryAfter:  DefaultMaxRetryAfter,
		maxBreakerWait: DefaultMaxBreakerWait,
		stuckThreshold: DefaultStuckThreshold,
		stuckWindow:    DefaultStuckWindow,
		limit:          DefaultMemoryLimit,
		configs:        defaultConfigs,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(m)
		}
	}
	if m.st == nil {
		m.st = NewMemoryStore(m.limit)
	}
	m.mem, _ = m.st.(*MemoryStore)
	_, m.realClock = m.clock.(realClock)
	return m
}

// WithCircuitBreaker turns the per-domain circuit breaker on or off (default on). Domain
// cooloffs (a server's Retry-After) apply either way.
func WithCircuitBreaker(enabled bool) Option {
	return optionFunc(func(m *Manager) { m.breakerOn = enabled })
}

// WithClock sets where the Manager reads time and waits (default: the real clock).
func WithClock(c Clock) Option {
	return optionFunc(func(m *Manager) {
		if c != nil {
			m.clock = c
		}
	})
}

// WithLogger logs every decision of Run/Do/PartialRetry at debug level, one line each.
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(m *Manager) {
		if l != nil {
			m.log = l
		}
	})
}

// WithConfig replaces the configuration of one error type.
func WithConfig(t ErrorType, c Config) Option {
	return optionFunc(func(m *Manager) {
		if t >= 0 && t < numErrorTypes {
			m.configs[t] = c
		}
	})
}

// WithClassifier adds a classifier this Manager consults before the process-wide ones
// (RegisterClassifier) and the built-in rules. The first that claims an error wins.
func WithClassifier(c Classifier) Option {
	return optionFunc(func(m *Manager) {
		if c != nil {
			m.classifiers = append(m.classifiers, c)
		}
	})
}

// WithMaxRetryAfter sets the longest Retry-After honoured (default 10 min). A retryable error
// asking for longer is not retried: the decision says so instead of sleeping for hours.
// d ≤ 0 keeps the default.
func WithMaxRetryAfter(d time.Duration) Option {
	return optionFunc(func(m *Manager) {
		if d > 0 {
			m.maxRetryAfter = d
		}
	})
}

// WithObserver calls fn synchronously for every decision (see Event), on the goroutine that
// made it; keep it quick. fn may call the Manager's methods.
func WithObserver(fn func(Event)) Option {
	return optionFunc(func(m *Manager) { m.observer = fn })
}

// WithStuckDetection sets when the same action with the same Info failing the same way counts
// as a stuck loop and is refused, whatever the per-type budget: threshold consecutive failures
// (across attempts and Runs) with no gap longer than window. Defaults 5 and 10 min; threshold 0
// turns detection off. Calls without Info (a bare Do) are never considered stuck: with no
// arguments there is nothing to compare.
func WithStuckDetection(threshold int, window time.Duration) Option {
	return optionFunc(func(m *Manager) {
		if threshold >= 0 {
			m.stuckThreshold = threshold
		}
		if window > 0 {
			m.stuckWindow = window
		}
	})
}

// WithMemoryLimit caps each learnt table of the default MemoryStore (domains, failure
// patterns, stuck counters) at n entries; the least recently seen entry goes first (default
// 1000). A Store given with WithStore has its own limits.
func WithMemoryLimit(n int) Option {
	return optionFunc(func(m *Manager) {
		if n >= 1 {
			m.limit = n
		}
	})
}

// Config returns the configuration used for t.
func (m *Manager) Config(t ErrorType) Config {
	if t < 0 || t >= numErrorTypes {
		t = Unknown
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.configs[t]
}

// SetConfig replaces the configuration of t from now on (the guide's Example 3).
func (m *Manager) SetConfig(t ErrorType, c Config) {
	if t < 0 || t >= numErrorTypes {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.configs[t] = c
}

func (m *Manager) classify(err error) ErrorType {
	if err == nil {
		return Unknown
	}
	for _, c := range m.classifiers {
		if t, ok := c(err); ok {
			return t
		}
	}
	return Classify(err)
}

// Decision is ShouldRetry's answer: retry or not, why (the reason texts of API.md), after how
// long, and what type the error was classified as.
//
// A Decision is a plain value, safe for concurrent use.
type Decision struct {
	Retry  bool
	Reason string
	Delay  time.Duration
	Type   ErrorType
}

// callPolicy holds a call's overrides of the per-type Config (see MaxAttempts, UseStrategy, Backoff).
type callPolicy struct {
	maxAttempts int // 0: per type
	strategy    Strategy
	hasStrategy bool
	noBackoff   bool
}

type verdict struct {
	Decision
	kind giveUp
}

// ShouldRetry decides whether to retry after err on attempt (0-indexed: the attempt that just
// failed), in this order:
//
//   - a nil error or a cancelled context: no ("no error", "context canceled");
//   - a permanent type: no, "not_found is not retryable";
//   - the attempt budget: no when attempt+1 ≥ MaxAttempts;
//   - a Retry-After above WithMaxRetryAfter: no, with the reason;
//   - the domain's breaker (info.Domain()) open: no, "Domain example.com in cooloff for 60.0s";
//   - a stuck loop (info["action"] and info failing the same way again and again; see
//     WithStuckDetection and RecordAttempt): no, the reason starts with "stuck";
//   - else yes: "Retry #1 with immediate backoff (0ms delay)" or "Retry #N with <strategy>
//     backoff (<ms>ms delay)", the delay being max(backoff, Retry-After, the domain's cooloff
//     left).
//
// ShouldRetry only reads: it does not count the failure (RecordAttempt does) nor take the
// half-open probe (CheckDomainCircuitBreaker does). Run does not refuse for an open breaker: it
// waits for it before the next attempt (see WithMaxBreakerWait).
func (m *Manager) ShouldRetry(err error, attempt int, info Info) Decision {
	return m.decide(info.action(), err, m.classify(err), attempt, info, info.Domain(), nil, -1).Decision
}

// decide is ShouldRetry's rule. stuck < 0: read the breaker, the cooloff and the stuck-loop
// counter from the store (ShouldRetry); stuck ≥ 0: the counter Record just returned, and no
// breaker check (Run and PartialRetry wait for the breaker before their next attempt).
func (m *Manager) decide(action string, err error, t ErrorType, attempt int, info Info, domain string, cp *callPolicy, stuck int) verdict {
	if err == nil {
		return verdict{Decision: Decision{Reason: "no error"}}
	}
	if errors.Is(err, context.Canceled) {
		return verdict{Decision: Decision{Reason: "context canceled", Type: t}}
	}
	if t.IsPermanent() {
		k := kindPermanent
		if t == Captcha || t == AuthRequired {
			k |= kindEscalate
		}
		return verdict{Decision{Reason: t.String() + " is not retryable", Type: t}, k}
	}
	cfg := m.Config(t)
	maxAttempts := cfg.MaxAttempts
	if cp != nil && cp.maxAttempts > 0 {
		maxAttempts = cp.maxAttempts
	}
	if attempt+1 >= maxAttempts {
		return verdict{Decision{Reason: budgetReason(t, maxAttempts), Type: t}, kindExhausted}
	}
	ra, hasRA := RetryAfterOf(err)
	if hasRA && ra > m.maxRetryAfter {
		return verdict{Decision{Reason: "Retry-After " + showWait(ra) + " exceeds the limit of " + m.maxRetryAfter.String(), Type: t}, kindExhausted}
	}
	var cooloff time.Duration
	if stuck < 0 {
		var now time.Time // read only when a store read needs it
		quiet := m.mem != nil && m.mem.gated.Load() == 0
		if domain != "" && !quiet || m.mem == nil && m.stuckThreshold > 0 && len(info) > 0 {
			now = m.clock.Now()
		}
		if domain != "" && !quiet {
			adm := m.st.Admit(context.Background(), domain, now, m.policy, false)
			if adm.Transition != "" {
				m.emit(Event{Kind: adm.Transition, Domain: domain, Time: now})
			}
			switch {
			case adm.Allowed:
			case adm.Cooloff:
				cooloff = adm.Wait
			case m.breakerOn:
				return verdict{Decision{Reason: cooloffReason(domain, adm.Wait, adm.HalfOpen), Type: t}, kindCircuit}
			}
		}
		switch {
		case m.stuckThreshold <= 0 || len(info) == 0:
		case m.mem != nil && m.mem.stuckLen.Load() == 0:
			stuck = 0 // no counter anywhere: nothing to compare with
		case m.mem != nil && now.IsZero():
			stuck = m.mem.stuckCount(fingerprint(action, info), t, m.clock, m.stuckWindow)
		default:
			stuck = m.st.StuckCount(context.Background(), fingerprint(action, info), t, now, m.stuckWindow)
		}
	}
	if m.stuckThreshold > 0 && stuck >= m.stuckThreshold {
		return verdict{Decision{Reason: stuckReason(action, t, stuck), Type: t}, kindStuck}
	}
	var (
		delay time.Duration
		strat Strategy
	)
	switch {
	case cp != nil && cp.noBackoff:
		strat = Immediate
	case cp != nil && cp.hasStrategy:
		strat = cp.strategy
		base := cfg.BaseDelay
		if base <= 0 {
			base = time.Second
		}
		delay = CalculateDelay(strat, attempt, base, cfg.MaxDelay)
	default:
		delay, strat = cfg.delayFor(t, attempt)
	}
	byRA := hasRA && ra > delay
	if byRA {
		delay = ra
	}
	if cooloff > delay {
		delay, byRA = cooloff, true
	}
	return verdict{Decision: Decision{Retry: true, Reason: retryReason(attempt+1, strat, delay, byRA), Delay: delay, Type: t}}
}

// retryReason builds "Retry #N with <strategy> backoff (<ms>ms delay)" with a single allocation.
func retryReason(n int, s Strategy, d time.Duration, byRA bool) string {
	var buf [96]byte
	b := append(buf[:0], "Retry #"...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, " with "...)
	b = append(b, s.String()...)
	b = append(b, " backoff ("...)
	b = strconv.AppendInt(b, d.Milliseconds(), 10)
	b = append(b, "ms delay"...)
	if byRA {
		b = append(b, ", honouring Retry-After"...)
	}
	b = append(b, ')')
	return string(b)
}

func budgetReason(t ErrorType, max int) string {
	if max == 1 {
		return t.String() + ": the only attempt failed"
	}
	return t.String() + ": all " + strconv.Itoa(max) + " attempts used"
}

// cooloffReason is the reason text of API.md for a domain that refuses traffic: its breaker is
// open or its cooloff runs ("Domain example.com in cooloff for 42.0s"), or its half-open probe
// is in flight.
func cooloffReason(domain string, remaining time.Duration, halfOpen bool) string {
	if halfOpen || remaining <= 0 {
		return "Domain " + domain + " half-open: waiting for the probe in flight"
	}
	return "Domain " + domain + " in cooloff for " + strconv.FormatFloat(remaining.Seconds(), 'f', 1, 64) + "s"
}

func stuckReason(action string, t ErrorType, n int) string {
	if action == "" {
		action = "the action"
	}
	return fmt.Sprintf("stuck: %s failed %d times in a row with the same arguments (%s); change the approach", action, n, t)
}

// Record is one attempt's outcome for RecordAttempt. Action defaults to Args["action"]; Err is
// classified like Classify; Solution (on a success) is the repair applied before it.
//
// A Record is a plain value; RecordAttempt does not keep Args after it returns.
type Record struct {
	Action   string
	Strategy string
	Args     Info
	Success  bool
	Err      error
	Solution string
}

// RecordAttempt counts an attempt in the stats and teaches the Manager: a failure that says the
// site is unhealthy counts towards the domain's breaker (see BreakerPolicy), a 429 or 5xx with
// a Retry-After sets the domain's cooloff, and every failure but a cancellation feeds its
// failure pattern (action + type + domain) and its stuck-loop counter; a success resets the
// breaker's count (closes a half-open one), resets the stuck-loop counter and, with a Solution,
// remembers it for the pattern of the failure it followed. Run records every attempt itself.
func (m *Manager) RecordAttempt(r Record) {
	action := r.Action
	if action == "" {
		action = r.Args.action()
	}
	t := Unknown
	if !r.Success {
		t = m.classify(r.Err)
	}
	m.record(context.Background(), action, r.Args, r.Args.Domain(), r.Success, t, r.Err, r.Solution, m.clock.Now(), true)
}

// record counts an attempt in the stats and hands it to the store; now is when it ended (for a
// success, when it started will do: nothing reads a success's time but the breaker, which must
// ignore attempts that started before it opened). explicit is RecordAttempt's record, where the
// host-level types count every time (the guide's example) rather than once per URL.
func (m *Manager) record(ctx context.Context, action string, info Info, domain string, success bool, t ErrorType, err error, solution string, now time.Time, explicit bool) Recorded {
	m.attempts.Add(1)
	r := Result{Domain: domain, Action: action, Solution: solution, Outcome: OutcomeSuccess}
	if !success {
		r.Type = t
		if errors.Is(err, context.Canceled) {
			r.Outcome = OutcomeIgnored
		} else {
			m.dist[t].Add(1)
			var perURL bool
			r.Outcome, perURL = outcomeOf(t)
			switch {
			case r.Outcome != OutcomeSiteFailure:
			case !m.breakerOn:
				r.Outcome = OutcomeFailure
			case perURL && !(explicit && hostLevel(t)):
				r.Key = failureURLKey(info, err)
			}
			if (t == RateLimit || t == ServerError) && domain != "" {
				if ra, ok := RetryAfterOf(err); ok {
					r.Cooloff = min(ra, m.maxRetryAfter)
				}
			}
		}
	}
	if r.Outcome != OutcomeIgnored && m.stuckThreshold > 0 && len(info) > 0 {
		r.Fingerprint = fingerprint(action, info)
	}
	if domain == "" && r.Outcome == OutcomeIgnored {
		return Recorded{}
	}
	rec := m.st.Record(ctx, r, now, m.policy, m.stuckWindow)
	if r.Cooloff > 0 {
		m.emit(Event{Kind: EventCooloff, Action: action, Domain: domain, Type: t, Delay: r.Cooloff,
			Reason: cooloffReason(domain, r.Cooloff, false), Err: err, Time: now})
	}
	if rec.Transition != "" {
		ev := Event{Kind: rec.Transition, Domain: domain, Time: now}
		if rec.Transition == EventBreakerOpen {
			ev.Delay, ev.Reason = m.policy.Cooloff, cooloffReason(domain, m.policy.Cooloff, false)
		}
		m.emit(ev)
	}
	return rec
}

// recordFastSuccess is record for a success whose attempt started while the MemoryStore had no
// gated domain (see MemoryStore.gated): no clock read unless the store needs the time.
func (m *Manager) recordFastSuccess(action string, info Info, domain, solution string) {
	m.attempts.Add(1)
	r := Result{Domain: domain, Action: action, Solution: solution, Outcome: OutcomeSuccess}
	if m.stuckThreshold > 0 && len(info) > 0 && m.mem.stuckLen.Load() > 0 {
		r.Fingerprint = fingerprint(action, info)
	}
	m.mem.recordSuccess(r, m.policy, m.clock)
}

// CheckDomainCircuitBreaker reports whether domain refuses traffic now, and why: its breaker
// is open, or its cooloff (a server's Retry-After) runs ("Domain example.com in cooloff for
// 60.0s"). After the breaker's cooloff it lets exactly one caller through (half-open) and takes
// that probe for it: report the probe's outcome with RecordAttempt (Run does). A probe that
// never reports is given up after one more cooloff. With the breaker disabled only a cooloff
// refuses.
func (m *Manager) CheckDomainCircuitBreaker(domain string) (broken bool, reason string) {
	if domain == "" {
		return false, ""
	}
	now := m.clock.Now()
	adm := m.st.Admit(context.Background(), domain, now, m.policy, m.breakerOn)
	if adm.Transition != "" {
		m.emit(Event{Kind: adm.Transition, Domain: domain, Time: now})
	}
	if adm.Allowed || !adm.Cooloff && !m.breakerOn {
		return false, ""
	}
	return true, cooloffReason(domain, adm.Wait, adm.HalfOpen)
}

// Recommendation is Recommend's advice: Action is "retry", "wait", "escalate" or "abort";
// Solution the repair to apply before retrying (learnt, or suggested for the type).
//
// A Recommendation is a plain value, safe for concurrent use.
type Recommendation struct {
	Action   string
	Reason   string
	Delay    time.Duration
	Type     ErrorType
	Solution string
}

// Repairs suggested for a type before anything is learnt.
var suggested = [numErrorTypes]string{
	RateLimit:        "wait",
	ServerError:      "wait",
	ConnectionReset:  "wait",
	SelectorNotFound: "resnapshot",
	StaleElement:     "reresolve",
	PageCrash:        "new_page",
	NetworkTimeout:   "reload",
	CircuitOpen:      "wait",
}

// Recommend advises what to do about err for action (the guide's get_recommendation):
//
//   - "abort": cancelled, a permanent type other than captcha/auth, a stuck loop, or a
//     Retry-After above the limit;
//   - "escalate": captcha or auth_required: a person must act;
//   - "wait": the domain's breaker is open or its cooloff runs (Delay = the time left), a rate
//     limit, or a Retry-After (Delay = what to wait);
//   - "retry": everything else, with the first retry's Delay and a Solution: the one that
//     preceded the next success last time this pattern (action + type + domain) failed, else
//     the usual repair for the type ("resnapshot", "reresolve", "new_page", "reload", "wait").
func (m *Manager) Recommend(action string, info Info, err error) Recommendation {
	if err == nil {
		return Recommendation{Action: "retry", Reason: "no error"}
	}
	t := m.classify(err)
	if action == "" {
		action = info.action()
	}
	domain := info.Domain()
	switch {
	case errors.Is(err, context.Canceled):
		return Recommendation{Action: "abort", Reason: "context canceled", Type: t}
	case t == Captcha:
		return Recommendation{Action: "escalate", Reason: "captcha: a person must solve it", Type: t, Solution: "escalated"}
	case t == AuthRequired:
		return Recommendation{Action: "escalate", Reason: "auth_required: a person must log in", Type: t, Solution: "escalated"}
	case t.IsPermanent():
		return Recommendation{Action: "abort", Reason: t.String() + " is not retryable", Type: t}
	}
	ctx := context.Background()
	if domain != "" {
		adm := m.st.Admit(ctx, domain, m.clock.Now(), m.policy, false)
		if !adm.Allowed && (adm.Cooloff || m.breakerOn) {
			return Recommendation{Action: "wait", Reason: cooloffReason(domain, adm.Wait, adm.HalfOpen), Delay: adm.Wait, Type: t, Solution: "wait"}
		}
	}
	if m.stuckThreshold > 0 && len(info) > 0 {
		if n := m.st.StuckCount(ctx, fingerprint(action, info), t, m.clock.Now(), m.stuckWindow); n >= m.stuckThreshold {
			return Recommendation{Action: "abort", Reason: stuckReason(action, t, n), Type: t}
		}
	}
	delay, _ := m.Config(t).delayFor(t, 0)
	if ra, ok := RetryAfterOf(err); ok {
		if ra > m.maxRetryAfter {
			return Recommendation{Action: "abort", Reason: "Retry-After " + showWait(ra) + " exceeds the limit of " + m.maxRetryAfter.String(), Type: t}
		}
		return Recommendation{Action: "wait", Reason: "the server asked to wait " + ra.String(), Delay: max(delay, ra), Type: t, Solution: "wait"}
	}
	if p, ok := m.st.Pattern(ctx, PatternKey{action, t, domain}); ok && p.Solution != "" {
		return Recommendation{Action: "retry", Type: t, Delay: delay, Solution: p.Solution,
			Reason: fmt.Sprintf("%s on %s before: %q preceded success %d time(s)", t, orAny(domain), p.Solution, p.Solved)}
	}
	if t == RateLimit {
		return Recommendation{Action: "wait", Reason: "rate_limit: back off before the next request", Delay: delay, Type: t, Solution: "wait"}
	}
	return Recommendation{Action: "retry", Reason: t.String() + " is retryable", Delay: delay, Type: t, Solution: suggested[t]}
}

func orAny(domain string) string {
	if domain == "" {
		return "any domain"
	}
	return domain
}

// Stats is a snapshot of what a Manager has seen (the guide's get_retry_stats).
// SessionAttempts counts every recorded attempt; ErrorTypeDistribution the failures by
// ErrorType.String() (cancellations excluded); KnownPatterns the failure patterns (action +
// type + domain) remembered, PatternsWithSolutions those with a learnt solution;
// CircuitBreakerStates every domain with a breaker; Cooloffs the domains paused by a server's
// Retry-After, with when it ends.
//
// Stats is a snapshot: its maps are fresh copies the caller owns and may change.
type Stats struct {
	SessionAttempts       int
	KnownPatterns         int
	PatternsWithSolutions int
	ErrorTypeDistribution map[string]int
	CircuitBreakerStates  map[string]BreakerState
	Cooloffs              map[string]time.Time
}

// BreakerState is one domain's breaker: State "closed", "open" or "half_open" (the cooloff has
// passed; the next attempt is the probe); Failures counted in the current window (closed);
// OpenUntil the end of the cooloff (open, half_open).
//
// A BreakerState is a plain value, safe for concurrent use.
type BreakerState struct {
	State     string
	Failures  int
	OpenUntil time.Time
}

// Stats returns a snapshot; the maps are the caller's.
func (m *Manager) Stats() Stats {
	ss := m.st.Snapshot(context.Background(), m.clock.Now(), m.policy)
	s := Stats{
		SessionAttempts:       int(m.attempts.Load()),
		KnownPatterns:         ss.KnownPatterns,
		PatternsWithSolutions: ss.PatternsWithSolutions,
		ErrorTypeDistribution: make(map[string]int),
		CircuitBreakerStates:  ss.Breakers,
		Cooloffs:              ss.Cooloffs,
	}
	if s.CircuitBreakerStates == nil {
		s.CircuitBreakerStates = make(map[string]BreakerState)
	}
	if s.Cooloffs == nil {
		s.Cooloffs = make(map[string]time.Time)
	}
	for t := range numErrorTypes {
		if n := m.dist[t].Load(); n > 0 {
			s.ErrorTypeDistribution[ErrorType(t).String()] = int(n)
		}
	}
	return s
}

func (m *Manager) emit(ev Event) {
	if m.observer == nil {
		return
	}
	if ev.Time.IsZero() {
		ev.Time = m.clock.Now()
	}
	m.observer(ev)
}

var defaultManager = NewManager()

// Default is the process-wide Manager that Do, DoValue, Run and PartialRetry use unless given
// UsingManager. Its breaker and patterns are shared by every caller in the process.
func Default() *Manager { return defaultManager }

// GetStats returns Default().Stats().
func GetStats() Stats { return defaultManager.Stats() }
