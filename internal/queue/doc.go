// Package queue is where a job's items come from and where their results go.
//
// A Queue hands items to the runner's workers one lease at a time (Next), takes each finished
// item's result back (Done), and accepts new items at any time (Add). A crawl run by many
// workers puts what its pages find into a Redis job through Discover (each URL once per stage,
// limits counted job-wide, in one atomic step), and its Limiters share each domain's politeness
// through the job's crawl.Coordinator (Redis.Coordinator: per_domain_concurrency as leased slots,
// starts booked the delay apart, the adaptive delay moved in Redis; politeness.go). The engine's
// counts of every worker add up in the job (Observe, Counters) on calls made anyway. Two
// implementations:
//
//   - Local: one process. Items live in memory, results go to the run's results file (the JSON
//     Lines of `run --out`), so --resume works as before: the file says what is done.
//   - Redis: a job shared by any number of processes on any machines (`run --queue`). Items go
//     into a Redis Stream read through a consumer group; an item's result (the same JSON Lines)
//     is stored in the same atomic step (a Lua script) that acknowledges it, and only if the item
//     has no result yet. A worker killed at any moment leaves its items pending; another claims
//     them after ClaimAfter. An item delivered more than MaxDeliveries times is recorded failed.
//
// Every item therefore ends with exactly one result, whatever dies on the way. Next returns
// ErrDrained once no item is queued or pending anywhere: items still running (here or on another
// machine) may add more, so a worker waits for them before it stops.
//
// A job in Redis lives under the keys "smartretry:{JOB}:…" (one hash slot, so the scripts also
// run on a Redis Cluster) and expires TTL after its last activity.
package queue
