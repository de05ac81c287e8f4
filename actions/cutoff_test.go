package actions_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

// A server whose connection ends before the document does (a Content-Length not met) leaves the
// page "loading" for good: no DOMContentLoaded, no load event. Navigate and Reload take it as
// the dropped connection it is (connection_reset, backed off and loaded again), not as a
// network_timeout after the whole attempt.
func TestCutOffDocumentIsAConnectionReset(t *testing.T) {
	var (
		mu    sync.Mutex
		cut   int
		types []retry.ErrorType
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		c := cut > 0
		if c {
			cut--
		}
		mu.Unlock()
		if !c {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Cache-Control", "no-store")
			fmt.Fprint(w, `<h1 id="page">whole</h1>`)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 4000\r\n\r\n<h1 id=\"page\">the first half")
			_ = buf.Flush()
			_ = conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	cutNext := func() { mu.Lock(); cut = 1; mu.Unlock() }
	retried := func() []retry.ErrorType {
		mu.Lock()
		defer mu.Unlock()
		return append([]retry.ErrorType(nil), types...)
	}

	m := retry.NewManager(retry.WithClock(retrytest.NewFakeClock(time.Now())), retry.WithCircuitBreaker(false),
		retry.WithObserver(func(ev retry.Event) {
			if ev.Kind == retry.EventRetry {
				mu.Lock()
				types = append(types, ev.Type)
				mu.Unlock()
			}
		}))
	// Attempts long enough that a loaded machine never times one out: a timeout would be
	// network_timeout too, and this test tells the two apart.
	s, err := actions.NewSession(testBrowser, actions.WithManager(m), actions.WithTimeout(historyAttempt))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	ctx := ctxT(t)

	cutNext()
	res, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	assert.Equal(t, 200, res.Status)
	assert.Equal(t, []retry.ErrorType{retry.ConnectionReset}, retried())
	got, err := s.Text(ctx, "#page")
	require.NoError(t, err)
	assert.Equal(t, "whole", got)

	cutNext()
	res, err = s.Reload(ctx)
	require.NoError(t, err)
	assert.Equal(t, 200, res.Status)
	assert.Equal(t, []retry.ErrorType{retry.ConnectionReset, retry.ConnectionReset}, retried())
}
