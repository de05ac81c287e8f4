package actions_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// A product page whose details arrive by fetch after load (DemoBlaze's prod.html): the heading is
// there and empty until the slow answer, chained to a second request. Text waits for the page's
// requests in flight instead of reading "" — and only for them: an element empty on a page with
// nothing on its way, or with a request that never ends, is read as it is, without an error.
func TestTextOfAnElementFilledByAFetch(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/view":
			time.Sleep(800 * time.Millisecond)
			_, _ = w.Write([]byte(`{"title": "Samsung galaxy s6"}`))
		case "/api/price":
			time.Sleep(300 * time.Millisecond)
			_, _ = w.Write([]byte(`{"price": 360}`))
		case "/api/poll":
			select { // a long poll: answers when the test ends
			case <-hang:
			case <-r.Context().Done():
			}
		case "/prod":
			_, _ = w.Write([]byte(`<!doctype html><h2 class="name"></h2><h3 class="price"></h3><p id="empty"></p>
<script>
fetch('/api/view').then((r) => r.json()).then((p) => {
  document.querySelector('.name').textContent = p.title;
  return fetch('/api/price').then((r) => r.json()).then((q) => { document.querySelector('.price').textContent = '$' + q.price; });
});
</script>`))
		case "/quiet":
			_, _ = w.Write([]byte(`<!doctype html><p id="empty"></p><script>fetch('/api/poll');</script>`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	s, _ := newSession(t, actions.WithTimeout(attemptUnderLoad))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/prod")
	require.NoError(t, err)
	got, err := s.Text(ctx, "h2.name")
	require.NoError(t, err)
	assert.Equal(t, "Samsung galaxy s6", got)
	got, err = s.TextNth(ctx, ".price", 0)
	require.NoError(t, err)
	assert.Equal(t, "$360", got, "the second request, started by the first one's answer")
	got, err = s.Text(ctx, "#empty")
	require.NoError(t, err)
	assert.Equal(t, "", got, "empty on a quiet page")

	// A request that never ends (a long poll) does not hold the read for its one attempt: the
	// wait for requests in flight ends well before the attempt's 10 s.
	s2, _ := newSession(t, actions.WithTimeout(10*time.Second))
	_, err = s2.Navigate(ctx, srv.URL+"/quiet")
	require.NoError(t, err)
	start := time.Now()
	got, err = s2.Text(actions.WithCallOptions(ctx, retry.MaxAttempts(1)), "#empty")
	t.Logf("empty with a long poll in flight: %v", time.Since(start))
	require.NoError(t, err)
	assert.Equal(t, "", got)
}

// A cart whose rows arrive one by one (DemoBlaze's cart.html: the list of ids, then one request
// per row, answered at different times, two at once): Extract reads the rows once the page's
// requests in flight are answered and acted on, not the first row alone.
func TestExtractOfRowsArrivingOneByOne(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/view":
			d, _ := time.ParseDuration(r.URL.Query().Get("after"))
			time.Sleep(d)
			_, _ = w.Write([]byte(`{"title": "` + r.URL.Query().Get("title") + `"}`))
		case "/cart":
			_, _ = w.Write([]byte(`<!doctype html><table><tbody id="rows"></tbody></table>
<script>
[['Samsung galaxy s6', '100ms'], ['Nokia lumia 1520', '900ms'], ['Nexus 6', '900ms'], ['HTC One M9', '1200ms']].forEach(([title, after]) =>
  fetch('/api/view?title=' + encodeURIComponent(title) + '&after=' + after).then((r) => r.json()).then((p) =>
    document.getElementById('rows').insertAdjacentHTML('beforeend', '<tr><td>' + p.title + '</td></tr>')));
</script>`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	s, _ := newSession(t, actions.WithTimeout(attemptUnderLoad))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/cart")
	require.NoError(t, err)
	recs, err := s.Extract(ctx, "#rows tr", map[string]string{"title": "td"})
	require.NoError(t, err)
	assert.ElementsMatch(t, []map[string]string{{"title": "Samsung galaxy s6"}, {"title": "Nokia lumia 1520"}, {"title": "Nexus 6"}, {"title": "HTC One M9"}}, recs)
}
