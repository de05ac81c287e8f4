package testpages

import (
	"fmt"
	"net/http"
	"strings"
)

// Vendors are the CAPTCHA / bot-wall look-alikes, each at /captcha/<vendor>. Solving one sets the
// cookie "captcha_<vendor>=ok" (path /).
var Vendors = []string{"recaptcha", "hcaptcha", "turnstile", "cloudflare", "datadome", "perimeterx", "awswaf"}

// CaptchaCookie is the name of the cookie that marks vendor's look-alike as solved.
func CaptchaCookie(vendor string) string { return "captcha_" + vendor }

func solved(r *http.Request, vendor string) bool {
	ck, err := r.Cookie(CaptchaCookie(vendor))
	return err == nil && ck.Value == "ok"
}

func (s *Site) captchaPage(vendor string, status int) func(w http.ResponseWriter, r *http.Request, c *call) {
	return func(w http.ResponseWriter, r *http.Request, c *call) {
		if solved(r, vendor) {
			s.content(w, http.StatusOK, "Protected page", "Welcome: the "+vendor+" check is passed.")
			return
		}
		h := w.Header()
		switch vendor {
		case "cloudflare":
			h.Set("Cf-Mitigated", "challenge")
			h.Set("Server", "cloudflare")
			h.Set("Cf-Ray", fmt.Sprintf("%016x-TST", c.n))
		case "datadome":
			h.Set("X-Datadome", "protected")
		case "awswaf":
			h.Set("X-Amzn-Waf-Action", "captcha")
		}
		title := map[string]string{
			"recaptcha": "Please verify you are human", "hcaptcha": "Please verify you are human",
			"turnstile": "Please verify you are human", "cloudflare": "Just a moment...",
			"datadome": "Access blocked", "perimeterx": "Access to this page has been denied",
			"awswaf": "Human verification",
		}[vendor]
		s.render(w, status, "captcha-"+vendor, page{Title: title, Route: r.URL.Path, ID: c.p.ID,
			Data: map[string]any{"Challenge": r.URL.Query().Get("challenge") == "1", "Ray": fmt.Sprintf("%016x", c.n)}})
	}
}

// vendorFrame serves the iframes of the look-alikes: /recaptcha/api2/anchor, /recaptcha/api2/bframe,
// /hcaptcha.com/…, /challenges.cloudflare.com/…, /geo.captcha-delivery.com/….
func (s *Site) vendorFrame(w http.ResponseWriter, r *http.Request, c *call) {
	p := r.URL.Path
	var name, vendor string
	switch {
	case strings.HasPrefix(p, "/recaptcha/") && strings.Contains(p, "bframe"):
		name, vendor = "frame-bframe", "recaptcha"
	case strings.HasPrefix(p, "/recaptcha/"):
		name, vendor = "frame-anchor", "recaptcha"
	case strings.HasPrefix(p, "/hcaptcha.com/"):
		name, vendor = "frame-hcaptcha", "hcaptcha"
	case strings.HasPrefix(p, "/challenges.cloudflare.com/"):
		name, vendor = "frame-turnstile", "turnstile"
	default:
		name, vendor = "frame-datadome", "datadome"
	}
	s.render(w, http.StatusOK, name, page{Title: vendor, Route: p, ID: c.p.ID,
		Data: map[string]any{"frame": true, "Vendor": vendor}})
}

// challengeScript is the interstitial's script, on a /cdn-cgi/challenge-platform/ path like the
// real one. It wires the checkbox.
func (s *Site) challengeScript(w http.ResponseWriter, r *http.Request, c *call) {
	b, err := assets.ReadFile("assets/static/challenge.js")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	_, _ = w.Write(b)
}

func (s *Site) captchaClear(w http.ResponseWriter, r *http.Request, c *call) {
	for _, v := range Vendors {
		http.SetCookie(w, &http.Cookie{Name: CaptchaCookie(v), Value: "", Path: "/", MaxAge: -1})
	}
	s.content(w, http.StatusOK, "CAPTCHAs cleared", "Every look-alike asks again.")
}
