package queue

import "github.com/redis/go-redis/v9"

// Every script gets the job's six keys in this order, so each one can renew their TTL:
// KEYS[1] meta (hash), KEYS[2] items (hash key → "q" | "ok" | "failed"), KEYS[3] stream (the
// work), KEYS[4] results (stream of each item's result lines), KEYS[5] workers (zset name → last
// seen, ms), KEYS[6] parents (hash: a crawl's discovered item key → the key of the item that
// found it; only a crawl has it). ARGV[1] is the TTL in ms and ARGV[2] the time now in ms in
// every script. A crawl's counts live in meta: "found" (items accepted), and per stage
// "st:STAGE:found", "st:STAGE:ok", "st:STAGE:failed", "st:STAGE:skip:REASON".
const touchKeys = `
local function touch()
  redis.call('HSET', KEYS[1], 'active', ARGV[2])
  for i = 1, #KEYS do
    if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
  end
end
`

// openScript creates the job (flow identity, consumer group) or checks that it belongs to the
// same flow. ARGV: 3 hash, 4 flow name, 5 flow path, 6 group.
// Returns {1} or {0, hash, name, path} of the job's flow.
var openScript = redis.NewScript(touchKeys + `
local h = redis.call('HGET', KEYS[1], 'flow_hash')
if h and h ~= ARGV[3] then
  return {0, h, redis.call('HGET', KEYS[1], 'flow_name') or '', redis.call('HGET', KEYS[1], 'flow_path') or ''}
end
if not h then
  redis.call('HSET', KEYS[1], 'flow_hash', ARGV[3], 'flow_name', ARGV[4], 'flow_path', ARGV[5], 'created', ARGV[2], 'ok', 0, 'failed', 0, 'records', 0)
end
redis.pcall('XGROUP', 'CREATE', KEYS[3], ARGV[6], '0', 'MKSTREAM')
touch()
return {1}
`)

// addScript queues the items whose key the job does not have. ARGV: pairs of key, item JSON
// from 3 on. Returns how many were new.
var addScript = redis.NewScript(touchKeys + `
local n = 0
for i = 3, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[2], ARGV[i], 'q') == 1 then
    redis.call('XADD', KEYS[3], '*', 'item', ARGV[i+1])
    n = n + 1
  end
end
touch()
return n
`)

// addCounts adds a batch of a worker's engine counts (Counters: meta "c:NAME") from ARGV[i]
// up to ARGV[last]: the name of the worker's process, the batch's number, then pairs of name and
// amount. A process's batches come in order, one at a time: a number not above the last one
// applied (meta "cseq:PROCESS") is a batch the job has (a call run again after a lost reply, a
// batch sent again after a failed call), and counts nothing. No batch (i > last): nothing.
const addCounts = `
local function addCounts(i, last)
  if i + 1 > last then return end
  local f = 'cseq:' .. ARGV[i]
  local seq = tonumber(ARGV[i+1])
  if tonumber(redis.call('HGET', KEYS[1], f) or '0') >= seq then return end
  redis.call('HSET', KEYS[1], f, seq)
  i = i + 2
  while i < last do
    redis.call('HINCRBY', KEYS[1], 'c:' .. ARGV[i], ARGV[i+1])
    i = i + 2
  end
end
`

// doneScript stores an item's result if it has none yet, and acknowledges and deletes its
// stream entry, in one step; it adds the worker's engine counts on the way (no call of its own
// for them). ARGV: 3 group, 4 entry id, 5 item key, 6 status ("ok"|"failed"), 7 the result's
// JSON lines, 8 records, 9 the item's crawl stage ("" outside a crawl), 10 its error type ("" when
// ok), then the worker's batch of counts (addCounts), if any. Returns 1 when stored, 0 when the
// item already had one.
var doneScript = redis.NewScript(touchKeys + addCounts + `
addCounts(11, #ARGV)
local stored = 0
if redis.call('HGET', KEYS[2], ARGV[5]) == 'q' then
  redis.call('HSET', KEYS[2], ARGV[5], ARGV[6])
  redis.call('HINCRBY', KEYS[1], ARGV[6], 1)
  redis.call('HINCRBY', KEYS[1], 'records', ARGV[8])
  if ARGV[9] and ARGV[9] ~= '' then
    redis.call('HINCRBY', KEYS[1], 'st:' .. ARGV[9] .. ':' .. ARGV[6], 1)
  end
  if ARGV[6] == 'failed' and ARGV[10] and ARGV[10] ~= '' then
    redis.call('HINCRBY', KEYS[1], 'c:fail:' .. ARGV[10], 1)
  end
  redis.call('XADD', KEYS[4], '*', 'item', ARGV[5], 'lines', ARGV[7])
  stored = 1
end
redis.call('XACK', KEYS[3], ARGV[3], ARGV[4])
redis.call('XDEL', KEYS[3], ARGV[4])
touch()
return stored
`)

// claimScript takes over entries idle for at least ARGV[5] ms (their worker died or stalls) and
// returns them with their delivery counts: {{id, deliveries, {field, value, ...}}, ...}.
// ARGV: 3 group, 4 consumer (us), 5 min idle ms, 6 count.
var claimScript = redis.NewScript(touchKeys + `
local r = redis.call('XAUTOCLAIM', KEYS[3], ARGV[3], ARGV[4], ARGV[5], '0-0', 'COUNT', ARGV[6])
local out = {}
for _, e in ipairs(r[2]) do
  local p = redis.call('XPENDING', KEYS[3], ARGV[3], e[1], e[1], 1)
  local n = 1
  if p[1] then n = p[1][4] end
  table.insert(out, {e[1], n, e[2]})
end
if #out > 0 then touch() end
return out
`)

// heartbeatScript says a worker is alive and keeps its running entries from being claimed
// (resets their idle time) while they are still its own, and adds its engine counts since its
// last call. ARGV: 3 group, 4 consumer, 5 the number C of arguments of its batch of counts (0:
// none), the C arguments (addCounts), then the ids.
var heartbeatScript = redis.NewScript(touchKeys + addCounts + `
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', ARGV[2] - 86400000)
local first = 6 + tonumber(ARGV[5])
addCounts(6, first - 1)
for i = first, #ARGV do
  local p = redis.call('XPENDING', KEYS[3], ARGV[3], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[4] then
    redis.call('XCLAIM', KEYS[3], ARGV[3], ARGV[4], 0, ARGV[i], 'JUSTID')
  end
end
touch()
return 1
`)

// discoverScript accepts what one crawl item found: each candidate whose key the job does not
// have is queued if the job-wide limits allow it (max_items overall and of its stage, counted in
// meta), and remembered as found by the parent; a key the job has is a duplicate — unless this
// same parent found it before (an earlier delivery of the parent, killed before its result was
// stored): then it is the parent's again, so a delivery run twice finds the same items. Skips
// decided by the worker (scope, robots, depth) are counted in the same step. A parent's skips
// and duplicates are counted once, by its first delivery (marked "#PARENT" in parents: an item
// key starts with its stage's name, which has no "#").
// ARGV: 3 parent key ("" for start URLs: duplicates not counted), 4 overall max items (0: none),
// 5 count: "first" (decide: count unless counted before), "1" or "0" (the first batch's
// decision), 6 the number S of skip triples, then S triples (stage, reason, count), then for
// each candidate: key, stage, the stage's max items (0: none), item JSON.
// Returns {counted (1|0), keys of the candidates that are the parent's (new, or found by it
// before)...}.
var discoverScript = redis.NewScript(touchKeys + `
local parent = ARGV[3]
local max = tonumber(ARGV[4])
local count = ARGV[5] == '1'
if ARGV[5] == 'first' then
  count = parent ~= '' and redis.call('HSETNX', KEYS[6], '#' .. parent, 1) == 1
end
local i = 7
for _ = 1, tonumber(ARGV[6]) do
  if count then
    redis.call('HINCRBY', KEYS[1], 'st:' .. ARGV[i] .. ':skip:' .. ARGV[i+1], ARGV[i+2])
  end
  i = i + 3
end
local out = {count and 1 or 0}
while i + 3 <= #ARGV do
  local key, stage, smax, item = ARGV[i], ARGV[i+1], tonumber(ARGV[i+2]), ARGV[i+3]
  i = i + 4
  if redis.call('HEXISTS', KEYS[2], key) == 1 then
    if parent ~= '' and redis.call('HGET', KEYS[6], key) == parent then
      table.insert(out, key)
    elseif count then
      redis.call('HINCRBY', KEYS[1], 'st:' .. stage .. ':skip:duplicate', 1)
    end
  else
    local all = tonumber(redis.call('HGET', KEYS[1], 'found') or '0')
    local n = tonumber(redis.call('HGET', KEYS[1], 'st:' .. stage .. ':found') or '0')
    if (max > 0 and all >= max) or (smax > 0 and n >= smax) then
      if count or parent == '' then
        redis.call('HINCRBY', KEYS[1], 'st:' .. stage .. ':skip:limit', 1)
      end
    else
      redis.call('HSET', KEYS[2], key, 'q')
      redis.call('XADD', KEYS[3], '*', 'item', item)
      redis.call('HINCRBY', KEYS[1], 'found', 1)
      redis.call('HINCRBY', KEYS[1], 'st:' .. stage .. ':found', 1)
      if parent ~= '' then redis.call('HSET', KEYS[6], key, parent) end
      table.insert(out, key)
    end
  end
end
touch()
return out
`)

// paceScript spaces the page loads of one domain across every worker of a job: it books the
// next start (meta "next:DOMAIN", Redis's own clock, so the workers' clocks do not matter) at
// least ARGV[4] ms after the last one booked, and returns how many ms the caller waits first.
// ARGV: 3 domain, 4 interval ms.
var paceScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local f = 'next:' .. ARGV[3]
local at = math.max(now, tonumber(redis.call('HGET', KEYS[1], f) or '0'))
redis.call('HSET', KEYS[1], f, at + tonumber(ARGV[4]))
return at - now
`)

// countScript adds a worker's batch of engine counts (its last ones, when it stops). ARGV: 3..
// the batch (addCounts).
var countScript = redis.NewScript(touchKeys + addCounts + `
addCounts(3, #ARGV)
touch()
return 1
`)
