package snapshot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// One Chromium for the package run, started on first use and killed after the last test (before
// goleak looks for leftovers).
var shared struct {
	once    sync.Once
	l       *launcher.Launcher
	browser *rod.Browser
	err     error
}

type closingM struct{ m *testing.M }

func (c closingM) Run() int {
	code := c.m.Run()
	stopBrowser()
	return code
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(closingM{m}) }

func browserBin() (string, error) {
	if p := os.Getenv("SMARTRETRY_BROWSER"); p != "" {
		return p, nil
	}
	if p, ok := launcher.LookPath(); ok {
		return p, nil
	}
	return "", fmt.Errorf("no Chromium found (set SMARTRETRY_BROWSER or run make setup)")
}

func startBrowser() (*rod.Browser, error) {
	shared.once.Do(func() {
		bin, err := browserBin()
		if err != nil {
			shared.err = err
			return
		}
		l := launcher.New().Bin(bin).Headless(true).Set("no-sandbox").
			Set("disable-gpu").Set("disable-background-networking").Set("disable-component-update").
			Set("disable-sync").Set("no-first-run")
		u, err := l.Launch()
		if err != nil {
			l.Kill()
			l.Cleanup()
			shared.err = fmt.Errorf("launch %s: %w", bin, err)
			return
		}
		b := rod.New().ControlURL(u)
		if err := b.Connect(); err != nil {
			l.Kill()
			l.Cleanup()
			shared.err = fmt.Errorf("connect: %w", err)
			return
		}
		shared.l, shared.browser = l, b
	})
	return shared.browser, shared.err
}

func stopBrowser() {
	if shared.browser != nil {
		_ = shared.browser.Close()
	}
	if shared.l != nil {
		shared.l.Kill()
		shared.l.Cleanup()
	}
}

// site serves inline HTML fixtures: path → body (status 200, text/html) or a handler.
type site map[string]any

func serve(t testing.TB, s site) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for path, v := range s {
		switch v := v.(type) {
		case string:
			body := v
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				_, _ = w.Write([]byte(body))
			})
		case http.HandlerFunc:
			mux.HandleFunc(path, v)
		default:
			t.Fatalf("site %s: unsupported %T", path, v)
		}
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// open returns a fresh tab on url, loaded, closed at the end of the test.
func open(t testing.TB, url string) *rod.Page {
	t.Helper()
	b, err := startBrowser()
	if err != nil {
		t.Fatalf("browser: %v — run make setup", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	page, err := b.Page(proto.TargetCreateTarget{URL: "about:blank"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = page.Close() })
	require.NoError(t, page.Context(ctx).Navigate(url))
	require.NoError(t, page.Context(ctx).WaitLoad())
	return page
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
