package retry

import (
	"errors"
	"time"
)

// BreakerPolicy is how each domain's circuit breaker decides. It comes in two forms.
//
// The count form (FailureRatio 0, the default, the guide's): Threshold failures of the domain
// inside Window open it for Cooloff; a success resets the count. Defaults 3, 30s, 60s.
//
// The ratio form (FailureRatio > 0, as Polly v8 and resilience4j do it): over the sliding
// sampling Window (cut into 10 slices, so it slides by a tenth), once at least MinThroughput
// attempts were counted, failures/attempts ≥ FailureRatio opens it for Cooloff. Successes are
// samples, they do not reset anything. For example
// BreakerPolicy{FailureRatio: 0.5, MinThroughput: 10, Window: 30 * time.Second, Cooloff: time.Minute}.
//
// What counts, in both forms: only failures that say the site is unhealthy: server_error,
// rate_limit, connection_reset, network_timeout and unknown. Each counts once per distinct URL
// (host + path + query of Info["url"], else of the *HTTPError's URL) inside the window, so one
// broken page (a 500, a page whose server stalls) retried again and again never opens its
// site's breaker, while a site that is down fails on every URL and opens it; without a URL they
// count each time. Manager.RecordAttempt, the guide's explicit record, counts connection_reset,
// network_timeout and unknown every time, as the guide's example does. Page-level failures
// (selector_not_found, stale_element, page_crash), the permanent types, circuit_open and
// cancellations never count.
//
// After Cooloff the breaker is half-open: exactly one attempt (the probe) goes through; a
// success closes it, a counted failure opens it for another Cooloff, any other outcome gives the
// probe back for the next attempt. Results that arrive while it is open (attempts that started
// before it opened) are ignored.
//
// Zero fields take the defaults (DefaultBreakerThreshold, DefaultBreakerWindow,
// DefaultBreakerCooloff, DefaultBreakerMinThroughput); a FailureRatio above 1 is 1.
//
// A BreakerPolicy is a plain value, safe for concurrent use.
type BreakerPolicy struct {
	Threshold     int           // count form: failures inside Window that open the breaker
	Window        time.Duration // where failures (count form) or samples (ratio form) are counted
	Cooloff       time.Duration // how long it stays open before the half-open probe
	FailureRatio  float64       // > 0 selects the ratio form: the failure share that opens it
	MinThroughput int           // ratio form: attempts in Window before the ratio is trusted
}

// DefaultBreakerMinThroughput is the ratio form's default MinThroughput.
const DefaultBreakerMinThroughput = 10

func (p BreakerPolicy) withDefaults() BreakerPolicy {
	if p.Threshold < 1 {
		p.Threshold = DefaultBreakerThreshold
	}
	if p.Window <= 0 {
		p.Window = DefaultBreakerWindow
	}
	if p.Cooloff <= 0 {
		p.Cooloff = DefaultBreakerCooloff
	}
	if p.FailureRatio < 0 || p.FailureRatio != p.FailureRatio { // NaN
		p.FailureRatio = 0
	}
	if p.FailureRatio > 1 {
		p.FailureRatio = 1
	}
	if p.MinThroughput < 1 {
		p.MinThroughput = DefaultBreakerMinThroughput
	}
	return p
}

// WithBreaker sets the breaker policy, in either form (see BreakerPolicy); zero fields take the
// defaults. It turns the breaker on.
func WithBreaker(p BreakerPolicy) Option {
	return optionFunc(func(m *Manager) {
		m.policy = p.withDefaults()
		m.breakerOn = true
	})
}

// WithBreakerPolicy sets the count form of the breaker: threshold failures for one domain inside
// window open it for cooloff (defaults 3, 30s, 60s; see BreakerPolicy for what counts). Values
// below 1 (threshold) or 0 keep the default.
func WithBreakerPolicy(threshold int, window, cooloff time.Duration) Option {
	return optionFunc(func(m *Manager) {
		p := m.policy
		p.FailureRatio = 0
		if threshold >= 1 {
			p.Threshold = threshold
		}
		if window > 0 {
			p.Window = window
		}
		if cooloff > 0 {
			p.Cooloff = cooloff
		}
		m.policy = p.withDefaults()
	})
}

// DefaultMaxBreakerWait is how long, in all, one call (Run, Do, a PartialRetry item) waits for
// its domain's open breaker or cooloff before it gives up with ErrCircuitOpen. Long, because a
// batch would rather finish late than lose items.
const DefaultMaxBreakerWait = 15 * time.Minute

// BreakerPollInterval is how often an action waiting for a half-open probe that runs elsewhere
// (another Manager on a shared Store, or a caller of CheckDomainCircuitBreaker) asks again,
// through the Manager's Clock. Probes run by the same Manager wake their waiters directly.
const BreakerPollInterval = time.Second

// WithMaxBreakerWait bounds how long one call waits, in all, for its domain's open breaker or
// cooloff (default DefaultMaxBreakerWait). d < 0: never wait, give up at once with
// ErrCircuitOpen; d = 0 keeps the default. A call never starts a wait that its ctx's deadline
// cannot outlive: it gives up at once instead.
func WithMaxBreakerWait(d time.Duration) Option {
	return optionFunc(func(m *Manager) {
		if d != 0 {
			m.maxBreakerWait = d
		}
	})
}

// MaxBreakerWait overrides the Manager's WithMaxBreakerWait for one call (d < 0: never wait;
// 0: the Manager's).
func MaxBreakerWait(d time.Duration) CallOption {
	return callFunc(func(o callOptions) callOptions { o.maxBreakerWait = d; return o })
}

// WithStore makes the Manager keep what it learns in s (default: a MemoryStore of
// WithMemoryLimit entries per table). A nil s keeps the default.
func WithStore(s Store) Option {
	return optionFunc(func(m *Manager) {
		if s != nil {
			m.st = s
		}
	})
}

// outcomeOf says what a failure of type t tells about its site, and whether it counts once per
// URL (see BreakerPolicy).
func outcomeOf(t ErrorType) (o Outcome, perURL bool) {
	switch t {
	case ServerError, RateLimit, ConnectionReset, NetworkTimeout, Unknown:
		return OutcomeSiteFailure, true
	case CircuitOpen:
		return OutcomeIgnored, false
	}
	return OutcomeFailure, false
}

// hostLevel reports whether t says the host did not answer (rather than answered badly).
func hostLevel(t ErrorType) bool {
	return t == ConnectionReset || t == NetworkTimeout || t == Unknown
}

// failureURLKey is the per-URL key of a failure: Info["url"], else the URL of the *HTTPError
// it carries.
func failureURLKey(info Info, err error) uint64 {
	if k := urlKey(info.url()); k != 0 {
		return k
	}
	if he, ok := errors.AsType[*HTTPError](err); ok {
		return urlKey(he.URL)
	}
	return 0
}

// urlKey identifies a URL for the per-URL count: a hash of its host (lower case, no user
// info) + path + query, without scheme or fragment. 0 when u has no host.
func urlKey(u string) uint64 {
	if u == "" {
		return 0
	}
	rest := u
	if i := indexScheme(rest); i >= 0 {
		rest = rest[i:]
	}
	end := len(rest)
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c == '/' || c == '?' || c == '#' {
			end = i
			break
		}
	}
	host, tail := rest[:end], rest[end:]
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == '@' {
			host = host[i+1:]
			break
		}
	}
	if host == "" || hostOf(u) == "" {
		return 0
	}
	for i := 0; i < len(tail); i++ {
		if tail[i] == '#' {
			tail = tail[:i]
			break
		}
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(host); i++ {
		c := host[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	for i := 0; i < len(tail); i++ {
		h ^= uint64(tail[i])
		h *= 1099511628211
	}
	if h == 0 {
		h = 1
	}
	return h
}

// indexScheme returns where the part after "scheme://" or "//" starts, or -1.
func indexScheme(u string) int {
	for i := 0; i+2 < len(u); i++ {
		c := u[i]
		if c == ':' && u[i+1] == '/' && u[i+2] == '/' {
			return i + 3
		}
		if c == '/' || c == '?' || c == '#' {
			if i == 0 && u[1] == '/' {
				return 2
			}
			return -1
		}
	}
	return -1
}
