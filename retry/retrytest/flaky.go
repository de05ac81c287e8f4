package retrytest

import (
	"context"
	"sync"

	"github.com/smartretry/smartretry/retry"
)

// Flaky is a function that fails with a scripted list of errors, one per call, and succeeds
// once the list is used up. Its methods Do and Run fit retry.Do and retry.Run. It counts its
// calls. Safe for concurrent use.
type Flaky struct {
	mu     sync.Mutex
	errs   []error
	always bool // fail every call with errs[0]
	calls  int
}

// FailN returns a Flaky that fails its first n calls with err, then succeeds.
func FailN(n int, err error) *Flaky {
	errs := make([]error, max(n, 0))
	for i := range errs {
		errs[i] = err
	}
	return &Flaky{errs: errs}
}

// Errors returns a Flaky that fails with errs in order (a nil entry is a success), then succeeds.
func Errors(errs ...error) *Flaky { return &Flaky{errs: append([]error(nil), errs...)} }

// Always returns a Flaky that fails every call with err.
func Always(err error) *Flaky { return &Flaky{errs: []error{err}, always: true} }

// Do is the function: it returns the next scripted error, or nil once they are used up.
func (f *Flaky) Do(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.calls
	f.calls++
	if f.always {
		return f.errs[0]
	}
	if i < len(f.errs) {
		return f.errs[i]
	}
	return nil
}

// Run is Do in retry.Run's shape.
func (f *Flaky) Run(ctx context.Context, _ *retry.Attempt) error { return f.Do(ctx) }

// Calls returns how many times Do or Run was called.
func (f *Flaky) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}
