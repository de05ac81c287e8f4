package actions_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// Slow pages and slow machines: what a loaded CI box showed (load average 20-40 on 2 cores),
// reproduced without load by pages that are slow on purpose. Each test waits for conditions.

// slowServer serves the handlers of routes, each under its path; the page is closed at the end.
func slowServer(t *testing.T, routes map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for path, h := range routes {
		mux.HandleFunc(path, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv
}

// htmlPage answers body as an HTML page after delay (the server's think time).
func htmlPage(delay time.Duration, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><html><head><title>" + r.URL.Path + "</title></head><body>" + body + "</body></html>"))
	}
}

// A 401 answered, then the tab's renderer dies (under load, the attempt that met the 401 was
// once taken for a hung page): the repair's new tab goes back to the 401, and the error of the
// attempt that met it again still says how to answer the challenge (it had said only "HTTP 401").
func TestHTTPAuthHintSurvivesACrashRepair(t *testing.T) {
	var n atomic.Int64
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/basic_auth": func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("WWW-Authenticate", `Basic realm="Restricted Area"`)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`<p>Not authorized</p>`))
		},
	})
	const hint = "the server asks for HTTP Basic authentication: give credentials with actions.WithHTTPCredentials"
	s, _ := newSession(t, actions.Isolated(), actions.WithTimeout(attemptUnderLoad))
	_, err := s.Navigate(ctxT(t), srv.URL+"/basic_auth")
	require.Error(t, err)
	assert.Contains(t, err.Error(), hint)

	// Page.crash never answers; under load a short call may end before the renderer got it: ask
	// until the browser says the tab crashed.
	within := ctxT(t)
	for tab := s.Page(); !testBrowser.Crashed(tab); {
		ctx, cancel := context.WithTimeout(within, 300*time.Millisecond)
		_ = proto.PageCrash{}.Call(tab.Context(ctx))
		cancel()
		require.NoError(t, within.Err(), "the tab never crashed")
	}
	_, err = s.Text(ctxT(t), "p")
	require.Error(t, err)
	typ, _ := attempts(t, err)
	assert.Equal(t, retry.AuthRequired, typ, "%v", err)
	// (Chromium may load an error page's URL again by itself: at least the repair's request.)
	assert.GreaterOrEqual(t, n.Load(), int64(2), "the repair went back to the page: %v", err)
	assert.Contains(t, err.Error(), hint)
}

// A popup whose first navigation starts late: the button opens an empty window at once (as pages
// do to escape popup blockers) and sends it to its URL after a slow step. ExpectPopup returns the
// popup on its document, not on the about:blank before it.
func TestExpectPopupWhoseNavigationStartsLate(t *testing.T) {
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/opener": htmlPage(0, `<button id="late" onclick="const w = window.open(''); setTimeout(() => { w.location = '/new' }, 1500)">late</button>
<button id="slow" onclick="setTimeout(() => window.open('/slow'), 2500)">slow</button>
<button id="written" onclick="window.open('', 'msg').document.write('<h3>Written Window</h3>')">written</button>`),
		"/new":  htmlPage(0, `<h3>New Window</h3>`),
		"/slow": htmlPage(2500*time.Millisecond, `<h3>Slow Window</h3>`),
	})
	s, _ := newSession(t, actions.WithTimeout(4*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/opener")
	require.NoError(t, err)

	for sel, want := range map[string]string{"#late": "/new", "#slow": "/slow"} {
		popup, err := s.ExpectPopup(ctx, func(ctx context.Context) error { return s.Click(ctx, sel) })
		require.NoError(t, err, sel)
		assert.Equal(t, srv.URL+want, popup.URL(), sel)
		got, err := popup.Text(ctx, "h3")
		require.NoError(t, err, sel)
		assert.Contains(t, got, "Window", sel)
		require.NoError(t, popup.Close())
	}
	// A popup its opener writes into without closing the document (which then stays "loading"
	// for good) is ready at once, not after the whole timeout (20 s here: room to tell them
	// apart on a loaded machine).
	s, _ = newSession(t, actions.WithTimeout(20*time.Second))
	_, err = s.Navigate(ctx, srv.URL+"/opener")
	require.NoError(t, err)
	start := time.Now()
	popup, err := s.ExpectPopup(ctx, func(ctx context.Context) error { return s.Click(ctx, "#written") })
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 10*time.Second)
	got, err := popup.Text(ctx, "h3")
	require.NoError(t, err)
	assert.Equal(t, "Written Window", got)
	require.NoError(t, popup.Close())
}

// A heavy page busy for seconds (a long script: hydration on a slow machine) is not a hung one:
// the attempt that meets it runs out of time, the page answers a few seconds later, and the next
// attempt goes on in the same tab. It had been taken for hung 4s after the attempt's deadline and
// its tab replaced (page_crash), whose reload was as busy again.
func TestBusyPageIsNotAHungPage(t *testing.T) {
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/heavy": htmlPage(0, `<h1 id="t">heavy</h1><script>
window.work = (ms) => setTimeout(() => {
  const end = performance.now() + ms;
  while (performance.now() < end) {} // one long task: the main thread answers nothing meanwhile
  document.body.insertAdjacentHTML('beforeend', '<p id="ready">ready</p>');
}, 0);</script>`),
	})
	s, _ := newSession(t)
	_, err := s.Navigate(ctxT(t), srv.URL+"/heavy")
	require.NoError(t, err)
	tab := s.Page()
	_, err = proto.RuntimeEvaluate{Expression: `work(9000)`}.Call(tab.Context(ctxT(t)))
	require.NoError(t, err)
	got, err := s.Text(ctxT(t), "#ready")
	require.NoError(t, err)
	assert.Equal(t, "ready", got)
	assert.Same(t, tab, s.Page(), "the busy tab was kept")
	assert.Zero(t, s.Manager().Stats().ErrorTypeDistribution[retry.PageCrash.String()], "no page_crash")
}

// Navigations a click starts late: its handler fetches from a slow server first, or a form's
// submit handler checks something with the server before submitting; or the page's script
// navigates a moment after the click and the document is slow to come. The next action works
// on the new page, never on the one being left. (Click had waited 1s at most for a navigation to
// start, and not at all after a plain button; the next action read the old page.)
func TestClickNavigationThatStartsLate(t *testing.T) {
	arrived := make(chan string, 16)
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/start": htmlPage(0, `<h1 id="t">start</h1>
<button id="fetch" onclick="fetch('/api').then((r) => r.text()).then(() => { location.href = '/done?fetch' })">fetch, then go</button>
<form id="f" action="/done" onsubmit="event.preventDefault(); fetch('/api').then(() => this.submit())"><input name="q" value="submit"><button id="send">submit</button></form>
<button id="timer" onclick="setTimeout(() => { location.href = '/slowdone' }, 200)">later</button>
<button id="stream" onclick="fetch('/stream').then(() => { document.querySelector('#t').textContent = 'streaming' })">stream</button>`),
		"/stream": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = w.Write([]byte("data: first\n\n"))
			w.(http.Flusher).Flush()
			select { // a stream that flows for longer than the attempt
			case <-time.After(30 * time.Second):
			case <-r.Context().Done():
			}
		},
		"/api": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(1800 * time.Millisecond): // longer than Click's old 1s grace
			case <-r.Context().Done():
			}
			_, _ = w.Write([]byte("ok"))
		},
		"/done": htmlPage(0, `<h1 id="t">done</h1>`),
		"/slowdone": func(w http.ResponseWriter, r *http.Request) {
			arrived <- r.URL.Path
			htmlPage(1500*time.Millisecond, `<h1 id="t">done</h1>`)(w, r)
		},
	})
	for _, tc := range []struct{ button, landed string }{
		{"#fetch", "/done?fetch"},
		{"#send", "/done?q=submit"},
		{"#timer", "/slowdone"},
	} {
		t.Run(tc.button, func(t *testing.T) {
			s, _ := newSession(t, actions.WithTimeout(10*time.Second))
			ctx := ctxT(t)
			_, err := s.Navigate(ctx, srv.URL+"/start")
			require.NoError(t, err)
			require.NoError(t, s.Click(ctx, tc.button))
			if tc.button == "#timer" {
				// The click is over before the page navigates; the next action comes while the
				// new document is on its way.
				select {
				case <-arrived:
				case <-ctx.Done():
					t.Fatal("the page never navigated")
				}
			}
			got, err := s.Text(ctx, "#t")
			require.NoError(t, err)
			assert.Equal(t, "done", got)
			assert.Equal(t, srv.URL+tc.landed, s.LastNavigation().URL)
		})
	}
	// A click that opens a stream (server-sent events over fetch) is not held until the stream
	// ends: the page acts on its first answer.
	s, _ := newSession(t, actions.WithTimeout(10*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/start")
	require.NoError(t, err)
	start := time.Now()
	require.NoError(t, s.Click(ctx, "#stream"))
	assert.Less(t, time.Since(start), 8*time.Second, "the click waited for the stream's end")
	require.NoError(t, s.WaitForText(ctx, "#t", "streaming"))
}

// A page that scrolls by itself (a smooth-scroll library: the wheel is prevented, the page
// animates the scroll frame by frame) and whose frames are heavy (300ms of script each, as on a
// slow machine): Scroll returns once the animation is over, not between two of its frames (it
// took 100ms of wall-clock time without a scroll event for the end, and the page was only busy).
func TestScrollWaitsForAHeavyPageToFinishScrolling(t *testing.T) {
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/smooth": htmlPage(0, `<div style="height:5000px">long</div><script>
let target = 0, frames = 0;
addEventListener('wheel', (e) => {
  e.preventDefault();
  target = Math.max(0, target + e.deltaY);
  if (!frames) requestAnimationFrame(step);
}, { passive: false });
function step() {
  frames++;
  const end = performance.now() + 300;
  while (performance.now() < end) {} // a heavy frame
  const left = target - scrollY;
  scrollTo(0, Math.abs(left) <= 100 ? target : scrollY + Math.sign(left) * 100);
  if (scrollY !== target) requestAnimationFrame(step); else frames = 0;
}
</script>`),
		"/plain": htmlPage(0, `<div style="height:5000px">long</div>`),
		"/short": htmlPage(0, `<p>short</p>`),
	})
	s, _ := newSession(t, actions.WithTimeout(10*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/smooth")
	require.NoError(t, err)
	scrollY := func() float64 {
		res, err := proto.RuntimeEvaluate{Expression: "scrollY", ReturnByValue: true}.Call(s.Page().Context(ctx))
		require.NoError(t, err)
		return res.Result.Value.Num()
	}
	require.NoError(t, s.Scroll(ctx, "", 0, 400))
	assert.Equal(t, 400.0, scrollY(), "the page's scroll had ended")

	// The browser's own scroll (nothing prevents it) is there when Scroll returns; a page that
	// cannot scroll is no error, and not waited for long.
	_, err = s.Navigate(ctx, srv.URL+"/plain")
	require.NoError(t, err)
	require.NoError(t, s.Scroll(ctx, "", 0, 300))
	assert.Equal(t, 300.0, scrollY())
	_, err = s.Navigate(ctx, srv.URL+"/short")
	require.NoError(t, err)
	start := time.Now()
	require.NoError(t, s.Scroll(ctx, "", 0, 300))
	assert.Less(t, time.Since(start), 5*time.Second, "nothing to scroll: not waited for the whole settle bound (5 s)")
	assert.Zero(t, scrollY())
}

// An infinite list whose server takes longer for the next batch than ScrollUntil's idle span
// (1.5s): the list has not ended while the page waits for it. (ScrollUntil returned 10 of 30.)
func TestScrollUntilWaitsForASlowServersNextBatch(t *testing.T) {
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/feed": htmlPage(0, `<div id="feed"></div><p id="end" hidden>end</p><script>
let n = 0, loading = false;
const add = (k) => { for (let i = 0; i < k; i++) feed.insertAdjacentHTML('beforeend', '<div class="item" style="height:200px">item ' + (++n) + '</div>'); };
add(10);
addEventListener('scroll', () => {
  if (loading || n >= 40 || innerHeight + scrollY < document.body.scrollHeight - 300) return;
  loading = true;
  fetch('/batch').then((r) => r.text()).then(() => { add(10); loading = false; });
});
</script>`),
		"/batch": htmlPage(2500*time.Millisecond, "ok"),
	})
	s, _ := newSession(t, actions.WithTimeout(20*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/feed")
	require.NoError(t, err)
	got, err := s.ScrollUntil(ctx, ".item", 30)
	require.NoError(t, err)
	assert.Equal(t, 30, got)
}
