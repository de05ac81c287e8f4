package actions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-rod/rod"
)

// consentJS looks for a cookie consent banner a person would see: a known consent manager's
// container first, else a fixed, sticky or dialog element that speaks of cookies and has buttons.
// It returns {vendor, selector, buttons} or null.
const consentJS = `(() => {
  const known = [
    ['OneTrust', '#onetrust-banner-sdk, #onetrust-pc-sdk'], ['Cookiebot', '#CybotCookiebotDialog'],
    ['Quantcast', '.qc-cmp2-container, #qc-cmp2-ui'], ['Didomi', '#didomi-popup, #didomi-notice'],
    ['Usercentrics', '#usercentrics-root, #uc-center-container'], ['TrustArc', '#truste-consent-track, .truste_box_overlay, #consent_blackbar'],
    ['Sourcepoint', '[id^="sp_message_container_"]'], ['Google Funding Choices', '.fc-consent-root'],
    ['Osano', '.osano-cm-window'], ['Complianz', '#cmplz-cookiebanner-container, .cmplz-cookiebanner'],
    ['CookieYes', '.cky-consent-container'], ['iubenda', '#iubenda-cs-banner'], ['Cookie Notice', '#cookie-notice'],
    ['CookieLawInfo', '#cookie-law-info-bar'], ['cookieconsent', '.cc-window'], ['Klaro', '.klaro .cookie-modal, .klaro .cookie-notice'],
    ['consentmanager', '#cmpbox'], ['Borlabs', '#BorlabsCookieBox'], ['Termly', '#termly-code-snippet-support'],
  ];
  const shown = (e) => {
    const r = e.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;
    const s = getComputedStyle(e);
    return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0.05;
  };
  const label = (b) => (b.innerText || b.value || b.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim();
  const buttons = (e) => {
    const out = [];
    for (const b of e.querySelectorAll('button, [role=button], a[href], input[type=button], input[type=submit]')) {
      const l = label(b);
      if (l && l.length <= 40 && shown(b) && !out.includes(l)) out.push(l);
      if (out.length >= 5) break;
    }
    return out;
  };
  const describe = (e) => e.id ? '#' + e.id : e.localName + (e.classList[0] ? '.' + e.classList[0] : '');
  for (const [vendor, sel] of known) {
    for (const e of document.querySelectorAll(sel)) {
      if (shown(e)) return { vendor, selector: describe(e), buttons: buttons(e) };
    }
  }
  const words = /\b(cookies?|consent|gdpr|datenschutz|privacy preferences)\b/i;
  for (const e of document.querySelectorAll('body *')) {
    const s = getComputedStyle(e);
    const dialog = e.getAttribute('role') === 'dialog' || e.getAttribute('role') === 'alertdialog' || e.localName === 'dialog';
    if (!dialog && s.position !== 'fixed' && s.position !== 'sticky') continue;
    if (!shown(e) || !words.test(e.innerText || '')) continue;
    const bs = buttons(e);
    if (bs.length) return { vendor: '', selector: describe(e), buttons: bs };
  }
  return null;
})()`

// consentBanner is what consentJS found.
type consentBanner struct {
	Vendor   string   `json:"vendor"`
	Selector string   `json:"selector"`
	Buttons  []string `json:"buttons"`
}

// consentHintError adds to a refusal of a covered element that the page shows a cookie
// consent banner, and which buttons answer it: on a real site the usual cover, which a flow or
// an agent answers with one more click.
type consentHintError struct {
	err    error
	banner consentBanner
}

func (e *consentHintError) Error() string {
	var b strings.Builder
	b.WriteString(e.err.Error())
	b.WriteString("; the page shows a cookie consent banner (")
	if e.banner.Vendor != "" {
		b.WriteString(e.banner.Vendor + " ")
	}
	b.WriteString(e.banner.Selector + ")")
	if len(e.banner.Buttons) > 0 {
		q := make([]string, len(e.banner.Buttons))
		for i, l := range e.banner.Buttons {
			q[i] = strconv.Quote(l)
		}
		fmt.Fprintf(&b, " with %s: click one first (e.g. click \"text=%s\")", strings.Join(q, ", "), e.banner.Buttons[0])
	} else {
		b.WriteString(": answer it first")
	}
	return b.String()
}

func (e *consentHintError) Unwrap() error { return e.err }

// withConsentHint returns err with a consentHintError when err refuses a covered element and the
// page shows a cookie consent banner; err as it is otherwise, or when the page does not answer
// within a second.
func (s *Session) withConsentHint(ctx context.Context, err error) error {
	var na *NotActionableError
	if !errors.As(err, &na) || (na.Reason != ReasonCovered && na.Reason != ReasonObscured) || s.isClosed() {
		return err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	var banner *consentBanner
	if e := s.b.Guard(cctx, s.Page(), time.Second, "look for a consent banner", func(p *rod.Page) error {
		return evalExpr(p, consentJS, &banner)
	}); e != nil || banner == nil {
		return err
	}
	return &consentHintError{err: err, banner: *banner}
}
