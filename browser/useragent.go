package browser

import (
	"errors"
	"fmt"
	"strings"
)

// UserAgent sets the User-Agent every page of the browser sends and reports (navigator.userAgent),
// popups and workers included: to name a crawler and how to reach its owner ("shopbot/1.0
// (+https://example.com/bot)"), as polite crawlers do, or to test what a site serves another
// browser. "" keeps the browser's own, which says HeadlessChrome when headless. A launched
// browser gets it as its --user-agent switch; a connected one (Connect) on every page this
// Browser opens, since its other tabs are not ours to change.
func UserAgent(ua string) Option {
	return optionFunc(func(c *config) { c.userAgent = strings.TrimSpace(ua) })
}

// CheckUserAgent says what is wrong with a User-Agent for UserAgent, or nil: a header value
// cannot hold line breaks or other control characters, and a very long one is likely a mistake.
func CheckUserAgent(ua string) error {
	if len(ua) > 1024 {
		return fmt.Errorf("%d bytes, want at most 1024", len(ua))
	}
	if strings.ContainsFunc(ua, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return errors.New("a header cannot hold control characters or line breaks")
	}
	return nil
}
