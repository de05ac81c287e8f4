package browser

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
)

// A server with a self-signed certificate (a team's test server) is refused by default, at
// once, with an error that says how to accept it; IgnoreHTTPSErrors accepts it in every tab and
// browser context, and SetIgnoreHTTPSErrors turns it on for a running browser.
func TestIgnoreHTTPSErrors(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<title>secure</title><h1>hello</h1>`)
	}))
	// Chromium's refusals of the certificate are logged by the server: not this test's business.
	srv.Config.ErrorLog = nil
	t.Cleanup(srv.Close)

	refused := func(t *testing.T, b *Browser) {
		t.Helper()
		_, err := b.Navigate(testCtx(t), newPage(t, b), srv.URL, 10*time.Second)
		var nav *rod.NavigationError
		require.ErrorAs(t, err, &nav)
		assert.Contains(t, nav.Reason, "ERR_CERT_")
		typ, ok := Classify(err)
		assert.True(t, ok)
		assert.Equal(t, retry.InvalidInput, typ, "the same request fails the same way: no retry")
		assert.Contains(t, err.Error(), "certificate was refused")
		assert.Contains(t, err.Error(), "IgnoreHTTPSErrors()")
		assert.Contains(t, err.Error(), "ignore_https_errors: true")
	}
	loads := func(t *testing.T, b *Browser) {
		t.Helper()
		resp, err := b.Navigate(testCtx(t), newPage(t, b), srv.URL, 10*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 200, resp.Status)
		ctx := testCtx(t)
		c, err := b.NewContext(ctx)
		require.NoError(t, err)
		defer func() { assert.NoError(t, c.Close()) }()
		p, err := c.NewPage(ctx)
		require.NoError(t, err)
		resp, err = b.Navigate(ctx, p, srv.URL, 10*time.Second)
		require.NoError(t, err, "a browser context of its own")
		assert.Equal(t, 200, resp.Status)
	}

	t.Run("by default", func(t *testing.T) { refused(t, shared(t)) })
	t.Run("IgnoreHTTPSErrors", func(t *testing.T) { loads(t, launch(t, IgnoreHTTPSErrors())) })
	t.Run("SetIgnoreHTTPSErrors", func(t *testing.T) {
		b := launch(t)
		refused(t, b)
		require.NoError(t, b.SetIgnoreHTTPSErrors(testCtx(t), true))
		loads(t, b)
	})
}
