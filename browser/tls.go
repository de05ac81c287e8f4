package browser

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// IgnoreHTTPSErrors makes the browser accept any TLS certificate: self-signed, expired, issued
// for another name. For test and staging servers (a team's https://localhost with its own
// certificate), never for sites whose identity matters: a page that fails its certificate check
// is then loaded as any other. It covers every tab and browser context of the browser, from
// Launch or Connect on; with Connect it changes the connected browser for all its users until
// SetIgnoreHTTPSErrors(ctx, false) says otherwise. Off by default: a certificate error is invalid_input at
// once, and its message says how to get here.
func IgnoreHTTPSErrors() Option {
	return optionFunc(func(c *config) { c.ignoreHTTPS = true })
}

// SetIgnoreHTTPSErrors turns IgnoreHTTPSErrors on or off for the whole browser (every tab and
// browser context, the ones open included), under ctx's deadline. Turning it off is for new
// servers: one the browser has accepted meanwhile may stay accepted (Chromium reuses its
// connections and its decision).
func (b *Browser) SetIgnoreHTTPSErrors(ctx context.Context, ignore bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, connectCallTimeout)
	defer cancel()
	if err := (proto.SecuritySetIgnoreCertificateErrors{Ignore: ignore}).Call(b.rod.Context(ctx)); err != nil {
		return fmt.Errorf("ignore https errors %v: %w", ignore, err)
	}
	return nil
}

// connectCallTimeout bounds a one-off browser-wide call (no page involved).
const connectCallTimeout = 10 * time.Second

// certHint explains a navigation that failed its TLS checks, or "" for another reason.
func certHint(reason string) string {
	r := strings.TrimPrefix(strings.TrimSpace(reason), "net::")
	if !strings.HasPrefix(r, "ERR_CERT_") && !strings.HasPrefix(r, "ERR_SSL_") {
		return ""
	}
	return "the site's certificate was refused (a test server's self-signed one?): to accept it, ignore HTTPS errors " +
		"(browser.IgnoreHTTPSErrors(), flow `ignore_https_errors: true`, `smartretry mcp --ignore-https-errors`)"
}
