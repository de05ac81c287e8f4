// Package bench holds the benchmarks that compare smartretry with what a user would write by
// hand: BenchmarkBatch runs the same 200 product pages of the test site (navigate, read two
// fields; the browser's start included) through the runner behind `smartretry run`, a go-rod loop
// with one reused tab per worker, and Playwright (one context per worker, when
// bench/playwright/node_modules is installed: `make bench-batch` does it), at concurrency 1 and 4,
// and reports pages/s for each.
//
//	make bench-batch
//	go test -run '^$' -bench Batch -benchtime 1x ./bench/
//
// Nothing here runs in `make test`: the package has no tests, only benchmarks.
package bench
