package snapshot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/smartretry/smartretry/internal/testenv"
)

// One Chromium for the package run, started on first use and stopped after the last test (before
// goleak looks for leftovers).
var shared struct {
	once     sync.Once
	chromium *testenv.Chromium
	err      error
}

type closingM struct{ m *testing.M }

func (c closingM) Run() int {
	code := c.m.Run()
	if shared.chromium != nil {
		shared.chromium.Stop()
	}
	return code
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(closingM{m}) }

func startBrowser() (*rod.Browser, error) {
	shared.once.Do(func() { shared.chromium, shared.err = testenv.StartChromium() })
	if shared.err != nil {
		return nil, shared.err
	}
	return shared.chromium.Browser, nil
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
	// A hang guard, not a speed check: parallel subtests load their tabs at once, and a loaded
	// 2-core machine may take many seconds for that.
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	page, err := b.Page(proto.TargetCreateTarget{URL: "about:blank"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = page.Close() })
	require.NoError(t, page.Context(ctx).Navigate(url))
	require.NoError(t, page.Context(ctx).WaitLoad())
	return page
}

func ctxT(t testing.TB) context.Context { return testenv.Context(t, 10*time.Second) }
