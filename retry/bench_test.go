package retry_test

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/smartretry/smartretry/retry"
)

// The success path of a Do with a Manager and a URL: what every action pays when nothing fails.
// "quiet": no domain's breaker is open and no cooloff runs anywhere (the usual case: no
// admission check, no clock read); "other_domain_open": another domain's breaker is open, so
// every attempt asks the store and reads the clock.
func BenchmarkDoSuccess(b *testing.B) {
	for _, name := range []string{"quiet", "other_domain_open"} {
		b.Run(name, func(b *testing.B) {
			m := retry.NewManager()
			if name == "other_domain_open" {
				for range 3 {
					m.RecordAttempt(retry.Record{Args: retry.Info{"domain": "down.example"}, Err: errors.New("timeout")})
				}
			}
			info := retry.Info{"url": "https://shop.example.com/p/42?color=red"}
			ctx := context.Background()
			fn := func(context.Context) error { return nil }
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				_ = retry.Do(ctx, fn, retry.UsingManager(m), retry.WithInfo(info))
			}
		})
	}
}

// One failure (a stale element, retried at once), then a success.
func BenchmarkDoOneFailure(b *testing.B) {
	m := retry.NewManager()
	info := retry.Info{"url": "https://shop.example.com/p/42?color=red"}
	ctx := context.Background()
	stale := errors.New("stale element reference")
	n := 0
	fn := func(context.Context) error {
		n++
		if n%2 == 1 {
			return stale
		}
		return nil
	}
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		_ = retry.Do(ctx, fn, retry.UsingManager(m), retry.WithInfo(info))
	}
}

func BenchmarkShouldRetry(b *testing.B) {
	m := retry.NewManager()
	err := fmt.Errorf("navigate: %w", errors.New("503 Service Unavailable"))
	info := retry.Info{"url": "https://shop.example.com/cart", "action": "click", "selector": "#buy"}
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		m.ShouldRetry(err, 1, info)
	}
}

func BenchmarkRecordAttempt(b *testing.B) {
	m := retry.NewManager()
	args := retry.Info{"url": "https://shop.example.com/cart", "selector": "#buy"}
	recs := [2]retry.Record{
		{Action: "click", Args: args, Err: errors.New("stale element reference")},
		{Action: "click", Args: args, Success: true, Solution: "reresolve"},
	}
	b.ReportAllocs()
	defer cpuPerOp(b)()
	i := 0
	for b.Loop() {
		m.RecordAttempt(recs[i&1]) // a failure, then the success that fixes it
		i++
	}
}

func BenchmarkCheckDomainCircuitBreaker(b *testing.B) {
	m := retry.NewManager()
	for i := range 100 {
		m.RecordAttempt(retry.Record{Args: retry.Info{"domain": fmt.Sprint("d", i, ".com")}, Err: errors.New("timeout")})
	}
	for range 3 {
		m.RecordAttempt(retry.Record{Args: retry.Info{"domain": "open.com"}, Err: errors.New("timeout")})
	}
	for name, domain := range map[string]string{"closed": "d42.com", "open": "open.com"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				m.CheckDomainCircuitBreaker(domain)
			}
		})
	}
}

func BenchmarkClassifyText(b *testing.B) {
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		retry.ClassifyText("waiting for selector `#buy` failed: Navigation timeout of 30000 ms exceeded")
	}
}

// cpuPerOp reports the process CPU time per operation next to ns/op. This machine is shared by
// several builders (load far above its 2 cores), so wall-clock ns/op mostly measures waiting for
// a core; cpu-ns/op is what a decision costs. Single-goroutine benchmarks only.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
