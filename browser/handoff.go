package browser

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// DisplayAvailable reports whether a visible browser can open here: $WAYLAND_DISPLAY is set, or
// $DISPLAY is set and, for a local display (":N"), its X socket exists.
func DisplayAvailable() bool {
	if os.Getenv("WAYLAND_DISPLAY") != "" {
		return true
	}
	d := os.Getenv("DISPLAY")
	if d == "" {
		return false
	}
	if !strings.HasPrefix(d, ":") {
		return true // a remote or unusual display: trust it
	}
	n := strings.TrimPrefix(d, ":")
	if i := strings.IndexByte(n, '.'); i >= 0 {
		n = n[:i]
	}
	_, err := os.Stat("/tmp/.X11-unix/X" + n)
	return err == nil
}

// CopyCookies copies the network cookies of from (those for urls, or for from's current URL
// when urls is empty) into to: the hand-off between a headless and a visible browser, e.g.
// after a person solved a CAPTCHA. HttpOnly, Secure and SameSite attributes are kept. Cookie
// values never appear in errors or logs.
func CopyCookies(ctx context.Context, from, to *rod.Page, urls ...string) error {
	res, err := proto.NetworkGetCookies{Urls: urls}.Call(from.Context(ctx))
	if err != nil {
		return fmt.Errorf("copy cookies: read: %w", err)
	}
	if len(res.Cookies) == 0 {
		return nil
	}
	if err := (proto.NetworkSetCookies{Cookies: proto.CookiesToParams(res.Cookies)}).Call(to.Context(ctx)); err != nil {
		return fmt.Errorf("copy cookies: write %d cookie(s): %w", len(res.Cookies), err)
	}
	return nil
}
