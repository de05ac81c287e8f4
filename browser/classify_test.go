package browser

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/cdp"
	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
)

func evalErr(desc string) *rod.EvalError {
	return &rod.EvalError{RuntimeExceptionDetails: &proto.RuntimeExceptionDetails{
		Exception: &proto.RuntimeRemoteObject{Description: desc}}}
}

func TestClassifyTable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want retry.ErrorType
		ok   bool
	}{
		{"nil", nil, retry.Unknown, false},
		{"crash", fmt.Errorf("click: %w (renderer crashed)", ErrPageCrashed), retry.PageCrash, true},
		{"invalid url", fmt.Errorf("%w: empty", ErrInvalidURL), retry.InvalidInput, true},
		{"timeout network", &TimeoutError{Op: "navigate", After: time.Second}, retry.NetworkTimeout, true},
		{"timeout element", fmt.Errorf("x: %w", &TimeoutError{Op: "click", Kind: WaitElement}), retry.SelectorNotFound, true},
		{"reset", &rod.NavigationError{Reason: "net::ERR_CONNECTION_RESET"}, retry.ConnectionReset, true},
		{"empty response", &rod.NavigationError{Reason: "net::ERR_EMPTY_RESPONSE"}, retry.ConnectionReset, true},
		{"closed", &rod.NavigationError{Reason: "net::ERR_CONNECTION_CLOSED"}, retry.ConnectionReset, true},
		{"refused", &rod.NavigationError{Reason: "net::ERR_CONNECTION_REFUSED"}, retry.ConnectionReset, true},
		{"resolver failed", &rod.NavigationError{Reason: "net::ERR_NAME_RESOLUTION_FAILED"}, retry.ConnectionReset, true},
		{"timed out", &rod.NavigationError{Reason: "net::ERR_TIMED_OUT"}, retry.NetworkTimeout, true},
		{"connection timed out", &rod.NavigationError{Reason: "ERR_CONNECTION_TIMED_OUT"}, retry.NetworkTimeout, true},
		{"no such host", &rod.NavigationError{Reason: "net::ERR_NAME_NOT_RESOLVED"}, retry.NotFound, true},
		{"aborted", &rod.NavigationError{Reason: "net::ERR_ABORTED"}, retry.ConnectionReset, true},
		{"invalid url nav", &rod.NavigationError{Reason: "net::ERR_INVALID_URL"}, retry.InvalidInput, true},
		{"cert", &rod.NavigationError{Reason: "net::ERR_CERT_AUTHORITY_INVALID"}, retry.InvalidInput, true},
		{"redirect loop", &rod.NavigationError{Reason: "net::ERR_TOO_MANY_REDIRECTS"}, retry.InvalidInput, true},
		{"unknown net", &rod.NavigationError{Reason: "net::ERR_SOMETHING_NEW"}, retry.Unknown, false},
		{"wrapped nav", fmt.Errorf("navigate x: %w", &rod.NavigationError{Reason: "net::ERR_CONNECTION_RESET"}), retry.ConnectionReset, true},
		{"bad selector", evalErr("SyntaxError: Failed to execute 'querySelector' on 'Document': '[[' is not a valid selector."), retry.InvalidInput, true},
		{"other eval", evalErr("TypeError: x is undefined"), retry.Unknown, false},
		{"object not found", &rod.ObjectNotFoundError{}, retry.StaleElement, true},
		{"element not found", &rod.ElementNotFoundError{}, retry.SelectorNotFound, true},
		{"expect element", &rod.ExpectElementError{}, retry.SelectorNotFound, true},
		{"not interactable", &rod.NotInteractableError{}, retry.SelectorNotFound, true},
		{"covered", fmt.Errorf("click: %w", &rod.CoveredError{}), retry.SelectorNotFound, true},
		{"invisible", &rod.InvisibleShapeError{}, retry.SelectorNotFound, true},
		{"no pointer events", &rod.NoPointerEventsError{}, retry.SelectorNotFound, true},
		{"no shadow root", &rod.NoShadowRootError{}, retry.SelectorNotFound, true},
		{"ctx not found", cdp.ErrCtxNotFound, retry.StaleElement, true},
		{"ctx destroyed", cdp.ErrCtxDestroyed, retry.StaleElement, true},
		{"obj not found", cdp.ErrObjNotFound, retry.StaleElement, true},
		{"detached", &cdp.Error{Code: -32000, Message: "Node is detached from document"}, retry.StaleElement, true},
		{"navigated", fmt.Errorf("x: %w", &cdp.Error{Code: -32000, Message: "Inspected target navigated or closed"}), retry.StaleElement, true},
		{"with data", &cdp.Error{Code: -32000, Message: "Cannot find context with specified id", Data: "x"}, retry.StaleElement, true},
		{"session gone", cdp.ErrSessionNotFound, retry.PageCrash, true},
		{"other cdp", &cdp.Error{Code: -32601, Message: "'Foo.bar' wasn't found"}, retry.Unknown, false},
		{"http error", &retry.HTTPError{StatusCode: 503}, retry.Unknown, false},
		{"plain", errors.New("boom"), retry.Unknown, false},
		{"deadline", context.DeadlineExceeded, retry.Unknown, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Classify(c.err)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.ok, ok)
		})
	}
}

var _ retry.Classifier = Classify

// Errors produced by real Chromium, classified.
func TestClassifyRealErrors(t *testing.T) {
	b := shared(t)
	p := newPage(t, b)
	ctx := testCtx(t)
	html := `data:text/html,<button id="b">b</button><div id="cover" style="position:fixed;inset:0;background:red"></div>`
	_, err := b.Navigate(ctx, p, html, 10*time.Second)
	require.NoError(t, err)

	t.Run("invalid selector", func(t *testing.T) {
		_, err := p.Timeout(5 * time.Second).Element("[[[")
		require.Error(t, err)
		typ, ok := Classify(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, retry.InvalidInput, typ)
	})
	t.Run("covered", func(t *testing.T) {
		el, err := p.Timeout(5 * time.Second).Element("#b")
		require.NoError(t, err)
		_, err = el.Interactable()
		var ce *rod.CoveredError
		require.ErrorAs(t, err, &ce)
		typ, _ := Classify(err)
		assert.Equal(t, retry.SelectorNotFound, typ)
	})
	t.Run("stale after navigation", func(t *testing.T) {
		el, err := p.Timeout(5 * time.Second).Element("#b")
		require.NoError(t, err)
		_, err = b.Navigate(ctx, p, "data:text/html,<p>other</p>", 10*time.Second)
		require.NoError(t, err)
		_, err = el.Timeout(5 * time.Second).Text()
		require.Error(t, err)
		t.Logf("%T: %v", err, err)
		typ, ok := Classify(err)
		require.True(t, ok, "%T %v", err, err)
		assert.Equal(t, retry.StaleElement, typ)
	})
	t.Run("name not resolved", func(t *testing.T) {
		_, err := b.Navigate(ctx, p, "http://no-such-host.invalid/", 10*time.Second)
		var nav *rod.NavigationError
		require.ErrorAs(t, err, &nav)
		t.Logf("%v", err)
		typ, ok := Classify(err)
		require.True(t, ok)
		assert.Equal(t, retry.NotFound, typ)
	})
}
