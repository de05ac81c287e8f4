package crawl

import (
	"context"
	"sync"
	"time"

	"github.com/smartretry/smartretry/retry"
)

// Clock is where the Limiter reads the time and waits: retry.Clock's method set, so a
// retrytest.FakeClock drives it in tests. Implementations must be safe for concurrent use.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// Politeness is how a crawl treats each site (domain). The zero value means the defaults
// written on each field.
//
// A Politeness is a plain value: safe for concurrent use.
type Politeness struct {
	// PerDomain is how many pages of one domain may load at once. Default 2.
	PerDomain int
	// MinDelay is the least time between two page loads of one domain (robots.txt's Crawl-delay
	// raises it for that domain). Default 0.
	MinDelay time.Duration
	// MaxDelay caps the adaptive delay. Default 30s.
	MaxDelay time.Duration
	// Fixed turns the adaptive rate off: only PerDomain, MinDelay, Crawl-delay and Retry-After
	// apply.
	Fixed bool
	// Increase is how much the rate (pages per second) grows per second of healthy answers after
	// a back-off: the additive part of AIMD. Default 0.5.
	Increase float64
}

func (p Politeness) withDefaults() Politeness {
	if p.PerDomain <= 0 {
		p.PerDomain = 2
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxDelay < p.MinDelay {
		p.MaxDelay = p.MinDelay
	}
	if p.Increase <= 0 {
		p.Increase = 0.5
	}
	return p
}

// fastest is the rate above which a domain counts as unlimited again (no delay beyond the floor).
const fastest = 100.0 // pages per second

// Limiter decides when the next page of a domain may load: at most PerDomain at once, starts
// spaced by the domain's current delay, and none before a Retry-After ends. The delay adapts
// (AIMD): an answer 429/502/503/504 halves the rate (measured over the last second when no delay
// was set yet), a slow answer (over four times the domain's fastest and a second slower) or a
// failed load cuts it by a quarter, and each healthy answer adds back Increase pages per second
// per second. Answers to requests sent before the last cut do not cut again (they tell nothing
// new), so one burst of 429s halves the rate once.
//
// A Limiter is safe for concurrent use.
type Limiter struct {
	p     Politeness
	clock Clock
	co    *coordinated // nil: the limits are this process's own
	// waiting hears of every wait for a domain's next start (nil: nobody listens).
	waiting func(domain string, until time.Time)

	mu sync.Mutex
	d  map[string]*domainState
}

type domainState struct {
	inflight int
	floor    time.Duration // max(MinDelay, Crawl-delay)
	interval time.Duration // current delay between starts, >= floor
	next     time.Time     // earliest next start
	starts   []time.Time   // starts of the last second
	lastCut  time.Time
	fastest  time.Duration // fastest healthy answer seen
	changed  chan struct{} // closed when a page ends
	stats    DomainStats
}

// DomainStats is what the Limiter did for one domain. A plain value: safe for concurrent use.
type DomainStats struct {
	Delay     time.Duration // the delay between page loads now
	Backoffs  int           // times the rate was cut
	Overloads int           // answers 429/502/503/504 seen
	Pages     int           // page loads let through
}

// NewLimiter makes a Limiter; clock nil means the real clock.
func NewLimiter(p Politeness, clock Clock, opts ...LimiterOption) *Limiter {
	if clock == nil {
		clock = retry.RealClock()
	}
	l := &Limiter{p: p.withDefaults(), clock: clock, d: map[string]*domainState{}}
	for _, o := range opts {
		o(l)
	}
	return l
}

func (l *Limiter) dom(domain string) *domainState {
	d := l.d[domain]
	if d == nil {
		d = &domainState{floor: l.p.MinDelay, interval: l.p.MinDelay, changed: make(chan struct{})}
		l.d[domain] = d
	}
	return d
}

// SetCrawlDelay raises the domain's least delay to d (robots.txt's Crawl-delay).
func (l *Limiter) SetCrawlDelay(domain string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.dom(domain)
	if d > s.floor {
		s.floor = d
	}
	s.interval = max(s.interval, s.floor)
}

// Stats returns what the Limiter did for domain.
func (l *Limiter) Stats(domain string) DomainStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.dom(domain)
	st := s.stats
	st.Delay = s.interval
	return st
}

// Ticket is one page load let through by Acquire; call Done exactly once when it ends.
// A Ticket is used by one goroutine.
type Ticket struct {
	l      *Limiter
	domain string
	start  time.Time
	slot   *Slot // the job-wide slot (WithCoordinator), nil when none is held
	once   sync.Once
}

// Acquire waits until a page of domain may load, or ctx ends. With a Coordinator it then also
// waits for one of the job's slots of the domain and for the start the job booked.
func (l *Limiter) Acquire(ctx context.Context, domain string) (*Ticket, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		l.mu.Lock()
		d := l.dom(domain)
		now := l.clock.Now()
		if d.inflight >= l.p.PerDomain {
			ch := d.changed
			l.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if wait := d.next.Sub(now); wait > 0 {
			l.mu.Unlock()
			l.wait(domain, now.Add(wait))
			if err := l.clock.Sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		d.inflight++
		d.next = now.Add(d.interval)
		d.starts = append(recent(d.starts, now), now)
		d.stats.Pages++
		l.mu.Unlock()
		t := &Ticket{l: l, domain: domain, start: now}
		if l.co != nil {
			if err := l.acquireShared(ctx, t); err != nil {
				t.Done(Outcome{})
				return nil, err
			}
		}
		return t, nil
	}
}

// wait tells the WithWaitObserver function that a page of domain waits for its start until.
func (l *Limiter) wait(domain string, until time.Time) {
	if l.waiting != nil {
		l.waiting(domain, until)
	}
}

// WithWaitObserver has f told whenever a page waits for its domain's next start (the delay
// between starts, a Retry-After, the job's booked start), and until when: a progress line
// says what the crawl waits for. f must be quick and safe for concurrent use.
func WithWaitObserver(f func(domain string, until time.Time)) LimiterOption {
	return func(l *Limiter) { l.waiting = f }
}

// recent drops the starts older than a second.
func recent(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= time.Second {
		i++
	}
	return append(ts[:0], ts[i:]...)
}

// Outcome is how a page load ended. A plain value: safe for concurrent use.
type Outcome struct {
	Status     int           // the document's HTTP status (0: none, e.g. a connection error)
	Latency    time.Duration // how long the load took
	RetryAfter time.Duration // the server's Retry-After, if any
	Failed     bool          // the load failed without a status (reset, timeout)
}

func (o Outcome) overload() bool {
	switch o.Status {
	case 429, 502, 503, 504:
		return true
	}
	return false
}

// Done reports how the page load ended and frees its place. Only the first call counts.
func (t *Ticket) Done(o Outcome) {
	t.once.Do(func() { t.l.done(t, o) })
}

func (l *Limiter) done(t *Ticket, o Outcome) {
	var (
		shared    bool
		delay     time.Duration
		sharedCut bool
	)
	if t.slot != nil {
		delay, sharedCut, shared = l.releaseShared(t, o)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	d := l.dom(t.domain)
	now := l.clock.Now()
	d.inflight--
	close(d.changed)
	d.changed = make(chan struct{})
	if o.overload() {
		d.stats.Overloads++
	}
	if shared { // the job judged the outcome: its delay is the domain's
		d.interval = max(d.floor, delay)
		if sharedCut {
			d.stats.Backoffs++
			d.lastCut = now
		}
		if o.RetryAfter > 0 {
			if until := now.Add(min(o.RetryAfter, l.p.MaxDelay)); until.After(d.next) {
				d.next = until
			}
		}
		return
	}
	if o.RetryAfter > 0 {
		if until := now.Add(min(o.RetryAfter, l.p.MaxDelay)); until.After(d.next) {
			d.next = until
		}
	}
	if l.p.Fixed {
		return
	}
	switch {
	case o.overload():
		l.cut(d, t.start, now, 0.5)
	case o.Failed || l.slow(d, o.Latency):
		l.cut(d, t.start, now, 0.75)
	case o.Status > 0 && o.Status < 500:
		if d.fastest == 0 || o.Latency < d.fastest {
			d.fastest = o.Latency
		}
		l.grow(d)
	}
}

func (l *Limiter) slow(d *domainState, lat time.Duration) bool {
	return d.fastest > 0 && lat > 4*d.fastest && lat-d.fastest > time.Second
}

// cut multiplies the domain's rate by factor, once per round of requests.
func (l *Limiter) cut(d *domainState, sent, now time.Time, factor float64) {
	if !d.lastCut.IsZero() && sent.Before(d.lastCut) {
		return
	}
	rate := fastest
	if d.interval > 0 {
		rate = 1 / d.interval.Seconds()
	}
	d.starts = recent(d.starts, now)
	if n := float64(len(d.starts)); n > 0 && n < rate {
		rate = n // what really went out in the last second
	} else if n == 0 && d.interval == 0 {
		rate = 1
	}
	d.interval = clampDelay(time.Duration(float64(time.Second)/(rate*factor)), d.floor, max(l.p.MaxDelay, d.floor))
	d.lastCut = now
	if next := now.Add(d.interval); next.After(d.next) {
		d.next = next
	}
	d.stats.Backoffs++
}

// grow adds back rate after a healthy answer: Increase pages per second every second.
func (l *Limiter) grow(d *domainState) {
	if d.interval <= d.floor {
		return
	}
	r := 1 / d.interval.Seconds()
	r += l.p.Increase / r
	if r >= fastest {
		d.interval = d.floor
		return
	}
	d.interval = clampDelay(time.Duration(float64(time.Second)/r), d.floor, max(l.p.MaxDelay, d.floor))
}

func clampDelay(d, lo, hi time.Duration) time.Duration {
	return min(max(d, lo), hi)
}
