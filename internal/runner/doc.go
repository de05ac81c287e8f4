// Package runner runs a parsed flow with the public packages: one actions.Session per item, the
// items through retry.PartialRetry with N pages in parallel, each item's records and outcome
// written to a results.Writer as the item ends. It holds no retry or browser logic of its own:
// every wait, retry, repair and escalation is the library's.
package runner

// Concurrency: Run may be called from several goroutines with different Configs; one Config's
// Results, Tracker and Manager are shared safely by the items it runs in parallel.
