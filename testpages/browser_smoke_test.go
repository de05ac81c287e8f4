package testpages_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/testpages"
)

// stepTimeout bounds every rod call: rod waits forever without a deadline.
const stepTimeout = 20 * time.Second

// step returns p bound to a fresh deadline.
func step(t *testing.T, p *rod.Page) *rod.Page {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	t.Cleanup(cancel)
	return p.Context(ctx)
}

func TestBrowserSmoke(t *testing.T) {
	srv := start(t)
	b := testenv.LaunchChromium(t)

	newPage := func(t *testing.T) *rod.Page {
		t.Helper()
		// rod binds a page's lifetime to the context it is created with: give it one that ends
		// with the test, and let the deadline cut only the creating.
		pctx, pcancel := context.WithCancel(context.Background())
		ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
		defer cancel()
		stop := context.AfterFunc(ctx, pcancel)
		p, err := b.Context(pctx).Page(proto.TargetCreateTarget{URL: "about:blank"})
		stop()
		require.NoError(t, err)
		t.Cleanup(func() {
			_ = step(t, p).Close()
			pcancel()
		})
		return p
	}
	open := func(t *testing.T, p *rod.Page, path string) {
		t.Helper()
		require.NoError(t, step(t, p).Navigate(srv.URL(path)))
		require.NoError(t, step(t, p).WaitLoad())
	}
	text := func(t *testing.T, p *rod.Page, sel string) string {
		t.Helper()
		el, err := step(t, p).Element(sel)
		require.NoError(t, err, sel)
		s, err := el.Text()
		require.NoError(t, err, sel)
		return s
	}
	eval := func(t *testing.T, p *rod.Page, js string) any {
		t.Helper()
		v, err := step(t, p).Eval(js)
		require.NoError(t, err, js)
		return v.Value.Val()
	}

	t.Run("index lists the scenarios", func(t *testing.T) {
		p := newPage(t)
		open(t, p, "/")
		info, err := step(t, p).Info()
		require.NoError(t, err)
		assert.Contains(t, info.Title, "testpages")
		links, err := step(t, p).Elements("#routes li a")
		require.NoError(t, err)
		assert.GreaterOrEqual(t, len(links), 30)
	})

	t.Run("late element appears and is clicked once", func(t *testing.T) {
		p := newPage(t)
		open(t, p, "/late?ms=300&id=smoke")
		el, err := step(t, p).Element("#target")
		require.NoError(t, err)
		require.NoError(t, el.Context(step(t, p).GetContext()).Click(proto.InputMouseButtonLeft, 1))
		assert.Equal(t, "clicked 1", text(t, p, "#result"))
		assert.Equal(t, true, eval(t, p, `() => typeof window.__insertedAt === 'number' && window.__clickedAt >= window.__insertedAt && window.__insertedAt >= 300`))
		require.Eventually(t, func() bool { return srv.Actions("/late", "smoke") == 1 }, stepTimeout, 10*time.Millisecond,
			"the click's beacon reaches the server")
	})

	t.Run("hidden target becomes visible", func(t *testing.T) {
		p := newPage(t)
		open(t, p, "/hidden?ms=300")
		el, err := step(t, p).Element("#target")
		require.NoError(t, err, "the element is there from the start")
		require.NoError(t, el.Context(step(t, p).GetContext()).WaitVisible())
		assert.Equal(t, true, eval(t, p, `() => window.__shownAt >= 300`))
	})

	t.Run("recaptcha look-alike is solved inside its frame", func(t *testing.T) {
		p := newPage(t)
		open(t, p, "/captcha/recaptcha")
		has, _, err := step(t, p).Has("#content")
		require.NoError(t, err)
		require.False(t, has)
		iframe, err := step(t, p).Element(`iframe[src*="/recaptcha/"][src*="anchor"]`)
		require.NoError(t, err)
		frame, err := iframe.Context(step(t, p).GetContext()).Frame()
		require.NoError(t, err)
		box, err := step(t, frame).Element("#captcha-solve")
		require.NoError(t, err)

		wait := step(t, p).WaitNavigation(proto.PageLifecycleEventNameLoad)
		require.NoError(t, box.Context(step(t, frame).GetContext()).Click(proto.InputMouseButtonLeft, 1))
		wait()
		assert.Contains(t, text(t, p, "#content"), "recaptcha check is passed")

		cookies, err := step(t, p).Cookies([]string{srv.URL("/")})
		require.NoError(t, err)
		got := map[string]string{}
		for _, c := range cookies {
			got[c.Name] = c.Value
		}
		assert.Equal(t, "ok", got[testpages.CaptchaCookie("recaptcha")])
	})

	t.Run("cloudflare interstitial is solved in the page", func(t *testing.T) {
		p := newPage(t)
		open(t, p, "/captcha/cloudflare")
		info, err := step(t, p).Info()
		require.NoError(t, err)
		assert.Equal(t, "Just a moment...", info.Title)
		box, err := step(t, p).Element("#captcha-solve")
		require.NoError(t, err)
		wait := step(t, p).WaitNavigation(proto.PageLifecycleEventNameLoad)
		require.NoError(t, box.Context(step(t, p).GetContext()).Click(proto.InputMouseButtonLeft, 1))
		wait()
		assert.Contains(t, text(t, p, "#content"), "cloudflare check is passed")
	})

	// Every response says Connection: close and the profile turns prediction off, so Chromium has no
	// reused or preconnected socket to resend a failed request on: the first navigation fails, the
	// second succeeds, and the server saw exactly two requests.
	t.Run("reset fails the navigation once", func(t *testing.T) {
		p := newPage(t)
		open(t, p, "/") // a first request, so a reused connection would exist if keep-alive were on
		err := step(t, p).Navigate(srv.URL("/reset?id=smoke&fail=1"))
		var nav *rod.NavigationError
		require.True(t, errors.As(err, &nav), "want a navigation error, got %v", err)
		assert.True(t, strings.Contains(nav.Reason, "ERR_CONNECTION_RESET") || strings.Contains(nav.Reason, "ERR_EMPTY_RESPONSE"), nav.Reason)
		assert.Equal(t, 1, srv.Hits("/reset", "smoke"))
		open(t, p, "/reset?id=smoke&fail=1")
		assert.Contains(t, text(t, p, "#content"), "request 2 succeeded")
		assert.Equal(t, 2, srv.Hits("/reset", "smoke"))
	})
}
