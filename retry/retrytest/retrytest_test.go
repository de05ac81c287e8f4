package retrytest_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

func TestFakeClock(t *testing.T) {
	start := time.Unix(100, 0)
	c := retrytest.NewFakeClock(start)
	assert.NoError(t, c.Sleep(context.Background(), 2*time.Second))
	c.Advance(time.Second)
	assert.NoError(t, c.Sleep(context.Background(), 0))
	assert.Equal(t, start.Add(3*time.Second), c.Now())
	assert.Equal(t, []time.Duration{2 * time.Second, 0}, c.Sleeps())
	assert.Equal(t, 2*time.Second, c.Total())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, c.Sleep(ctx, time.Hour), context.Canceled)
	assert.Equal(t, start.Add(3*time.Second), c.Now())

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { _ = c.Sleep(context.Background(), time.Millisecond); c.Advance(time.Millisecond); c.Now() })
	}
	wg.Wait()
	assert.Len(t, c.Sleeps(), 6)
}

func TestFlaky(t *testing.T) {
	boom := errors.New("boom")
	f := retrytest.FailN(2, boom)
	assert.ErrorIs(t, f.Do(context.Background()), boom)
	assert.ErrorIs(t, f.Run(context.Background(), &retry.Attempt{}), boom)
	assert.NoError(t, f.Do(context.Background()))
	assert.Equal(t, 3, f.Calls())

	s := retrytest.Errors(boom, nil, boom)
	assert.Error(t, s.Do(context.Background()))
	assert.NoError(t, s.Do(context.Background()))
	assert.Error(t, s.Do(context.Background()))
	assert.NoError(t, s.Do(context.Background()))

	a := retrytest.Always(boom)
	for range 5 {
		assert.ErrorIs(t, a.Do(context.Background()), boom)
	}
	assert.Equal(t, 5, a.Calls())
}

func TestMemoryStoreConforms(t *testing.T) {
	retrytest.TestStore(t, func(*testing.T) retry.Store { return retry.NewMemoryStore(0) })
}
