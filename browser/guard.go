package browser

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/go-rod/rod"
)

// WaitKind says what a guarded step was waiting for when its deadline ran out, which decides
// how its *TimeoutError classifies. A plain value, safe for concurrent use.
type WaitKind int

const (
	// WaitNetwork: the step waited on the network or the page (navigation, load, an evaluation).
	// Classify → retry.NetworkTimeout. Guard uses it.
	WaitNetwork WaitKind = iota
	// WaitElement: the step waited for an element to exist or become actionable.
	// Classify → retry.SelectorNotFound. GuardElement uses it.
	WaitElement
)

func (k WaitKind) String() string {
	if k == WaitElement {
		return "element"
	}
	return "network"
}

// TimeoutError is a guarded step that ran out of its own time (not the caller's). It says which
// step and after how long, because rod's bare context.DeadlineExceeded says neither.
// errors.Is(err, context.DeadlineExceeded) holds. A TimeoutError is a plain value: safe to share
// once built.
type TimeoutError struct {
	Op    string        // the step, e.g. `navigate https://example.com` or `click "#buy"`
	After time.Duration // the deadline that ran out
	Kind  WaitKind      // what the step was waiting for
	Err   error         // what the step returned when the deadline hit (often context.DeadlineExceeded)
}

func (e *TimeoutError) Error() string {
	what := ""
	if e.Kind == WaitElement {
		what = " waiting for the element"
	}
	op := e.Op
	if op == "" {
		op = "browser step"
	}
	return fmt.Sprintf("%s: timed out after %s%s", op, e.After, what)
}

// Unwrap returns the step's own error.
func (e *TimeoutError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, context.DeadlineExceeded) true.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Timeout reports true, like net.Error.
func (e *TimeoutError) Timeout() bool { return true }

// Guard runs fn with a clone of p bound to ctx, to timeout (when > 0) and to p's crash signal,
// so nothing fn does on that clone can hang:
//   - p's renderer crashes, its tab closes, or the browser goes (now or already): fn's calls end
//     at once and Guard returns an error wrapping ErrPageCrashed (op in the message);
//   - timeout runs out first: a *TimeoutError{Op: op, After: timeout, Kind: WaitNetwork};
//   - the caller's ctx ends: ctx's error, unchanged (context.Canceled stays the caller's);
//   - otherwise fn's own error, unchanged, or nil.
//
// fn must do its work through the page it is given (and elements found from it), not p.
// Guard is safe for concurrent use, also on the same p.
func (b *Browser) Guard(ctx context.Context, p *rod.Page, timeout time.Duration, op string, fn func(p *rod.Page) error) error {
	return b.guard(ctx, p, timeout, op, WaitNetwork, fn)
}

// GuardElement is Guard for a step that waits for an element: its *TimeoutError has
// Kind WaitElement, which Classify maps to retry.SelectorNotFound instead of NetworkTimeout.
func (b *Browser) GuardElement(ctx context.Context, p *rod.Page, timeout time.Duration, op string, fn func(p *rod.Page) error) error {
	return b.guard(ctx, p, timeout, op, WaitElement, fn)
}

// errGuardDeadline marks the guard's own deadline as the cause of its context's end.
var errGuardDeadline = errors.New("guard deadline")

func (b *Browser) guard(ctx context.Context, p *rod.Page, timeout time.Duration, op string, kind WaitKind, fn func(p *rod.Page) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st := b.watch.state(p)
	if _, gone := st.crashed(); gone {
		return st.err(op)
	}
	gctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(st.ctx, func() { cancel(ErrPageCrashed) })
	defer stop()
	if timeout > 0 {
		var tcancel context.CancelFunc
		gctx, tcancel = context.WithTimeoutCause(gctx, timeout, errGuardDeadline)
		defer tcancel()
	}

	err := fn(p.Context(gctx))
	if err == nil {
		return nil
	}
	if lostConnection(err) {
		// Chromium died (kill -9) or the socket broke: the call saw it a moment before the
		// watcher, which closes every page's signal once the event stream ends. Wait for it
		// (briefly: it follows at once) so the error says the browser is gone.
		t := time.NewTimer(time.Second)
		select {
		case <-b.watch.done:
		case <-t.C:
		}
		t.Stop()
	}
	if _, gone := st.crashed(); gone {
		return st.err(op)
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if timeout > 0 && errors.Is(context.Cause(gctx), errGuardDeadline) {
		return &TimeoutError{Op: op, After: timeout, Kind: kind, Err: err}
	}
	return err
}

// lostConnection reports whether err is the DevTools connection failing (the browser process
// died or the socket was closed) rather than the browser answering with an error.
func lostConnection(err error) bool {
	var op *net.OpError
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.As(err, &op)
}
