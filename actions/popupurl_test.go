package actions_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// A popup whose document comes after ExpectPopup's wait for it (a slow server; a loaded machine
// makes any server slow): the popup Session says where its tab is going at once, and where it
// is once an action worked there. Its URL had stayed "" for good when the document was committed
// before the Session watched the tab (CI, at load ~40).
func TestExpectPopupURLWhenItsDocumentComesLate(t *testing.T) {
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/opener": htmlPage(0, `<button id="open" onclick="window.open('/slow?x=1')">open</button>`),
		"/slow":   htmlPage(3*time.Second, `<h3>Slow Window</h3>`),
	})
	s, _ := newSession(t, actions.WithTimeout(2*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/opener")
	require.NoError(t, err)
	popup, err := s.ExpectPopup(ctx, func(ctx context.Context) error { return s.Click(ctx, "#open") })
	require.NoError(t, err)
	t.Cleanup(func() { _ = popup.Close() })
	assert.Equal(t, srv.URL+"/slow?x=1", popup.URL(), "where the tab is going")
	got, err := popup.Text(ctx, "h3")
	require.NoError(t, err)
	assert.Equal(t, "Slow Window", got)
	assert.Equal(t, srv.URL+"/slow?x=1", popup.URL())
}
