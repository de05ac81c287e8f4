package actions

import (
	"context"
	"errors"
	"net/url"

	"github.com/go-rod/rod"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/snapshot"
)

// Navigate loads rawURL in the session's tab and checks what came back:
//
//   - 404/410 → not_found at once; 401/403 (without a bot-wall marker), or a redirect that lands
//     on a password form → auth_required (*LoginWallError), escalated when an Escalator is set;
//   - a CAPTCHA or bot wall (headers first, then the DOM of every frame) → captcha
//     (*ChallengeError naming the vendor and kind), escalated; after the Escalator returns nil the
//     URL is loaded again and checked again;
//   - 429 and 5xx → backed off (at least Retry-After) and loaded again, unless the page is a
//     CAPTCHA or bot wall (captcha, as above); connection resets and timeouts likewise, by their
//     own budgets.
//
// It returns the final URL and the main document's status. NavigateWith takes options that make
// chosen statuses (ExpectStatus, AnyStatus) a success.
func (s *Session) Navigate(ctx context.Context, rawURL string) (NavResult, error) {
	return s.NavigateWith(ctx, rawURL)
}

// navigateOnce is one attempt of NavigateWith; no says which statuses are expected.
func (s *Session) navigateOnce(p *rod.Page, rawURL string, no *navOpts) (NavResult, error) {
	resp, err := s.b.Navigate(p.GetContext(), p, rawURL, max(s.cfg.navigation(), no.timeout))
	return s.judgeNav(p, rawURL, no, resp, err)
}

// judgeNav turns the answer to a navigation that asked for rawURL (Navigate's, or a history
// move's) into its result and fault, as Navigate documents.
func (s *Session) judgeNav(p *rod.Page, rawURL string, no *navOpts, resp *browser.Response, err error) (NavResult, error) {
	ctx := p.GetContext()
	var res NavResult
	if resp != nil {
		res = NavResult{URL: resp.URL, Status: resp.Status}
		s.setLastURL(rawURL, res, no)
	}
	if resp == nil {
		return res, err
	}
	// A wall announced by the headers (Cloudflare's cf-mitigated, AWS WAF…), whatever the status.
	if ch := snapshot.ChallengeFromResponse(resp.Status, resp.Header); ch != nil {
		return res, &ChallengeError{Vendor: ch.Vendor, Kind: ch.Kind, URL: resp.URL, Evidence: ch.Evidence}
	}
	var he *retry.HTTPError
	if err != nil && !errors.As(err, &he) {
		return res, err
	}
	if he != nil && no.expected(he.StatusCode) {
		// The caller asked for this status: the page is the result. A wall is still a wall.
		ch, derr := snapshot.DetectChallenge(ctx, p, resp.Status, resp.Header)
		if derr != nil {
			return res, derr
		}
		if ch != nil {
			return res, &ChallengeError{Vendor: ch.Vendor, Kind: ch.Kind, URL: resp.URL, Evidence: ch.Evidence}
		}
		return res, nil
	}
	switch {
	case he != nil && (he.StatusCode == 401 || he.StatusCode == 403 || he.StatusCode == 405):
		// A 403 is as often a bot wall as a login wall: look at the page before deciding.
		if ch, derr := snapshot.DetectChallenge(ctx, p, resp.Status, resp.Header); derr == nil && ch != nil {
			return res, &ChallengeError{Vendor: ch.Vendor, Kind: ch.Kind, URL: resp.URL, Evidence: ch.Evidence}
		}
		if he.StatusCode == 405 {
			return res, err
		}
		lw := &LoginWallError{URL: rawURL, Landed: resp.URL, Status: resp.Status, Err: err}
		if ch := resp.Header.Get("WWW-Authenticate"); ch != "" && he.StatusCode == 401 {
			lw.Comment = httpAuthHint(ch, len(s.cfg.httpCreds) > 0)
		}
		return res, lw
	case he != nil && (he.StatusCode == 429 || he.StatusCode >= 500):
		// Bot walls answer 503 or 429 too (Cloudflare's "Just a moment..." under attack mode):
		// loading them again only hammers the wall. Look at the page before backing off.
		if ch, derr := snapshot.DetectChallenge(ctx, p, resp.Status, resp.Header); derr == nil && ch != nil {
			return res, &ChallengeError{Vendor: ch.Vendor, Kind: ch.Kind, URL: resp.URL, Evidence: ch.Evidence}
		}
		return res, err // retried by the engine, Retry-After honoured
	case he != nil:
		return res, err // 404 → not_found
	}
	// 2xx/3xx: a wall served with 200 (reCAPTCHA, hCaptcha, Turnstile look the same as content)?
	ch, derr := snapshot.DetectChallenge(ctx, p, resp.Status, resp.Header)
	if derr != nil {
		return res, derr
	}
	if ch != nil {
		return res, &ChallengeError{Vendor: ch.Vendor, Kind: ch.Kind, URL: resp.URL, Evidence: ch.Evidence}
	}
	if redirectedPath(rawURL, resp.URL) {
		var pw bool
		if err := evalExpr(p, `!!document.querySelector('input[type=password]')`, &pw); err == nil && pw {
			return res, &LoginWallError{URL: rawURL, Landed: resp.URL, Status: resp.Status, Comment: "redirected to a password form"}
		}
	}
	return res, nil
}

// redirectedPath reports whether the browser ended on another path than the one asked for.
func redirectedPath(asked, landed string) bool {
	a, err1 := url.Parse(asked)
	b, err2 := url.Parse(landed)
	if err1 != nil || err2 != nil {
		return asked != landed
	}
	ap, bp := a.Path, b.Path
	if ap == "" {
		ap = "/"
	}
	if bp == "" {
		bp = "/"
	}
	return a.Host != b.Host || ap != bp
}
