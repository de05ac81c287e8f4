package browser

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/smartretry/smartretry/internal/testenv"
)

// closingM closes the package's shared browser after the tests and before goleak looks.
type closingM struct{ m *testing.M }

func (c closingM) Run() int {
	code := c.m.Run()
	if sharedBrowser != nil {
		pid := sharedBrowser.PID()
		if err := sharedBrowser.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "close shared browser:", err)
			code = 1
		}
		if testenv.ProcessAlive(pid) {
			fmt.Fprintln(os.Stderr, "shared chromium still running after Close, pid", pid)
			code = 1
		}
	}
	return code
}

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(closingM{m})
}

var (
	sharedOnce    sync.Once
	sharedBrowser *Browser
	sharedErr     error
)

// shared returns one headless browser for the tests that only need pages. It fails loudly when
// no Chromium can be launched: these tests never skip.
func shared(t *testing.T) *Browser {
	t.Helper()
	sharedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		sharedBrowser, sharedErr = Launch(ctx)
	})
	require.NoError(t, sharedErr, "launch Chromium (run `make setup` to install it)")
	return sharedBrowser
}

func newPage(t *testing.T, b *Browser) *rod.Page {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := b.NewPage(ctx)
	require.NoError(t, err)
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = p.Context(cctx).Close()
	})
	return p
}

func launch(t *testing.T, opts ...Option) *Browser {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := Launch(ctx, opts...)
	require.NoError(t, err, "launch Chromium (run `make setup` to install it)")
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func testCtx(t *testing.T) context.Context { return testenv.Context(t, 30*time.Second) }
