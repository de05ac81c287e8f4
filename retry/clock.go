package retry

import (
	"context"
	"time"
)

// Clock is where the engine reads the time and waits. The default is the real clock; tests
// inject retrytest.FakeClock. Implementations must be safe for concurrent use.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or returns ctx.Err() as soon as ctx ends, whichever comes first.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock: time.Now, and a timer that ends early with ctx. It is what a
// Manager uses unless given WithClock, and what other packages' limiters use by default. Safe for
// concurrent use.
func RealClock() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
