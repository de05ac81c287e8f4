// Package redisstore keeps a retry.Manager's learning in Redis, so that every worker of a job,
// in any process on any machine, sees what the others learnt: per domain the circuit breaker
// (failures in the window, counted once per URL, in the count or the ratio form; open-until; the
// single half-open probe as a lease) and the cooloff a 429/503 Retry-After set, failure patterns
// with the solutions that fixed them, and stuck-loop counters.
//
//	client := redis.NewClient(&redis.Options{Addr: "10.0.0.5:6379", Password: pass})
//	store := redisstore.New(client, redisstore.Prefix("catalog"))
//	defer store.Close()
//	m := retry.NewManager(retry.WithStore(store))
//
// # One round trip, no lock
//
// Each decision (Admit, Record, Snapshot) is one Lua script run with EVALSHA: atomic on the
// server, one round trip, no lock held while an action runs (unlike breakers that serialise
// calls under a distributed lock). Pattern and StuckCount are one HGET. Times are the caller's
// (the Manager's Clock, virtual in tests), in milliseconds; Redis's own clock is never read.
//
// # Keys
//
// Keys live under smartretry:{PREFIX}:engine: (one hash slot per prefix) and expire TTL (24h)
// after their last write; each table is capped at Limit entries, the least recently seen going
// first. Delete removes a prefix's keys at once (SCAN and UNLINK).
//
// # When Redis does not answer
//
// A call that fails or takes longer than Timeout (50ms) is decided by a local
// retry.MemoryStore, which also learns every result while Redis answers. The Store logs one
// warning, reconnects in the background with backoff (Reconnect) and goes back to the shared
// state once Redis answers within the Timeout again (one more line). An action never waits on
// Redis longer than the Timeout, and never fails because of it. Close stops the reconnection.
package redisstore
