package retry

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Manager decides whether, when and how to retry, and learns from what happened: a circuit
// breaker per domain, failure patterns (action + error type + domain) with the solution that
// preceded the next success, and stuck-loop detection. Create one with NewManager; the zero
// value is not usable. A Manager is safe for concurrent use.
type Manager struct {
	clock          Clock
	log            *zap.Logger
	breakerOn      bool
	policy         breakerPolicy
	maxRetryAfter  time.Duration
	stuckThreshold int
	stuckWindow    time.Duration
	limit          int
	classifiers    []Classifier
	observer       func(Event)

	mu      sync.RWMutex
	configs [numErrorTypes]Config

	st       store
	attempts atomic.Int64
	dist     [numErrorTypes]atomic.Int64
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

// NewManager returns a Manager with the guide's defaults: circuit breaker on (3 failures in
// 30s → 60s cooloff), DefaultConfig for every type, the real clock, no logging, Retry-After up
// to 10 minutes, stuck loops stopped after 5 identical failures, at most 1000 entries per table.
func NewManager(opts ...Option) *Manager {
	m := &Manager{
		clock:          realClock{},
		log:            zap.NewNop(),
		breakerOn:      true,
		policy:         breakerPolicy{DefaultBreakerThreshold, DefaultBreakerWindow, DefaultBreakerCooloff},
		maxRetryAfter:  DefaultMaxRetryAfter,
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
	m.st = newMemStore(m.limit)
	return m
}

// WithCircuitBreaker turns the per-domain circuit breaker on or off (default on).
func WithCircuitBreaker(enabled bool) Option {
	return optionFunc(func(m *Manager) { m.breakerOn = enabled })
}

// WithBreakerPolicy sets the breaker: threshold failures for one domain inside window open it
// for cooloff (defaults 3, 30s, 60s). Values below 1 (threshold) or 0 keep the default.
func WithBreakerPolicy(threshold int, window, cooloff time.Duration) Option {
	return optionFunc(func(m *Manager) {
		if threshold >= 1 {
			m.policy.threshold = threshold
		}
		if window > 0 {
			m.policy.window = window
		}
		if cooloff > 0 {
			m.policy.cooloff = cooloff
		}
	})
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

// WithMemoryLimit caps each learnt table (breaker domains, failure patterns, stuck counters)
// at n entries; the least recently seen entry goes first (default 1000).
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
//     backoff (<ms>ms delay)", the delay being max(backoff, Retry-After).
//
// ShouldRetry only reads: it does not count the failure (RecordAttempt does) nor take the
// half-open probe (CheckDomainCircuitBreaker does).
func (m *Manager) ShouldRetry(err error, attempt int, info Info) Decision {
	return m.decide(info.action(), err, m.classify(err), attempt, info, info.Domain(), nil).Decision
}

func (m *Manager) decide(action string, err error, t ErrorType, attempt int, info Info, domain string, cp *callPolicy) verdict {
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
		return verdict{Decision{Reason: "Retry-After " + ra.String() + " exceeds the limit of " + m.maxRetryAfter.String(), Type: t}, kindExhausted}
	}
	var now time.Time
	if m.breakerOn && domain != "" || m.stuckThreshold > 0 && len(info) > 0 {
		now = m.clock.Now()
	}
	if m.breakerOn && domain != "" {
		if ok, remaining, tr := m.st.breakerAllow(domain, now, m.policy, false); !ok || tr != "" {
			if tr != "" {
				m.emit(Event{Kind: tr, Domain: domain, Time: now})
			}
			if !ok {
				return verdict{Decision{Reason: cooloffReason(domain, remaining), Type: t}, kindCircuit}
			}
		}
	}
	if m.stuckThreshold > 0 && len(info) > 0 {
		if n := m.st.stuckCount(fingerprint(action, info), t, now, m.stuckWindow); n >= m.stuckThreshold {
			return verdict{Decision{Reason: stuckReason(action, t, n), Type: t}, kindStuck}
		}
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

func cooloffReason(domain string, remaining time.Duration) string {
	if remaining <= 0 {
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

// RecordAttempt counts an attempt in the stats and teaches the Manager: a failure counts
// towards the domain's breaker (unless permanent or a cancellation), its failure pattern
// (action + type + domain) and its stuck-loop counter; a success closes the breaker, resets the
// counter and, with a Solution, remembers it for the pattern of the failure it followed.
// Run records every attempt itself.
func (m *Manager) RecordAttempt(r Record) {
	action := r.Action
	if action == "" {
		action = r.Args.action()
	}
	m.record(action, r.Args, r.Args.Domain(), r.Success, m.classify(r.Err), r.Err, r.Solution)
}

func (m *Manager) record(action string, info Info, domain string, success bool, t ErrorType, err error, solution string) {
	now := m.clock.Now()
	m.attempts.Add(1)
	canceled := !success && errors.Is(err, context.Canceled)
	if !success && !canceled {
		m.dist[t].Add(1)
	}
	if m.breakerOn && domain != "" {
		counts := !success && !canceled && !t.IsPermanent()
		if tr := m.st.breakerResult(domain, now, m.policy, success, counts); tr != "" {
			ev := Event{Kind: tr, Domain: domain, Time: now}
			if tr == EventBreakerOpen {
				ev.Delay, ev.Reason = m.policy.cooloff, cooloffReason(domain, m.policy.cooloff)
			}
			m.emit(ev)
		}
	}
	switch {
	case success:
		m.st.patternSuccess(action, domain, solution, now)
	case !canceled:
		m.st.patternFailure(patternKey{action, t, domain}, now)
	}
	if m.stuckThreshold > 0 && len(info) > 0 && !canceled {
		fp := fingerprint(action, info)
		if success {
			m.st.stuckSuccess(fp)
		} else {
			m.st.stuckFailure(fp, t, now, m.stuckWindow)
		}
	}
}

// CheckDomainCircuitBreaker reports whether domain's breaker refuses traffic now, and why
// ("Domain example.com in cooloff for 60.0s"). After the cooloff it lets exactly one caller
// through (half-open) and takes that probe for it: report the probe's outcome with
// RecordAttempt (Run does). A probe that never reports is given up after one more cooloff.
// With the breaker disabled it always says (false, "").
func (m *Manager) CheckDomainCircuitBreaker(domain string) (broken bool, reason string) {
	if !m.breakerOn || domain == "" {
		return false, ""
	}
	ok, remaining, tr := m.st.breakerAllow(domain, m.clock.Now(), m.policy, true)
	if tr != "" {
		m.emit(Event{Kind: tr, Domain: domain, Time: m.clock.Now()})
	}
	if ok {
		return false, ""
	}
	return true, cooloffReason(domain, remaining)
}

// releaseProbe gives back a half-open probe taken for an attempt whose result does not count.
func (m *Manager) releaseProbe(domain string) {
	if m.breakerOn && domain != "" {
		m.st.breakerResult(domain, m.clock.Now(), m.policy, false, false)
	}
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
}

// Recommend advises what to do about err for action (the guide's get_recommendation):
//
//   - "abort": cancelled, a permanent type other than captcha/auth, a stuck loop, or a
//     Retry-After above the limit;
//   - "escalate": captcha or auth_required: a person must act;
//   - "wait": the domain's breaker is open (Delay = cooloff left), a rate limit, or a
//     Retry-After (Delay = what to wait);
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
	if m.breakerOn && domain != "" {
		if ok, remaining, _ := m.st.breakerAllow(domain, m.clock.Now(), m.policy, false); !ok {
			return Recommendation{Action: "wait", Reason: cooloffReason(domain, remaining), Delay: remaining, Type: t}
		}
	}
	if m.stuckThreshold > 0 && len(info) > 0 {
		if n := m.st.stuckCount(fingerprint(action, info), t, m.clock.Now(), m.stuckWindow); n >= m.stuckThreshold {
			return Recommendation{Action: "abort", Reason: stuckReason(action, t, n), Type: t}
		}
	}
	delay, _ := m.Config(t).delayFor(t, 0)
	if ra, ok := RetryAfterOf(err); ok {
		if ra > m.maxRetryAfter {
			return Recommendation{Action: "abort", Reason: "Retry-After " + ra.String() + " exceeds the limit of " + m.maxRetryAfter.String(), Type: t}
		}
		return Recommendation{Action: "wait", Reason: "the server asked to wait " + ra.String(), Delay: max(delay, ra), Type: t, Solution: "wait"}
	}
	if p, ok := m.st.pattern(patternKey{action, t, domain}); ok && p.solution != "" {
		return Recommendation{Action: "retry", Type: t, Delay: delay, Solution: p.solution,
			Reason: fmt.Sprintf("%s on %s before: %q preceded success %d time(s)", t, orAny(domain), p.solution, p.solved)}
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
// CircuitBreakerStates every domain with a breaker.
//
// Stats is a snapshot: its maps are fresh copies the caller owns and may change.
type Stats struct {
	SessionAttempts       int
	KnownPatterns         int
	PatternsWithSolutions int
	ErrorTypeDistribution map[string]int
	CircuitBreakerStates  map[string]BreakerState
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
	known, solved := m.st.patternCounts()
	s := Stats{
		SessionAttempts:       int(m.attempts.Load()),
		KnownPatterns:         known,
		PatternsWithSolutions: solved,
		ErrorTypeDistribution: make(map[string]int),
		CircuitBreakerStates:  m.st.breakerStates(m.clock.Now(), m.policy),
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

// fingerprint identifies "the same action with the same arguments" without allocating for the
// usual value types: an order-independent sum over Info's entries. FNV-1a is plenty here: a
// collision only makes two calls share a stuck-loop counter.
func fingerprint(action string, info Info) uint64 {
	var sum uint64
	for k, v := range info {
		sum += mix(strHash(k), valueHash(v))
	}
	return mix(strHash(action), sum)
}

func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func mix(a, b uint64) uint64 {
	x := a ^ (b * 0x9E3779B97F4A7C15)
	x ^= x >> 31
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 29
	return x
}

func valueHash(v any) uint64 {
	switch v := v.(type) {
	case nil:
		return 1
	case string:
		return strHash(v)
	case bool:
		if v {
			return 3
		}
		return 2
	case int:
		return mix(4, uint64(v))
	case int64:
		return mix(4, uint64(v))
	case float64:
		return mix(5, math.Float64bits(v))
	case time.Duration:
		return mix(6, uint64(v))
	case fmt.Stringer:
		return strHash(v.String())
	}
	return strHash(fmt.Sprint(v))
}
