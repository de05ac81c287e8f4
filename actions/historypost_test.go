package actions_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// Back to the answer of a form POST (an order placed, a message sent) would send the form again:
// a browser asks first ("Confirm Form Resubmission"). Back refuses at once, saying why, and the
// server sees the form once.
func TestBackToAPostAnswerDoesNotSendTheFormAgain(t *testing.T) {
	var posts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Cache-Control", "no-store")
		switch {
		case r.URL.Path == "/order" && r.Method == http.MethodPost:
			posts.Add(1)
			fmt.Fprint(w, `<p id="done">ordered</p><a id="home" href="/home">home</a><script>addEventListener("unload", () => {})</script>`)
		case r.URL.Path == "/":
			fmt.Fprint(w, `<form method="post" action="/order"><input name="item" value="1"><button id="buy">Buy</button></form>`)
		default:
			fmt.Fprint(w, `<p id="home">home</p>`)
		}
	}))
	t.Cleanup(srv.Close)
	s, _ := newSession(t, actions.WithTimeout(historyAttempt))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	require.NoError(t, s.Click(ctx, "#buy"))
	got, err := s.Text(ctx, "#done")
	require.NoError(t, err)
	require.Equal(t, "ordered", got)
	require.NoError(t, s.Click(ctx, "#home"))
	_, err = s.Text(ctx, "p#home")
	require.NoError(t, err)

	_, err = s.Back(ctx)
	require.Error(t, err)
	assert.True(t, errors.Is(err, retry.ErrPermanent), "%v", err)
	typ, n := attempts(t, err)
	assert.Equal(t, retry.InvalidInput, typ)
	assert.Equal(t, 1, n)
	assert.Contains(t, err.Error(), "POST")
	assert.Equal(t, int64(1), posts.Load(), "the form was sent once")
}
