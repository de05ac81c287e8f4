package actions

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/go-rod/rod"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/retry"
)

// NavOption changes how NavigateWith judges the main document's HTTP status (or how long an
// attempt may wait for it: NavTimeout).
//
// NavOptions are immutable values, safe to share between goroutines and Sessions.
type NavOption interface{ applyNav(*navOpts) }

type navOptFunc func(*navOpts)

func (f navOptFunc) applyNav(o *navOpts) { f(o) }

type navOpts struct {
	any     bool
	expect  []int
	err     string        // why the options cannot work
	timeout time.Duration // NavTimeout
}

// ExpectStatus makes the listed statuses (4xx, 5xx) a success of NavigateWith: the page is
// loaded and usable (Text, Extract… read its body), NavResult.Status says which status came
// back, and nothing is retried or recorded as a failure (no breaker count, no failure pattern).
// A status not listed is judged as Navigate judges it. A 2xx is always a success. Redirects are
// followed: the status is the final document's.
//
// Codes outside 100..599, or no code at all, make NavigateWith fail at once (invalid_input).
func ExpectStatus(codes ...int) NavOption {
	codes = slices.Clone(codes)
	return navOptFunc(func(o *navOpts) {
		if len(codes) == 0 {
			o.err = "ExpectStatus needs at least one status code, as in ExpectStatus(404)"
			return
		}
		for _, c := range codes {
			if c < 100 || c > 599 {
				o.err = fmt.Sprintf("ExpectStatus(%d): not an HTTP status (100..599)", c)
				return
			}
		}
		o.expect = append(o.expect, codes...)
	})
}

// AnyStatus makes every status a success of NavigateWith, as ExpectStatus does for the ones it
// lists. Bot walls (CAPTCHAs, challenge headers) are still walls, whatever the status.
func AnyStatus() NavOption { return navOptFunc(func(o *navOpts) { o.any = true }) }

// NavTimeout gives each attempt of NavigateWith d when it is longer than the Session's for a
// page load (WithNavigationTimeout; WithTimeout unless set): a page whose server takes longer
// than an action may take to answer (a slow report, a cold start) is waited for, where each
// attempt of the shorter deadline started the navigation again and never saw it load.
func NavTimeout(d time.Duration) NavOption {
	return navOptFunc(func(o *navOpts) { o.timeout = max(o.timeout, d) })
}

func (o *navOpts) expected(status int) bool {
	return o != nil && status != 0 && (o.any || slices.Contains(o.expect, status))
}

// NavigateWith is Navigate with options: with ExpectStatus or AnyStatus a page that answers an
// expected 4xx/5xx status is a success — one request, no retry, no failure recorded,
// NavResult.Status set, the page usable — for tests of error pages and scrapers that read a 404's
// body. An unexpected status is handled as Navigate handles it (404 not_found at once, 429 and
// 5xx backed off and loaded again…). A CAPTCHA or bot wall is a wall even at an expected status.
//
// Navigate(ctx, url) is NavigateWith(ctx, url) without options.
func (s *Session) NavigateWith(ctx context.Context, rawURL string, opts ...NavOption) (NavResult, error) {
	var no navOpts
	for _, o := range opts {
		if o != nil {
			o.applyNav(&no)
		}
	}
	s.rememberURLSecret(rawURL)
	sp := spec{action: "navigate", url: rawURL, timeout: no.timeout}
	if no.err != "" {
		return NavResult{}, s.refuse(sp, no.err)
	}
	var out NavResult
	err := s.run(ctx, sp, func(p *rod.Page, a *retry.Attempt) error {
		res, err := s.navigateOnce(p, rawURL, &no)
		out = res
		return err
	})
	if err != nil {
		return out, err
	}
	s.cfg.log.Debug("navigated", zap.String("url", s.shown(out.URL)), zap.Int("status", out.Status))
	return out, nil
}
