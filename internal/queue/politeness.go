package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/smartretry/smartretry/internal/crawl"
)

// Defaults of RedisConfig's politeness settings.
const (
	DefaultStoreTimeout = 50 * time.Millisecond
	DefaultSlotLease    = 15 * time.Second
)

// domainKeys are the keys of one domain's job-wide politeness, after the job's meta hash:
// slots (zset token → lease end, ms), starts (zset token → booked start, ms; the last second's
// starts, which the first back-off measures the rate by) and the job's set of domains (what
// Delete removes). The delay ("iv:DOMAIN", ms), the last cut ("cut:DOMAIN"), the fastest answer
// ("fast:DOMAIN") and the next start ("next:DOMAIN", shared with Pace) are fields of meta.
func domainKeys(job, domain string) []string {
	p := "smartretry:{" + job + "}:"
	return []string{p + "meta", p + "slots:" + domain, p + "starts:" + domain, p + "domains"}
}

// slotNow is Redis's clock in ms: every worker's leases and bookings are on the same clock.
const slotNow = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// acquireSlotScript takes one of a domain's job-wide slots, if fewer than the limit are held
// once the expired leases are dropped, and books its start (the Pace booking: at least the
// domain's delay after the last start any worker booked, and not before a Retry-After's end).
// KEYS: domainKeys. ARGV: 1 key TTL ms, 2 domain, 3 token, 4 limit, 5 lease ms, 6 the worker's
// floor delay ms. Returns {1, ms to wait, delay ms (string), booked start ms} or
// {0, ms until the first lease ends, "", 0} when every slot is held.
var acquireSlotScript = redis.NewScript(slotNow + `
local d = ARGV[2]
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, math.max(0, tonumber(first[2]) - now), '', 0}
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[3])
local iv = math.max(tonumber(ARGV[6]), tonumber(redis.call('HGET', KEYS[1], 'iv:' .. d) or '0'))
local nf = 'next:' .. d
local at = math.max(now, tonumber(redis.call('HGET', KEYS[1], nf) or '0'))
if iv > 0 or at > now then redis.call('HSET', KEYS[1], nf, at + iv) end
redis.call('ZADD', KEYS[3], at, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 1000)
redis.call('SADD', KEYS[4], d)
for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return {1, at - now, tostring(iv), at}
`)

// releaseSlotScript frees a slot and moves the domain's job-wide delay by the outcome of its
// page load, as crawl.Limiter does in one process (AIMD): 429/502/503/504 halve the rate (the
// rate the job really sent over the last second when no delay was set), a failed load or a
// slow answer (over 4× the fastest and a second slower) cut it by a quarter, a healthy answer
// adds Increase pages/s per second back; an answer to a request booked before the last cut does
// not cut again. A Retry-After holds the next start of every worker.
// KEYS: domainKeys. ARGV: 1 key TTL ms, 2 domain, 3 token, 4 status, 5 failed (1|0), 6 latency
// ms, 7 booked start ms, 8 Retry-After ms, 9 floor ms, 10 max delay ms, 11 increase, 12 fixed
// (1|0). Returns {delay ms (string), cut (1|0)}.
var releaseSlotScript = redis.NewScript(slotNow + `
local d = ARGV[2]
redis.call('ZREM', KEYS[2], ARGV[3])
local floor = tonumber(ARGV[9])
local maxd = math.max(tonumber(ARGV[10]), floor)
local nf, ivf = 'next:' .. d, 'iv:' .. d
local function push(at)
  if at > tonumber(redis.call('HGET', KEYS[1], nf) or '0') then redis.call('HSET', KEYS[1], nf, at) end
end
local ra = tonumber(ARGV[8])
if ra > 0 then push(now + math.min(ra, maxd)) end
local iv = math.max(floor, tonumber(redis.call('HGET', KEYS[1], ivf) or '0'))
if ARGV[12] == '1' then return {tostring(iv), 0} end
local status, lat = tonumber(ARGV[4]), tonumber(ARGV[6])
local ff = 'fast:' .. d
local fast = tonumber(redis.call('HGET', KEYS[1], ff) or '0')
local cut = 0
local function docut(factor)
  local last = tonumber(redis.call('HGET', KEYS[1], 'cut:' .. d) or '0')
  if last > 0 and tonumber(ARGV[7]) <= last then return end -- a start booked after a cut comes after its ms
  local rate = 100
  if iv > 0 then rate = 1000 / iv end
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 1000)
  local n = redis.call('ZCARD', KEYS[3])
  if n > 0 and n < rate then rate = n elseif n == 0 and iv == 0 then rate = 1 end
  iv = math.min(math.max(1000 / (rate * factor), floor), maxd)
  redis.call('HSET', KEYS[1], ivf, tostring(iv), 'cut:' .. d, now)
  push(now + iv)
  cut = 1
end
if status == 429 or status == 502 or status == 503 or status == 504 then
  docut(0.5)
elseif ARGV[5] == '1' or (fast > 0 and lat > 4 * fast and lat - fast > 1000) then
  docut(0.75)
elseif status > 0 and status < 500 then
  if fast == 0 or lat < fast then redis.call('HSET', KEYS[1], ff, lat) end
  if iv > floor then
    local r = 1000 / iv
    r = r + tonumber(ARGV[11]) / r
    if r >= 100 then iv = floor else iv = math.min(math.max(1000 / r, floor), maxd) end
    redis.call('HSET', KEYS[1], ivf, tostring(iv))
  end
end
return {tostring(iv), cut}
`)

// renewSlotsScript extends the leases of the slots a worker still holds (a lease already
// dropped as expired stays dropped). ARGV: 1 lease ms, then pairs (index into KEYS, token).
var renewSlotsScript = redis.NewScript(slotNow + `
for i = 2, #ARGV, 2 do
  redis.call('ZADD', KEYS[tonumber(ARGV[i])], 'XX', now + tonumber(ARGV[1]), ARGV[i+1])
end
return 1
`)

// slots is a Redis job's crawl.Coordinator: the job-wide slots and delay of each domain.
type slots struct {
	q      *Redis
	prefix string // token prefix: this worker, this process
	seq    atomic.Uint64

	mu   sync.Mutex
	held map[string]string // token → domain, granted and not released
}

func newSlots(q *Redis) *slots {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &slots{q: q, prefix: q.cfg.Worker + "/" + hex.EncodeToString(b[:]) + "/", held: map[string]string{}}
}

// Coordinator returns the job's crawl.Coordinator: each domain's per_domain_concurrency and
// adaptive delay are the job's, whatever worker loads the page. Each call is one script (one
// round trip, Redis's clock) that answers within StoreTimeout or fails; slots held are renewed
// every SlotLease/3 by the worker's heartbeat, so a dead worker's slot is free again at most
// SlotLease after its last renewal.
func (q *Redis) Coordinator() crawl.Coordinator { return q.slots }

// Acquire implements crawl.Coordinator.
func (s *slots) Acquire(ctx context.Context, domain string, r crawl.SlotRequest) (crawl.Slot, error) {
	q := s.q
	tok := s.prefix + strconv.FormatUint(s.seq.Add(1), 36)
	ctx, cancel := context.WithTimeout(ctx, q.cfg.StoreTimeout)
	defer cancel()
	res, err := acquireSlotScript.Run(ctx, q.c, domainKeys(q.cfg.Job, domain),
		q.cfg.TTL.Milliseconds(), domain, tok, max(r.Limit, 1), q.cfg.SlotLease.Milliseconds(), msf(r.Floor)).Slice()
	if err != nil {
		return crawl.Slot{}, fmt.Errorf("take a slot of %s in job %q: %w", domain, q.cfg.Job, err)
	}
	if len(res) < 4 {
		return crawl.Slot{}, fmt.Errorf("take a slot of %s in job %q: answer %v", domain, q.cfg.Job, res)
	}
	granted, _ := res[0].(int64)
	wait, _ := res[1].(int64)
	sl := crawl.Slot{Domain: domain, Granted: granted == 1, Wait: time.Duration(wait) * time.Millisecond}
	if !sl.Granted {
		return sl, nil
	}
	sl.Token = tok
	sl.Delay = durMS(str(res[2]))
	sl.Start, _ = res[3].(int64)
	s.mu.Lock()
	s.held[tok] = domain
	s.mu.Unlock()
	return sl, nil
}

// Release implements crawl.Coordinator.
func (s *slots) Release(sl crawl.Slot, r crawl.SlotReport) (time.Duration, bool, error) {
	q := s.q
	s.mu.Lock()
	delete(s.held, sl.Token)
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), q.cfg.StoreTimeout)
	defer cancel()
	res, err := releaseSlotScript.Run(ctx, q.c, domainKeys(q.cfg.Job, sl.Domain),
		q.cfg.TTL.Milliseconds(), sl.Domain, sl.Token, r.Status, b01(r.Failed), r.Latency.Milliseconds(),
		sl.Start, r.RetryAfter.Milliseconds(), msf(r.Floor), r.MaxDelay.Milliseconds(), r.Increase, b01(r.Fixed)).Slice()
	if err != nil {
		return 0, false, fmt.Errorf("free a slot of %s in job %q: %w", sl.Domain, q.cfg.Job, err)
	}
	if len(res) < 2 {
		return 0, false, fmt.Errorf("free a slot of %s in job %q: answer %v", sl.Domain, q.cfg.Job, res)
	}
	cut, _ := res[1].(int64)
	return durMS(str(res[0])), cut == 1, nil
}

// renew extends the leases of the slots this worker holds: one script for all of them.
func (s *slots) renew(ctx context.Context) error {
	s.mu.Lock()
	if len(s.held) == 0 {
		s.mu.Unlock()
		return nil
	}
	idx := map[string]int{}
	var keys []string
	args := []any{s.q.cfg.SlotLease.Milliseconds()}
	for tok, domain := range s.held {
		i, ok := idx[domain]
		if !ok {
			keys = append(keys, domainKeys(s.q.cfg.Job, domain)[1])
			i = len(keys)
			idx[domain] = i
		}
		args = append(args, i, tok)
	}
	s.mu.Unlock()
	return renewSlotsScript.Run(ctx, s.q.c, keys, args...).Err()
}

// renewEvery is how often held slots are renewed: three renewals per lease.
func (s *slots) renewEvery() time.Duration { return max(s.q.cfg.SlotLease/3, 10*time.Millisecond) }

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func durMS(s string) time.Duration {
	f, _ := strconv.ParseFloat(s, 64)
	return time.Duration(f * float64(time.Millisecond))
}

func b01(b bool) int {
	if b {
		return 1
	}
	return 0
}
