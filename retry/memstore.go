package retry

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryStore is the in-memory Store, the default of every Manager: what one process learns,
// nothing to start. Every table (domains, patterns, stuck counters) holds at most limit
// entries; when one is full the entry seen least recently goes. A networked Store can keep one
// to decide with local state while its backend is unreachable.
//
// A MemoryStore is safe for concurrent use; one mutex guards it, held only for a map look-up or
// two (never while an action runs).
type MemoryStore struct {
	mu       sync.Mutex
	limit    int
	domains  map[string]*domainEntry
	patterns map[PatternKey]*Pattern
	pending  map[actionDomain]pending // the last failure per action+domain, waiting for a success
	stuck    map[uint64]*stuckRun

	// gated counts the domains that may refuse an attempt (a breaker not closed, a cooloff not
	// yet seen to end). While there are none, the Manager lets attempts through without asking,
	// without even reading the clock: the success path of every action pays nothing for them.
	gated      atomic.Int64
	stuckLen   atomic.Int64 // len(stuck), readable without the lock: no counter, no fingerprint to compute
	cooloffEnd time.Time    // when the last cooloff set ends: then every expired one is cleared at once
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore holding at most limit entries per table
// (DefaultMemoryLimit when limit < 1).
func NewMemoryStore(limit int) *MemoryStore {
	if limit < 1 {
		limit = DefaultMemoryLimit
	}
	return &MemoryStore{
		limit:    limit,
		domains:  make(map[string]*domainEntry),
		patterns: make(map[PatternKey]*Pattern),
		pending:  make(map[actionDomain]pending),
		stuck:    make(map[uint64]*stuckRun),
	}
}

const (
	stateClosed uint8 = iota
	stateOpen
	stateHalfOpen
)

// ratioBuckets is how many slices the ratio form's sampling window is cut into: the window
// slides by a tenth of itself.
const ratioBuckets = 10

// maxRatioKeys bounds the URLs the ratio form remembers per domain to count each once; beyond
// it the oldest is forgotten (and may count again).
const maxRatioKeys = 64

type domainEntry struct {
	breaker      bool // the breaker has counted something: it shows in Stats
	state        uint8
	fails        []keyedFail // failures counted in the window, oldest first (ratio form: their keys only)
	buckets      *[ratioBuckets]bucket
	openedAt     time.Time
	openUntil    time.Time
	probeUntil   time.Time // half-open: a probe is in flight until then (a lease, in case it never reports)
	cooloffUntil time.Time
	last         time.Time
}

type keyedFail struct {
	t   time.Time
	key uint64
}

type bucket struct {
	idx      int64 // which slice of time this is (now / width); a stale idx means empty
	ok, fail int
}

type actionDomain struct{ action, domain string }

type pending struct {
	k    PatternKey
	last time.Time
}

type stuckRun struct {
	t     ErrorType
	count int
	last  time.Time
}

// evictOldest removes the entry of m whose last-seen time is oldest. O(len(m)); it only runs
// when a table is full and a new key arrives.
func evictOldest[K comparable, V any](m map[K]V, last func(V) time.Time) {
	var (
		oldK  K
		oldT  time.Time
		found bool
	)
	for k, v := range m {
		if t := last(v); !found || t.Before(oldT) {
			oldK, oldT, found = k, t, true
		}
	}
	if found {
		delete(m, oldK)
	}
}

// Admit implements Store.
func (s *MemoryStore) Admit(_ context.Context, domain string, now time.Time, p BreakerPolicy, probe bool) Admission {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.cooloffEnd.IsZero() && !now.Before(s.cooloffEnd) {
		s.endCooloffs()
	}
	d := s.domains[domain]
	if d == nil {
		return Admission{Allowed: true}
	}
	defer s.regate(d, d.gated())
	if !d.cooloffUntil.IsZero() {
		if now.Before(d.cooloffUntil) {
			return Admission{Cooloff: true, Wait: d.cooloffUntil.Sub(now)}
		}
		d.cooloffUntil = time.Time{}
	}
	var tr string
	switch d.state {
	case stateClosed:
		return Admission{Allowed: true}
	case stateOpen:
		if now.Before(d.openUntil) {
			return Admission{Wait: d.openUntil.Sub(now)}
		}
		d.state, d.probeUntil = stateHalfOpen, time.Time{}
		tr = EventBreakerHalfOpen
	}
	if now.Before(d.probeUntil) {
		return Admission{HalfOpen: true, Wait: d.probeUntil.Sub(now), Transition: tr}
	}
	if !probe {
		return Admission{Allowed: true, Transition: tr}
	}
	d.probeUntil = now.Add(p.withDefaults().Cooloff)
	d.last = now
	return Admission{Allowed: true, Probe: true, Transition: tr}
}

// Record implements Store.
func (s *MemoryStore) Record(_ context.Context, r Result, now time.Time, p BreakerPolicy, stuckWindow time.Duration) Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out Recorded
	if r.Domain != "" {
		out.Transition = s.breakerResult(r, now, p.withDefaults())
	}
	switch r.Outcome {
	case OutcomeIgnored:
		return out
	case OutcomeSuccess:
		s.patternSuccess(r.Action, r.Domain, r.Solution, now, nil)
		if r.Fingerprint != 0 {
			s.stuckSuccess(r.Fingerprint)
		}
	default:
		s.patternFailure(PatternKey{r.Action, r.Type, r.Domain}, now)
		if r.Fingerprint != 0 {
			out.Stuck = s.stuckFailure(r.Fingerprint, r.Type, now, stuckWindow)
		}
	}
	return out
}

func (d *domainEntry) gated() bool { return d.state != stateClosed || !d.cooloffUntil.IsZero() }

// endCooloffs clears every cooloff once the last one has ended, so that a domain nobody asks
// for again does not keep the store gated.
func (s *MemoryStore) endCooloffs() {
	for _, d := range s.domains {
		if !d.cooloffUntil.IsZero() {
			was := d.gated()
			d.cooloffUntil = time.Time{}
			s.regate(d, was)
		}
	}
	s.cooloffEnd = time.Time{}
}

// regate keeps the gated count right after d changed.
func (s *MemoryStore) regate(d *domainEntry, was bool) {
	switch now := d.gated(); {
	case now && !was:
		s.gated.Add(1)
	case was && !now:
		s.gated.Add(-1)
	}
}

// entry returns domain's entry, creating it (and making room) when create is set.
func (s *MemoryStore) entry(domain string, create bool) *domainEntry {
	d := s.domains[domain]
	if d == nil && create {
		if len(s.domains) >= s.limit {
			s.evictDomain()
		}
		d = &domainEntry{}
		s.domains[domain] = d
	}
	return d
}

func (s *MemoryStore) evictDomain() {
	var (
		oldK string
		oldD *domainEntry
	)
	for k, d := range s.domains {
		if oldD == nil || d.last.Before(oldD.last) {
			oldK, oldD = k, d
		}
	}
	if oldD != nil {
		s.regate(&domainEntry{}, oldD.gated())
		delete(s.domains, oldK)
	}
}

func (s *MemoryStore) breakerResult(r Result, now time.Time, p BreakerPolicy) string {
	// The ratio form samples successes too; the count form only needs an entry once a failure
	// counts, or for a cooloff.
	d := s.entry(r.Domain, r.Cooloff > 0 || r.Outcome == OutcomeSiteFailure || p.FailureRatio > 0 && r.Outcome == OutcomeSuccess)
	if d == nil {
		return ""
	}
	defer s.regate(d, d.gated())
	d.last = now
	if r.Cooloff > 0 {
		if until := now.Add(r.Cooloff); until.After(d.cooloffUntil) {
			d.cooloffUntil = until
			if until.After(s.cooloffEnd) {
				s.cooloffEnd = until
			}
		}
	}
	if d.state != stateClosed && now.Before(d.openedAt) {
		return "" // a straggler: the attempt started before the breaker opened
	}
	if d.state == stateOpen {
		if now.Before(d.openUntil) {
			if r.Outcome != OutcomeSuccess {
				return "" // it is open already
			}
			// A success seen after it opened (a caller that did not ask, RecordAttempt): the
			// site answers again.
			d.state, d.probeUntil = stateClosed, time.Time{}
			d.reset()
			return EventBreakerClosed
		}
		d.state = stateHalfOpen // the cooloff has passed; nobody asked yet
	}
	if d.state == stateHalfOpen {
		switch r.Outcome {
		case OutcomeSuccess:
			d.state, d.probeUntil = stateClosed, time.Time{}
			d.reset()
			return EventBreakerClosed
		case OutcomeSiteFailure:
			d.open(now, p)
			return EventBreakerOpen
		}
		d.probeUntil = time.Time{} // the probe answered, but says nothing about the site's health
		return ""
	}
	switch r.Outcome {
	case OutcomeSuccess:
		if p.FailureRatio > 0 {
			d.sample(now, p, false)
		} else {
			d.fails = d.fails[:0] // a success resets the count
		}
		return ""
	case OutcomeSiteFailure:
		d.breaker = true
		if d.counted(r.Key, now, p) {
			return ""
		}
		if p.FailureRatio > 0 {
			if r.Key != 0 {
				if len(d.fails) >= maxRatioKeys {
					d.fails = d.fails[:copy(d.fails, d.fails[1:])]
				}
				d.fails = append(d.fails, keyedFail{now, r.Key})
			}
			if ok, fail := d.sample(now, p, true); ok+fail >= p.MinThroughput && float64(fail) >= p.FailureRatio*float64(ok+fail) {
				d.open(now, p)
				return EventBreakerOpen
			}
			return ""
		}
		d.fails = append(d.fails, keyedFail{now, r.Key})
		if len(d.fails) >= p.Threshold {
			d.open(now, p)
			return EventBreakerOpen
		}
	}
	return ""
}

// recordSuccess is Record for a success whose attempt started while no domain was gated, so
// that the Manager neither asked Admit nor read the clock: it reads clock only if something
// needs the time, and a breaker that opened while the attempt ran ignores it (a straggler).
func (s *MemoryStore) recordSuccess(r Result, p BreakerPolicy, clock Clock) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var now time.Time
	if r.Domain != "" {
		d := s.domains[r.Domain]
		if d == nil && p.FailureRatio > 0 {
			d = s.entry(r.Domain, true)
		}
		if d != nil && d.state == stateClosed {
			now = clock.Now()
			d.last = now
			if p.FailureRatio > 0 {
				d.sample(now, p, false)
			} else {
				d.fails = d.fails[:0]
			}
		}
	}
	s.patternSuccess(r.Action, r.Domain, r.Solution, now, clock)
	if r.Fingerprint != 0 {
		s.stuckSuccess(r.Fingerprint)
	}
}

// counted drops the failures older than the window and reports whether key already counted
// inside it.
func (d *domainEntry) counted(key uint64, now time.Time, p BreakerPolicy) bool {
	cut := now.Add(-p.Window)
	i := 0
	for i < len(d.fails) && d.fails[i].t.Before(cut) {
		i++
	}
	if i > 0 {
		d.fails = d.fails[:copy(d.fails, d.fails[i:])]
	}
	if key == 0 {
		return false
	}
	for _, f := range d.fails {
		if f.key == key {
			return true
		}
	}
	return false
}

// sample adds one attempt to the ratio form's window and returns the window's totals.
func (d *domainEntry) sample(now time.Time, p BreakerPolicy, failed bool) (ok, fail int) {
	if d.buckets == nil {
		d.buckets = new([ratioBuckets]bucket)
	}
	width := max(int64(p.Window)/ratioBuckets, 1)
	idx := floorDiv(now.UnixNano(), width)
	b := &d.buckets[mod(idx, ratioBuckets)]
	if b.idx != idx {
		*b = bucket{idx: idx}
	}
	if failed {
		b.fail++
	} else {
		b.ok++
	}
	for i := range d.buckets {
		if b := &d.buckets[i]; b.idx > idx-ratioBuckets && b.idx <= idx {
			ok += b.ok
			fail += b.fail
		}
	}
	return ok, fail
}

func (d *domainEntry) window(now time.Time, p BreakerPolicy) (ok, fail int) {
	if d.buckets == nil {
		return 0, 0
	}
	idx := floorDiv(now.UnixNano(), max(int64(p.Window)/ratioBuckets, 1))
	for i := range d.buckets {
		if b := &d.buckets[i]; b.idx > idx-ratioBuckets && b.idx <= idx {
			ok += b.ok
			fail += b.fail
		}
	}
	return ok, fail
}

func (d *domainEntry) open(now time.Time, p BreakerPolicy) {
	d.state, d.openedAt, d.openUntil, d.probeUntil = stateOpen, now, now.Add(p.Cooloff), time.Time{}
	d.reset()
}

func (d *domainEntry) reset() {
	d.fails = d.fails[:0]
	if d.buckets != nil {
		*d.buckets = [ratioBuckets]bucket{}
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// Snapshot implements Store.
func (s *MemoryStore) Snapshot(_ context.Context, now time.Time, p BreakerPolicy) StoreStats {
	p = p.withDefaults()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := StoreStats{Breakers: make(map[string]BreakerState), Cooloffs: make(map[string]time.Time)}
	cut := now.Add(-p.Window)
	for name, d := range s.domains {
		if now.Before(d.cooloffUntil) {
			out.Cooloffs[name] = d.cooloffUntil
		}
		if !d.breaker {
			continue
		}
		st := BreakerState{State: "closed"}
		switch {
		case d.state == stateOpen && now.Before(d.openUntil):
			st = BreakerState{State: "open", OpenUntil: d.openUntil}
		case d.state != stateClosed:
			st = BreakerState{State: "half_open", OpenUntil: d.openUntil}
		case p.FailureRatio > 0:
			_, st.Failures = d.window(now, p)
		default:
			for _, f := range d.fails {
				if !f.t.Before(cut) {
					st.Failures++
				}
			}
		}
		out.Breakers[name] = st
	}
	for _, pt := range s.patterns {
		if pt.Solution != "" {
			out.PatternsWithSolutions++
		}
	}
	out.KnownPatterns = len(s.patterns)
	return out
}

func (s *MemoryStore) patternFailure(k PatternKey, now time.Time) {
	p := s.patterns[k]
	if p == nil {
		if len(s.patterns) >= s.limit {
			evictOldest(s.patterns, func(p *Pattern) time.Time { return p.Last })
		}
		p = &Pattern{}
		s.patterns[k] = p
	}
	p.Failures++
	p.Last = now
	ad := actionDomain{k.Action, k.Domain}
	if _, ok := s.pending[ad]; !ok && len(s.pending) >= s.limit {
		evictOldest(s.pending, func(p pending) time.Time { return p.last })
	}
	s.pending[ad] = pending{k: k, last: now}
}

// patternSuccess gives solution to the pattern of the last failure of action on domain. With a
// zero now it reads clock, only if it needs the time.
func (s *MemoryStore) patternSuccess(action, domain, solution string, now time.Time, clock Clock) {
	if len(s.pending) == 0 {
		return
	}
	ad := actionDomain{action, domain}
	pd, ok := s.pending[ad]
	if !ok {
		return
	}
	delete(s.pending, ad)
	p := s.patterns[pd.k]
	if p == nil || solution == "" {
		return
	}
	if now.IsZero() {
		now = clock.Now()
	}
	if p.Solution == solution {
		p.Solved++
	} else {
		p.Solution, p.Solved = solution, 1
	}
	p.Last = now
}

// Pattern implements Store.
func (s *MemoryStore) Pattern(_ context.Context, k PatternKey) (Pattern, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.patterns[k]
	if p == nil {
		return Pattern{}, false
	}
	return *p, true
}

func (s *MemoryStore) stuckFailure(fp uint64, t ErrorType, now time.Time, window time.Duration) int {
	r := s.stuck[fp]
	if r == nil {
		if len(s.stuck) >= s.limit {
			evictOldest(s.stuck, func(r *stuckRun) time.Time { return r.last })
		}
		r = &stuckRun{}
		s.stuck[fp] = r
		s.stuckLen.Store(int64(len(s.stuck)))
	}
	if r.t != t || now.Sub(r.last) > window {
		r.t, r.count = t, 0
	}
	r.count++
	r.last = now
	return r.count
}

func (s *MemoryStore) stuckSuccess(fp uint64) {
	if len(s.stuck) > 0 {
		delete(s.stuck, fp)
		s.stuckLen.Store(int64(len(s.stuck)))
	}
}

// stuckCount is StuckCount reading clock only when there is a counter to compare with.
func (s *MemoryStore) stuckCount(fp uint64, t ErrorType, clock Clock, window time.Duration) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.stuck[fp]
	if r == nil || r.t != t || clock.Now().Sub(r.last) > window {
		return 0
	}
	return r.count
}

// StuckCount implements Store.
func (s *MemoryStore) StuckCount(_ context.Context, fp uint64, t ErrorType, now time.Time, window time.Duration) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.stuck[fp]
	if r == nil || r.t != t || now.Sub(r.last) > window {
		return 0
	}
	return r.count
}
