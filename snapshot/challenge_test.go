package snapshot_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/snapshot"
)

func page(title, body string) string {
	return "<!doctype html><html><head><title>" + title + "</title></head><body>" + body + "</body></html>"
}

// Look-alikes of the vendors' markup, served from the test server's own paths.
var vendorSite = site{
	"/recaptcha/api2/anchor":                  page("reCAPTCHA", `<div id="recaptcha-anchor" role="checkbox" aria-checked="false">I'm not a robot</div>`),
	"/recaptcha/api2/bframe":                  page("reCAPTCHA", `<div id="rc-imageselect">Select all images with buses</div>`),
	"/hcaptcha.com/captcha/v1/checkbox":       page("hCaptcha", `<div id="checkbox" role="checkbox">I am human</div>`),
	"/challenges.cloudflare.com/turnstile/v0": page("Turnstile", `<input type="checkbox" aria-label="Verify you are human">`),
	"/captcha-delivery.com/captcha/":          page("DataDome", `<div id="ddv1-captcha-container">Slide right</div>`),

	"/recaptcha": page("Shop", `<form><div class="g-recaptcha" data-sitekey="x"><iframe src="/recaptcha/api2/anchor?k=x&size=normal" width="304" height="78"></iframe>
		<textarea name="g-recaptcha-response" style="display:none"></textarea></div></form>
		<div style="visibility:hidden;position:absolute;top:-10000px"><iframe src="/recaptcha/api2/bframe?k=x" width="400" height="580"></iframe></div>`),
	"/recaptcha-image": page("Shop", `<div class="g-recaptcha"><iframe src="/recaptcha/api2/anchor?k=x" width="304" height="78"></iframe></div>
		<div style="visibility:visible;position:absolute;top:10px"><iframe src="/recaptcha/api2/bframe?k=x" width="400" height="580"></iframe></div>`),
	"/recaptcha-v3": page("Login", `<p>Sign in</p><div class="grecaptcha-badge" style="width:256px;height:60px">
		<iframe src="/recaptcha/api2/anchor?k=x&size=invisible" width="256" height="60"></iframe>
		<textarea name="g-recaptcha-response" style="display:none"></textarea></div>`),
	"/hcaptcha":         page("Form", `<div class="h-captcha" data-sitekey="x"><iframe src="/hcaptcha.com/captcha/v1/checkbox#frame=checkbox&id=0" width="303" height="78"></iframe></div>`),
	"/turnstile":        page("Form", `<div class="cf-turnstile"><iframe src="/challenges.cloudflare.com/turnstile/v0?sitekey=x" width="300" height="65"></iframe></div>`),
	"/turnstile-hidden": page("Form", `<div class="cf-turnstile" style="display:none"><iframe src="/challenges.cloudflare.com/turnstile/v0" width="300" height="65"></iframe></div>`),
	"/cloudflare": page("Just a moment...", `<div id="challenge-running">Checking your browser</div>
		<iframe src="/challenges.cloudflare.com/turnstile/v0" width="300" height="65"></iframe>`),
	"/datadome":          page("example.com", `<iframe src="/captcha-delivery.com/captcha/?initialCid=abc" width="100%" height="500"></iframe>`),
	"/perimeterx":        page("Access denied", `<p>Press and hold</p><div id="px-captcha" style="width:300px;height:60px"></div>`),
	"/aws":               page("Human Verification", `<awswaf-captcha style="display:block;width:320px;height:200px"></awswaf-captcha>`),
	"/aws-container":     page("Human Verification", `<div id="captcha-container"></div><script src="/x.token.awswaf.com/challenge.js"></script>`),
	"/generic-container": page("Contact", `<form><div id="captcha-container"><p>Our captcha is coming soon</p></div><input name="mail"></form>`),
	"/mentions": page("How captchas work", `<h1>Captcha, reCAPTCHA, hCaptcha and Turnstile explained</h1>
		<p class="captcha-info">Sites use a CAPTCHA ("Just a moment..." pages, g-recaptcha, px-captcha) to stop bots.</p>
		<a href="https://www.google.com/recaptcha/about/">reCAPTCHA</a> <a href="https://www.hcaptcha.com/">hCaptcha</a>
		<img src="/captcha.png" alt="captcha example" class="captcha">`),
}

func TestDetectChallengeFindsEachVendorByItsMarkers(t *testing.T) {
	srv := serve(t, vendorSite)
	tests := []struct {
		path, vendor, kind string
		frameURL           string // substring of FrameURL, "" = none expected
	}{
		{"/recaptcha", snapshot.VendorRecaptcha, snapshot.KindCheckbox, "/recaptcha/api2/anchor"},
		{"/recaptcha-image", snapshot.VendorRecaptcha, snapshot.KindImageChallenge, "/recaptcha/api2/bframe"},
		{"/hcaptcha", snapshot.VendorHCaptcha, snapshot.KindCheckbox, "hcaptcha.com"},
		{"/turnstile", snapshot.VendorTurnstile, snapshot.KindWidget, "challenges.cloudflare.com"},
		{"/cloudflare", snapshot.VendorCloudflare, snapshot.KindInterstitial, ""},
		{"/datadome", snapshot.VendorDataDome, snapshot.KindCaptcha, "captcha-delivery.com"},
		{"/perimeterx", snapshot.VendorPerimeterX, snapshot.KindCaptcha, ""},
		{"/aws", snapshot.VendorAWSWAF, snapshot.KindCaptcha, ""},
		{"/aws-container", snapshot.VendorAWSWAF, snapshot.KindCaptcha, ""},
		{"/generic-container", "", "", ""},
		{"/mentions", "", "", ""},
		{"/recaptcha-v3", "", "", ""},
		{"/turnstile-hidden", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			t.Parallel()
			p := open(t, srv.URL+tc.path)
			c, err := snapshot.DetectChallenge(ctxT(t), p, 200, http.Header{})
			require.NoError(t, err)
			s, err := snapshot.Take(ctxT(t), p)
			require.NoError(t, err)
			if tc.vendor == "" {
				assert.Nil(t, c, "false positive: %+v", c)
				assert.Nil(t, s.Challenge)
				assert.NotContains(t, s.String(), "challenge:")
				return
			}
			require.NotNil(t, c)
			assert.Equal(t, tc.vendor, c.Vendor)
			assert.Equal(t, tc.kind, c.Kind)
			assert.NotEmpty(t, c.Evidence)
			if tc.frameURL != "" {
				assert.Contains(t, c.FrameURL, tc.frameURL)
			}
			assert.Equal(t, c, s.Challenge, "Take sees the same challenge")
			assert.Contains(t, s.String(), "challenge: "+tc.vendor+" "+tc.kind)
			assert.False(t, s.LoginWall, "a challenge is not a login wall")
		})
	}
}

// A page with one marker alone (and no frame) is still found: DetectChallenge's quick first check,
// which lets a clean page through in one round trip, must see every marker the full check knows.
func TestDetectChallengeSeesEachMarkerAlone(t *testing.T) {
	srv := serve(t, site{
		"/title":        page("Just a moment...", `<p>Checking your browser</p>`),
		"/stage":        page("Shop", `<div id="challenge-stage"></div>`),
		"/form":         page("Shop", `<form action="/?__cf_chl_f_tk=abc"><input name="x"></form>`),
		"/script":       page("Shop", `<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1"></script>`),
		"/opt":          page("Shop", `<script>window._cf_chl_opt = {cType: 'managed'};</script>`),
		"/turnstile":    page("Form", `<div class="cf-turnstile" style="width:300px;height:65px"></div>`),
		"/hcaptcha":     page("Form", `<div style="width:300px;height:65px"><textarea name="h-captcha-response"></textarea></div>`),
		"/px":           page("Denied", `<div id="px-captcha" style="width:300px;height:60px"></div>`),
		"/aws":          page("Human Verification", `<div id="captcha-container"></div>`),
		"/clean":        page("Shop", `<h1>Lamp</h1><p class="price">$12</p>`),
		"/clean-frame":  page("Shop", `<iframe src="/clean" width="300" height="100"></iframe>`),
		"/mentions-cap": page("Captcha", `<p class="captcha g-recaptcha-info">reCAPTCHA, hCaptcha, Turnstile</p>`),
	})
	for path, want := range map[string]string{
		"/title": "cloudflare/interstitial", "/stage": "cloudflare/interstitial", "/form": "cloudflare/interstitial",
		"/script": "cloudflare/interstitial", "/opt": "cloudflare/interstitial", "/turnstile": "turnstile/widget",
		"/hcaptcha": "hcaptcha/checkbox", "/px": "perimeterx/captcha", "/aws": "aws_waf/captcha",
		"/clean": "none", "/clean-frame": "none", "/mentions-cap": "none",
	} {
		// One page at a time: twelve tabs loading at once on a loaded 2-core machine outlast
		// open's deadline, and the check is about what each page holds, not about speed.
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			p := open(t, srv.URL+path)
			c, err := snapshot.DetectChallenge(ctxT(t), p, 200, http.Header{})
			require.NoError(t, err)
			assert.Equal(t, want, c.String())
		})
	}
}

func TestDetectChallengePrefersHeaders(t *testing.T) {
	srv := serve(t, site{"/": page("Fine", `<p>content</p>`)})
	p := open(t, srv.URL+"/")
	h := http.Header{}
	h.Set("cf-mitigated", "challenge")
	c, err := snapshot.DetectChallenge(ctxT(t), p, 403, h)
	require.NoError(t, err)
	require.NotNil(t, c)
	assert.Equal(t, "cloudflare/interstitial", c.String())

	s, err := snapshot.TakeWith(ctxT(t), p, snapshot.Options{Status: 403, Header: h})
	require.NoError(t, err)
	assert.Equal(t, 403, s.Status)
	assert.Equal(t, c, s.Challenge)
	assert.False(t, s.LoginWall)

	c, err = snapshot.DetectChallenge(ctxT(t), p, 200, http.Header{})
	require.NoError(t, err)
	assert.Nil(t, c)
}

func TestChallengeFromResponse(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	tests := []struct {
		name   string
		status int
		header http.Header
		want   string // vendor/kind, "none"
	}{
		{"cloudflare", 403, h("cf-mitigated", "challenge"), "cloudflare/interstitial"},
		{"cloudflare any status", 200, h("Cf-Mitigated", "Challenge"), "cloudflare/interstitial"},
		{"cloudflare old iuam", 503, h("cf-chl-bypass", "1"), "cloudflare/interstitial"},
		{"aws captcha", 405, h("x-amzn-waf-action", "captcha"), "aws_waf/captcha"},
		{"aws challenge", 202, h("x-amzn-waf-action", "challenge"), "aws_waf/challenge"},
		{"datadome 403", 403, h("x-datadome", "protected"), "datadome/captcha"},
		{"datadome server 403", 403, h("server", "DataDome"), "datadome/captcha"},
		{"datadome let through", 200, h("x-datadome", "protected"), "none"},
		{"plain 403", 403, h("server", "nginx"), "none"},
		{"cloudflare server only", 200, h("server", "cloudflare", "cf-ray", "abc"), "none"},
		{"nil header", 403, nil, "none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, snapshot.ChallengeFromResponse(tc.status, tc.header).String())
		})
	}
}
