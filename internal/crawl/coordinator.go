package crawl

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Coordinator makes a domain's politeness job-wide when many workers crawl one job: it holds
// the job's slots of each domain (at most Limit pages loading at once, whoever loads them),
// books their starts at least the domain's delay apart, and keeps the adaptive delay itself, so
// a back-off one worker meets slows every worker. queue.Redis has one (its Coordinator method);
// a crawl in one process needs none.
//
// Implementations are safe for concurrent use, answer each call within their own short timeout
// (an error then: the Limiter goes on with its local limits), and renew the slots they granted
// until they are released, so that a slot of a worker that dies comes back when its lease ends.
type Coordinator interface {
	// Acquire takes one of domain's slots when fewer than r.Limit are held job-wide. When none is
	// free it returns a Slot with Granted false and Wait at most the time until the first held
	// lease ends.
	Acquire(ctx context.Context, domain string, r SlotRequest) (Slot, error)
	// Release frees the slot and reports how its page load went: the job's adaptive delay of the
	// domain moves (AIMD, as the Limiter's own) and a Retry-After holds every worker's next start.
	// It returns the domain's delay after the report and whether this report cut the rate.
	Release(s Slot, r SlotReport) (delay time.Duration, cut bool, err error)
}

// SlotRequest is what Acquire needs. A plain value: safe for concurrent use.
type SlotRequest struct {
	Limit int           // slots of the domain job-wide (per_domain_concurrency)
	Floor time.Duration // this worker's least delay of the domain (min_delay, Crawl-delay)
}

// Slot is one of a domain's job-wide slots, or the answer that none is free. A plain value: safe
// for concurrent use.
type Slot struct {
	Domain  string
	Token   string        // names the lease in the job
	Granted bool          // false: no slot free; ask again after Wait
	Wait    time.Duration // granted: wait this long before loading (the booked start); else: the longest to wait before asking again
	Delay   time.Duration // the domain's job-wide delay between starts now
	Start   int64         // the booked start on the job's clock (ms), for Release
}

// SlotReport is how a slot's page load went, with the politeness the AIMD step obeys. A plain
// value: safe for concurrent use.
type SlotReport struct {
	Outcome
	Floor, MaxDelay time.Duration
	Increase        float64
	Fixed           bool
}

// LimiterOption configures a Limiter.
type LimiterOption func(*Limiter)

// WithCoordinator makes the Limiter's per-domain limits and adaptive delay job-wide through c
// (nil: none). When c does not answer, the Limiter logs one warning on log, goes on with its own
// limits (the job's last delay it saw is its starting point), asks c again after a backoff of
// 100 ms to 5 s, and logs one line when c answers again.
func WithCoordinator(c Coordinator, log *zap.Logger) LimiterOption {
	return func(l *Limiter) {
		if c == nil {
			return
		}
		if log == nil {
			log = zap.NewNop()
		}
		l.co = &coordinated{c: c, log: log}
	}
}

// Coordinated reports whether the Limiter shares its limits through a Coordinator (then it books
// each start in the job itself).
func (l *Limiter) Coordinated() bool { return l.co != nil }

// coordinated is the Limiter's side of a Coordinator: its outage state.
type coordinated struct {
	c   Coordinator
	log *zap.Logger

	mu      sync.Mutex
	down    bool
	retryAt time.Time
	backoff time.Duration
}

// usable reports whether to ask the Coordinator now (it answered last time, or its backoff ended).
func (co *coordinated) usable() bool {
	co.mu.Lock()
	defer co.mu.Unlock()
	return !co.down || !time.Now().Before(co.retryAt)
}

func (co *coordinated) failed(err error) {
	co.mu.Lock()
	defer co.mu.Unlock()
	if !co.down {
		co.down = true
		co.backoff = 100 * time.Millisecond
		co.log.Warn("job-wide politeness: Redis does not answer; each worker keeps its own per-domain limit and delay until it does",
			zap.String("error", err.Error()))
	} else {
		co.backoff = min(2*co.backoff, 5*time.Second)
	}
	co.retryAt = time.Now().Add(co.backoff)
}

func (co *coordinated) ok() {
	co.mu.Lock()
	defer co.mu.Unlock()
	if co.down {
		co.down = false
		co.log.Warn("job-wide politeness: Redis answers again; per-domain limits and delays are job-wide again")
	}
}

// acquireShared takes the job's slot for a page whose local place t already holds: it waits
// while the job's slots of the domain are all held (woken by a local page ending, or polling),
// then until the start the job booked. When the Coordinator does not answer, the page goes on
// with its local place only.
func (l *Limiter) acquireShared(ctx context.Context, t *Ticket) error {
	co := l.co
	poll := 10 * time.Millisecond
	for {
		if !co.usable() {
			return nil
		}
		l.mu.Lock()
		d := l.dom(t.domain)
		floor, ch := d.floor, d.changed
		l.mu.Unlock()
		s, err := co.c.Acquire(ctx, t.domain, SlotRequest{Limit: l.p.PerDomain, Floor: floor})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			co.failed(err)
			return nil
		}
		co.ok()
		if s.Granted {
			t.slot = &s
			l.mu.Lock()
			d.interval = max(d.floor, s.Delay)
			l.mu.Unlock()
			if s.Wait <= 0 {
				return nil
			}
			l.wait(t.domain, time.Now().Add(s.Wait))
			timer := time.NewTimer(s.Wait)
			defer timer.Stop()
			select {
			case <-timer.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		wait := poll
		if s.Wait > 0 && s.Wait < wait {
			wait = s.Wait
		}
		poll = min(2*poll, 100*time.Millisecond)
		timer := time.NewTimer(wait)
		select {
		case <-ch: // a page of this worker ended: maybe its slot is free
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		}
		timer.Stop()
	}
}

// releaseShared gives the ticket's job-wide slot back with its outcome. ok false: the
// Coordinator did not answer (the Limiter judges the outcome locally).
func (l *Limiter) releaseShared(t *Ticket, o Outcome) (delay time.Duration, cut, ok bool) {
	l.mu.Lock()
	floor := l.dom(t.domain).floor
	l.mu.Unlock()
	delay, cut, err := l.co.c.Release(*t.slot, SlotReport{Outcome: o, Floor: floor, MaxDelay: l.p.MaxDelay,
		Increase: l.p.Increase, Fixed: l.p.Fixed})
	if err != nil {
		l.co.failed(err)
		return 0, false, false
	}
	l.co.ok()
	return delay, cut, true
}
