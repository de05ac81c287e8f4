// Package retrytest helps test code that uses package retry: a FakeClock whose sleeps take no
// real time, flaky functions that fail a given number of times before they succeed, and
// TestStore, which checks that a retry.Store (a shared one, say in Redis) decides as the
// in-memory one does.
//
//	clock := retrytest.NewFakeClock(time.Unix(0, 0))
//	m := retry.NewManager(retry.WithClock(clock))
//	flaky := retrytest.FailN(2, errors.New("503 Service Unavailable"))
//	err := retry.Do(ctx, flaky.Do, retry.UsingManager(m))
//	// err == nil, flaky.Calls() == 3, clock.Sleeps() holds the two backoff delays
package retrytest

import (
	"context"
	"sync"
	"time"
)

// FakeClock is a retry.Clock in virtual time: Sleep advances the time at once and records the
// duration asked; Advance moves time forward (for breaker cooloffs). Safe for concurrent use.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

// NewFakeClock returns a FakeClock showing start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{now: start} }

// Now returns the virtual time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d and advances the virtual time by it at once. It returns ctx.Err() without
// sleeping when ctx has already ended, like a real sleep that ctx interrupts.
func (c *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

// Advance moves the virtual time forward by d (not recorded as a sleep).
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleeps returns every duration Sleep was asked for, in order (a copy).
func (c *FakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// Total returns the sum of every Sleep.
func (c *FakeClock) Total() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var t time.Duration
	for _, d := range c.sleeps {
		t += d
	}
	return t
}
