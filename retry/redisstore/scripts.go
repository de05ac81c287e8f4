package redisstore

import "github.com/redis/go-redis/v9"

// Every number crosses into Redis as a whole number of milliseconds: times are Unix
// milliseconds of the caller's clock, durations milliseconds. Lua's numbers are doubles, exact
// to 2^53, so they are written back with string.format('%d') (never tostring or .., which keep
// only 14 digits).
//
// A domain is one hash (KEYS[1] of admit and record) with these fields, absent when unset:
//
//	st    breaker state: 0 closed, 1 open, 2 half-open
//	oa    opened at          ou  open until       pu  half-open probe leased until
//	cu    cooloff until      br  "1" once the breaker counted something (it shows in Snapshot)
//	last  last seen (also its score in the domains zset, for the limit)
//	fl    failures counted in the window, oldest first: "t:key,t:key" (ratio form: their keys only)
//	b0…b9 the ratio form's buckets: "idx:ok:fail"
//
// Patterns are one hash field each, "failures:solved:last:solution" under
// "action\x00type\x00domain"; a second hash marks those with a solution (HLEN counts them);
// pending maps "action\x00domain" to the pattern of its last failure; stuck counters map a
// fingerprint to "type:count:last". Each table has a zset (member → last seen) that keeps it
// at the limit, least recently seen out first.
const lib = `
local function s(n) return string.format('%d', n) end
local function cap(z, hashes, limit, delprefix)
  local n = redis.call('ZCARD', z) - limit
  if n > 0 then
    local old = redis.call('ZPOPMIN', z, n)
    for i = 1, #old, 2 do
      for _, h in ipairs(hashes) do redis.call('HDEL', h, old[i]) end
      if delprefix then redis.call('DEL', delprefix .. old[i]) end
    end
  end
end
`

// admitScript is Store.Admit. KEYS[1] the domain. ARGV: 1 now, 2 probe lease (the breaker's
// cooloff), 3 "1" to take the probe, 4 TTL.
// Returns {allowed, probe, cooloff, half-open, wait, transition (1: it became half-open)}.
var admitScript = redis.NewScript(lib + `
local now = tonumber(ARGV[1])
local f = redis.call('HMGET', KEYS[1], 'st', 'ou', 'pu', 'cu')
local st, ou, pu, cu = tonumber(f[1]), tonumber(f[2]), tonumber(f[3]), tonumber(f[4])
if not st then return {1, 0, 0, 0, 0, 0} end
if cu then
  if now < cu then return {0, 0, 1, 0, cu - now, 0} end
  redis.call('HDEL', KEYS[1], 'cu')
end
if st == 0 then return {1, 0, 0, 0, 0, 0} end
local tr = 0
if st == 1 then
  if now < ou then return {0, 0, 0, 0, ou - now, 0} end
  redis.call('HSET', KEYS[1], 'st', 2)
  redis.call('HDEL', KEYS[1], 'pu')
  pu, tr = nil, 1
end
if pu and now < pu then return {0, 0, 0, 1, pu - now, tr} end
if ARGV[3] ~= '1' then return {1, 0, 0, 0, 0, tr} end
redis.call('HSET', KEYS[1], 'pu', s(now + tonumber(ARGV[2])), 'last', s(now))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, 1, 0, 0, 0, tr}
`)

// recordScript is Store.Record, the MemoryStore's rules step for step.
// KEYS: 1 domain, 2 domains zset, 3 patterns, 4 patterns with a solution, 5 patterns zset,
// 6 pending, 7 pending zset, 8 stuck counters, 9 stuck zset.
// ARGV: 1 now, 2 domain ("" none), 3 outcome (1 success, 2 site failure, 3 failure, 4 ignored),
// 4 URL key ("0" none), 5 type, 6 pattern field, 7 pending field, 8 solution, 9 fingerprint ("0"
// none), 10 cooloff (Retry-After), 11 threshold, 12 window, 13 breaker cooloff, 14 failure
// ratio, 15 min throughput, 16 stuck window, 17 TTL, 18 limit, 19 prefix of domain keys.
// Returns {transition (1 opened, 2 closed), stuck}.
var recordScript = redis.NewScript(lib + `
local now = tonumber(ARGV[1])
local domain = ARGV[2]
local outcome = tonumber(ARGV[3])
local key = ARGV[4]
local retryAfter = tonumber(ARGV[10])
local threshold, window, cooloff = tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13])
local ratio, minThroughput = tonumber(ARGV[14]), tonumber(ARGV[15])
local ttl, limit = ARGV[17], tonumber(ARGV[18])
local SUCCESS, SITE, IGNORED = 1, 2, 4
local OPENED, CLOSED = 1, 2

local function breaker()
  local create = retryAfter > 0 or outcome == SITE or (ratio > 0 and outcome == SUCCESS)
  local raw = redis.call('HGETALL', KEYS[1])
  if #raw == 0 and not create then return 0 end
  local d = {}
  for i = 1, #raw, 2 do d[raw[i]] = raw[i + 1] end
  local st = tonumber(d.st) or 0
  local oa, ou, pu, cu = tonumber(d.oa), tonumber(d.ou), tonumber(d.pu), tonumber(d.cu)
  local br = d.br == '1'
  local fails = {}
  if d.fl then
    for t, k in string.gmatch(d.fl, '(-?%d+):(%d+)') do fails[#fails + 1] = {tonumber(t), k} end
  end
  local buckets = {}
  for i = 0, 9 do
    local v = d['b' .. i]
    if v then
      local idx, ok, fail = string.match(v, '^(-?%d+):(%d+):(%d+)$')
      buckets[i] = {tonumber(idx), tonumber(ok), tonumber(fail)}
    end
  end

  local function reset()
    fails = {}
    buckets = {}
  end
  local function open()
    st, oa, ou, pu = 1, now, now + cooloff, nil
    reset()
  end
  local function close()
    st, pu = 0, nil
    reset()
  end
  local width = math.max(math.floor(window / 10), 1)
  local function sample(failed)
    local idx = math.floor(now / width)
    local pos = idx % 10
    local b = buckets[pos]
    if not b or b[1] ~= idx then b = {idx, 0, 0}; buckets[pos] = b end
    if failed then b[3] = b[3] + 1 else b[2] = b[2] + 1 end
    local ok, fail = 0, 0
    for i = 0, 9 do
      local c = buckets[i]
      if c and c[1] > idx - 10 and c[1] <= idx then ok, fail = ok + c[2], fail + c[3] end
    end
    return ok, fail
  end
  local function counted()
    local cut = now - window
    local kept = {}
    for _, f in ipairs(fails) do
      if f[1] >= cut or #kept > 0 then kept[#kept + 1] = f end
    end
    fails = kept
    if key == '0' then return false end
    for _, f in ipairs(fails) do
      if f[2] == key then return true end
    end
    return false
  end

  local tr = 0
  local function decide()
    if st ~= 0 and oa and now < oa then return end -- a straggler: it started before the breaker opened
    if st == 1 then
      if now < ou then
        if outcome == SUCCESS then close(); tr = CLOSED end -- the site answers again
        return
      end
      st = 2
    end
    if st == 2 then
      if outcome == SUCCESS then close(); tr = CLOSED
      elseif outcome == SITE then open(); tr = OPENED
      else pu = nil end -- the probe answered, but says nothing about the site's health
      return
    end
    if outcome == SUCCESS then
      if ratio > 0 then sample(false) else fails = {} end
    elseif outcome == SITE then
      br = true
      if counted() then return end
      if ratio > 0 then
        if key ~= '0' then
          if #fails >= 64 then table.remove(fails, 1) end
          fails[#fails + 1] = {now, key}
        end
        local ok, fail = sample(true)
        if ok + fail >= minThroughput and fail >= ratio * (ok + fail) then open(); tr = OPENED end
      else
        fails[#fails + 1] = {now, key}
        if #fails >= threshold then open(); tr = OPENED end
      end
    end
  end

  if retryAfter > 0 and (not cu or now + retryAfter > cu) then cu = now + retryAfter end
  decide()

  local args = {'st', s(st), 'last', s(now)}
  local function put(name, v) if v then args[#args + 1] = name; args[#args + 1] = v end end
  put('oa', oa and s(oa)); put('ou', ou and s(ou)); put('pu', pu and s(pu)); put('cu', cu and s(cu))
  if br then put('br', '1') end
  if #fails > 0 then
    local parts = {}
    for i, f in ipairs(fails) do parts[i] = s(f[1]) .. ':' .. f[2] end
    put('fl', table.concat(parts, ','))
  end
  for i = 0, 9 do
    local b = buckets[i]
    if b then put('b' .. i, s(b[1]) .. ':' .. s(b[2]) .. ':' .. s(b[3])) end
  end
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], unpack(args))
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('ZADD', KEYS[2], now, domain)
  redis.call('PEXPIRE', KEYS[2], ttl)
  cap(KEYS[2], {}, limit, ARGV[19])
  return tr
end

local tr = 0
if domain ~= '' then tr = breaker() end
if outcome == IGNORED then return {tr, 0} end

local fp = ARGV[9]
local function pattern(pk)
  local v = redis.call('HGET', KEYS[3], pk)
  if not v then return 0, 0, '' end
  local f, n, _, sol = string.match(v, '^(%d+):(%d+):(-?%d+):(.*)$')
  return tonumber(f), tonumber(n), sol
end
local function setPattern(pk, f, n, sol)
  redis.call('HSET', KEYS[3], pk, s(f) .. ':' .. s(n) .. ':' .. s(now) .. ':' .. sol)
  redis.call('ZADD', KEYS[5], now, pk)
  for _, k in ipairs({KEYS[3], KEYS[5]}) do redis.call('PEXPIRE', k, ttl) end
end

if outcome == SUCCESS then
  local pk = redis.call('HGET', KEYS[6], ARGV[7])
  if pk then
    redis.call('HDEL', KEYS[6], ARGV[7])
    redis.call('ZREM', KEYS[7], ARGV[7])
    local sol = ARGV[8]
    if sol ~= '' and redis.call('HEXISTS', KEYS[3], pk) == 1 then
      local f, n, have = pattern(pk)
      if have == sol then n = n + 1 else n = 1 end
      setPattern(pk, f, n, sol)
      redis.call('HSET', KEYS[4], pk, 1)
      redis.call('PEXPIRE', KEYS[4], ttl)
    end
  end
  if fp ~= '0' then
    redis.call('HDEL', KEYS[8], fp)
    redis.call('ZREM', KEYS[9], fp)
  end
  return {tr, 0}
end

local pk = ARGV[6]
local f, n, sol = pattern(pk)
setPattern(pk, f + 1, n, sol)
cap(KEYS[5], {KEYS[3], KEYS[4]}, limit)
redis.call('HSET', KEYS[6], ARGV[7], pk)
redis.call('ZADD', KEYS[7], now, ARGV[7])
for _, k in ipairs({KEYS[6], KEYS[7]}) do redis.call('PEXPIRE', k, ttl) end
cap(KEYS[7], {KEYS[6]}, limit)

local stuck = 0
if fp ~= '0' then
  local t, c = ARGV[5], 0
  local v = redis.call('HGET', KEYS[8], fp)
  if v then
    local vt, vc, vl = string.match(v, '^(%d+):(%d+):(-?%d+)$')
    if vt == t and now - tonumber(vl) <= tonumber(ARGV[16]) then c = tonumber(vc) end
  end
  c = c + 1
  redis.call('HSET', KEYS[8], fp, t .. ':' .. s(c) .. ':' .. s(now))
  redis.call('ZADD', KEYS[9], now, fp)
  for _, k in ipairs({KEYS[8], KEYS[9]}) do redis.call('PEXPIRE', k, ttl) end
  cap(KEYS[9], {KEYS[8]}, limit)
  stuck = c
end
return {tr, stuck}
`)

// snapshotScript reads every domain (KEYS[1], the domains zset; ARGV[1] the prefix of domain
// keys) and the pattern counts (KEYS[2] patterns, KEYS[3] those with a solution). Returns
// {patterns, solved, domain, {field, value…}, domain, {…}…}.
var snapshotScript = redis.NewScript(`
local out = {redis.call('HLEN', KEYS[2]), redis.call('HLEN', KEYS[3])}
for _, dom in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local h = redis.call('HGETALL', ARGV[1] .. dom)
  if #h == 0 then
    redis.call('ZREM', KEYS[1], dom)
  else
    out[#out + 1] = dom
    out[#out + 1] = h
  end
end
return out
`)
