package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/testpages"
)

// login signs in as user through the test site's form and checks the account page says so.
func login(t *testing.T, f *fixture, user string) {
	t.Helper()
	_, err := f.s.Navigate(f.ctx, url("/login"))
	require.NoError(t, err)
	require.NoError(t, f.s.Fill(f.ctx, "#username", user))
	require.NoError(t, f.s.FillSecret(f.ctx, "#password", "pw-"+user))
	require.NoError(t, f.s.Click(f.ctx, "#login-form button[type=submit]"))
	got, err := f.s.Text(f.ctx, "#content p")
	require.NoError(t, err)
	require.Equal(t, "Signed in as "+user, got)
}

func sessionCookie(t *testing.T, f *fixture) string {
	t.Helper()
	cookies, err := f.s.Cookies(f.ctx, url("/"))
	require.NoError(t, err)
	for _, c := range cookies {
		if c.Name == testpages.SessionCookie {
			return c.Value
		}
	}
	return ""
}

// Two Isolated sessions in parallel, two logins: neither sees the other's cookie.
func TestIsolation_ParallelLoginsDoNotShareCookies(t *testing.T) {
	t.Parallel()
	alice := newFixture(t, fixtureConfig{sessionOpts: []actions.Option{actions.Isolated()}})
	bob := newFixture(t, fixtureConfig{sessionOpts: []actions.Option{actions.Isolated()}})
	require.True(t, alice.s.Isolated())

	login(t, alice, "alice")
	assert.Empty(t, sessionCookie(t, bob), "bob's context has no cookie of alice's")
	login(t, bob, "bob")
	a, b := sessionCookie(t, alice), sessionCookie(t, bob)
	require.NotEmpty(t, a)
	require.NotEmpty(t, b)
	assert.NotEqual(t, a, b)

	// Each still is who they were.
	for user, f := range map[string]*fixture{"alice": alice, "bob": bob} {
		_, err := f.s.Navigate(f.ctx, url("/account"))
		require.NoError(t, err)
		got, err := f.s.Text(f.ctx, "#content p")
		require.NoError(t, err)
		assert.Equal(t, "Signed in as "+user, got)
	}

	// A non-isolated session (the browser's default context) sees neither.
	shared := newFixture(t, fixtureConfig{})
	assert.False(t, shared.s.Isolated())
	cookies, err := shared.s.Cookies(shared.ctx, url("/"))
	require.NoError(t, err)
	for _, c := range cookies {
		assert.NotContains(t, []string{a, b}, c.Value)
	}
}

// The renderer of an isolated session crashes: the new tab opens in the session's own context,
// so the login survives the recovery.
func TestIsolation_CrashRecoveryKeepsTheSessionsCookies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{sessionOpts: []actions.Option{actions.Isolated()}})
	login(t, f, "carol")
	_, err := f.s.Navigate(f.ctx, url("/account"))
	require.NoError(t, err)
	old := f.s.Page()

	cctx, cancel := context.WithTimeout(f.ctx, 300*time.Millisecond)
	_ = proto.PageCrash{}.Call(old.Context(cctx)) // never answers: the renderer is gone
	cancel()

	got, err := f.s.Text(f.ctx, "#content p")
	require.NoError(t, err)
	assert.Equal(t, "Signed in as carol", got, "the new tab is in the session's context")
	assert.NotEqual(t, old.TargetID, f.s.Page().TargetID)
	assert.Equal(t, []retry.ErrorType{retry.PageCrash}, f.rec.retryTypes())
}

func innerSize(t *testing.T, f *fixture) (int, int) {
	t.Helper()
	res, err := f.s.Page().Context(f.ctx).Eval(`() => [innerWidth, innerHeight]`)
	require.NoError(t, err)
	a := res.Value.Arr()
	return a[0].Int(), a[1].Int()
}

// Pages lay out for a desktop by default; WithViewport changes it, for isolated sessions too.
func TestViewport_DefaultAndOption(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []actions.Option
		w, h int
	}{
		{"default", nil, browser.DefaultViewportWidth, browser.DefaultViewportHeight},
		{"isolated default", []actions.Option{actions.Isolated()}, 1280, 720},
		{"option", []actions.Option{actions.WithViewport(1024, 768)}, 1024, 768},
		{"isolated option", []actions.Option{actions.Isolated(), actions.WithViewport(1920, 1080)}, 1920, 1080},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureConfig{sessionOpts: tc.opts})
			_, err := f.s.Navigate(f.ctx, url("/product/1"))
			require.NoError(t, err)
			w, h := innerSize(t, f)
			assert.Equal(t, tc.w, w)
			assert.Equal(t, tc.h, h)
		})
	}
}

// leave fills what a visit can leave behind: localStorage and sessionStorage under key, history.
func leave(t *testing.T, f *fixture, key string) {
	t.Helper()
	_, err := f.s.Page().Context(f.ctx).Eval(`(k) => { localStorage.setItem(k, 'local'); sessionStorage.setItem(k, 'session'); }`, key)
	require.NoError(t, err)
	_, err = f.s.Navigate(f.ctx, url("/product/2"))
	require.NoError(t, err)
}

// storage reads back what leave left, on the same origin.
func storage(t *testing.T, f *fixture, key string) (local, session string, history int) {
	t.Helper()
	res, err := f.s.Page().Context(f.ctx).Eval(`(k) => [localStorage.getItem(k) || '', sessionStorage.getItem(k) || '', history.length]`, key)
	require.NoError(t, err)
	a := res.Value.Arr()
	return a[0].Str(), a[1].Str(), a[2].Int()
}

// Reset of an isolated session: same tab, and nothing of the previous work is left.
func TestReset_IsolatedSessionForgetsEverything(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{sessionOpts: []actions.Option{actions.Isolated(), actions.WithViewport(1100, 700)}})
	login(t, f, "dave")
	leave(t, f, "k")
	// Then another origin (the same site by another host name): the storage left on the first
	// one must go too, although the tab no longer shows it.
	_, err := f.s.Navigate(f.ctx, strings.Replace(url("/product/5"), "127.0.0.1", "localhost", 1))
	require.NoError(t, err)
	tab := f.s.Page().TargetID
	require.NoError(t, f.s.Reset(f.ctx))
	assert.Equal(t, tab, f.s.Page().TargetID, "no new tab")
	assert.Empty(t, f.s.URL(), "the last URL is forgotten")
	assert.Empty(t, sessionCookie(t, f), "cookies cleared")

	_, err = f.s.Navigate(f.ctx, url("/product/3"))
	require.NoError(t, err)
	local, session, _ := storage(t, f, "k")
	assert.Empty(t, local, "localStorage cleared")
	assert.Empty(t, session, "sessionStorage cleared")
	_, _, history := storage(t, f, "k")
	assert.LessOrEqual(t, history, 2, "history: the page shown at Reset and this one at most")
	w, _ := innerSize(t, f)
	assert.Equal(t, 1100, w, "the session's viewport stays")
	_, err = f.s.Navigate(f.ctx, url("/account"))
	require.Error(t, err, "logged out: /account redirects to the login form")
	assert.True(t, strings.Contains(err.Error(), "login") || strings.Contains(err.Error(), "auth"), "%v", err)
}

// Reset of a non-isolated session clears what is the tab's own and leaves the shared context's
// cookies and localStorage to the other sessions that use them.
func TestReset_SharedSessionClearsOnlyTheTab(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	key := uniqueID(t)
	_, err := f.s.Navigate(f.ctx, url("/product/1"))
	require.NoError(t, err)
	require.NoError(t, f.s.SetCookies(f.ctx, &proto.NetworkCookieParam{Name: key, Value: "kept", URL: url("/")}))
	t.Cleanup(func() {
		_ = proto.NetworkDeleteCookies{Name: key, URL: url("/")}.Call(f.s.Page().Context(context.Background()))
	})
	leave(t, f, key)
	require.NoError(t, f.s.Reset(f.ctx))
	_, err = f.s.Navigate(f.ctx, url("/product/3"))
	require.NoError(t, err)
	local, session, _ := storage(t, f, key)
	assert.Empty(t, session, "sessionStorage is the tab's: cleared")
	assert.Equal(t, "local", local, "localStorage belongs to the shared context: kept")
	_, err = f.s.Page().Context(f.ctx).Eval(`(k) => localStorage.removeItem(k)`, key)
	require.NoError(t, err)
	cookies, err := f.s.Cookies(f.ctx, url("/"))
	require.NoError(t, err)
	kept := false
	for _, c := range cookies {
		kept = kept || c.Name == key
	}
	assert.True(t, kept, "cookies belong to the shared context: kept")
}

// A crashed tab is replaced by Reset, in the session's own context.
func TestReset_ReplacesACrashedTab(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{sessionOpts: []actions.Option{actions.Isolated()}})
	_, err := f.s.Navigate(f.ctx, url("/crash"))
	require.NoError(t, err)
	old := f.s.Page()
	cctx, cancel := context.WithTimeout(f.ctx, 300*time.Millisecond)
	_ = proto.PageCrash{}.Call(old.Context(cctx))
	cancel()
	select {
	case <-env.b.CrashSignal(old):
	case <-f.ctx.Done():
		t.Fatal("no crash signal")
	}
	require.NoError(t, f.s.Reset(f.ctx))
	assert.NotEqual(t, old.TargetID, f.s.Page().TargetID)
	_, err = f.s.Navigate(f.ctx, url("/product/4"))
	require.NoError(t, err)
	require.NoError(t, f.s.Close())
	assert.ErrorIs(t, f.s.Reset(f.ctx), actions.ErrClosed)
}
