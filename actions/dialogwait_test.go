package actions_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// DemoBlaze's "Add to cart": the alert "Product added." opens when the store's API answers, here
// after 4 s, past the 3 s Click waits for the requests it started. WaitForDialog waits for it,
// a read in between (Text) does not move its mark, and a later click that opens no dialog is
// not answered with the old one, as LastDialog would.
func TestWaitForDialogOfASlowRequest(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/addtocart":
			select {
			case <-time.After(4 * time.Second):
			case <-r.Context().Done():
			}
			_, _ = w.Write([]byte(`{}`))
		case "/":
			_, _ = w.Write([]byte(`<!doctype html><h2 id="name">Samsung galaxy s6</h2>
<a href="#" id="add" onclick="fetch('/addtocart', {method: 'POST'}).then((r) => r.json()).then(() => alert('Product added.'))">Add to cart</a>
<button id="nothing" onclick="this.textContent = 'clicked'">Nothing</button>`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	s, _ := newSession(t, actions.WithTimeout(attemptUnderLoad))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	require.NoError(t, s.Click(ctx, "#add"))
	name, err := s.Text(ctx, "#name")
	require.NoError(t, err)
	assert.Equal(t, "Samsung galaxy s6", name)
	d, accepted, err := s.WaitForDialog(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Product added.", d.Message)
	assert.Equal(t, "alert", d.Type)
	assert.True(t, accepted)
	d, _, err = s.WaitForDialog(ctx) // at once: it is still the one since the click
	require.NoError(t, err)
	assert.Equal(t, "Product added.", d.Message)

	require.NoError(t, s.Click(ctx, "#nothing"))
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, _, err = s.WaitForDialog(short)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	assert.Contains(t, err.Error(), "since the last action (click) began")
	last, _, ok := s.LastDialog()
	assert.True(t, ok)
	assert.Equal(t, "Product added.", last.Message, "LastDialog still tells the old one")
	assert.Equal(t, 1, s.Dialogs())
}
