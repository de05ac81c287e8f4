package browser

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// UserAgent is what the server sees and what the page reads, in a launched browser's tabs (a new
// context's too) and in a connected browser's; the default says HeadlessChrome; a header that
// could not be sent is refused before anything starts.
func TestUserAgent(t *testing.T) {
	const ua = "shopbot/1.0 (+https://example.com/bot; contact: ops@example.com)"
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("User-Agent"))
		mu.Unlock()
		fmt.Fprint(w, `<title>ua</title>`)
	}))
	t.Cleanup(srv.Close)
	last := func() string {
		mu.Lock()
		defer mu.Unlock()
		return seen[len(seen)-1]
	}
	check := func(t *testing.T, b *Browser, want string) {
		t.Helper()
		ctx := testCtx(t)
		c, err := b.NewContext(ctx)
		require.NoError(t, err)
		defer func() { assert.NoError(t, c.Close()) }()
		ctxPage, err := c.NewPage(ctx)
		require.NoError(t, err)
		for _, p := range []*struct{ name string }{{"default context"}, {"own context"}} {
			page := newPage(t, b)
			if p.name == "own context" {
				page = ctxPage
			}
			_, err := b.Navigate(ctx, page, srv.URL, 10*time.Second)
			require.NoError(t, err, p.name)
			assert.Contains(t, last(), want, p.name)
			res, err := proto.RuntimeEvaluate{Expression: "navigator.userAgent", ReturnByValue: true}.Call(page.Context(ctx))
			require.NoError(t, err)
			assert.Contains(t, res.Result.Value.Str(), want, p.name)
		}
	}

	t.Run("default", func(t *testing.T) { check(t, shared(t), "HeadlessChrome/") })
	t.Run("launched", func(t *testing.T) { check(t, launch(t, UserAgent(ua)), ua) })
	t.Run("connected", func(t *testing.T) {
		own := launch(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		b, err := Connect(ctx, own.ControlURL(), UserAgent(ua))
		require.NoError(t, err)
		t.Cleanup(func() { _ = b.Close() })
		check(t, b, ua)
	})
	t.Run("refused", func(t *testing.T) {
		_, err := Launch(testCtx(t), UserAgent("bot/1.0\r\nX-Evil: 1"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "user agent: a header cannot hold control characters")
	})
}
