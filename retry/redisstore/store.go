package redisstore

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/retry"
)

// The defaults of the options, documented once.
const (
	DefaultPrefix     = "default"             // keys under smartretry:{default}:engine:
	DefaultTimeout    = 50 * time.Millisecond // a call slower than this is decided locally
	DefaultTTL        = 24 * time.Hour        // a key expires this long after its last write
	DefaultMinBackoff = 100 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second // reconnection attempts back off from min to max
)

// Store is a retry.Store kept in Redis, shared by every Manager (in any process, on any
// machine) that uses the same Redis and Prefix. Each method is one Lua script (EVALSHA), one
// round trip, atomic on the server; no lock is held while an action runs.
//
// When Redis does not answer within the Timeout (unreachable, restarting, slow), the call is
// decided by a local retry.MemoryStore instead, the Store logs it once and reconnects in the
// background with backoff; once Redis answers again (within the Timeout) it goes back to the
// shared state. The local store also learns every result while Redis answers, so that what
// this process saw is not forgotten during an outage.
//
// A Store is safe for concurrent use. Close it to stop its background reconnection and its
// connections.
type Store struct {
	c       *redis.Client // its own connections: the caller's client options, with the deadline as a context timeout
	addr    string
	secret  string // the password, removed from every error logged
	k       keys
	timeout time.Duration
	ttl     time.Duration
	limit   int
	backoff [2]time.Duration
	log     *zap.Logger
	local   *retry.MemoryStore

	shared atomic.Bool // Redis answers: decisions are shared

	mu       sync.Mutex
	closed   bool
	stop     chan struct{}
	wg       sync.WaitGroup
	backAt   time.Time     // when Redis last answered again
	lastWait time.Duration // the backoff that reconnection had reached then
}

var _ retry.Store = (*Store)(nil)

// Option configures a Store in New. Options are immutable values, safe to share.
type Option interface{ apply(*Store) }

type optionFunc func(*Store)

func (f optionFunc) apply(s *Store) { f(s) }

// Prefix names the namespace of the shared state (default "default"): its keys are
// smartretry:{name}:engine:…, in one hash slot. Managers that share a Redis and a prefix share
// their breakers, cooloffs, patterns and stuck counters; `smartretry run --queue` uses the job's
// name.
func Prefix(name string) Option {
	return optionFunc(func(s *Store) {
		if name != "" {
			s.k = newKeys(name)
		}
	})
}

// Timeout is the longest a call waits for Redis (default 50ms; d ≤ 0 keeps it). A slower or
// failed call is decided with local state.
func Timeout(d time.Duration) Option {
	return optionFunc(func(s *Store) {
		if d > 0 {
			s.timeout = d
		}
	})
}

// TTL is how long the keys live after their last write (default 24h; at least a minute). Keep
// it longer than the breaker's cooloff and the longest Retry-After honoured: an expired domain
// starts closed.
func TTL(d time.Duration) Option {
	return optionFunc(func(s *Store) {
		if d > 0 {
			s.ttl = max(d, time.Minute)
		}
	})
}

// Limit caps each table (domains, patterns, pending solutions, stuck counters) at n entries,
// the least recently seen going first, in Redis and in the local fallback (default
// retry.DefaultMemoryLimit).
func Limit(n int) Option {
	return optionFunc(func(s *Store) {
		if n >= 1 {
			s.limit = n
		}
	})
}

// Logger gets one warning when Redis stops answering and one when it answers again (default:
// no log). The password never appears in them.
func Logger(l *zap.Logger) Option {
	return optionFunc(func(s *Store) {
		if l != nil {
			s.log = l
		}
	})
}

// Reconnect sets the backoff of the background reconnection: from min, doubling, up to max
// (defaults 100ms and 5s).
func Reconnect(min, max time.Duration) Option {
	return optionFunc(func(s *Store) {
		if min > 0 && max >= min {
			s.backoff = [2]time.Duration{min, max}
		}
	})
}

// New returns a Store in the Redis of client. It opens its own connections with client's
// options (address, password, TLS, database), bounded by the Timeout and never retried by
// go-redis; client itself is not used after New and stays the caller's to close. New does not
// contact Redis: the first call does (a Redis that does not answer then is an outage like any
// other).
func New(client *redis.Client, opts ...Option) *Store {
	s := &Store{
		k:       newKeys(DefaultPrefix),
		timeout: DefaultTimeout,
		ttl:     DefaultTTL,
		limit:   retry.DefaultMemoryLimit,
		backoff: [2]time.Duration{DefaultMinBackoff, DefaultMaxBackoff},
		log:     zap.NewNop(),
		stop:    make(chan struct{}),
	}
	for _, o := range opts {
		if o != nil {
			o.apply(s)
		}
	}
	o := *client.Options()
	o.ContextTimeoutEnabled = true // the deadline of each call is the Timeout…
	o.MaxRetries = -1              // …and a failed call is decided locally, not retried
	o.DialerRetries = 1
	o.PoolTimeout = s.timeout
	s.addr, s.secret = o.Addr, o.Password
	s.c = redis.NewClient(&o)
	s.local = retry.NewMemoryStore(s.limit)
	s.shared.Store(true)
	return s
}

// Shared reports whether the Store decides with the shared state in Redis now (false: Redis
// did not answer, decisions are local until it does).
func (s *Store) Shared() bool { return s.shared.Load() }

// Close stops the background reconnection and closes the Store's connections. Later calls are
// decided with local state. Close is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.shared.Store(false)
	close(s.stop)
	s.mu.Unlock()
	s.wg.Wait()
	return s.c.Close()
}

// keys are the Redis keys of one prefix.
type keys struct {
	base                                 string // smartretry:{name}:engine:, the start of every key
	domain                               string // + domain name: its breaker and cooloff
	domains, patterns, solved, patternsZ string
	pending, pendingZ, stuck, stuckZ     string
	snapshot                             []string // the KEYS of snapshotScript
}

func newKeys(name string) keys {
	base := "smartretry:{" + name + "}:engine:"
	k := keys{
		base:   base,
		domain: base + "d:", domains: base + "domains",
		patterns: base + "patterns", solved: base + "solved", patternsZ: base + "patterns:z",
		pending: base + "pending", pendingZ: base + "pending:z", stuck: base + "stuck", stuckZ: base + "stuck:z",
	}
	k.snapshot = []string{k.domains, k.patterns, k.solved}
	return k
}

// call runs a script within the Timeout. ok false: Redis did not answer (decide locally).
func (s *Store) call(ctx context.Context, sc *redis.Script, keys []string, args ...any) ([]any, bool) {
	if !s.shared.Load() {
		return nil, false
	}
	// The caller's cancellation or deadline does not cut a call short: the Timeout bounds it
	// anyway, a result lost is worse than one recorded late, and a caller that left is no sign
	// that Redis is down.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
	res, err := sc.Run(cctx, s.c, keys, args...).Slice()
	cancel()
	if err != nil {
		s.fail(err)
		return nil, false
	}
	return res, true
}

// fail switches to local decisions after an error, logs it once and starts reconnecting.
func (s *Store) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || !s.shared.Load() {
		return
	}
	s.shared.Store(false)
	s.log.Warn("shared engine state: Redis does not answer; deciding with local state until it does",
		zap.String("redis", s.addr), zap.Duration("timeout", s.timeout), zap.String("error", s.redact(err)))
	// A Redis that comes and goes (slow, overloaded) is not retried at the minimum backoff again
	// and again: an outage soon after the last one goes on from where that one's backoff was.
	wait := s.backoff[0]
	if !s.backAt.IsZero() && time.Since(s.backAt) < time.Minute {
		wait = min(2*s.lastWait, s.backoff[1])
	}
	s.wg.Add(1)
	go s.reconnect(wait)
}

// reconnect pings Redis with backoff until it answers within the Timeout (or Close), then goes
// back to the shared state.
func (s *Store) reconnect(wait time.Duration) {
	defer s.wg.Done()
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		if s.answers() {
			s.mu.Lock()
			if !s.closed {
				s.backAt, s.lastWait = time.Now(), wait
				s.shared.Store(true)
				s.log.Warn("shared engine state: Redis answers again; back to shared state", zap.String("redis", s.addr))
			}
			s.mu.Unlock()
			return
		}
		wait = min(2*wait, s.backoff[1])
		t.Reset(wait)
	}
}

// answers reports whether Redis is back: a connection (which may take longer than the
// Timeout to open: it is made here, not by an action), the scripts loaded (so that the next
// calls are one round trip each), then a PING within the Timeout.
func (s *Store) answers() bool {
	ctx, cancel := context.WithTimeout(context.Background(), max(time.Second, 10*s.timeout))
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for _, sc := range []*redis.Script{admitScript, recordScript, snapshotScript} {
		if err := sc.Load(ctx, s.c).Err(); err != nil {
			return false
		}
	}
	pctx, pcancel := context.WithTimeout(ctx, s.timeout)
	defer pcancel()
	return s.c.Ping(pctx).Err() == nil
}

// redact is err's text without the password.
func (s *Store) redact(err error) string {
	msg := err.Error()
	if s.secret != "" {
		msg = strings.ReplaceAll(msg, s.secret, "xxxxx")
	}
	return msg
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func durMS(d time.Duration) int64 { return max(d.Milliseconds(), 0) }

func fromMS(v any) time.Duration {
	n, _ := v.(int64)
	return time.Duration(n) * time.Millisecond
}

func flag(v any) bool { n, _ := v.(int64); return n != 0 }

// policy fills in p's defaults as the Manager does (a Manager always passes them filled).
func policy(p retry.BreakerPolicy) retry.BreakerPolicy {
	if p.Threshold < 1 {
		p.Threshold = retry.DefaultBreakerThreshold
	}
	if p.Window <= 0 {
		p.Window = retry.DefaultBreakerWindow
	}
	if p.Cooloff <= 0 {
		p.Cooloff = retry.DefaultBreakerCooloff
	}
	if p.FailureRatio < 0 || p.FailureRatio != p.FailureRatio {
		p.FailureRatio = 0
	}
	p.FailureRatio = min(p.FailureRatio, 1)
	if p.MinThroughput < 1 {
		p.MinThroughput = retry.DefaultBreakerMinThroughput
	}
	return p
}

// Admit implements retry.Store.
func (s *Store) Admit(ctx context.Context, domain string, now time.Time, p retry.BreakerPolicy, probe bool) retry.Admission {
	p = policy(p)
	take := "0"
	if probe {
		take = "1"
	}
	res, ok := s.call(ctx, admitScript, []string{s.k.domain + domain}, ms(now), durMS(p.Cooloff), take, s.ttl.Milliseconds())
	if !ok || len(res) < 6 {
		return s.local.Admit(ctx, domain, now, p, probe)
	}
	a := retry.Admission{Allowed: flag(res[0]), Probe: flag(res[1]), Cooloff: flag(res[2]), HalfOpen: flag(res[3]), Wait: fromMS(res[4])}
	if flag(res[5]) {
		a.Transition = retry.EventBreakerHalfOpen
	}
	if a.Cooloff {
		// Remember the shared cooloff here too, in case Redis goes before it ends.
		s.local.Record(ctx, retry.Result{Domain: domain, Outcome: retry.OutcomeIgnored, Cooloff: a.Wait}, now, p, 0)
	}
	return a
}

// Record implements retry.Store.
func (s *Store) Record(ctx context.Context, r retry.Result, now time.Time, p retry.BreakerPolicy, stuckWindow time.Duration) retry.Recorded {
	p = policy(p)
	local := s.local.Record(ctx, r, now, p, stuckWindow)
	if !s.shared.Load() {
		return local
	}
	typ := strconv.Itoa(int(r.Type))
	ks := []string{s.k.domain + r.Domain, s.k.domains, s.k.patterns, s.k.solved, s.k.patternsZ,
		s.k.pending, s.k.pendingZ, s.k.stuck, s.k.stuckZ}
	res, ok := s.call(ctx, recordScript, ks,
		ms(now), r.Domain, int(r.Outcome), strconv.FormatUint(r.Key, 10), typ,
		patternField(r.Action, typ, r.Domain), r.Action+"\x00"+r.Domain, r.Solution,
		strconv.FormatUint(r.Fingerprint, 10), durMS(r.Cooloff),
		p.Threshold, max(durMS(p.Window), 1), durMS(p.Cooloff), strconv.FormatFloat(p.FailureRatio, 'g', -1, 64),
		p.MinThroughput, durMS(stuckWindow), s.ttl.Milliseconds(), s.limit, s.k.domain)
	if !ok || len(res) < 2 {
		return local
	}
	var out retry.Recorded
	switch n, _ := res[0].(int64); n {
	case 1:
		out.Transition = retry.EventBreakerOpen
	case 2:
		out.Transition = retry.EventBreakerClosed
	}
	n, _ := res[1].(int64)
	out.Stuck = int(n)
	return out
}

func patternField(action, typ, domain string) string { return action + "\x00" + typ + "\x00" + domain }

// StuckCount implements retry.Store: one HGET.
func (s *Store) StuckCount(ctx context.Context, fp uint64, t retry.ErrorType, now time.Time, window time.Duration) int {
	v, ok := s.get(ctx, s.k.stuck, strconv.FormatUint(fp, 10))
	if !ok {
		return s.local.StuckCount(ctx, fp, t, now, window)
	}
	parts := strings.SplitN(v, ":", 3)
	if len(parts) != 3 || parts[0] != strconv.Itoa(int(t)) {
		return 0
	}
	count, _ := strconv.Atoi(parts[1])
	last, _ := strconv.ParseInt(parts[2], 10, 64)
	if ms(now)-last > durMS(window) {
		return 0
	}
	return count
}

// Pattern implements retry.Store: one HGET.
func (s *Store) Pattern(ctx context.Context, k retry.PatternKey) (retry.Pattern, bool) {
	v, ok := s.get(ctx, s.k.patterns, patternField(k.Action, strconv.Itoa(int(k.Type)), k.Domain))
	if !ok {
		return s.local.Pattern(ctx, k)
	}
	parts := strings.SplitN(v, ":", 4)
	if len(parts) != 4 {
		return retry.Pattern{}, false
	}
	failures, _ := strconv.Atoi(parts[0])
	solved, _ := strconv.Atoi(parts[1])
	last, _ := strconv.ParseInt(parts[2], 10, 64)
	return retry.Pattern{Failures: failures, Solved: solved, Solution: parts[3], Last: time.UnixMilli(last)}, true
}

// get reads one hash field: ok false when Redis did not answer; "" when the field is absent.
func (s *Store) get(ctx context.Context, key, field string) (string, bool) {
	if !s.shared.Load() {
		return "", false
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
	defer cancel()
	v, err := s.c.HGet(cctx, key, field).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return "", true
	case err != nil:
		s.fail(err)
		return "", false
	}
	return v, true
}

// Snapshot implements retry.Store.
func (s *Store) Snapshot(ctx context.Context, now time.Time, p retry.BreakerPolicy) retry.StoreStats {
	p = policy(p)
	res, ok := s.call(ctx, snapshotScript, s.k.snapshot, s.k.domain)
	if !ok || len(res) < 2 {
		return s.local.Snapshot(ctx, now, p)
	}
	out := retry.StoreStats{Breakers: map[string]retry.BreakerState{}, Cooloffs: map[string]time.Time{}}
	n, _ := res[0].(int64)
	solved, _ := res[1].(int64)
	out.KnownPatterns, out.PatternsWithSolutions = int(n), int(solved)
	at := func(v int64) time.Time { return time.UnixMilli(v).In(now.Location()) }
	nowMS, window := ms(now), max(durMS(p.Window), 1)
	for i := 2; i+1 < len(res); i += 2 {
		name, _ := res[i].(string)
		flat, _ := res[i+1].([]any)
		h := make(map[string]string, len(flat)/2)
		for j := 0; j+1 < len(flat); j += 2 {
			k, _ := flat[j].(string)
			v, _ := flat[j+1].(string)
			h[k] = v
		}
		num := func(f string) (int64, bool) {
			v, ok := h[f]
			if !ok {
				return 0, false
			}
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
		if cu, ok := num("cu"); ok && nowMS < cu {
			out.Cooloffs[name] = at(cu)
		}
		if h["br"] != "1" {
			continue
		}
		st, _ := num("st")
		ou, _ := num("ou")
		bs := retry.BreakerState{State: "closed"}
		switch {
		case st == 1 && nowMS < ou:
			bs = retry.BreakerState{State: "open", OpenUntil: at(ou)}
		case st != 0:
			bs = retry.BreakerState{State: "half_open", OpenUntil: at(ou)}
		case p.FailureRatio > 0:
			idx := floorDiv(nowMS, max(window/10, 1))
			for b := range 10 {
				var bi, fail int64
				if parts := strings.Split(h["b"+strconv.Itoa(b)], ":"); len(parts) == 3 {
					bi, _ = strconv.ParseInt(parts[0], 10, 64)
					fail, _ = strconv.ParseInt(parts[2], 10, 64)
				} else {
					continue
				}
				if bi > idx-10 && bi <= idx {
					bs.Failures += int(fail)
				}
			}
		default:
			for f := range strings.SplitSeq(h["fl"], ",") {
				t, _, found := strings.Cut(f, ":")
				if v, err := strconv.ParseInt(t, 10, 64); found && err == nil && v >= nowMS-window {
					bs.Failures++
				}
			}
		}
		out.Breakers[name] = bs
	}
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
