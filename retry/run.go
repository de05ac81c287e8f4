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
type CallOption interface{ applyCall(*callOptions) }

type callFunc func(*callOptions)

func (f callFunc) applyCall(o *callOptions) { f(o) }

type callOptions struct {
	policy      callPolicy
	action      string
	info        Info
	manager     *Manager
	concurrency int
	onEscalate  func(ctx context.Context, t ErrorType, err error) error
	onRetry     func(a *Attempt, d Decision)
}

func buildCallOptions(opts []CallOption) callOptions {
	var o callOptions
	for _, opt := range opts {
		if opt != nil {
			opt.applyCall(&o)
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
	return callFunc(func(o *callOptions) { o.policy.maxAttempts = n })
}

// UseStrategy sets the backoff strategy for every type, replacing the per-type one; the
// per-type BaseDelay (1s where it is 0) and MaxDelay stay. Without it each type uses its own.
func UseStrategy(s Strategy) CallOption {
	return callFunc(func(o *callOptions) { o.policy.strategy, o.policy.hasStrategy = s, true })
}

// Backoff(false) retries without backoff delays. A server's Retry-After is still honoured:
// it is the server's request, not our backoff. Default true.
func Backoff(enabled bool) CallOption {
	return callFunc(func(o *callOptions) { o.policy.noBackoff = !enabled })
}

// ActionName names the action in decisions, logs, events, patterns and errors (Do and DoValue
// default to "do", PartialRetry to "partial_retry"; Run's action argument wins over it).
func ActionName(name string) CallOption { return callFunc(func(o *callOptions) { o.action = name }) }

// WithInfo gives the call's Info (merged under Run's info argument, which wins per key).
func WithInfo(info Info) CallOption {
	return callFunc(func(o *callOptions) {
		if o.info == nil {
			o.info = make(Info, len(info))
		}
		maps.Copy(o.info, info)
	})
}

// UsingManager makes the call use m instead of Default().
func UsingManager(m *Manager) CallOption { return callFunc(func(o *callOptions) { o.manager = m }) }

// Concurrency sets PartialRetry's number of workers (default 1). Other calls ignore it.
func Concurrency(n int) CallOption { return callFunc(func(o *callOptions) { o.concurrency = n }) }

// OnEscalate sets the hook for failures that need a person (Captcha, AuthRequired). When such
// an attempt fails, Run calls fn: nil means "solved", and the next attempt follows at once
// (at most 3 escalations per Run, whatever the per-type budget; the next attempt's solution
// defaults to "escalated"); an error gives up with an *Error that matches ErrEscalate and that
// error. Without the hook, Captcha and AuthRequired give up at once with an *Error matching
// ErrEscalate and ErrPermanent. PartialRetry ignores the hook.
func OnEscalate(fn func(ctx context.Context, t ErrorType, err error) error) CallOption {
	return callFunc(func(o *callOptions) { o.onEscalate = fn })
}

// OnRetry calls fn before each wait with the failed attempt and the decision. Events (see
// WithObserver) carry the same and more; this is sugar for one call site.
func OnRetry(fn func(a *Attempt, d Decision)) CallOption {
	return callFunc(func(o *callOptions) { o.onRetry = fn })
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
//   - before each attempt: ctx still alive, the domain's breaker (info.Domain()) lets it through;
//   - after a failure: RecordAttempt, then the Manager's decision (see ShouldRetry) with this
//     call's overrides (MaxAttempts, UseStrategy, Backoff); Captcha/AuthRequired go to the
//     OnEscalate hook; the wait goes through the Manager's Clock and ends the moment ctx ends;
//     no wait after the last attempt;
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
	return o.manager.run(ctx, action, mergeInfo(o.info, info), fn, &o)
}

// Do calls fn with retries, the guide's @with_retry. See Run.
func Do(ctx context.Context, fn func(ctx context.Context) error, opts ...CallOption) error {
	o := buildCallOptions(opts)
	action := o.action
	if action == "" {
		action = "do"
	}
	return o.manager.run(ctx, action, mergeInfo(o.info, nil), func(ctx context.Context, _ *Attempt) error { return fn(ctx) }, &o)
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

func (m *Manager) run(ctx context.Context, action string, info Info, fn func(context.Context, *Attempt) error, o *callOptions) error {
	a := &Attempt{Info: info}
	domain := info.Domain()
	var (
		lastType    ErrorType
		escalations int
		waited      bool
		escalated   bool
	)
	giveUp := func(reason string, kind giveUp, cause error) error {
		e := &Error{Action: action, Type: lastType, Attempts: a.Number, Reason: reason, Err: a.LastError, kind: kind, cause: cause}
		m.logDecision(action, lastType, a.Number-1, 0, reason)
		m.emit(Event{Kind: EventGiveUp, Action: action, Domain: domain, Attempt: a.Number - 1, Type: lastType, Reason: reason, Err: e})
		return e
	}
	for n := 0; ; n++ {
		a.Number = n
		if err := ctx.Err(); err != nil {
			return giveUp(err.Error(), 0, err)
		}
		if m.breakerOn && domain != "" {
			if broken, reason := m.CheckDomainCircuitBreaker(domain); broken {
				return giveUp(reason, kindCircuit, nil)
			}
		}
		if len(a.next) > 0 {
			if a.Info == nil {
				a.Info = make(Info, len(a.next))
			}
			maps.Copy(a.Info, a.next)
			clear(a.next)
		}
		a.solution = ""
		err := fn(ctx, a)
		if ctx.Err() != nil {
			// Late: the caller has gone. Whatever fn says now must not teach the Manager.
			m.releaseProbe(domain)
			if err == nil {
				return nil
			}
			a.LastError, a.Number = err, n+1
			lastType = m.classify(err)
			return giveUp(ctx.Err().Error(), 0, ctx.Err())
		}
		if err == nil {
			sol := a.solution
			if sol == "" && n > 0 {
				switch {
				case escalated:
					sol = "escalated"
				case waited:
					sol = "wait"
				default:
					sol = "retry"
				}
			}
			m.record(action, a.Info, domain, true, Unknown, nil, sol)
			m.emit(Event{Kind: EventSuccess, Action: action, Domain: domain, Attempt: n, Solution: sol})
			return nil
		}
		t := m.classify(err)
		lastType = t
		a.LastError = err
		m.record(action, a.Info, domain, false, t, err, "")
		a.Number = n + 1 // attempts made so far, for give-up errors
		escalated, waited = false, false

		if (t == Captcha || t == AuthRequired) && o.onEscalate != nil && !errors.Is(err, context.Canceled) {
			if escalations >= maxEscalations {
				return giveUp(t.String()+": still failing after "+strconv.Itoa(maxEscalations)+" escalations", kindEscalate|kindExhausted, nil)
			}
			escalations++
			m.emit(Event{Kind: EventEscalate, Action: action, Domain: domain, Attempt: n, Type: t, Reason: t.String() + " needs a person", Err: err})
			m.logDecision(action, t, n, 0, "escalate")
			if herr := o.onEscalate(ctx, t, err); herr != nil {
				if cerr := ctx.Err(); cerr != nil {
					return giveUp(cerr.Error(), kindEscalate, cerr)
				}
				return giveUp("escalation failed: "+herr.Error(), kindEscalate, herr)
			}
			escalated = true
			continue
		}

		v := m.decide(action, err, t, n, a.Info, domain, &o.policy)
		if !v.Retry {
			var cause error
			if v.kind == 0 { // cancellation carried by err itself
				cause = context.Canceled
			}
			return giveUp(v.Reason, v.kind, cause)
		}
		m.logDecision(action, t, n, v.Delay, v.Reason)
		m.emit(Event{Kind: EventRetry, Action: action, Domain: domain, Attempt: n, Type: t, Delay: v.Delay, Reason: v.Reason, Err: err})
		if o.onRetry != nil {
			o.onRetry(a, v.Decision)
		}
		if v.Delay > 0 {
			if serr := m.clock.Sleep(ctx, v.Delay); serr != nil {
				return giveUp(serr.Error(), 0, serr)
			}
			waited = true
		}
	}
}

func (m *Manager) logDecision(action string, t ErrorType, attempt int, delay time.Duration, reason string) {
	if ce := m.log.Check(zap.DebugLevel, "retry decision"); ce != nil {
		ce.Write(zap.String("action", action), zap.String("type", t.String()), zap.Int("attempt", attempt),
			zap.Duration("delay", delay), zap.String("reason", reason))
	}
}
