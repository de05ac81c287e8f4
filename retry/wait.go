package retry

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"
)

// A domain whose breaker is open, or whose cooloff runs, does not fail the actions that meet it:
// they wait (through the Clock, ending when ctx ends) and go on when the domain lets them, the
// half-open probe first. Only a call that may not wait that long gives up, with ErrCircuitOpen.

// waitBudget is what one call (a Run, a PartialRetry item) may still spend waiting for its
// domain.
type waitBudget struct {
	max    time.Duration // < 0: never wait
	waited time.Duration
}

func (m *Manager) newWaitBudget(callMax time.Duration) waitBudget {
	if callMax == 0 {
		callMax = m.maxBreakerWait
	}
	return waitBudget{max: callMax}
}

// refusal is why admit did not let an attempt through: the domain refused and waiting was not
// allowed (reason, left), or ctx ended while waiting (cause).
type refusal struct {
	reason string
	left   time.Duration
	cause  error
}

// admit lets an attempt to domain through, waiting while the domain refuses it. It returns the
// probe channel when the attempt is the half-open probe (pass it to probeDone once its result
// is recorded), and the time after any wait.
//
// A call made inside the half-open probe of its domain (ctx carries it: an item retried as a
// whole, whose page load is a call of its own) is part of that probe and goes through: it had
// waited for the probe, which waited for it.
func (m *Manager) admit(ctx context.Context, action, domain string, attempt int, b *waitBudget, now time.Time) (probe chan struct{}, after time.Time, ref *refusal) {
	return m.admitFor(ctx, action, domain, attempt, b, now, m.breakerOn)
}

// admitFor is admit; take says whether the call may take the half-open probe (AwaitDomain only
// waits until an attempt could go, and takes nothing).
func (m *Manager) admitFor(ctx context.Context, action, domain string, attempt int, b *waitBudget, now time.Time, take bool) (probe chan struct{}, after time.Time, ref *refusal) {
	quiet := false // a poll for the same probe in flight is not a new wait
	for {
		adm := m.st.Admit(ctx, domain, now, m.policy, take)
		if adm.Transition != "" {
			m.emit(Event{Kind: adm.Transition, Domain: domain, Time: now})
		}
		if adm.HalfOpen && m.insideProbe(ctx, domain) {
			return nil, now, nil
		}
		if adm.Allowed || !adm.Cooloff && !m.breakerOn {
			if adm.Probe {
				probe = m.probeTaken(domain)
			}
			return probe, now, nil
		}
		wait, local := adm.Wait, (<-chan struct{})(nil)
		if adm.HalfOpen {
			if local = m.localProbe(domain); local != nil {
				wait = 0 // until our own probe reports
			} else {
				wait = min(wait, BreakerPollInterval)
			}
		}
		if wait <= 0 && local == nil {
			wait = BreakerPollInterval // a store that refuses without saying how long: ask again later
		}
		reason := cooloffReason(domain, adm.Wait, adm.HalfOpen)
		if !b.allows(wait) || !deadlineAllows(ctx, wait) {
			left := adm.Wait
			if adm.HalfOpen || left <= 0 {
				left = BreakerPollInterval
			}
			return nil, now, &refusal{reason: reason, left: left}
		}
		if !quiet || !adm.HalfOpen {
			m.emit(Event{Kind: EventBreakerWait, Action: action, Domain: domain, Attempt: attempt, Delay: wait, Reason: reason, Time: now})
			if ce := m.log.Check(zap.DebugLevel, "retry wait"); ce != nil {
				ce.Write(zap.String("action", action), zap.String("domain", domain), zap.Int("attempt", attempt),
					zap.Duration("delay", wait), zap.String("reason", reason))
			}
		}
		quiet = adm.HalfOpen
		var err error
		if local != nil {
			err = m.waitProbe(ctx, local, b.max-b.waited)
		} else {
			err = m.clock.Sleep(ctx, wait)
		}
		after := m.clock.Now()
		b.waited += max(after.Sub(now), wait)
		now = after
		if err != nil {
			return nil, now, &refusal{reason: reason, cause: err}
		}
	}
}

// allows reports whether a wait of d fits what is left (d = 0: an open-ended wait for a local
// probe, allowed while anything is left).
func (b *waitBudget) allows(d time.Duration) bool {
	if b.max < 0 {
		return false
	}
	if d == 0 {
		return b.waited < b.max
	}
	return b.waited+d <= b.max
}

// deadlineAllows reports whether ctx's deadline leaves room for a wait of d.
func deadlineAllows(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) >= d
}

// waitProbe waits for a probe of this Manager to report, for ctx, and with the real clock for
// at most budget.
func (m *Manager) waitProbe(ctx context.Context, probe <-chan struct{}, budget time.Duration) error {
	var timeout <-chan time.Time
	if m.realClock && budget > 0 {
		t := time.NewTimer(budget)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-probe:
	case <-timeout:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// probeKey is the context key under which a call passes the half-open probe it holds to its fn.
type probeKey struct{}

// heldProbe is a half-open probe held by a call of m for domain, and the ones held by the calls
// around it (up).
type heldProbe struct {
	m      *Manager
	domain string
	up     *heldProbe
}

// withProbe is ctx for the fn of a call that holds domain's half-open probe (nil: none).
func (m *Manager) withProbe(ctx context.Context, domain string, probe chan struct{}) context.Context {
	if probe == nil {
		return ctx
	}
	up, _ := ctx.Value(probeKey{}).(*heldProbe)
	return context.WithValue(ctx, probeKey{}, &heldProbe{m: m, domain: domain, up: up})
}

// insideProbe reports whether ctx is inside a call of m that holds domain's half-open probe.
func (m *Manager) insideProbe(ctx context.Context, domain string) bool {
	h, _ := ctx.Value(probeKey{}).(*heldProbe)
	for ; h != nil; h = h.up {
		if h.m == m && h.domain == domain {
			return true
		}
	}
	return false
}

// probeTaken registers a half-open probe taken by one of this Manager's calls, so that its other
// calls for the domain wait for it without polling.
func (m *Manager) probeTaken(domain string) chan struct{} {
	ch := make(chan struct{})
	m.probeMu.Lock()
	defer m.probeMu.Unlock()
	if m.probes == nil {
		m.probes = make(map[string]chan struct{})
	}
	if old := m.probes[domain]; old != nil {
		close(old) // its lease ran out: its waiters ask again
	}
	m.probes[domain] = ch
	return ch
}

// probeDone wakes the calls waiting for probe (its result is recorded, or it never ran).
func (m *Manager) probeDone(domain string, probe chan struct{}) {
	if probe == nil {
		return
	}
	m.probeMu.Lock()
	defer m.probeMu.Unlock()
	if m.probes[domain] == probe {
		delete(m.probes, domain)
		close(probe)
	}
}

func (m *Manager) localProbe(domain string) <-chan struct{} {
	m.probeMu.Lock()
	defer m.probeMu.Unlock()
	return m.probes[domain]
}

// releaseProbe gives back a half-open probe taken for an attempt whose result does not count
// (the caller left), and wakes the waiters.
func (m *Manager) releaseProbe(ctx context.Context, domain string, probe chan struct{}) {
	if probe == nil {
		return
	}
	m.st.Record(context.WithoutCancel(ctx), Result{Domain: domain, Outcome: OutcomeIgnored}, m.clock.Now(), m.policy, m.stuckWindow)
	m.probeDone(domain, probe)
}

// AwaitDomain waits, as an attempt of Run does, until domain lets an attempt through: its
// cooloff over and its breaker closed, or half-open with no probe in flight, in which case it
// takes the probe for the caller. Calls made with the returned context go through as part of
// that probe. It is for a caller that must not wait for the breaker while it holds something
// the probe may need (a crawl's page load holds one of its domain's few slots): wait here, take
// the slot, then make the calls with MaxBreakerWait(-1) (another AwaitDomain with it says at
// once whether the domain still lets them through).
//
// release must be called once those calls have reported: it gives a probe back (recorded as an
// outcome that says nothing about the site) and wakes the callers waiting for it; it does
// nothing when no probe was taken. The wait emits EventBreakerWait as Run's does, and ends
// with ctx (its error), or past MaxBreakerWait (a CallOption; default WithMaxBreakerWait; < 0:
// never wait) with an *Error matching ErrCircuitOpen whose RetryAfterOf is the time left. A ctx
// already inside domain's probe goes at once.
func (m *Manager) AwaitDomain(ctx context.Context, domain string, opts ...CallOption) (context.Context, func(), error) {
	release := func() {}
	if domain == "" || m.mem != nil && m.mem.gated.Load() == 0 {
		return ctx, release, nil
	}
	o := buildCallOptions(opts)
	action := o.action
	if action == "" {
		action = "await_domain"
	}
	b := m.newWaitBudget(o.maxBreakerWait)
	probe, _, ref := m.admit(ctx, action, domain, 0, &b, m.clock.Now())
	if ref != nil {
		e := &Error{Action: action, Type: CircuitOpen, Reason: ref.reason, kind: kindCircuit, retryAfter: ref.left}
		if ref.cause != nil {
			e.Reason, e.kind, e.cause, e.retryAfter = ref.cause.Error(), 0, ref.cause, 0
		}
		return ctx, release, e
	}
	if probe == nil {
		return ctx, release, nil
	}
	var once sync.Once
	return m.withProbe(ctx, domain, probe), func() { once.Do(func() { m.releaseProbe(ctx, domain, probe) }) }, nil
}
