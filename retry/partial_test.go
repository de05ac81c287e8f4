package retry_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
)

func TestPartialRetry(t *testing.T) {
	m, clock := newTestManager(retry.WithCircuitBreaker(false))
	items := []int{1, 2, 3, 4, 5, 6}
	var mu sync.Mutex
	calls := map[int]int{}
	ok, failed := retry.PartialRetry(context.Background(), m, items, func(_ context.Context, item int) error {
		mu.Lock()
		calls[item]++
		n := calls[item]
		mu.Unlock()
		switch item {
		case 2:
			return errors.New("404 Not Found")
		case 3:
			if n < 3 {
				return errors.New("503")
			}
		case 5:
			return errors.New("connection reset")
		case 6:
			panic("boom")
		}
		return nil
	}, retry.MaxAttempts(3))

	assert.Equal(t, []int{1, 3, 4}, ok, "input order")
	require.Len(t, failed, 3)
	assert.Equal(t, map[int]int{1: 1, 2: 1, 3: 3, 4: 1, 5: 3, 6: 1}, calls, "successes are never re-run")

	assert.Equal(t, 2, failed[0].Item)
	assert.Equal(t, retry.NotFound, failed[0].Type)
	assert.ErrorIs(t, failed[0].Err, retry.ErrPermanent)
	assert.Equal(t, 1, failed[0].Attempts)

	assert.Equal(t, 5, failed[1].Item)
	assert.ErrorIs(t, failed[1].Err, retry.ErrExhausted)
	assert.Equal(t, 3, failed[1].Attempts)

	assert.Equal(t, 6, failed[2].Item)
	assert.ErrorIs(t, failed[2].Err, retry.ErrPermanent)
	var pe *retry.PanicError
	require.ErrorAs(t, failed[2].Err, &pe)
	assert.ErrorContains(t, failed[2].Err, "panic: boom")

	// two rounds of retries, each after the longest delay any item needs
	assert.Len(t, clock.Sleeps(), 2)
}

func TestPartialRetryConcurrency(t *testing.T) {
	m, _ := newTestManager(retry.WithCircuitBreaker(false))
	items := make([]string, 100)
	for i := range items {
		items[i] = fmt.Sprint("item-", i)
	}
	var running, peak atomic.Int32
	var calls sync.Map
	ok, failed := retry.PartialRetry(context.Background(), m, items, func(_ context.Context, s string) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		c, _ := calls.LoadOrStore(s, new(atomic.Int32))
		if c.(*atomic.Int32).Add(1) == 1 && len(s)%2 == 0 {
			return errors.New("stale element")
		}
		return nil
	}, retry.Concurrency(8))
	assert.Empty(t, failed)
	assert.Equal(t, items, ok)
	assert.LessOrEqual(t, peak.Load(), int32(8))
}

func TestPartialRetryEveryItemOnce(t *testing.T) {
	m, _ := newTestManager()
	items := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	ok, failed := retry.PartialRetry(context.Background(), m, items, func(_ context.Context, i int) error {
		if i%3 == 0 {
			return errors.New("503")
		}
		return nil
	}, retry.Concurrency(3), retry.WithInfo(retry.Info{"domain": "shop.example"}))
	seen := map[int]int{}
	for _, i := range ok {
		seen[i]++
	}
	for _, f := range failed {
		seen[f.Item]++
	}
	for _, i := range items {
		assert.Equal(t, 1, seen[i], "item %d", i)
	}
}

func TestPartialRetryCancelled(t *testing.T) {
	m, _ := newTestManager()
	ctx, cancel := context.WithCancel(context.Background())
	ok, failed := retry.PartialRetry(ctx, m, []int{1, 2, 3}, func(_ context.Context, i int) error {
		if i == 1 {
			cancel()
			return nil // late success: the work happened
		}
		return errors.New("never called")
	})
	assert.Equal(t, []int{1}, ok)
	require.Len(t, failed, 2)
	for _, f := range failed {
		assert.ErrorIs(t, f.Err, context.Canceled)
		assert.Zero(t, f.Attempts)
	}
}
