package actions

import (
	"fmt"

	"github.com/smartretry/smartretry/retry"
)

// NotFoundPageError is an element that is missing because the page is a "soft 404": it answered
// with a success status but says that what was asked for was not found (snapshot.SoftNotFound).
// Waiting or asking again would show the same page, so it is NotFound, permanent: a batch item
// fails at once, typed not_found, instead of spending every attempt on a selector that cannot
// appear. It wraps the selector's own error.
//
// Not modified after it is returned: safe to read from many goroutines.
type NotFoundPageError struct {
	URL      string // the page's URL
	Status   int    // its HTTP status (0 when unknown)
	Evidence string // what says so: `title "Page not found"`, `heading "…"`
	Err      error  // the selector's error
}

func (e *NotFoundPageError) Error() string {
	status := "a success status"
	if e.Status != 0 {
		status = fmt.Sprintf("HTTP %d", e.Status)
	}
	return fmt.Sprintf("%v: the page at %s says it was not found (%s), though it answered %s: a soft 404", e.Err, e.URL, e.Evidence, status)
}

func (e *NotFoundPageError) Unwrap() error { return e.Err }

// RetryType is NotFound.
func (e *NotFoundPageError) RetryType() retry.ErrorType { return retry.NotFound }
