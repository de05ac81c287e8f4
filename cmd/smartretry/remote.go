package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/browser"
)

// envBrowserURL is read when --browser-url is not given.
const envBrowserURL = "SMARTRETRY_BROWSER_URL"

func addBrowserURLFlag(f *pflag.FlagSet, p *string) {
	f.StringVar(p, "browser-url", "", "connect to a running Chromium (ws://… or http://HOST:PORT of its --remote-debugging-port; default $"+
		envBrowserURL+") instead of launching one; our tabs are closed on exit, the browser stays")
}

// startBrowser connects to --browser-url (or $SMARTRETRY_BROWSER_URL) when set, else launches
// a Chromium, with opts. Errors are exit codes: 3 (no browser), 130 (interrupted).
func startBrowser(ctx context.Context, url string, headful bool, log *zap.Logger, opts ...browser.Option) (*browser.Browser, error) {
	if url == "" {
		url = os.Getenv(envBrowserURL)
	}
	var (
		b   *browser.Browser
		err error
	)
	if url != "" {
		b, err = browser.Connect(ctx, url, append(opts, browser.WithLogger(log))...)
	} else {
		b, err = browser.Launch(ctx, append(opts, browser.Headless(!headful), browser.WithLogger(log))...)
	}
	if err == nil {
		return b, nil
	}
	if ctx.Err() != nil {
		return nil, exitWith(exitInterrupted, errors.New("interrupted"))
	}
	if url != "" {
		return nil, exitWith(exitBrowser, fmt.Errorf("connect to the browser at %s: %w", url, err))
	}
	return nil, exitWith(exitBrowser, fmt.Errorf("start the browser: %w", err))
}
