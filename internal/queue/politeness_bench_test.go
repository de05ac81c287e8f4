package queue_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/crawl"
	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/testenv"
)

// BenchmarkPageSlot is what job-wide politeness costs a page of a crawl: its Limiter's Acquire
// (the job's slot of the domain, the start booked) and Done (the slot freed, the AIMD step), with
// the job's Coordinator on loopback Redis and without one (a crawl in one process). Besides
// ns/op: p50-µs, the median of one Acquire+Done, and rtt/page, the scripts Redis ran per page
// (EVALSHA and EVAL from INFO commandstats: round trips; the heartbeat's renewals included).
func BenchmarkPageSlot(b *testing.B) {
	r := testenv.StartRedis(b)
	ctx := context.Background()
	c, err := queue.Dial(ctx, r.URL(0), 8, 5*time.Second)
	require.NoError(b, err)
	defer c.Close()
	// testenv's Redis flushes every write to disk (appendfsync always), which measures the disk;
	// a job wants the recommended everysec.
	require.NoError(b, c.ConfigSet(ctx, "appendfsync", "everysec").Err())
	p := crawl.Politeness{PerDomain: 2}
	for _, kind := range []string{"local", "redis"} {
		b.Run(kind, func(b *testing.B) {
			l := crawl.NewLimiter(p, nil)
			if kind == "redis" {
				q, err := queue.OpenRedis(ctx, c, queue.RedisConfig{Job: "bench", Flow: flowA, StoreTimeout: time.Second})
				require.NoError(b, err)
				defer q.Close()
				l = crawl.NewLimiter(p, nil, crawl.WithCoordinator(q.Coordinator(), nil))
			}
			page := func() {
				tk, err := l.Acquire(ctx, "shop.example")
				if err != nil {
					b.Fatal(err)
				}
				tk.Done(crawl.Outcome{Status: 200, Latency: 80 * time.Millisecond})
			}
			page() // warm up: scripts loaded, connections open
			before := scripts(b, c)
			lat := make([]time.Duration, 0, 1<<16)
			n := 0
			for b.Loop() {
				start := time.Now()
				page()
				if len(lat) < cap(lat) {
					lat = append(lat, time.Since(start))
				}
				n++
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
			if kind == "redis" {
				b.ReportMetric(float64(scripts(b, c)-before)/float64(n), "rtt/page")
			}
		})
	}
}

var cmdstat = regexp.MustCompile(`cmdstat_(evalsha|eval):calls=(\d+)`)

// scripts is how many scripts clients asked Redis to run (EVALSHA, EVAL): round trips.
func scripts(b *testing.B, c *redis.Client) int {
	b.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	require.NoError(b, err)
	n := 0
	for _, m := range cmdstat.FindAllStringSubmatch(info, -1) {
		v, _ := strconv.Atoi(m[2])
		n += v
	}
	return n
}
