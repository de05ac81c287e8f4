package redisstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/redisstore"
	"github.com/smartretry/smartretry/retry/retrytest"
)

// Delete removes every key a Store wrote under its prefix (more than one SCAN batch of them), and
// only those: another prefix that the name's glob characters would match keeps its keys.
func TestDeleteRemovesThePrefixOnly(t *testing.T) {
	r := testenv.StartRedis(t)
	c := dial(t, r)
	ctx := context.Background()
	clock := retrytest.NewFakeClock(t0)
	const job, other = "shop*", "shop-eu" // unescaped, smartretry:{shop*}:… matches smartretry:{shop-eu}:…
	learn := func(prefix string, domains int) {
		m, s := worker(t, r, prefix, clock)
		for i := range domains {
			u := fmt.Sprintf("https://d%d.example/p", i)
			m.RecordAttempt(retry.Record{Action: "get", Args: retry.Info{"url": u}, Err: &retry.HTTPError{StatusCode: 503, URL: u}})
		}
		require.True(t, s.Shared(), "every call reached Redis")
	}
	learn(job, 600)
	learn(other, 2)
	count := func(prefix string) int {
		keys, err := c.Keys(ctx, "*").Result()
		require.NoError(t, err)
		var n int
		for _, k := range keys {
			if strings.HasPrefix(k, "smartretry:{"+prefix+"}:engine:") {
				n++
			}
		}
		return n
	}
	before, otherBefore := count(job), count(other)
	require.Greater(t, before, 600, "a key per domain and the tables")
	require.Greater(t, otherBefore, 2)
	require.NoError(t, c.Set(ctx, "unrelated", "v", 0).Err())

	n, err := redisstore.Delete(ctx, c, job)
	require.NoError(t, err)
	assert.Equal(t, before, n, "every key of the prefix, once")
	assert.Zero(t, count(job))
	assert.Equal(t, otherBefore, count(other), "the other prefix keeps its keys")
	exists, err := c.Exists(ctx, "unrelated").Result()
	require.NoError(t, err)
	assert.EqualValues(t, 1, exists)

	n, err = redisstore.Delete(ctx, c, job)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left to delete")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = redisstore.Delete(cancelled, c, other)
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), `prefix "shop-eu"`)
	assert.Equal(t, otherBefore, count(other))
}
