package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// The practice_*_test.go files rebuild, with our own markup, the tricky behaviours of the public
// automation practice sites (UI Testing Playground, the-internet, the toscrape sandboxes), and
// drive them through the public API only. Each test serves its pages from its own httptest server.

// practice is one test's little web site.
type practice struct {
	*httptest.Server
	stop chan struct{} // closed when the test ends: slow handlers give up
}

// newPractice serves routes (path → handler; a string value is served as an HTML page).
func newPractice(t *testing.T, routes map[string]any) *practice {
	t.Helper()
	mux := http.NewServeMux()
	for path, h := range routes {
		switch h := h.(type) {
		case string:
			mux.HandleFunc(path, html(h))
		case http.HandlerFunc:
			mux.HandleFunc(path, h)
		case func(http.ResponseWriter, *http.Request):
			mux.HandleFunc(path, h)
		default:
			t.Fatalf("route %s: unsupported handler %T", path, h)
		}
	}
	p := &practice{Server: httptest.NewServer(mux), stop: make(chan struct{})}
	t.Cleanup(func() {
		close(p.stop)
		p.CloseClientConnections()
		p.Close()
	})
	return p
}

func (p *practice) url(path string) string { return p.URL + path }

// html serves body as a page with a title and #result, the element the pages report into.
func html(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, doc(body))
	}
}

func doc(body string) string {
	if strings.Contains(body, "<html") {
		return body
	}
	return "<!doctype html><html><head><meta charset=utf-8><title>practice</title></head><body>" + body + "</body></html>"
}

// wait blocks for d or until the test ends, whichever is first (server-side delays).
func (p *practice) wait(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-p.stop:
	}
}

// once gives one attempt only: for asserting what a single attempt says.
func once(ctx context.Context) context.Context {
	return actions.WithCallOptions(ctx, retry.MaxAttempts(1))
}

// reasonOf is the NotActionableError reason in err ("" if none).
func reasonOf(err error) string {
	var na *actions.NotActionableError
	if errors.As(err, &na) {
		return na.Reason
	}
	return ""
}

// typeOf is the retry type the action gave up with.
func typeOf(t *testing.T, err error) retry.ErrorType {
	t.Helper()
	require.Error(t, err)
	var ae *actions.ActionError
	require.True(t, errors.As(err, &ae), "want an *actions.ActionError, got %T: %v", err, err)
	return ae.Type()
}
