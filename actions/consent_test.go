package actions_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// A click refused because a cookie consent banner covers the page says so, with the banner's
// buttons, so that a flow (or an agent) knows the one click to add; a cover that is not a consent
// banner gets no such words, and the refusal stays what it was (invalid_input, the cover named).
func TestCoveredByConsentBannerSaysWhichButtons(t *testing.T) {
	const page = `<style>#buy{margin-top:300px}</style><button id="buy">Buy</button>`
	srv := servePages(t, map[string]string{
		"/onetrust": page + `<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" style="position:fixed;inset:0;background:#fff">
<p>We use cookies to improve your experience.</p><button id="onetrust-accept-btn-handler">Accept All Cookies</button>
<button id="onetrust-reject-all-handler">Reject All</button></div></div>`,
		"/homemade": page + `<div class="notice" style="position:fixed;inset:0;background:#eee"><p>This site uses cookies.</p>
<button onclick="this.parentNode.remove()">OK, got it</button></div>`,
		"/modal": page + `<div id="newsletter" style="position:fixed;inset:0;background:#eee"><p>Subscribe to our newsletter!</p><button>No thanks</button></div>`,
	})
	for _, c := range []struct {
		path  string
		hint  []string
		cover string
	}{
		{"/onetrust", []string{`cookie consent banner (OneTrust #onetrust-banner-sdk) with "Accept All Cookies", "Reject All"`, `click "text=Accept All Cookies"`}, "onetrust"},
		{"/homemade", []string{`cookie consent banner (div.notice) with "OK, got it"`}, "div.notice"},
		{"/modal", nil, "#newsletter"},
	} {
		t.Run(c.path, func(t *testing.T) {
			// A cover is refused once it has stayed 1 s; on a loaded machine that takes more
			// than the usual 3 s attempt.
			s, _ := newSession(t, actions.WithTimeout(10*time.Second))
			ctx := ctxT(t)
			_, err := s.Navigate(ctx, srv.URL+c.path)
			require.NoError(t, err)
			err = s.Click(ctx, "#buy")
			require.Error(t, err)
			t.Log(err)
			var na *actions.NotActionableError
			require.True(t, errors.As(err, &na), "%v", err)
			assert.Equal(t, actions.ReasonCovered, na.Reason)
			var re *retry.Error
			require.True(t, errors.As(err, &re))
			assert.Equal(t, retry.InvalidInput, re.Type)
			assert.Contains(t, err.Error(), c.cover)
			for _, h := range c.hint {
				assert.Contains(t, err.Error(), h)
			}
			if c.hint == nil {
				assert.NotContains(t, err.Error(), "consent")
			}
		})
	}
}
