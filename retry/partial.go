package retry

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Failure is an item PartialRetry could not process: the item, the give-up *Error (matching
// ErrPermanent, ErrExhausted, ErrCircuitOpen… and unwrapping to the item's last error), how
// many times it was tried, and the type of its last failure (CircuitOpen when its domain
// refused it and it could not wait: the item itself did not fail, run it again later).
//
// A Failure is a plain value owned by the caller once PartialRetry returns.
type Failure[T any] struct {
	Item     T
	Err      error
	Attempts int
	Type     ErrorType
}

// PanicError is the error of a PartialRetry item whose processor panicked: a permanent failure
// of that item, never the caller's crash.
//
// A PanicError is not modified after it is created: safe to read from many goroutines.
type PanicError struct{ Value any }

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// PartialRetry processes items and retries only the failed ones, the guide's partial_retry.
// Round one runs every item once; each later round runs only the items whose failure the
// Manager (m, or Default() when nil) says is worth retrying, after the longest delay any of
// them needs (waited through the Manager's Clock, abandoned when ctx ends). Rounds stop when no
// item is left to retry. Every attempt is recorded with the Manager, with Info = WithInfo's
// entries plus "item" (the item itself) so stuck-loop detection tells items apart.
//
// An item whose domain's breaker is open (or whose cooloff runs) waits for it as in Run, without
// using up an attempt, up to MaxBreakerWait per item.
//
// Concurrency(n) runs up to n items at once (default 1). MaxAttempts, UseStrategy and Backoff
// apply per item as in Run; OnEscalate is ignored (captcha/auth fail the item at once).
// successful keeps the input order and holds each item once; every other item is in failed
// (also in input order) with an *Error. A successful item is never run again. A panic in fn
// fails that item permanently with a *PanicError holding the panic value.
// A processor that is still running when ctx ends is waited for (it gets the ended ctx).
func PartialRetry[T any](ctx context.Context, m *Manager, items []T, fn func(ctx context.Context, item T) error, opts ...CallOption) (successful []T, failed []Failure[T]) {
	o := buildCallOptions(opts)
	if m == nil {
		m = o.manager
	}
	action := o.action
	if action == "" {
		action = "partial_retry"
	}
	workers := max(o.concurrency, 1)

	type itemState struct {
		info     Info
		domain   string
		attempts int
		err      error // last error of fn
		t        ErrorType
		ok       bool
		final    *Error // set when the item has given up
		stuck    int    // the stuck-loop run its last failure made
		budget   waitBudget
	}
	st := make([]itemState, len(items))
	todo := make([]int, len(items))
	for i := range items {
		info := mergeInfo(o.info, Info{"item": items[i]})
		st[i] = itemState{info: info, domain: info.Domain(), budget: m.newWaitBudget(o.maxBreakerWait)}
		todo[i] = i
	}
	fail := func(i int, reason string, kind giveUp, cause error) {
		s := &st[i]
		s.final = &Error{Action: action, Type: s.t, Attempts: s.attempts, Reason: reason, Err: s.err, kind: kind, cause: cause}
		m.logDecision(action, s.t, s.attempts-1, 0, reason)
		m.emit(Event{Kind: EventGiveUp, Action: action, Domain: s.domain, Attempt: s.attempts - 1, Type: s.t, Reason: reason, Err: s.final})
	}

	attempt := func(i int) {
		s := &st[i]
		if cerr := ctx.Err(); cerr != nil {
			fail(i, cerr.Error(), 0, cerr)
			return
		}
		now := m.clock.Now()
		var probe chan struct{}
		if s.domain != "" {
			var ref *refusal
			if probe, now, ref = m.admit(ctx, action, s.domain, s.attempts, &s.budget, now); ref != nil {
				s.t = CircuitOpen
				if ref.cause != nil {
					fail(i, ref.cause.Error(), 0, ref.cause)
				} else {
					fail(i, ref.reason, kindCircuit, nil)
					s.final.retryAfter = ref.left
				}
				return
			}
		}
		defer m.probeDone(s.domain, probe)
		err := safeCall(m.withProbe(ctx, s.domain, probe), fn, items[i])
		s.attempts++
		if cerr := ctx.Err(); cerr != nil {
			m.releaseProbe(ctx, s.domain, probe)
			if err == nil {
				s.ok = true
				return
			}
			s.err, s.t = err, m.classify(err)
			fail(i, cerr.Error(), 0, cerr)
			return
		}
		if err == nil {
			s.ok = true
			sol := ""
			if s.attempts > 1 {
				sol = "retry"
			}
			m.record(ctx, action, s.info, s.domain, true, Unknown, nil, sol, now, false)
			m.emit(Event{Kind: EventSuccess, Action: action, Domain: s.domain, Attempt: s.attempts - 1, Solution: sol})
			return
		}
		s.err = err
		var pe *PanicError
		if errors.As(err, &pe) {
			s.t = Unknown
			m.record(ctx, action, s.info, s.domain, false, Unknown, err, "", m.clock.Now(), false)
			fail(i, "the processor panicked", kindPermanent, nil)
			return
		}
		s.t = m.classify(err)
		s.stuck = m.record(ctx, action, s.info, s.domain, false, s.t, err, "", m.clock.Now(), false).Stuck
	}

	for len(todo) > 0 {
		if cerr := ctx.Err(); cerr != nil {
			for _, i := range todo {
				fail(i, cerr.Error(), 0, cerr)
			}
			break
		}
		runRound(todo, workers, attempt)

		var (
			next []int
			wait time.Duration
		)
		for _, i := range todo {
			s := &st[i]
			if s.ok || s.final != nil {
				continue
			}
			v := m.decide(action, s.err, s.t, s.attempts-1, s.info, s.domain, &o.policy, s.stuck)
			if !v.Retry {
				var cause error
				if v.kind == 0 {
					cause = context.Canceled
				}
				fail(i, v.Reason, v.kind, cause)
				continue
			}
			m.logDecision(action, s.t, s.attempts-1, v.Delay, v.Reason)
			m.emit(Event{Kind: EventRetry, Action: action, Domain: s.domain, Attempt: s.attempts - 1, Type: s.t, Delay: v.Delay, Reason: v.Reason, Err: s.err})
			next = append(next, i)
			wait = max(wait, v.Delay)
		}
		if len(next) > 0 && wait > 0 {
			if serr := m.clock.Sleep(ctx, wait); serr != nil {
				for _, i := range next {
					fail(i, serr.Error(), 0, serr)
				}
				next = nil
			}
		}
		todo = next
	}

	for i := range st {
		s := &st[i]
		switch {
		case s.ok:
			successful = append(successful, items[i])
		case s.final != nil:
			failed = append(failed, Failure[T]{Item: items[i], Err: s.final, Attempts: s.attempts, Type: s.t})
		}
	}
	return successful, failed
}

// runRound calls attempt for every index, with up to workers at once, and returns when all are done.
func runRound(todo []int, workers int, attempt func(int)) {
	if workers <= 1 || len(todo) == 1 {
		for _, i := range todo {
			attempt(i)
		}
		return
	}
	workers = min(workers, len(todo))
	ch := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range ch {
				attempt(i)
			}
		})
	}
	for _, i := range todo {
		ch <- i
	}
	close(ch)
	wg.Wait()
}

func safeCall[T any](ctx context.Context, fn func(context.Context, T) error, item T) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r}
		}
	}()
	return fn(ctx, item)
}
