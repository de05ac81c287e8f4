package retry

import (
	"context"
	"errors"
	"maps"
	"strconv"
	"time"

	"go.uber.org/zap"
)

// CallOption configures one Do, DoValue, Run or PartialRetry call.
//
// CallOptions are immutable values, safe to reuse across calls and goroutines.
type CallOption interface {
	applyCall(callOptions) callOptions
}

// callFunc is a CallOption as a function. Options on the hot path (UsingManager, WithInfo) are
// pointer-shaped types instead, so that building them allocates nothing.
type callFunc func(callOptions) callOptions

func (f callFunc) applyCall(o callOptions) callOptions { return f(o) }

type callOptions struct {
	policy         callPolicy
	action         string
	info           Info
	infoOwned      bool // info is this call's own map (a merge of several WithInfo), not the caller's
	manager        *Manager
	concurrency    int
	maxBreakerWait time.Duration
	onEscalate     func(ctx context.Context, t ErrorType, err error) error
	onRetry        func(a *Attempt, d Decision)
}

// buildCallOptions applies opts by value: nothing escapes, nothing is allocated.
func buildCallOptions(opts []CallOption) callOptions {
	var o callOptions
	for _, opt := range opts {
		if opt != nil {
			o = opt.applyCall(o)
		}
	}
	if o.manager == nil {
		o.manager = defaultManager
	}
	return o
}

// MaxAttempts sets the attempt budget (first attempt included) for every retryable type,
// replacing the per-type MaxAttempts, like the guide's decorator. Permanent types still fail at
// once, the breaker and stuck-loop detection still apply. n < 1 keeps the per-type budgets.
func MaxAttempts(n int) CallOption {
	return callFunc(func(o callOptions) callOptions { o.policy.maxAttempts = n; return o })
}

// UseStrategy sets the backoff strategy for every type, replacing the per-type one; the
// per-type BaseDelay (1s where it is 0) and MaxDelay stay. Without it each type uses its own.
func UseStrategy(s Strategy) CallOption {
	return callFunc(func(o callOptions) callOptions { o.policy.strategy, o.policy.hasStrategy = s, true; return o })
}

// Backoff(false) retries without backoff delays. A server's Retry-After is still honoured:
// it is the server's request, not our backoff. Default true.
func Backoff(enabled bool) CallOption {
	return callFunc(func(o callOptions) callOptions { o.policy.noBackoff = !enabled; return o })
}

// ActionName names the action in decisions, logs, events, patterns and errors (Do and DoValue
// default to "do", PartialRetry to "partial_retry"; Run's action argument wins over it).
func ActionName(name string) CallOption {
	return callFunc(func(o callOptions) callOptions { o.action = name; return o })
}

type withInfo Info

func (w withInfo) applyCall(o callOptions) callOptions {
	switch {
	case len(w) == 0:
	case o.info == nil:
		o.info, o.infoOwned = Info(w), false
	default:
		merged := make(Info, len(o.info)+len(w))
		maps.Copy(merged, o.info)
		maps.Copy(merged, w)
		o.info, o.infoOwned = merged, true
	}
	return o
}

// WithInfo gives the call's Info (merged under Run's info argument, which wins per key; several
// WithInfo merge, the later winning). The call reads info while it runs and never changes it
// (Run and PartialRetry work on a copy): do not change the map while calls that use it run.
func WithInfo(info Info) CallOption { return withInfo(info) }

type usingManager struct{ m *Manager }

func (u usingManager) applyCall(o callOptions) callOptions { o.manager = u.m; return o }

// UsingManager makes the call use m instead of Default().
func UsingManager(m *Manager) CallOption { return usingManager{m} }

// Concurrency sets PartialRetry's number of workers (default 1). Other calls ignore it.
func Concurrency(n int) CallOption {
	return callFunc(func(o callOptions) callOptions { o.concurrency = n; return o })
}

// OnEscalate sets the hook for failures that need a person (Captcha, AuthRequired). When such
// an attempt fails, Run calls fn: nil means "solved", and the next attempt follows at once
// (at most 3 escalations per Run, whatever the per-type budget; the next attempt's solution
// defaults to "escalated"); an error gives up with an *Error that matches ErrEscalate and that
// error. Without the hook, Captcha and AuthRequired give up at once with an *Error matching
// ErrEscalate and ErrPermanent. PartialRetry ignores the hook.
func OnEscalate(fn func(ctx context.Context, t ErrorType, err error) error) CallOption {
	return callFunc(func(o callOptions) callOptions { o.onEscalate = fn; return o })
}

// OnRetry calls fn before each wait with the failed attempt and the decision. Events (see
// WithObserver) carry the same and more; this is sugar for one call site.
func OnRetry(fn func(a *Attempt, d Decision)) CallOption {
	return callFunc(func(o callOptions) callOptions { o.onRetry = fn; return o })
}

// maxEscalations bounds how many times one Run hands a failure to its OnEscalate hook.
const maxEscalations = 3

// Attempt is what Run's function sees: which attempt this is (0-indexed), the previous
// attempt's error, and the Info (a copy owned by this Run). An Attempt belongs to one Run and
// one attempt at a time: not safe for concurrent use.
type Attempt struct {
	Number    int
	LastError error
	Info      Info

	next     Info   // ModifyOnRetry's changes, applied when the next attempt starts
	solution string // SetSolution's value for this attempt
}

// ModifyOnRetry changes Info for the next attempts (the guide's modify_on_retry), e.g. a longer
// timeout. This attempt's Info does not change.
func (a *Attempt) ModifyOnRetry(key string, value any) {
	if a.next == nil {
		a.next = make(Info, 1)
	}
	a.next[key] = value
}

// SetSolution names the repair applied before this attempt ("resnapshot", "reresolve",
// "new_page", "reload", "wait", "renavigate", "escalated"). When the attempt succeeds, Run
// records it with the success so the Manager learns which repair fixes which failure pattern
// (see Recommend). Without it a successful retry records "wait" if a delay preceded it, else
// "retry" (and "escalated" after an escalation).
func (a *Attempt) SetSolution(s string) { a.solution = s }

// Run calls fn until it succeeds or retrying stops, the guide's retry_context:
//
//   - before each attempt: ctx still alive, and the domain (info.Domain()) lets it through:
//     while the domain's breaker is open or its cooloff (a server's Retry-After) runs, Run
//     waits for it through the Manager's Clock (an EventBreakerWait says so), then goes on when
//     the half-open probe lets it. The wait uses up no attempt and is no failure. Only a call
//     that may not wait that long (WithMaxBreakerWait, MaxBreakerWait, ctx's deadline) gives up,
//     with an *Error of Type CircuitOpen that matches ErrCircuitOpen and whose RetryAfterOf is
//     the cooloff left;
//   - after a failure: RecordAttempt, then the Manager's decision (see ShouldRetry, without its
//     breaker refusal) with this call's overrides (MaxAttempts, UseStrategy, Backoff);
//     Captcha/AuthRequired go to the OnEscalate hook; the wait goes through the Manager's Clock
//     and ends the moment ctx ends; no wait after the last attempt;
//   - give-up: one *Error (see Error) that matches ErrPermanent, ErrExhausted, ErrCircuitOpen,
//     ErrEscalate or ErrStuck, context.Canceled when ctx ended, and the last error of fn.
//
// A result that arrives after ctx ended does not count: neither stats nor breaker learn from it
// (a late success is still returned as nil). Panics in fn are not recovered.
func Run(ctx context.Context, action string, info Info, fn func(ctx context.Context, a *Attempt) error, opts ...CallOption) error {
	o := buildCallOptions(opts)
	if action == "" {
		action = o.action
	}
	return o.manager.run(ctx, action, mergeInfo(o.info, info), true, fn, nil, &o)
}

// Do calls fn with retries, the guide's @with_retry. See Run.
func Do(ctx context.Context, fn func(ctx context.Context) error, opts ...CallOption) error {
	o := buildCallOptions(opts)
	action := o.action
	if action == "" {
		action = "do"
	}
	return o.manager.run(ctx, action, o.info, o.infoOwned, nil, fn, &o)
}

// DoValue is Do for functions that return a value: the value of the successful attempt, or the
// zero value with the give-up error.
func DoValue[T any](ctx context.Context, fn func(ctx context.Context) (T, error), opts ...CallOption) (T, error) {
	var out T
	err := Do(ctx, func(ctx context.Context) error {
		v, err := fn(ctx)
		if err == nil {
			out = v
		}
		return err
	}, opts...)
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

func mergeInfo(base, over Info) Info {
	if len(base) == 0 && len(over) == 0 {
		return nil
	}
	out := make(Info, len(base)+len(over))
	maps.Copy(out, base)
	maps.Copy(out, over)
	return out
}

// runState is one Run's progress.
type runState struct {
	action      string
	domain      string
	info        Info // the Info of the next attempt; the caller's own map until infoOwned
	infoOwned   bool
	a           *Attempt // Run: from the start; Do: made when an OnRetry hook needs one
	n           int      // attempts made
	lastErr     error
	lastType    ErrorType
	escalations int
	waited      bool
	escalated   bool
	budget      waitBudget
	probe       chan struct{} // the half-open probe this attempt holds
}

// run is Run and Do: fnRun gets an *Attempt, fnDo does not (and so Do allocates none on its
// success path). infoOwned says whether info is already this call's own copy.
func (m *Manager) run(ctx context.Context, action string, info Info, infoOwned bool, fnRun func(context.Context, *Attempt) error, fnDo func(context.Context) error, o *callOptions) error {
	r := runState{action: action, domain: info.Domain(), info: info, infoOwned: infoOwned, budget: m.newWaitBudget(o.maxBreakerWait)}
	if fnRun != nil {
		r.a = &Attempt{Info: info}
		r.infoOwned = true
	}
	defer func() { m.probeDone(r.domain, r.probe) }() // a panicking fn must not leave waiters behind
	for n := 0; ; n++ {
		r.n = n
		if err := ctx.Err(); err != nil {
			return m.giveUp(&r, err.Error(), 0, err)
		}
		var now time.Time // stays zero on the fast path: nothing gated, no clock read needed
		switch {
		case m.mem != nil && m.mem.gated.Load() == 0:
		case r.domain != "":
			var ref *refusal
			if r.probe, now, ref = m.admit(ctx, action, r.domain, n, &r.budget, m.clock.Now()); ref != nil {
				return m.refuse(&r, ref)
			}
		default:
			now = m.clock.Now()
		}
		var err error
		if r.a != nil {
			r.a.Number = n
			r.a.LastError = r.lastErr
			if len(r.a.next) > 0 {
				r.ownInfo()
				maps.Copy(r.info, r.a.next)
				clear(r.a.next)
			}
			r.a.Info = r.info
			r.a.solution = ""
		}
		if fnRun != nil {
			err = fnRun(m.withProbe(ctx, r.domain, r.probe), r.a)
		} else {
			err = fnDo(m.withProbe(ctx, r.domain, r.probe))
		}
		if ctx.Err() != nil {
			// Late: the caller has gone. Whatever fn says now must not teach the Manager.
			m.releaseProbe(ctx, r.domain, r.probe)
			r.probe = nil
			if err == nil {
				return nil
			}
			r.lastErr, r.n = err, n+1
			r.lastType = m.classify(err)
			return m.giveUp(&r, ctx.Err().Error(), 0, ctx.Err())
		}
		if err == nil {
			m.succeed(&r, now)
			return nil
		}
		t := m.classify(err)
		r.lastType, r.lastErr, r.n = t, err, n+1
		rec := m.record(ctx, action, r.info, r.domain, false, t, err, "", m.clock.Now(), false)
		m.probeDone(r.domain, r.probe)
		r.probe = nil
		r.escalated, r.waited = false, false

		if (t == Captcha || t == AuthRequired) && o.onEscalate != nil && !errors.Is(err, context.Canceled) {
			if r.escalations >= maxEscalations {
				return m.giveUp(&r, t.String()+": still failing after "+strconv.Itoa(maxEscalations)+" escalations", kindEscalate|kindExhausted, nil)
			}
			r.escalations++
			m.emit(Event{Kind: EventEscalate, Action: action, Domain: r.domain, Attempt: n, Type: t, Reason: t.String() + " needs a person", Err: err})
			m.logDecision(action, t, n, 0, "escalate")
			if herr := o.onEscalate(ctx, t, err); herr != nil {
				if cerr := ctx.Err(); cerr != nil {
					return m.giveUp(&r, cerr.Error(), kindEscalate, cerr)
				}
				return m.giveUp(&r, "escalation failed: "+herr.Error(), kindEscalate, herr)
			}
			r.escalated = true
			continue
		}

		v := m.decide(action, err, t, n, r.info, r.domain, &o.policy, rec.Stuck)
		if !v.Retry {
			var cause error
			if v.kind == 0 { // cancellation carried by err itself
				cause = context.Canceled
			}
			return m.giveUp(&r, v.Reason, v.kind, cause)
		}
		m.logDecision(action, t, n, v.Delay, v.Reason)
		m.emit(Event{Kind: EventRetry, Action: action, Domain: r.domain, Attempt: n, Type: t, Delay: v.Delay, Reason: v.Reason, Err: err})
		if o.onRetry != nil {
			if r.a == nil {
				r.ownInfo() // the hook may change it
				r.a = &Attempt{Info: r.info}
			}
			r.a.Number, r.a.LastError = n+1, err // as before: the number of the attempt to come
			o.onRetry(r.a, v.Decision)
		}
		if v.Delay > 0 {
			if serr := m.clock.Sleep(ctx, v.Delay); serr != nil {
				return m.giveUp(&r, serr.Error(), 0, serr)
			}
			r.waited = true
		}
	}
}

// ownInfo makes r.info this call's own copy before anything changes it.
func (r *runState) ownInfo() {
	if !r.infoOwned || r.info == nil {
		r.info, r.infoOwned = maps.Clone(r.info), true
		if r.info == nil {
			r.info = make(Info)
		}
	}
}

func (m *Manager) succeed(r *runState, now time.Time) {
	sol := ""
	if r.a != nil {
		sol = r.a.solution
	}
	if sol == "" && r.n > 0 {
		switch {
		case r.escalated:
			sol = "escalated"
		case r.waited:
			sol = "wait"
		default:
			sol = "retry"
		}
	}
	if now.IsZero() {
		m.recordFastSuccess(r.action, r.info, r.domain, sol)
	} else {
		m.record(context.Background(), r.action, r.info, r.domain, true, Unknown, nil, sol, now, false)
	}
	m.probeDone(r.domain, r.probe)
	r.probe = nil
	if m.observer != nil {
		m.emit(Event{Kind: EventSuccess, Action: r.action, Domain: r.domain, Attempt: r.n, Solution: sol, Time: now})
	}
}

func (m *Manager) giveUp(r *runState, reason string, kind giveUp, cause error) error {
	e := &Error{Action: r.action, Type: r.lastType, Attempts: r.n, Reason: reason, Err: r.lastErr, kind: kind, cause: cause}
	m.logDecision(r.action, r.lastType, r.n-1, 0, reason)
	m.emit(Event{Kind: EventGiveUp, Action: r.action, Domain: r.domain, Attempt: r.n - 1, Type: r.lastType, Reason: reason, Err: e})
	return e
}

// refuse gives up because the domain refused and the call may not wait (or ctx ended while it
// waited): never the item's failure, typed CircuitOpen.
func (m *Manager) refuse(r *runState, ref *refusal) error {
	e := &Error{Action: r.action, Type: CircuitOpen, Attempts: r.n, Reason: ref.reason, Err: r.lastErr, kind: kindCircuit, retryAfter: ref.left}
	if ref.cause != nil {
		e.Reason, e.kind, e.cause, e.retryAfter = ref.cause.Error(), 0, ref.cause, 0
	}
	m.logDecision(r.action, CircuitOpen, r.n-1, 0, e.Reason)
	m.emit(Event{Kind: EventGiveUp, Action: r.action, Domain: r.domain, Attempt: r.n - 1, Type: CircuitOpen, Reason: e.Reason, Err: e})
	return e
}

func (m *Manager) logDecision(action string, t ErrorType, attempt int, delay time.Duration, reason string) {
	if ce := m.log.Check(zap.DebugLevel, "retry decision"); ce != nil {
		ce.Write(zap.String("action", action), zap.String("type", t.String()), zap.Int("attempt", attempt),
			zap.Duration("delay", delay), zap.String("reason", reason))
	}
}
