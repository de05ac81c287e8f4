package testenv

import (
	"context"
	"testing"
	"time"
)

// Context returns a context that ends after timeout or with the test, whichever is first.
func Context(t testing.TB, timeout time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return ctx
}
