package redisstore_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/redisstore"
)

// One engine decision as a Manager makes it for every attempt with a domain: Admit (may it go?)
// then Record (its outcome), with the Redis store on loopback and with the MemoryStore. Besides
// ns/op: p50-µs, the median of one Admit+Record, and rtt/op, the commands Redis served per
// call (EVALSHA and EVAL from INFO commandstats; the commands a script runs inside are not round
// trips).
func BenchmarkDecision(b *testing.B) {
	r := testenv.StartRedis(b)
	c := dial(b, r)
	// testenv's Redis flushes every write to disk (appendfsync always), which measures the
	// disk; a shared store wants the recommended everysec.
	if err := c.ConfigSet(context.Background(), "appendfsync", "everysec").Err(); err != nil {
		b.Fatal(err)
	}
	p := retry.BreakerPolicy{}
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		result retry.Result
	}{
		{"success", retry.Result{Domain: "shop.example", Outcome: retry.OutcomeSuccess, Action: "get", Fingerprint: 7}},
		{"site_failure", retry.Result{Domain: "shop.example", Outcome: retry.OutcomeSiteFailure, Type: retry.ServerError, Action: "get", Key: 42, Fingerprint: 7}},
	} {
		for _, kind := range []string{"memory", "redis"} {
			b.Run(tc.name+"/"+kind, func(b *testing.B) {
				var st retry.Store = retry.NewMemoryStore(0)
				if kind == "redis" {
					s := redisstore.New(c, redisstore.Prefix(b.Name()), redisstore.Timeout(time.Second))
					defer s.Close()
					st = s
				}
				now := time.Now()
				res := tc.result
				// Warm up: the scripts are loaded, the connections open.
				st.Admit(ctx, res.Domain, now, p, true)
				st.Record(ctx, res, now, p, time.Minute)
				before := scripts(b, c)
				lat := make([]time.Duration, 0, 1<<16)
				i := 0
				b.ReportAllocs()
				for b.Loop() {
					// A site failure per URL counts once: a new URL each time, a threshold of 3
					// would open the breaker, so every third one is a success.
					start := time.Now()
					now = now.Add(time.Millisecond)
					st.Admit(ctx, res.Domain, now, p, true)
					r := res
					if r.Outcome == retry.OutcomeSiteFailure {
						r.Key = uint64(i)
						if i%3 == 2 {
							r.Outcome = retry.OutcomeSuccess
						}
					}
					st.Record(ctx, r, now, p, time.Minute)
					if len(lat) < cap(lat) {
						lat = append(lat, time.Since(start))
					}
					i++
				}
				b.StopTimer()
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
				if kind == "redis" {
					b.ReportMetric(float64(scripts(b, c)-before)/float64(2*i), "rtt/call")
					if s := st.(*redisstore.Store); !s.Shared() {
						b.Fatal("a call fell back to local state")
					}
				}
			})
		}
	}
}

var cmdstat = regexp.MustCompile(`cmdstat_(evalsha|eval):calls=(\d+)`)

// scripts is how many scripts clients asked Redis to run (EVALSHA, EVAL): round trips.
func scripts(b *testing.B, c *redis.Client) int {
	b.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, m := range cmdstat.FindAllStringSubmatch(info, -1) {
		v, _ := strconv.Atoi(m[2])
		n += v
	}
	return n
}

// What a successful action costs through a Manager (retry.Do with a URL): with the MemoryStore
// nothing is asked while no domain refuses anything; with the Redis store every attempt is an
// Admit and a Record, two round trips.
func BenchmarkDoSuccess(b *testing.B) {
	r := testenv.StartRedis(b)
	c := dial(b, r)
	if err := c.ConfigSet(context.Background(), "appendfsync", "everysec").Err(); err != nil {
		b.Fatal(err)
	}
	info := retry.Info{"url": "https://shop.example.com/p/42?color=red"}
	ctx := context.Background()
	fn := func(context.Context) error { return nil }
	for _, kind := range []string{"memory", "redis"} {
		b.Run(kind, func(b *testing.B) {
			var opts []retry.Option
			if kind == "redis" {
				s := redisstore.New(c, redisstore.Prefix(b.Name()), redisstore.Timeout(time.Second))
				defer s.Close()
				opts = append(opts, retry.WithStore(s))
			}
			m := retry.NewManager(opts...)
			_ = retry.Do(ctx, fn, retry.UsingManager(m), retry.WithInfo(info))
			lat := make([]time.Duration, 0, 1<<16)
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				_ = retry.Do(ctx, fn, retry.UsingManager(m), retry.WithInfo(info))
				if len(lat) < cap(lat) {
					lat = append(lat, time.Since(start))
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
		})
	}
}
