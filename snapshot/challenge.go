package snapshot

import (
	"context"
	"fmt"
	"net/http"
	"strings"

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
// then the DOM markers of every frame. One JavaScript round trip covers the top document and its
// same-origin frames, and sees the src of every iframe (cross-origin vendor frames are recognised by
// their URL there). Only when that finds nothing and the page has cross-origin frames does it attach
// to each out-of-process frame (a Chromium "iframe" target) and run the same check inside it.
// It returns (nil, nil) when the page is clean.
//
// Bounded by ctx (plus an internal 10 s cap per step when ctx has no deadline).
func DetectChallenge(ctx context.Context, page *rod.Page, status int, h http.Header) (*Challenge, error) {
	if c := ChallengeFromResponse(status, h); c != nil {
		return c, nil
	}
	if page == nil {
		return nil, fmt.Errorf("detect challenge: nil page")
	}
	r, err := runPageJS(ctx, page, "", evalOptions{Challenge: true, Frames: 5})
	if err != nil {
		return nil, fmt.Errorf("detect challenge: %w", err)
	}
	if r.Challenge != nil {
		return r.Challenge, nil
	}
	cross := false
	for _, f := range r.Frames {
		if !f.SameOrigin {
			cross = true
			break
		}
	}
	if !cross {
		return nil, nil
	}
	seen := map[string]bool{}
	for _, f := range r.Frames {
		seen[f.URL] = true
	}
	c, err := detectInOOPIFs(ctx, page, seen)
	if err != nil {
		return nil, fmt.Errorf("detect challenge in frames: %w", err)
	}
	return c, nil
}

// detectInOOPIFs runs the DOM check inside the page's out-of-process frames. In Chromium such a
// frame is a target of type "iframe" whose target id equals its frame id in the page's frame tree.
// Vendor frames the top document already judged (seen, with their visibility) are skipped: a
// hidden or invisible-mode widget must not come back through its own URL.
func detectInOOPIFs(ctx context.Context, page *rod.Page, seen map[string]bool) (*Challenge, error) {
	ctx, cancel := capCtx(ctx, defaultCap)
	defer cancel()
	p := page.Context(ctx)
	tree, err := proto.PageGetFrameTree{}.Call(p)
	if err != nil {
		return nil, evalErr(ctx, err)
	}
	frames := map[proto.PageFrameID]bool{}
	var walk func(t *proto.PageFrameTree)
	walk = func(t *proto.PageFrameTree) {
		if t == nil {
			return
		}
		if t.Frame != nil {
			frames[t.Frame.ID] = true
		}
		for _, c := range t.ChildFrames {
			walk(c)
		}
	}
	walk(tree.FrameTree)
	targets, err := proto.TargetGetTargets{}.Call(p)
	if err != nil {
		return nil, evalErr(ctx, err)
	}
	b := page.Browser().Context(ctx)
	for _, t := range targets.TargetInfos {
		if t.Type != "iframe" || !frames[proto.PageFrameID(t.TargetID)] {
			continue
		}
		if seen[t.URL] && isVendorFrameURL(t.URL) {
			continue
		}
		if c := challengeFromURL(t.URL); c != nil {
			return c, nil
		}
		c, err := detectInTarget(ctx, b, page, t)
		if err != nil {
			continue // a frame that goes away while we look is not the page's problem
		}
		if c != nil {
			return c, nil
		}
	}
	return nil, nil
}

func detectInTarget(ctx context.Context, b *rod.Browser, page *rod.Page, t *proto.TargetTargetInfo) (*Challenge, error) {
	s, err := proto.TargetAttachToTarget{TargetID: t.TargetID, Flatten: true}.Call(b)
	if err != nil {
		return nil, err
	}
	defer func() { _ = proto.TargetDetachFromTarget{SessionID: s.SessionID}.Call(b) }()
	r, err := runPageJS(ctx, page, s.SessionID, evalOptions{Challenge: true, Frames: 3})
	if err != nil {
		return nil, err
	}
	if r.Challenge != nil && r.Challenge.FrameURL == "" {
		r.Challenge.FrameURL = t.URL
	}
	return r.Challenge, nil
}

// challengeFromURL recognises a vendor frame by its own URL (used for out-of-process frames, whose
// visibility the parent already judged when it saw them).
func challengeFromURL(u string) *Challenge {
	switch {
	case strings.Contains(u, "/recaptcha/") && strings.Contains(u, "anchor") && !strings.Contains(u, "size=invisible"):
		return &Challenge{Vendor: VendorRecaptcha, Kind: KindCheckbox, Evidence: "frame url /recaptcha/…anchor", FrameURL: u}
	case strings.Contains(u, "captcha-delivery.com"):
		return &Challenge{Vendor: VendorDataDome, Kind: KindCaptcha, Evidence: "frame url captcha-delivery.com", FrameURL: u}
	}
	return nil
}

func isVendorFrameURL(u string) bool {
	for _, m := range []string{"/recaptcha/", "hcaptcha.com", "challenges.cloudflare.com", "captcha-delivery.com"} {
		if strings.Contains(u, m) {
			return true
		}
	}
	return false
}
