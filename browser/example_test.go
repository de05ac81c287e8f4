package browser_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-rod/rod"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// Navigate reports the document's status; a 429 becomes a *retry.HTTPError with Retry-After.
func ExampleBrowser_Navigate() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, "<p>slow down</p>")
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := browser.Launch(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	p, err := b.NewPage(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}

	resp, err := b.Navigate(ctx, p, srv.URL+"/", 10*time.Second)
	var he *retry.HTTPError
	if errors.As(err, &he) {
		typ, _ := browser.Classify(err)
		fmt.Println(resp.Status, he.RetryAfter, typ == retry.Unknown)
	}

	err = b.GuardElement(ctx, p, 100*time.Millisecond, `click "#buy"`, func(p *rod.Page) error {
		_, err := p.Element("#buy")
		return err
	})
	typ, _ := browser.Classify(err)
	fmt.Println(err)
	fmt.Println(typ)
	// Output:
	// 429 3s true
	// click "#buy": timed out after 100ms waiting for the element
	// selector_not_found
}

// Classify knows rod's and CDP's errors; the rest is left to retry.Classify.
func ExampleClassify() {
	for _, err := range []error{
		&rod.NavigationError{Reason: "net::ERR_CONNECTION_RESET"},
		&rod.NavigationError{Reason: "net::ERR_NAME_NOT_RESOLVED"},
		fmt.Errorf("click: %w", &rod.CoveredError{}),
		&rod.ObjectNotFoundError{},
		browser.ErrPageCrashed,
		errors.New("something else"),
	} {
		typ, ok := browser.Classify(err)
		fmt.Println(typ, ok)
	}
	// Output:
	// connection_reset true
	// not_found true
	// selector_not_found true
	// stale_element true
	// page_crash true
	// unknown false
}
