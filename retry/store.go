package retry

import (
	"sync"
	"time"
)

// store keeps what a Manager learns: circuit breakers per domain, failure patterns with the
// solutions that fixed them, and stuck-loop counters. Each method is one atomic step, so a
// store shared by many workers (a database, Redis) can replace the in-memory one later without
// any caller changing. Implementations must be safe for concurrent use.
type store interface {
	// breakerAllow says whether an attempt may go to domain now. acquire takes the single
	// half-open probe; without it the call only looks. remaining is the cooloff left when not
	// allowed (0 while a half-open probe is in flight). transition is an Event kind or "".
	breakerAllow(domain string, now time.Time, p breakerPolicy, acquire bool) (allowed bool, remaining time.Duration, transition string)
	// breakerResult records an attempt's outcome. A failure with counts=false (permanent types,
	// cancellation) does not count; it only gives back a half-open probe.
	breakerResult(domain string, now time.Time, p breakerPolicy, success, counts bool) (transition string)
	breakerStates(now time.Time, p breakerPolicy) map[string]BreakerState

	patternFailure(k patternKey, now time.Time)
	patternSuccess(action, domain, solution string, now time.Time)
	pattern(k patternKey) (patternStat, bool)
	patternCounts() (known, withSolutions int)

	// stuckFailure counts one more failure of type t for the fingerprint and returns the run of
	// consecutive same-type failures (no gap longer than window). stuckCount only reads it.
	stuckFailure(fp uint64, t ErrorType, now time.Time, window time.Duration) int
	stuckCount(fp uint64, t ErrorType, now time.Time, window time.Duration) int
	stuckSuccess(fp uint64)
}

type breakerPolicy struct {
	threshold       int
	window, cooloff time.Duration
}

const (
	stateClosed uint8 = iota
	stateOpen
	stateHalfOpen
)

type breaker struct {
	state      uint8
	fails      []time.Time // failures inside the window, oldest first; fewer than threshold
	openUntil  time.Time
	probeUntil time.Time // half-open: a probe is in flight until then (a lease, in case it never reports)
	last       time.Time
}

type patternKey struct {
	action string
	t      ErrorType
	domain string
}

type patternStat struct {
	failures int
	solution string // the repair that preceded the next success
	solved   int    // how many times solution worked
	last     time.Time
}

type actionDomain struct{ action, domain string }

type pending struct {
	k    patternKey
	last time.Time
}

type stuckRun struct {
	t     ErrorType
	count int
	last  time.Time
}

// memStore is the in-memory store. Every table holds at most limit entries; when one is full the
// entry seen least recently goes.
type memStore struct {
	mu       sync.Mutex
	limit    int
	breakers map[string]*breaker
	patterns map[patternKey]*patternStat
	pending  map[actionDomain]pending // the last failure per action+domain, waiting for a success
	stuck    map[uint64]*stuckRun
}

func newMemStore(limit int) *memStore {
	if limit < 1 {
		limit = 1
	}
	return &memStore{
		limit:    limit,
		breakers: make(map[string]*breaker),
		patterns: make(map[patternKey]*patternStat),
		pending:  make(map[actionDomain]pending),
		stuck:    make(map[uint64]*stuckRun),
	}
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

func (s *memStore) breakerAllow(domain string, now time.Time, p breakerPolicy, acquire bool) (bool, time.Duration, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.breakers[domain]
	if b == nil || b.state == stateClosed {
		return true, 0, ""
	}
	var tr string
	if b.state == stateOpen {
		if now.Before(b.openUntil) {
			return false, b.openUntil.Sub(now), ""
		}
		b.state = stateHalfOpen
		b.probeUntil = time.Time{}
		tr = EventBreakerHalfOpen
	}
	if now.Before(b.probeUntil) {
		return false, 0, tr
	}
	if acquire {
		b.probeUntil = now.Add(p.cooloff)
		b.last = now
	}
	return true, 0, tr
}

func (s *memStore) breakerResult(domain string, now time.Time, p breakerPolicy, success, counts bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.breakers[domain]
	if success || !counts {
		if b == nil {
			return ""
		}
		b.last = now
		if !success {
			b.probeUntil = time.Time{} // the probe answered, but says nothing about health
			return ""
		}
		prev := b.state
		b.state, b.fails, b.probeUntil = stateClosed, b.fails[:0], time.Time{}
		if prev != stateClosed {
			return EventBreakerClosed
		}
		return ""
	}
	if b == nil {
		if len(s.breakers) >= s.limit {
			evictOldest(s.breakers, func(b *breaker) time.Time { return b.last })
		}
		b = &breaker{fails: make([]time.Time, 0, min(p.threshold, 8))}
		s.breakers[domain] = b
	}
	b.last = now
	switch b.state {
	case stateOpen:
		if now.Before(b.openUntil) {
			return "" // a straggler from before it opened
		}
		fallthrough
	case stateHalfOpen:
		b.state, b.openUntil, b.probeUntil, b.fails = stateOpen, now.Add(p.cooloff), time.Time{}, b.fails[:0]
		return EventBreakerOpen
	}
	b.fails = dropBefore(b.fails, now.Add(-p.window))
	b.fails = append(b.fails, now)
	if len(b.fails) >= p.threshold {
		b.state, b.openUntil, b.fails = stateOpen, now.Add(p.cooloff), b.fails[:0]
		return EventBreakerOpen
	}
	return ""
}

// dropBefore removes the times before cut from the front of ts, in place.
func dropBefore(ts []time.Time, cut time.Time) []time.Time {
	i := 0
	for i < len(ts) && ts[i].Before(cut) {
		i++
	}
	if i == 0 {
		return ts
	}
	n := copy(ts, ts[i:])
	return ts[:n]
}

func (s *memStore) breakerStates(now time.Time, p breakerPolicy) map[string]BreakerState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]BreakerState, len(s.breakers))
	cut := now.Add(-p.window)
	for d, b := range s.breakers {
		st := BreakerState{State: "closed"}
		switch {
		case b.state == stateOpen && now.Before(b.openUntil):
			st = BreakerState{State: "open", OpenUntil: b.openUntil}
		case b.state != stateClosed:
			st = BreakerState{State: "half_open", OpenUntil: b.openUntil}
		default:
			for _, t := range b.fails {
				if !t.Before(cut) {
					st.Failures++
				}
			}
		}
		out[d] = st
	}
	return out
}

func (s *memStore) patternFailure(k patternKey, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.patterns[k]
	if p == nil {
		if len(s.patterns) >= s.limit {
			evictOldest(s.patterns, func(p *patternStat) time.Time { return p.last })
		}
		p = &patternStat{}
		s.patterns[k] = p
	}
	p.failures++
	p.last = now
	ad := actionDomain{k.action, k.domain}
	if _, ok := s.pending[ad]; !ok && len(s.pending) >= s.limit {
		evictOldest(s.pending, func(p pending) time.Time { return p.last })
	}
	s.pending[ad] = pending{k: k, last: now}
}

func (s *memStore) patternSuccess(action, domain, solution string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	if p.solution == solution {
		p.solved++
	} else {
		p.solution, p.solved = solution, 1
	}
	p.last = now
}

func (s *memStore) pattern(k patternKey) (patternStat, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.patterns[k]
	if p == nil {
		return patternStat{}, false
	}
	return *p, true
}

func (s *memStore) patternCounts() (known, withSolutions int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.patterns {
		if p.solution != "" {
			withSolutions++
		}
	}
	return len(s.patterns), withSolutions
}

func (s *memStore) stuckFailure(fp uint64, t ErrorType, now time.Time, window time.Duration) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.stuck[fp]
	if r == nil {
		if len(s.stuck) >= s.limit {
			evictOldest(s.stuck, func(r *stuckRun) time.Time { return r.last })
		}
		r = &stuckRun{}
		s.stuck[fp] = r
	}
	if r.t != t || now.Sub(r.last) > window {
		r.t, r.count = t, 0
	}
	r.count++
	r.last = now
	return r.count
}

func (s *memStore) stuckCount(fp uint64, t ErrorType, now time.Time, window time.Duration) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.stuck[fp]
	if r == nil || r.t != t || now.Sub(r.last) > window {
		return 0
	}
	return r.count
}

func (s *memStore) stuckSuccess(fp uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.stuck, fp)
}
