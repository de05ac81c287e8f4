package snapshot

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// Challenge is a CAPTCHA or bot wall seen on a page: who runs it (Vendor), what a person must do
// (Kind), the marker that matched (Evidence) and, when the marker was inside or on a frame, that
// frame's URL (FrameURL) so a hand-off can point at it.
//
// A Challenge is a plain value, safe for concurrent use.
type Challenge struct {
	Vendor   string `json:"vendor"`
	Kind     string `json:"kind"`
	Evidence string `json:"evidence,omitempty"`
	FrameURL string `json:"frame_url,omitempty"`
}

// Vendors.
const (
	VendorRecaptcha  = "recaptcha"
	VendorHCaptcha   = "hcaptcha"
	VendorTurnstile  = "turnstile"
	VendorCloudflare = "cloudflare"
	VendorDataDome   = "datadome"
	VendorPerimeterX = "perimeterx"
	VendorAWSWAF     = "aws_waf"
)

// Kinds.
const (
	KindCheckbox       = "checkbox"        // a widget to tick (reCAPTCHA, hCaptcha)
	KindImageChallenge = "image_challenge" // the picture puzzle is open
	KindWidget         = "widget"          // Turnstile
	KindInterstitial   = "interstitial"    // a whole page stands between the user and the content
	KindCaptcha        = "captcha"         // DataDome, PerimeterX, AWS WAF puzzles
	KindChallenge      = "challenge"       // AWS WAF silent challenge
)

// String is "vendor/kind".
func (c *Challenge) String() string {
	if c == nil {
		return "none"
	}
	return c.Vendor + "/" + c.Kind
}

// ChallengeFromResponse looks at a document response's status and headers only (no page needed):
//
//   - cf-mitigated: challenge, or cf-chl-bypass          → cloudflare/interstitial
//   - x-amzn-waf-action: captcha | challenge             → aws_waf/captcha | aws_waf/challenge
//   - DataDome headers (x-datadome, x-datadome-cid, x-dd-b, server: DataDome) with status 403
//     → datadome/captcha (DataDome also tags pages it lets through, hence the status)
//
// It returns nil when nothing matches. Safe for concurrent use.
func ChallengeFromResponse(status int, h http.Header) *Challenge {
	if h == nil {
		return nil
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("Cf-Mitigated")), "challenge") {
		return &Challenge{Vendor: VendorCloudflare, Kind: KindInterstitial, Evidence: "header cf-mitigated: challenge"}
	}
	if h.Get("Cf-Chl-Bypass") != "" {
		return &Challenge{Vendor: VendorCloudflare, Kind: KindInterstitial, Evidence: "header cf-chl-bypass"}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("X-Amzn-Waf-Action"))) {
	case "captcha":
		return &Challenge{Vendor: VendorAWSWAF, Kind: KindCaptcha, Evidence: "header x-amzn-waf-action: captcha"}
	case "challenge":
		return &Challenge{Vendor: VendorAWSWAF, Kind: KindChallenge, Evidence: "header x-amzn-waf-action: challenge"}
	}
	if status == http.StatusForbidden {
		for _, k := range []string{"X-Datadome", "X-Datadome-Cid", "X-Dd-B"} {
			if h.Get(k) != "" {
				return &Challenge{Vendor: VendorDataDome, Kind: KindCaptcha, Evidence: "header " + strings.ToLower(k) + " with status 403"}
			}
		}
		if strings.EqualFold(strings.TrimSpace(h.Get("Server")), "datadome") {
			return &Challenge{Vendor: VendorDataDome, Kind: KindCaptcha, Evidence: "header server: DataDome with status 403"}
		}
	}
	return nil
}

// DetectChallenge reports the challenge on page: first the response headers (ChallengeFromResponse),
// then the DOM markers of every frame. A page with no marker and no frame at all (most pages) is
// answered by one small evaluation; otherwise one JavaScript round trip covers the top document and its
// same-origin frames, and sees the src and visibility of every iframe (vendor frames are recognised
// by their URL there, also cross-origin ones). Only when that finds nothing and the page has
// cross-origin frames does it look inside them: in-process frames through an isolated world,
// out-of-process frames (Chromium "iframe" targets) by attaching to them; vendor frames themselves
// are judged by their parent, never from inside. It returns (nil, nil) when the page is clean.
//
// Bounded by ctx (plus an internal 10 s cap per step when ctx has no deadline).
func DetectChallenge(ctx context.Context, page *rod.Page, status int, h http.Header) (*Challenge, error) {
	if c := ChallengeFromResponse(status, h); c != nil {
		return c, nil
	}
	if page == nil {
		return nil, fmt.Errorf("detect challenge: nil page")
	}
	// Most pages carry no marker at all and no frame: a small check says so in one round trip,
	// where page.js (20 kB, compiled anew in every document) takes three. Anything it sees, or
	// an error, goes on to the full check, which decides and reports.
	if maybe, err := mayHaveChallenge(ctx, page); err == nil && !maybe {
		return nil, nil
	}
	r, err := runPageJS(ctx, page, where{}, evalOptions{Challenge: true, Frames: 5})
	if err != nil {
		return nil, fmt.Errorf("detect challenge: %w", err)
	}
	if r.Challenge != nil {
		return r.Challenge, nil
	}
	walked := map[string]bool{}
	cross := false
	for _, f := range r.Frames {
		if f.SameOrigin {
			walked[f.URL] = true
		} else {
			cross = true
		}
	}
	if !cross {
		return nil, nil
	}
	c, err := detectInFrames(ctx, page, walked)
	if err != nil {
		return nil, fmt.Errorf("detect challenge in frames: %w", err)
	}
	return c, nil
}

// challengeMarkersJS answers whether the top document has anything page.js's challenge check could
// report: a marker it looks for (in the top document), or a frame (whose src, visibility or
// content it judges). false means page.js would find no challenge in any frame. Keep it a
// superset of page.js's challengeIn and frame walk. A constant expression, so the renderer
// compiles it once.
const challengeMarkersJS = `(() => {
  try {
    if (/^\s*just a moment/i.test(document.title || '')) return true;
    if (document.querySelector('iframe,frame,#challenge-running,#challenge-stage,#challenge-form,' +
      '#cf-challenge-running,form[action*="__cf_chl_"],script[src*="/cdn-cgi/challenge-platform/"],' +
      '.g-recaptcha,[name="g-recaptcha-response"],.h-captcha,[name="h-captcha-response"],.cf-turnstile,' +
      '[name="cf-turnstile-response"],#recaptcha-anchor,#px-captcha,awswaf-captcha,#captcha-container,' +
      'script[src*="captcha-delivery.com"]')) return true;
    return !!window._cf_chl_opt;
  } catch (e) { return true; }
})()`

// mayHaveChallenge runs challengeMarkersJS in the page's main world (a navigation that replaces
// the document between the call and its evaluation is retried, like runPageJS).
func mayHaveChallenge(ctx context.Context, page *rod.Page) (bool, error) {
	ctx, cancel := capCtx(ctx, defaultCap)
	defer cancel()
	req := proto.RuntimeEvaluate{Expression: challengeMarkersJS, ReturnByValue: true, Silent: true}
	for attempt := 0; ; attempt++ {
		res, err := req.Call(page.Context(ctx))
		if err == nil {
			if res.ExceptionDetails != nil || res.Result == nil {
				return true, nil
			}
			return res.Result.Value.Bool(), nil
		}
		if attempt == 3 || !contextGone(err) {
			return true, evalErr(ctx, err)
		}
		select {
		case <-ctx.Done():
			return true, evalErr(ctx, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// maxFrameChecks bounds the extra round trips DetectChallenge spends on cross-origin frames.
const maxFrameChecks = 12

// detectInFrames runs the DOM check inside the frames the top document could not read.
func detectInFrames(ctx context.Context, page *rod.Page, walked map[string]bool) (*Challenge, error) {
	ctx, cancel := capCtx(ctx, defaultCap)
	defer cancel()
	p := page.Context(ctx)
	tree, err := proto.PageGetFrameTree{}.Call(p)
	if err != nil {
		return nil, evalErr(ctx, err)
	}
	var frames []*proto.PageFrame // pre-order: a parent is checked before what it holds
	var walk func(t *proto.PageFrameTree, top bool)
	walk = func(t *proto.PageFrameTree, top bool) {
		if t == nil || t.Frame == nil {
			return
		}
		if !top && !walked[t.Frame.URL] && !isVendorFrameURL(t.Frame.URL) {
			frames = append(frames, t.Frame)
		}
		for _, c := range t.ChildFrames {
			walk(c, false)
		}
	}
	walk(tree.FrameTree, true)
	if len(frames) == 0 {
		return nil, nil
	}
	targets, err := proto.TargetGetTargets{}.Call(p)
	if err != nil {
		return nil, evalErr(ctx, err)
	}
	oopif := map[proto.PageFrameID]bool{}
	for _, t := range targets.TargetInfos {
		if t.Type == "iframe" {
			oopif[proto.PageFrameID(t.TargetID)] = true
		}
	}
	b := page.Browser().Context(ctx)
	for i, f := range frames {
		if i >= maxFrameChecks || ctx.Err() != nil {
			break
		}
		var c *Challenge
		if oopif[f.ID] {
			c, err = detectInTarget(ctx, b, page, proto.TargetTargetID(f.ID))
		} else {
			c, err = detectInWorld(ctx, page, f.ID)
		}
		if err != nil {
			continue // a frame that goes away while we look is not the page's problem
		}
		if c != nil {
			if c.FrameURL == "" {
				c.FrameURL = f.URL
			}
			return c, nil
		}
	}
	return nil, nil
}

// detectInWorld runs the check in an isolated world of an in-process frame (it shares the DOM,
// not the page's JavaScript globals).
func detectInWorld(ctx context.Context, page *rod.Page, id proto.PageFrameID) (*Challenge, error) {
	w, err := proto.PageCreateIsolatedWorld{FrameID: id, WorldName: "smartretry-snapshot"}.Call(page.Context(ctx))
	if err != nil {
		return nil, err
	}
	r, err := runPageJS(ctx, page, where{context: w.ExecutionContextID}, evalOptions{Challenge: true, Frames: 3})
	if err != nil {
		return nil, err
	}
	return r.Challenge, nil
}

// detectInTarget attaches to an out-of-process frame, runs the check there and detaches.
func detectInTarget(ctx context.Context, b *rod.Browser, page *rod.Page, id proto.TargetTargetID) (*Challenge, error) {
	s, err := proto.TargetAttachToTarget{TargetID: id, Flatten: true}.Call(b)
	if err != nil {
		return nil, err
	}
	defer func() { _ = proto.TargetDetachFromTarget{SessionID: s.SessionID}.Call(b) }()
	r, err := runPageJS(ctx, page, where{session: s.SessionID}, evalOptions{Challenge: true, Frames: 3})
	if err != nil {
		return nil, err
	}
	return r.Challenge, nil
}

func isVendorFrameURL(u string) bool {
	for _, m := range []string{"/recaptcha/", "hcaptcha.com", "challenges.cloudflare.com", "captcha-delivery.com"} {
		if strings.Contains(u, m) {
			return true
		}
	}
	return false
}
