package queue_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/testenv"
)

// BenchmarkRedisQueue4Workers runs b.N no-op items through one job with 4 workers (each its own
// queue and client, as 4 processes would), every item leased, stored and acknowledged. It
// reports items/s (the target: at least 2,000, so the queue never limits a job).
//
// fsync=always is the test server's setting (every write on disk before the reply: each item's
// lease and result wait for a disk flush); everysec is what the README recommends for jobs.
func BenchmarkRedisQueue4Workers(b *testing.B) {
	for _, fsync := range []string{"always", "everysec"} {
		b.Run("fsync="+fsync, func(b *testing.B) { benchQueue(b, fsync) })
	}
}

func benchQueue(b *testing.B, fsync string) {
	ctx := context.Background()
	r := testenv.StartRedis(b)
	const workers = 4
	var qs []*queue.Redis
	for range workers {
		c, err := queue.Dial(ctx, r.URL(0), 8, 5*time.Second)
		require.NoError(b, err)
		b.Cleanup(func() { c.Close() })
		q, err := queue.OpenRedis(ctx, c, queue.RedisConfig{Job: "bench", Flow: flowA})
		require.NoError(b, err)
		b.Cleanup(func() { q.Close() })
		qs = append(qs, q)
	}
	c, err := queue.Dial(ctx, r.URL(0), 1, 5*time.Second)
	require.NoError(b, err)
	defer c.Close()
	require.NoError(b, c.ConfigSet(ctx, "appendfsync", fsync).Err())
	_, err = qs[0].Add(ctx, items(b.N)...)
	require.NoError(b, err)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, q := range qs {
		wg.Go(func() {
			for {
				l, err := q.Next(ctx)
				if errors.Is(err, queue.ErrDrained) {
					return
				}
				if err != nil {
					b.Error(err)
					return
				}
				if _, err := q.Done(ctx, l, ok(l.Item.Key), nil); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "items/s")
}
