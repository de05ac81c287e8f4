package browser

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
)

// site is a small local server whose routes misbehave on purpose.
type site struct {
	*httptest.Server
	hits    atomic.Int64
	resets  atomic.Int64
	arrived chan struct{} // /hang signals here when a request arrives
	release chan struct{} // and waits for this
}

func newSite(t *testing.T) *site {
	s := &site{arrived: make(chan struct{}, 16), release: make(chan struct{})}
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<!doctype html><title>t</title><body>%s</body>", body)
	}
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		page(w, 200, `<p id="content">ok</p>`)
	})
	mux.HandleFunc("/notfound", func(w http.ResponseWriter, r *http.Request) { page(w, 404, "<h1>Not here</h1>") })
	mux.HandleFunc("/empty404", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
	mux.HandleFunc("/ratelimit", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "2")
		page(w, 429, "slow down")
	})
	mux.HandleFunc("/ratelimit-date", func(w http.ResponseWriter, r *http.Request) {
		// A server whose clock is an hour behind ours: its date is 5 s after its own Date.
		at := time.Now().Add(-time.Hour).UTC()
		w.Header().Set("Date", at.Format(http.TimeFormat))
		w.Header().Set("Retry-After", at.Add(5*time.Second).Format(http.TimeFormat))
		page(w, 429, "slow down")
	})
	mux.HandleFunc("/unavailable", func(w http.ResponseWriter, r *http.Request) { page(w, 503, "down") })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // RST, not FIN
			}
			_ = conn.Close()
		}
	})
	mux.HandleFunc("/reset-count", func(w http.ResponseWriter, r *http.Request) {
		s.resets.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
		}
	})
	// The connection ends before the document does: a Content-Length not met, a chunked body
	// without its last chunk.
	truncated := func(head, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_, _ = buf.WriteString(head + body)
				_ = buf.Flush()
				_ = conn.Close()
			}
		}
	}
	mux.HandleFunc("/truncated", truncated("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 4000\r\n\r\n",
		"<!doctype html><title>t</title><h1>the first half"))
	mux.HandleFunc("/truncated-chunked", truncated("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n",
		"12\r\n<h1>the first half\r\n"))
	mux.HandleFunc("/slow-image", func(w http.ResponseWriter, r *http.Request) {
		page(w, 200, `<p id="content">here</p><img src="/hang">`)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		s.arrived <- struct{}{}
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
		page(w, 200, "late")
	})
	mux.HandleFunc("/alert-on-load", func(w http.ResponseWriter, r *http.Request) {
		page(w, 200, `<script>alert("hello"); confirm("sure?")</script><p id="content">after</p>`)
	})
	mux.HandleFunc("/alert-later", func(w http.ResponseWriter, r *http.Request) {
		page(w, 200, `<script>setTimeout(() => alert("late"), 10)</script>`)
	})
	mux.HandleFunc("/js-redirect", func(w http.ResponseWriter, r *http.Request) {
		page(w, 200, `<script>location.replace("/notfound")</script>`)
	})
	mux.HandleFunc("/download", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="report.csv"`)
		fmt.Fprint(w, "a,b\n1,2\n")
	})
	mux.HandleFunc("/binary", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(make([]byte, 4096))
	})
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/setcookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cret", Path: "/", HttpOnly: true})
		page(w, 200, "set")
	})
	mux.HandleFunc("/showcookie", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("session")
		v := "none"
		if err == nil {
			v = c.Value
		}
		page(w, 200, `<p id="cookie">`+v+`</p>`)
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/favicon.ico" {
			s.hits.Add(1)
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		s.CloseClientConnections()
		s.Close()
	})
	return s
}

func TestNavigateStatuses(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	cases := []struct {
		path       string
		status     int
		finalPath  string
		retryAfter time.Duration
	}{
		{"/ok", 200, "/ok", 0},
		{"/redirect", 200, "/ok", 0},
		{"/notfound", 404, "/notfound", 0},
		{"/empty404", 404, "/empty404", 0},
		{"/ratelimit", 429, "/ratelimit", 2 * time.Second},
		{"/ratelimit-date", 429, "/ratelimit-date", 5 * time.Second}, // counted from the response's Date
		{"/unavailable", 503, "/unavailable", 0},
		{"/js-redirect", 404, "/notfound", 0},
	}
	p := newPage(t, b)
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			resp, err := b.Navigate(testCtx(t), p, s.URL+c.path, 10*time.Second)
			require.NotNil(t, resp, "err: %v", err)
			assert.Equal(t, c.status, resp.Status)
			assert.Equal(t, s.URL+c.finalPath, resp.URL)
			if c.status < 400 {
				require.NoError(t, err)
				return
			}
			var he *retry.HTTPError
			require.ErrorAs(t, err, &he)
			assert.Equal(t, c.status, he.StatusCode)
			assert.Equal(t, s.URL+c.finalPath, he.URL)
			assert.Equal(t, c.retryAfter, he.RetryAfter)
		})
	}
}

func TestNavigateHeaders(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	p := newPage(t, b)
	resp, err := b.Navigate(testCtx(t), p, s.URL+"/ok", 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, resp.Header.Values("X-Multi"))
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	// The page is usable after Navigate: the new document's context is current.
	el, err := p.Timeout(5 * time.Second).Element("#content")
	require.NoError(t, err)
	txt, err := el.Text()
	require.NoError(t, err)
	assert.Equal(t, "ok", txt)
}

func TestNavigateNonHTTP(t *testing.T) {
	b := shared(t)
	p := newPage(t, b)
	for _, u := range []string{"about:blank", "data:text/html,<p>x</p>"} {
		resp, err := b.Navigate(testCtx(t), p, u, 10*time.Second)
		require.NoError(t, err, u)
		require.NotNil(t, resp)
		t.Logf("%s → %+v", u, resp)
	}
}

func TestNavigateNetworkErrors(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	cases := []struct {
		url  string
		want retry.ErrorType
	}{
		{s.URL + "/reset", retry.ConnectionReset},
		{closedURL + "/", retry.ConnectionReset},
		// Committed, then cut off: the page would stay "loading" until the deadline.
		{s.URL + "/truncated", retry.ConnectionReset},
		{s.URL + "/truncated-chunked", retry.ConnectionReset},
	}
	p := newPage(t, b)
	for _, c := range cases {
		resp, err := b.Navigate(testCtx(t), p, c.url, 10*time.Second)
		assert.Nil(t, resp)
		var nav *rod.NavigationError
		require.ErrorAs(t, err, &nav, c.url)
		t.Logf("%s → %v", c.url, err)
		typ, ok := Classify(err)
		assert.True(t, ok)
		assert.Equal(t, c.want, typ, "%v", err)
	}
}

func TestNavigateToADownloadIsNotAPage(t *testing.T) {
	// Chromium answers these with net::ERR_ABORTED, which alone reads as a dropped connection
	// (retried, counted against the site's breaker); each is the server's answer, every time.
	b := shared(t)
	s := newSite(t)
	p := newPage(t, b)
	for _, c := range []struct{ path, says string }{
		{"/download", `Content-Disposition: attachment; filename="report.csv"`},
		{"/binary", "Content-Type: application/octet-stream"},
		{"/nocontent", "HTTP 204 with no content"},
	} {
		before := s.hits.Load()
		resp, err := b.Navigate(testCtx(t), p, s.URL+c.path, 10*time.Second)
		assert.Nil(t, resp)
		var np *NotAPageError
		require.ErrorAs(t, err, &np, c.path)
		assert.Contains(t, err.Error(), "not a page: "+s.URL+c.path)
		assert.Contains(t, err.Error(), c.says)
		typ, ok := Classify(err)
		assert.True(t, ok)
		assert.Equal(t, retry.InvalidInput, typ, "%v", err)
		assert.Equal(t, int64(1), s.hits.Load()-before, "one request")
	}
	// The tab is still usable.
	resp, err := b.Navigate(testCtx(t), p, s.URL+"/ok", 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
}

func TestNavigateInvalidURLSendsNothing(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	p := newPage(t, b)
	for _, u := range []string{"", "example.com/x", "http://exa mple.com/", " " + s.URL + "/ok",
		"javascript:alert(1)", "ftp://example.com/", "http:///nohost", "chrome://settings"} {
		resp, err := b.Navigate(testCtx(t), p, u, 10*time.Second)
		assert.Nil(t, resp)
		require.ErrorIs(t, err, ErrInvalidURL, "%q", u)
		typ, ok := Classify(err)
		assert.True(t, ok)
		assert.Equal(t, retry.InvalidInput, typ)
	}
	assert.Zero(t, s.hits.Load(), "nothing was sent")
	for _, u := range []string{s.URL + "/ok", "https://example.com", "file:///etc/hostname", "about:blank", "data:text/plain,hi"} {
		assert.NoError(t, ValidateURL(u), u)
	}
}

func TestNavigateCancelReturnsCtxErrorAndPageStaysUsable(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	p := newPage(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := b.Navigate(ctx, p, s.URL+"/hang", 30*time.Second)
		errc <- err
	}()
	<-s.arrived
	cancel()
	err := <-errc
	require.True(t, err == context.Canceled, "got %v", err)
	close(s.release)

	resp, err := b.Navigate(testCtx(t), p, s.URL+"/ok", 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
}

func TestNavigateTimeout(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	p := newPage(t, b)
	_, err := b.Navigate(testCtx(t), p, s.URL+"/hang", 300*time.Millisecond)
	var te *TimeoutError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "navigate "+s.URL+"/hang", te.Op)
	assert.Equal(t, 300*time.Millisecond, te.After)
	assert.True(t, errors.Is(err, context.DeadlineExceeded))
	assert.Contains(t, err.Error(), "timed out after 300ms")
	typ, _ := Classify(err)
	assert.Equal(t, retry.NetworkTimeout, typ)
}

func TestNavigateAnswersDialogs(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	p := newPage(t, b)

	resp, err := b.Navigate(testCtx(t), p, s.URL+"/alert-on-load", 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)

	// A dialog left open by the previous page must not block the next navigation.
	wait, _ := p.Context(testCtx(t)).HandleDialog()
	_, err = b.Navigate(testCtx(t), p, s.URL+"/alert-later", 10*time.Second)
	require.NoError(t, err)
	wait() // the alert is open now
	resp, err = b.Navigate(testCtx(t), p, s.URL+"/ok", 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
}

// Chromium's network prediction would resend a reset request on a preconnected socket and hide
// the reset; Launch turns it off, so each reset the server sends is one navigation error.
func TestNavigateOneResetIsOneError(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	p := newPage(t, b)
	for i := 1; i <= 2; i++ {
		_, err := b.Navigate(testCtx(t), p, s.URL+"/reset-count", 10*time.Second)
		typ, _ := Classify(err)
		require.Equal(t, retry.ConnectionReset, typ, "%v", err)
		assert.Equal(t, int64(i), s.resets.Load(), "requests the server saw after %d navigations", i)
	}
}

// A navigation that timed out may still be loading; the next Navigate must not be reported as
// net::ERR_ABORTED (a permanent type) because it cancelled that one.
func TestNavigateAfterTimeoutIsNotAborted(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	p := newPage(t, b)
	_, err := b.Navigate(testCtx(t), p, s.URL+"/hang", 300*time.Millisecond)
	var te *TimeoutError
	require.ErrorAs(t, err, &te)
	<-s.arrived
	resp, err := b.Navigate(testCtx(t), p, s.URL+"/ok", 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	close(s.release)
}

// A subresource that never finishes holds back the load event; the document itself is there,
// so Navigate goes on after LoadGrace instead of failing as a timeout.
func TestNavigateDoesNotWaitForeverForSubresources(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	defer close(s.release)
	p := newPage(t, b)

	resp, err := b.Navigate(testCtx(t), p, s.URL+"/ok", 10*time.Second)
	require.NoError(t, err)
	assert.True(t, resp.Loaded, "a page without slow parts reaches its load event")

	resp, err = b.Navigate(testCtx(t), p, s.URL+"/slow-image", 10*time.Second)
	require.NoError(t, err, "the document arrived; only an image is late")
	assert.Equal(t, 200, resp.Status)
	assert.Equal(t, s.URL+"/slow-image", resp.URL)
	assert.False(t, resp.Loaded)
	<-s.arrived // the image request really was pending
}

func TestNavigateErrorsHideURLPasswords(t *testing.T) {
	b := shared(t)
	s := newSite(t)
	p := newPage(t, b)
	_, err := b.Navigate(testCtx(t), p, strings.Replace(s.URL, "http://", "http://ada:hunter22@", 1)+"/reset", 10*time.Second)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter22")
	assert.Contains(t, err.Error(), "ada:xxxxx@")
	err = ValidateURL("http://ada:hunter22@exa mple.com/")
	require.ErrorIs(t, err, ErrInvalidURL)
	assert.NotContains(t, err.Error(), "hunter22")
}
