package queue_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/testenv"
)

func found(stage string, urls ...string) []queue.Item {
	out := make([]queue.Item, len(urls))
	for i, u := range urls {
		out[i] = queue.Item{Key: stage + " " + u, Stage: stage, Fields: map[string]string{"url": u}}
	}
	return out
}

func keysOf(items []queue.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Key
	}
	return out
}

// Two workers discover into one job: each URL once per stage, max_items counted job-wide, a
// parent delivered twice finds its own items again, skips and results counted per stage.
func TestDiscover(t *testing.T) {
	ctx := context.Background()
	c := dial(t, testenv.StartRedis(t))
	w1 := open(t, c, queue.RedisConfig{Worker: "w1", TTL: time.Hour})
	w2 := open(t, c, queue.RedisConfig{Worker: "w2", TTL: time.Hour})
	limits := queue.Discovery{MaxItems: 6, StageMax: map[string]int{"product": 3}}

	d := limits
	d.Items = found("listing", "/p1")
	got, err := w1.Discover(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, []string{"listing /p1"}, keysOf(got))
	got, err = w2.Discover(ctx, d) // the other worker's start URL: no duplicate counted
	require.NoError(t, err)
	assert.Empty(t, got)

	l, err := w1.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, "listing /p1", l.Item.Key)
	assert.Equal(t, "listing", l.Item.Stage)

	d = limits
	d.Parent = "listing /p1"
	d.Items = append(found("product", "/a", "/b"), found("listing", "/p2")...)
	d.Skipped = map[string]map[string]int{"product": {"robots": 1, "out_of_scope": 2}}
	got, err = w1.Discover(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, []string{"product /a", "product /b", "listing /p2"}, keysOf(got))
	// The same parent again (its first delivery died before its result): the same items are
	// its own, nothing is queued twice, its skips are not counted again.
	got, err = w2.Discover(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, []string{"product /a", "product /b", "listing /p2"}, keysOf(got))

	// Another parent: /a is a duplicate; of /c, /d, /e only one fits product's max_items 3.
	d = limits
	d.Parent = "listing /p2"
	d.Items = found("product", "/a", "/c", "/d", "/e")
	got, err = w2.Discover(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, []string{"product /c"}, keysOf(got))
	// The overall max_items 6: one more fits, whatever the stage.
	d.Parent = "listing /p3"
	d.Items = found("other", "/x", "/y", "/z")
	got, err = w1.Discover(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, []string{"other /x"}, keysOf(got))

	_, err = w1.Done(ctx, l, ok(l.Item.Key), nil)
	require.NoError(t, err)
	tot, err := w1.Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, 6, tot.Items)
	assert.Equal(t, map[string]queue.StageTotals{
		"listing": {Found: 2, OK: 1},
		"product": {Found: 3, Skipped: map[string]int{"robots": 1, "out_of_scope": 2, "duplicate": 1, "limit": 2}},
		"other":   {Found: 1, Skipped: map[string]int{"limit": 2}},
	}, tot.Stages)

	// Every queued item is handed out once, with its stage.
	seen := map[string]int{}
	for range 5 {
		l, err := w2.Next(ctx)
		require.NoError(t, err)
		seen[l.Item.Key]++
		assert.NotEmpty(t, l.Item.Stage)
		_, err = w2.Done(ctx, l, ok(l.Item.Key), nil)
		require.NoError(t, err)
	}
	assert.Len(t, seen, 5)
	_, err = w1.Next(ctx)
	assert.ErrorIs(t, err, queue.ErrDrained)

	// The parents key lives as long as the job.
	ttl, err := c.PTTL(ctx, queue.Keys("job")[5]).Result()
	require.NoError(t, err)
	assert.True(t, ttl > 59*time.Minute && ttl <= time.Hour, "ttl %s", ttl)
	require.NoError(t, queue.Delete(ctx, c, "job"))
	n, err := c.Exists(ctx, queue.Keys("job")...).Result()
	require.NoError(t, err)
	assert.Zero(t, n)
}

// Pace books each load of a domain an interval after the last one, whichever worker asks.
func TestPace(t *testing.T) {
	ctx := context.Background()
	c := dial(t, testenv.StartRedis(t))
	w1 := open(t, c, queue.RedisConfig{Worker: "w1"})
	w2 := open(t, c, queue.RedisConfig{Worker: "w2"})
	var waits []time.Duration
	for _, w := range []*queue.Redis{w1, w2, w1} {
		d, err := w.Pace(ctx, "shop.example:443", 10*time.Second)
		require.NoError(t, err)
		waits = append(waits, d)
	}
	assert.Zero(t, waits[0])
	assert.True(t, waits[1] > 9*time.Second && waits[1] <= 10*time.Second, "%s", waits[1])
	assert.True(t, waits[2] > 19*time.Second && waits[2] <= 20*time.Second, "%s", waits[2])
	d, err := w2.Pace(ctx, "other.example", 10*time.Second)
	require.NoError(t, err)
	assert.Zero(t, d, "another domain has its own pace")
}
