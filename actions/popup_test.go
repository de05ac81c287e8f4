package actions_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// the-internet's "Multiple Windows": a target=_blank link opens /windows/new; a script's
// window.open too.
func TestExpectPopup(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/windows":     `<a href="/windows/new" target="_blank">Click Here</a><button id="js" onclick="window.open('/windows/new?js')">Open</button><a id="noop" href="/windows/new" target="_blank" rel="noopener">No opener</a><p id="plain">plain</p>`,
		"/windows/new": `<h3>New Window</h3><script>setTimeout(() => document.body.insertAdjacentHTML('beforeend', '<p id="late">late</p>'), 200)</script>`,
	})
	// ExpectPopup waits for the popup's first document within the opener's timeout: a long one,
	// so that on a loaded machine the popup is found loaded (within newSession's 3s it was found
	// before its document, and URL() said "").
	s, _ := newSession(t, actions.WithTimeout(30*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/windows")
	require.NoError(t, err)

	for _, sel := range []string{"text=Click Here", "#js"} {
		popup, err := s.ExpectPopup(ctx, func(ctx context.Context) error { return s.Click(ctx, sel) })
		require.NoError(t, err, sel)
		got, err := popup.Text(ctx, "h3")
		require.NoError(t, err)
		assert.Equal(t, "New Window", got)
		require.NoError(t, popup.WaitFor(ctx, "#late"))
		assert.Contains(t, popup.URL(), "/windows/new")
		target := popup.Page().TargetID
		require.NoError(t, popup.Close())
		assert.False(t, pageTargets(t)[target], "Close closed the popup's tab")
	}
	// The opener is where it was.
	got, err := s.Text(ctx, "#plain")
	require.NoError(t, err)
	assert.Equal(t, "plain", got)

	// An action that opens nothing: ErrNoPopup after the (short) timeout.
	quick, _ := newSession(t)
	_, err = quick.Navigate(ctx, srv.URL+"/windows")
	require.NoError(t, err)
	_, err = quick.ExpectPopup(ctx, func(ctx context.Context) error { return quick.Click(ctx, "#plain") })
	assert.ErrorIs(t, err, actions.ErrNoPopup)
	// An action that fails: its error, as it is.
	boom := errors.New("boom")
	_, err = quick.ExpectPopup(ctx, func(ctx context.Context) error { return boom })
	assert.ErrorIs(t, err, boom)
}
