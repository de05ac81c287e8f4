package browser

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
)

// crash kills p's renderer the way the tests of this repo do: Page.crash never answers.
func crash(t *testing.T, p *rod.Page) {
	t.Helper()
	_ = proto.PageCrash{}.Call(p.Timeout(500 * time.Millisecond))
}

func TestCrashEndsPendingAndLaterGuards(t *testing.T) {
	b := shared(t)
	p := newPage(t, b)
	_, err := b.Navigate(testCtx(t), p, "data:text/html,<p>before</p>", 10*time.Second)
	require.NoError(t, err)

	// A guard waiting for an element that never comes, with a long deadline.
	started := make(chan struct{})
	pending := make(chan error, 1)
	go func() {
		pending <- b.GuardElement(context.Background(), p, time.Minute, `wait "#never"`, func(p *rod.Page) error {
			close(started)
			_, err := p.Element("#never")
			return err
		})
	}()
	<-started
	crash(t, p)

	select {
	case <-b.CrashSignal(p):
	case <-time.After(20 * time.Second):
		t.Fatal("no crash signal 20s after Page.crash")
	}
	assert.True(t, b.Crashed(p))

	err = <-pending
	require.ErrorIs(t, err, ErrPageCrashed)
	assert.False(t, errors.Is(err, context.Canceled), "a crash is not the caller's cancellation")
	assert.Contains(t, err.Error(), `wait "#never"`)
	typ, ok := Classify(err)
	assert.True(t, ok)
	assert.Equal(t, retry.PageCrash, typ)

	called := false
	err = b.Guard(testCtx(t), p, time.Minute, "text", func(p *rod.Page) error {
		called = true
		return nil
	})
	require.ErrorIs(t, err, ErrPageCrashed)
	assert.False(t, called, "fn is not run on a crashed page")

	_, err = b.Navigate(testCtx(t), p, "data:text/html,<p>after</p>", time.Minute)
	require.ErrorIs(t, err, ErrPageCrashed)

	// The browser itself is fine: a new page works.
	p2 := newPage(t, b)
	_, err = b.Navigate(testCtx(t), p2, "data:text/html,<p>fresh</p>", 10*time.Second)
	require.NoError(t, err)
	assert.False(t, b.Crashed(p2))
}

func TestClosedPageSignals(t *testing.T) {
	b := shared(t)
	p, err := b.NewPage(testCtx(t))
	require.NoError(t, err)
	require.NoError(t, p.Close())
	select {
	case <-b.CrashSignal(p):
	case <-time.After(20 * time.Second):
		t.Fatal("no signal for a closed tab")
	}
	err = b.Guard(testCtx(t), p, time.Second, "click", func(*rod.Page) error { return nil })
	require.ErrorIs(t, err, ErrPageCrashed)
	assert.Contains(t, err.Error(), "tab closed")
}

func TestGuardTimeoutNamesTheStep(t *testing.T) {
	b := shared(t)
	p := newPage(t, b)
	cases := []struct {
		name  string
		guard func(context.Context, *rod.Page, time.Duration, string, func(*rod.Page) error) error
		kind  WaitKind
		typ   retry.ErrorType
	}{
		{"Guard", b.Guard, WaitNetwork, retry.NetworkTimeout},
		{"GuardElement", b.GuardElement, WaitElement, retry.SelectorNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.guard(testCtx(t), p, 200*time.Millisecond, `click "#missing"`, func(p *rod.Page) error {
				_, err := p.Element("#missing")
				return err
			})
			var te *TimeoutError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, `click "#missing"`, te.Op)
			assert.Equal(t, 200*time.Millisecond, te.After)
			assert.Equal(t, c.kind, te.Kind)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			typ, ok := Classify(err)
			assert.True(t, ok)
			assert.Equal(t, c.typ, typ)
		})
	}
}

func TestGuardCallerCancelReturnsCtxErrorUnchanged(t *testing.T) {
	b := shared(t)
	p := newPage(t, b)

	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- b.Guard(ctx, p, time.Minute, "wait", func(p *rod.Page) error {
			close(started)
			_, err := p.Element("#never")
			return err
		})
	}()
	<-started
	cancel()
	assert.Equal(t, context.Canceled, <-errc)

	// The caller's own deadline is the caller's error too, not a TimeoutError.
	dctx, dcancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer dcancel()
	err := b.Guard(dctx, p, time.Minute, "wait", func(p *rod.Page) error {
		_, err := p.Element("#never")
		return err
	})
	assert.Equal(t, context.DeadlineExceeded, err)
}

func TestGuardPassesFnResult(t *testing.T) {
	b := shared(t)
	p := newPage(t, b)
	boom := errors.New("boom")
	assert.Equal(t, boom, b.Guard(testCtx(t), p, time.Second, "x", func(*rod.Page) error { return boom }))
	assert.NoError(t, b.Guard(testCtx(t), p, 0, "x", func(p *rod.Page) error {
		_, err := p.Eval(`() => 1`)
		return err
	}))
}
