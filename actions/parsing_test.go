package actions_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// A read that comes while the new document is still arriving: the server has sent
// '<h1 id="late">' and its text comes in the next chunk. The element is there, its text not yet;
// Text read "" (what TestClickNavigationThatStartsLate met when the parser yielded between the
// tag and its text on a loaded machine). Reads wait until the parser is past the element.
func TestReadWaitsForTheParserToPassTheElement(t *testing.T) {
	flushed := make(chan struct{}, 1)
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/start": htmlPage(0, `<h1 id="t">start</h1>
<button id="go" onclick="setTimeout(() => { location.href = '/partial' }, 200)">go</button>`),
		"/partial": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(`<!doctype html><html><head><title>partial</title></head><body><h1 id="late" title="x">`))
			w.(http.Flusher).Flush()
			flushed <- struct{}{}
			select {
			case <-time.After(1200 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
			_, _ = w.Write([]byte(`done</h1><p>rest</p></body></html>`))
		},
	})
	s, _ := newSession(t, actions.WithTimeout(10*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/start")
	require.NoError(t, err)
	require.NoError(t, s.Click(ctx, "#go"))
	select {
	case <-flushed:
	case <-ctx.Done():
		t.Fatal("the page never navigated")
	}
	got, err := s.Text(ctx, "#late")
	require.NoError(t, err)
	assert.Equal(t, "done", got)
}
