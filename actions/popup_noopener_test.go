package actions_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// The tab of a rel="noopener" (or "noopener noreferrer") link, most sites' "open in a new tab",
// is found like any other: the page cannot reach it, but Chromium still says which tab opened it.
func TestExpectPopupNoopener(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/links": `<a id="noop" href="/new?noopener" target="_blank" rel="noopener">No opener</a>
<a id="noref" href="/new?noreferrer" target="_blank" rel="noopener noreferrer">No referrer</a>`,
		"/new": `<h3>New tab</h3>`,
	})
	for _, isolated := range []bool{false, true} {
		var opts []actions.Option
		if isolated {
			opts = append(opts, actions.Isolated())
		}
		s, _ := newSession(t, opts...)
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/links")
		require.NoError(t, err)
		for _, sel := range []string{"#noop", "#noref"} {
			popup, err := s.ExpectPopup(ctx, func(ctx context.Context) error { return s.Click(ctx, sel) })
			require.NoError(t, err, "%s (isolated %v)", sel, isolated)
			got, err := popup.Text(ctx, "h3")
			require.NoError(t, err)
			assert.Equal(t, "New tab", got)
			assert.Contains(t, popup.URL(), "/new?no")
			require.NoError(t, popup.Close())
		}
	}
}
