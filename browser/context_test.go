package browser

import (
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func innerSize(t *testing.T, p *rod.Page) (int, int) {
	t.Helper()
	res, err := p.Context(testCtx(t)).Eval(`() => [innerWidth, innerHeight]`)
	require.NoError(t, err)
	a := res.Value.Arr()
	return a[0].Int(), a[1].Int()
}

func TestNewPageHasADesktopViewport(t *testing.T) {
	p := newPage(t, shared(t))
	w, h := innerSize(t, p)
	assert.Equal(t, DefaultViewportWidth, w)
	assert.Equal(t, DefaultViewportHeight, h)
}

func TestViewportOption(t *testing.T) {
	b := launch(t, Viewport(1024, 600))
	w, h := innerSize(t, newPage(t, b))
	assert.Equal(t, 1024, w)
	assert.Equal(t, 600, h)

	// A later size on the same page.
	p := newPage(t, b)
	require.NoError(t, SetViewport(p.Context(testCtx(t)), Size{Width: 1440, Height: 900}))
	w, h = innerSize(t, p)
	assert.Equal(t, 1440, w)
	assert.Equal(t, 900, h)
}

func TestViewportConfig(t *testing.T) {
	assert.Equal(t, &Size{Width: 1280, Height: 720}, newConfig(nil).viewportFor())
	assert.Nil(t, newConfig([]Option{Headless(false)}).viewportFor(), "a visible window keeps its size")
	assert.Equal(t, &Size{Width: 800, Height: 600}, newConfig([]Option{Headless(false), Viewport(800, 600)}).viewportFor())
	assert.Nil(t, newConfig([]Option{Viewport(0, 0)}).viewportFor(), "0×0 turns the emulation off")
}

// Two contexts of one browser share no cookies; closing one closes its tabs.
func TestContextsAreIsolated(t *testing.T) {
	b := shared(t)
	ctx := testCtx(t)
	c1, err := b.NewContext(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c1.Close() })
	c2, err := b.NewContext(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c2.Close() })
	require.NotEqual(t, c1.ID(), c2.ID())

	p1, err := c1.NewPage(ctx)
	require.NoError(t, err)
	p2, err := c2.NewPage(ctx)
	require.NoError(t, err)
	w, _ := innerSize(t, p1)
	assert.Equal(t, DefaultViewportWidth, w, "context pages get the viewport too")

	const site = "http://isolated.test/"
	require.NoError(t, p1.Context(ctx).SetCookies([]*proto.NetworkCookieParam{{Name: "login", Value: "alice", URL: site}}))
	got1, err := p1.Context(ctx).Cookies([]string{site})
	require.NoError(t, err)
	require.Len(t, got1, 1)
	got2, err := p2.Context(ctx).Cookies([]string{site})
	require.NoError(t, err)
	assert.Empty(t, got2, "the other context does not see the cookie")
	def := newPage(t, b)
	got0, err := def.Context(ctx).Cookies([]string{site})
	require.NoError(t, err)
	assert.Empty(t, got0, "the default context does not see it either")

	require.NoError(t, c1.ClearCookies(ctx))
	got1, err = p1.Context(ctx).Cookies([]string{site})
	require.NoError(t, err)
	assert.Empty(t, got1)
	require.NoError(t, c1.ResetPermissions(ctx))

	require.NoError(t, c1.Close())
	require.NoError(t, c1.Close(), "idempotent")
	select {
	case <-b.CrashSignal(p1):
	case <-time.After(10 * time.Second):
		t.Fatal("the context's tab is still open after Close")
	}
	_, err = c1.NewPage(ctx)
	require.Error(t, err)
	_, err = p2.Context(ctx).Eval(`() => 1`)
	require.NoError(t, err, "the other context's tab lives on")
}
