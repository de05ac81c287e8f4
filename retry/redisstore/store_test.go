package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/redisstore"
	"github.com/smartretry/smartretry/retry/retrytest"
)

func dial(t testing.TB, r *testenv.Redis) *redis.Client {
	t.Helper()
	c, err := queue.Dial(context.Background(), r.URL(0), 8, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

var prefixes int // each store its own keys

func newStore(t testing.TB, c *redis.Client, opts ...redisstore.Option) *redisstore.Store {
	t.Helper()
	// A generous timeout: this machine is shared, and the conformance suite is about
	// semantics; the outage tests use the default.
	prefixes++
	s := redisstore.New(c, append([]redisstore.Option{redisstore.Prefix(fmt.Sprint(t.Name(), "#", prefixes)), redisstore.Timeout(2 * time.Second)}, opts...)...)
	t.Cleanup(func() { s.Close() })
	return s
}

// The Redis store decides exactly as the MemoryStore does.
func TestStoreConformance(t *testing.T) {
	c := dial(t, testenv.StartRedis(t))
	retrytest.TestStore(t, func(t *testing.T) retry.Store {
		s := newStore(t, c)
		t.Cleanup(func() { require.True(t, s.Shared(), "a call fell back to local state") })
		return s
	})
}
