package queue_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
)

var flowA = queue.FlowID{Name: "catalog", Path: "catalog.yaml", Hash: queue.HashFlow([]byte("a"))}

func dial(t testing.TB, r *testenv.Redis) *redis.Client {
	t.Helper()
	c, err := queue.Dial(context.Background(), r.URL(0), 16, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func open(t testing.TB, c *redis.Client, cfg queue.RedisConfig) *queue.Redis {
	t.Helper()
	if cfg.Job == "" {
		cfg.Job = "job"
	}
	if cfg.Flow == (queue.FlowID{}) {
		cfg.Flow = flowA
	}
	q, err := queue.OpenRedis(context.Background(), c, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { q.Close() })
	return q
}

func items(n int) []queue.Item {
	out := make([]queue.Item, n)
	for i := range out {
		out[i] = queue.Item{Key: fmt.Sprintf("item-%03d", i), Fields: map[string]string{"page": fmt.Sprint(i)}}
	}
	return out
}

func ok(key string) results.Line { return results.Line{Item: key, Status: results.StatusOK} }

// exported reads the job's results as `smartretry results` writes them.
func exported(t testing.TB, c *redis.Client, job string) *results.State {
	t.Helper()
	var buf bytes.Buffer
	_, err := queue.Export(context.Background(), c, job, &buf)
	require.NoError(t, err)
	lines := strings.Count(buf.String(), `"kind":"item"`)
	st, err := results.ReadState(&buf)
	require.NoError(t, err)
	require.Equal(t, len(st.Done)+len(st.Failed), lines, "an item has more than one result")
	return st
}

func TestRedisEnqueueIsIdempotent(t *testing.T) {
	ctx := context.Background()
	c := dial(t, testenv.StartRedis(t))
	w1, w2 := open(t, c, queue.RedisConfig{}), open(t, c, queue.RedisConfig{})
	n, err := w1.Add(ctx, items(1200)...) // more than one batch of the script
	require.NoError(t, err)
	assert.Equal(t, 1200, n)
	n, err = w2.Add(ctx, items(1200)...)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "a second enqueue adds nothing")
	tot, err := w2.Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1200, tot.Items)
	assert.Equal(t, 1200, tot.Queued)
	assert.Equal(t, flowA, tot.Flow)
}

// A result is stored with its acknowledgement, once: a second delivery's result is dropped.
func TestRedisResultIsStoredOnceWithItsAck(t *testing.T) {
	ctx := context.Background()
	c := dial(t, testenv.StartRedis(t))
	// The first worker takes the item and stalls (no heartbeat: it is closed, as if frozen).
	w1, err := queue.OpenRedis(ctx, c, queue.RedisConfig{Job: "job", Flow: flowA, ClaimAfter: 200 * time.Millisecond})
	require.NoError(t, err)
	_, err = w1.Add(ctx, items(1)...)
	require.NoError(t, err)
	l1, err := w1.Next(ctx)
	require.NoError(t, err)
	require.NoError(t, w1.Close())

	w2 := open(t, c, queue.RedisConfig{ClaimAfter: 200 * time.Millisecond})
	l2, err := w2.Next(ctx) // waits until the entry has been idle long enough, then claims it
	require.NoError(t, err)
	assert.Equal(t, l1.Item, l2.Item)
	assert.Equal(t, 2, l2.Deliveries)
	assert.Empty(t, l2.GiveUp)

	stored, err := w2.Done(ctx, l2, ok(l2.Item.Key), []map[string]any{{"name": "x"}})
	require.NoError(t, err)
	assert.True(t, stored)
	stored, err = w1.Done(ctx, l1, results.Line{Item: l1.Item.Key, Status: results.StatusFail, Error: "late"}, nil)
	require.NoError(t, err)
	assert.False(t, stored, "the late worker's result must not count")

	_, err = w2.Next(ctx)
	assert.ErrorIs(t, err, queue.ErrDrained)
	st := exported(t, c, "job")
	assert.Equal(t, map[string]bool{"item-000": true}, st.Done)
	assert.Equal(t, 1, st.Records)
	tot, err := w2.Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, queue.Totals{Job: "job", Items: 1, OK: 1, Flow: flowA, Workers: tot.Workers,
		LastActivity: tot.LastActivity, ExpiresAt: tot.ExpiresAt}, tot)
}

// A live worker keeps its items however long they run; a dead one's are claimed.
func TestRedisHeartbeatKeepsRunningItems(t *testing.T) {
	ctx := context.Background()
	c := dial(t, testenv.StartRedis(t))
	w1 := open(t, c, queue.RedisConfig{ClaimAfter: 150 * time.Millisecond})
	_, err := w1.Add(ctx, items(2)...)
	require.NoError(t, err)
	l1, err := w1.Next(ctx)
	require.NoError(t, err)

	w2 := open(t, c, queue.RedisConfig{ClaimAfter: 150 * time.Millisecond})
	l2, err := w2.Next(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, l1.Item.Key, l2.Item.Key)
	_, err = w2.Done(ctx, l2, ok(l2.Item.Key), nil)
	require.NoError(t, err)
	// w2 now waits for w1's item. Many claim rounds pass (ClaimAfter is 150ms); w1 is alive, so
	// it keeps it. Once w1 finishes it, w2 ends.
	got := make(chan error, 1)
	go func() {
		l, err := w2.Next(ctx)
		if l != nil {
			err = fmt.Errorf("claimed %s from a live worker", l.Item.Key)
		}
		got <- err
	}()
	require.Eventually(t, func() bool {
		tot, err := w2.Totals(ctx)
		return err == nil && !tot.LastActivity.IsZero() && time.Since(tot.LastActivity) < time.Second &&
			tot.PendingByWorker[w1.Worker()] == 1
	}, 10*time.Second, 10*time.Millisecond)
	select {
	case err := <-got:
		t.Fatalf("Next returned early: %v", err)
	case <-time.After(time.Second): // a second of claim rounds: a timed negative, the only way to show "never"
	}
	_, err = w1.Done(ctx, l1, ok(l1.Item.Key), nil)
	require.NoError(t, err)
	assert.ErrorIs(t, <-got, queue.ErrDrained)
}

func TestRedisMaxDeliveries(t *testing.T) {
	ctx := context.Background()
	c := dial(t, testenv.StartRedis(t))
	cfg := queue.RedisConfig{Job: "job", Flow: flowA, ClaimAfter: 100 * time.Millisecond, MaxDeliveries: 2}
	var l *queue.Lease
	for i := 1; i <= 3; i++ {
		w, err := queue.OpenRedis(ctx, c, cfg)
		require.NoError(t, err)
		if i == 1 {
			_, err = w.Add(ctx, items(1)...)
			require.NoError(t, err)
		}
		l, err = w.Next(ctx)
		require.NoError(t, err)
		assert.Equal(t, i, l.Deliveries)
		if i < 3 {
			assert.Empty(t, l.GiveUp)
			require.NoError(t, w.Close()) // dies with the item
			continue
		}
		assert.Contains(t, l.GiveUp, "delivered 3 times, more than --max-deliveries 2")
		stored, err := w.Done(ctx, l, queue.GiveUpLine(l), nil)
		require.NoError(t, err)
		assert.True(t, stored)
		_, err = w.Next(ctx)
		assert.ErrorIs(t, err, queue.ErrDrained)
		require.NoError(t, w.Close())
	}
	st := exported(t, c, "job")
	require.Contains(t, st.Failed, "item-000")
	assert.Contains(t, st.Failed["item-000"].Reason, "--max-deliveries 2")
}

func TestRedisKeysExpireAfterTTL(t *testing.T) {
	ctx := context.Background()
	c := dial(t, testenv.StartRedis(t))
	w := open(t, c, queue.RedisConfig{TTL: time.Hour})
	_, err := w.Add(ctx, items(3)...)
	require.NoError(t, err)
	l, err := w.Next(ctx)
	require.NoError(t, err)
	_, err = w.Done(ctx, l, ok(l.Item.Key), nil)
	require.NoError(t, err)
	for _, k := range queue.Keys("job")[:5] { // the sixth, a crawl's parents, is in TestDiscover
		ttl, err := c.PTTL(ctx, k).Result()
		require.NoError(t, err)
		assert.True(t, ttl > 59*time.Minute && ttl <= time.Hour, "%s: ttl %s", k, ttl)
	}
	tot, err := w.Totals(ctx)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(time.Hour), tot.ExpiresAt, time.Minute)

	require.NoError(t, queue.Delete(ctx, c, "job"))
	n, err := c.Exists(ctx, queue.Keys("job")...).Result()
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = queue.Inspect(ctx, c, "job")
	assert.ErrorIs(t, err, queue.ErrNoJob)
}

func TestRedisRefusesAJobOfAnotherFlow(t *testing.T) {
	ctx := context.Background()
	c := dial(t, testenv.StartRedis(t))
	w := open(t, c, queue.RedisConfig{})
	_, err := w.Add(ctx, items(5)...)
	require.NoError(t, err)
	other := queue.FlowID{Name: "products", Path: "/x/products.yaml", Hash: queue.HashFlow([]byte("b"))}
	_, err = queue.OpenRedis(ctx, c, queue.RedisConfig{Job: "job", Flow: other})
	var me *queue.FlowMismatchError
	require.ErrorAs(t, err, &me)
	assert.Contains(t, err.Error(), "catalog (catalog.yaml)")
	assert.Contains(t, err.Error(), "products (/x/products.yaml)")
	assert.Contains(t, err.Error(), flowA.Hash[:12])
	tot, err := w.Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, 5, tot.Items)
	assert.Equal(t, flowA, tot.Flow)
}

func TestRedisBadURLsAndPasswords(t *testing.T) {
	ctx := context.Background()
	const pass = "s3cret-Pa55"
	r := testenv.StartRedis(t, testenv.RedisPassword(pass))
	for _, tc := range []struct {
		url  string
		want error
	}{
		{"http://" + r.Addr + "/0", queue.ErrBadURL},
		{"redis://:" + pass + "@" + r.Addr + "/notadb", queue.ErrBadURL},
		{"redis://:" + pass + "@/0", queue.ErrBadURL},
		{"redis://:" + pass + "x@" + r.Addr + "/0", queue.ErrUnreachable},
		{"redis://" + r.Addr + "/0", queue.ErrUnreachable},
		{"redis://:" + pass + "@127.0.0.1:1/0", queue.ErrUnreachable},
	} {
		t.Run(queue.RedactURL(tc.url), func(t *testing.T) {
			c, err := queue.Dial(ctx, tc.url, 0, 2*time.Second)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, tc.want)
			assert.NotContains(t, err.Error(), pass)
		})
	}
	c, err := queue.Dial(ctx, r.URL(0), 0, 2*time.Second)
	require.NoError(t, err)
	require.NoError(t, c.Close())
	assert.NotContains(t, queue.RedactURL(r.URL(0)), pass)
}

// Redis killed and restarted (appendonly) while workers run: they wait, go on, and every item
// ends with exactly one result.
func TestRedisRestartMidRunKeepsEverything(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := testenv.StartRedis(t)
	c := dial(t, r)
	const n = 300
	var done sync.WaitGroup
	var mu sync.Mutex
	finished := 0
	restarted := make(chan struct{})
	errs := make(chan error, 3)
	for w := 0; w < 3; w++ {
		q := open(t, c, queue.RedisConfig{ClaimAfter: 500 * time.Millisecond})
		_, err := q.Add(ctx, items(n)...)
		require.NoError(t, err)
		done.Add(1)
		go func() {
			defer done.Done()
			for {
				l, err := q.Next(ctx)
				if errors.Is(err, queue.ErrDrained) {
					errs <- nil
					return
				}
				if err != nil {
					errs <- err
					return
				}
				if _, err := q.Done(ctx, l, ok(l.Item.Key), []map[string]any{{"k": l.Item.Key}}); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				finished++
				if finished == n/3 {
					// Down now, with two thirds of the items still to do; back a moment later.
					r.Stop()
					go func() { r.Restart(); close(restarted) }()
				}
				mu.Unlock()
			}
		}()
	}
	done.Wait()
	for range 3 {
		require.NoError(t, <-errs)
	}
	<-restarted
	st := exported(t, c, "job")
	assert.Len(t, st.Done, n)
	assert.Equal(t, n, st.Records)
	tot, err := queue.Inspect(ctx, c, "job")
	require.NoError(t, err)
	assert.Equal(t, n, tot.OK)
	assert.Zero(t, tot.Pending)
	assert.Zero(t, tot.Queued)
}
