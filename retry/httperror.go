package retry

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// HTTPError is a response whose status says the request did not do what was asked
// (4xx or 5xx), with the server's Retry-After when it sent one. Classify maps it by status:
// 429 → RateLimit, 5xx → ServerError, 404/410 → NotFound, 401/403/407 → AuthRequired.
//
// An HTTPError is not modified after it is returned, so it is safe to read from many goroutines.
type HTTPError struct {
	StatusCode int
	URL        string
	RetryAfter time.Duration // 0 when the server sent none
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.URL != "" {
		b.WriteString(" from ")
		b.WriteString(e.URL)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (Retry-After %s)", showWait(e.RetryAfter))
	}
	return b.String()
}

// showWait prints a wait a server asked for: to the second, and an absurd one (a
// Retry-After of 99999999999999999999 seconds parses to the longest time.Duration, 2562047h47m…)
// as what it means.
func showWait(d time.Duration) string {
	if d > 365*24*time.Hour {
		return "over a year"
	}
	return d.Round(time.Second).String()
}

// RetryAfterOfHeader reads the Retry-After of a response's headers: an HTTP-date counts from
// the response's own Date (the server's clock as it answered) when it has one, else from now: a
// slow answer, or a server clock behind ours, must not eat the wait. See ParseRetryAfter.
func RetryAfterOfHeader(h http.Header, now time.Time) (time.Duration, bool) {
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		now = d
	}
	return ParseRetryAfter(h.Get("Retry-After"), now)
}

// ParseRetryAfter reads a Retry-After header: delta-seconds ("120") or an HTTP-date, relative to
// now. A date in the past gives 0, true. Anything else (empty, negative, garbage) gives 0, false.
// Absurd values are returned as they are; the Manager caps them (WithMaxRetryAfter).
func ParseRetryAfter(header string, now time.Time) (time.Duration, bool) {
	h := strings.TrimSpace(header)
	if h == "" {
		return 0, false
	}
	if h[0] >= '0' && h[0] <= '9' {
		n, err := strconv.ParseInt(h, 10, 64)
		if err != nil {
			// all digits but too big: saturate rather than reject.
			if ne := (*strconv.NumError)(nil); errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
				return maxDuration, true
			}
			return 0, false
		}
		if n > int64(maxDuration/time.Second) {
			return maxDuration, true
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(h)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

type retryAfterer interface {
	error
	RetryAfter() time.Duration
}

// RetryAfterOf returns the Retry-After carried by err or anything it wraps: the cooloff left of
// a give-up *Error that matches ErrCircuitOpen, an *HTTPError with RetryAfter > 0, or any error
// with a RetryAfter() time.Duration method, in that order of preference.
func RetryAfterOf(err error) (time.Duration, bool) {
	var found [3]time.Duration // *Error, *HTTPError, RetryAfter(): the first of each in the chain
	walkErrors(err, func(e error) {
		switch e := e.(type) {
		case *Error:
			if found[0] == 0 {
				found[0] = e.retryAfter
			}
		case *HTTPError:
			if found[1] == 0 {
				found[1] = e.RetryAfter
			}
		case retryAfterer:
			if found[2] == 0 {
				found[2] = max(e.RetryAfter(), 0)
			}
		}
	})
	for _, d := range found {
		if d > 0 {
			return d, true
		}
	}
	return 0, false
}

// walkErrors calls fn for err and everything it wraps, depth first like errors.As, in one pass.
func walkErrors(err error, fn func(error)) {
	for err != nil {
		fn(err)
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walkErrors(e, fn)
			}
			return
		default:
			return
		}
	}
}
