package retry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
)

func TestClassifyText(t *testing.T) {
	tests := []struct {
		msg  string
		want retry.ErrorType
	}{
		// the guide's examples
		{"429 Too Many Requests", retry.RateLimit},
		{"404 Not Found", retry.NotFound},
		{"Network timeout", retry.NetworkTimeout},
		{"Connection timeout", retry.NetworkTimeout},
		{"timeout", retry.NetworkTimeout},
		{"CAPTCHA detected", retry.Captcha},
		// rate limits
		{"too many requests", retry.RateLimit},
		{"rate limit exceeded", retry.RateLimit},
		{"request throttled", retry.RateLimit},
		// server errors
		{"503 Service Unavailable", retry.ServerError},
		{"HTTP 500", retry.ServerError},
		{"upstream returned 5xx", retry.ServerError},
		{"502 Bad Gateway", retry.ServerError},
		{"504 Gateway Timeout", retry.ServerError},
		{"internal server error", retry.ServerError},
		// timeouts
		{"operation timed out", retry.NetworkTimeout},
		{"TimeoutError: waiting 30000ms", retry.NetworkTimeout},
		{"Navigation timeout of 30000 ms exceeded", retry.NetworkTimeout},
		{"net::ERR_TIMED_OUT", retry.NetworkTimeout},
		{"dial tcp: connect: ETIMEDOUT", retry.NetworkTimeout},
		{"context deadline exceeded", retry.NetworkTimeout},
		{"timeout after 500 ms", retry.NetworkTimeout},
		{"timeout after 500ms", retry.NetworkTimeout},
		// connection resets
		{"connection reset by peer", retry.ConnectionReset},
		{"read: ECONNRESET", retry.ConnectionReset},
		{"net::ERR_CONNECTION_RESET", retry.ConnectionReset},
		{"net::ERR_CONNECTION_REFUSED", retry.ConnectionReset},
		{"net::ERR_EMPTY_RESPONSE", retry.ConnectionReset},
		{"write: broken pipe", retry.ConnectionReset},
		{"unexpected EOF", retry.ConnectionReset},
		// captcha
		{"reCAPTCHA challenge shown", retry.Captcha},
		{"hcaptcha", retry.Captcha},
		{"Please verify you are human", retry.Captcha},
		// DNS: permanent, see ClassifyText
		{"net::ERR_NAME_NOT_RESOLVED at https://nope.invalid", retry.NotFound},
		{"dial tcp: lookup nope.invalid: no such host", retry.NotFound},
		// stale
		{"stale element reference: element is not attached to the page document", retry.StaleElement},
		{"Node is detached from document", retry.StaleElement},
		{"Execution context was destroyed, most likely because of a navigation", retry.StaleElement},
		{"stalemate", retry.Unknown},
		// not found
		{"page not found", retry.NotFound},
		{"status 404", retry.NotFound},
		{"410 Gone", retry.NotFound},
		// auth
		{"401 Unauthorized", retry.AuthRequired},
		{"403 Forbidden", retry.AuthRequired},
		{"unauthorized", retry.AuthRequired},
		{"login required", retry.AuthRequired},
		{"Access denied", retry.AuthRequired},
		// invalid input
		{"invalid selector: ###", retry.InvalidInput},
		{"SyntaxError: Failed to execute 'querySelector' on 'Document': '##x' is not a valid selector.", retry.InvalidInput},
		{"net::ERR_INVALID_URL", retry.InvalidInput},
		// a breaker's refusal passed along as text
		{"get: circuit_open: Domain shop.example in cooloff for 42.0s (2 attempts before; last: HTTP 503)", retry.CircuitOpen},
		{"navigate: unknown after 0 attempts: Domain 127.0.0.1:8080 in cooloff for 57.5s", retry.CircuitOpen},
		// page crash
		{"Page crashed!", retry.PageCrash},
		{"Target crashed", retry.PageCrash},
		// selector not found
		{"no such element: #buy", retry.SelectorNotFound},
		{"waiting for selector `#buy` failed: timeout 30000ms exceeded", retry.SelectorNotFound},
		{"element not found", retry.SelectorNotFound},
		// false positives that must not classify
		{"", retry.Unknown},
		{"something odd happened", retry.Unknown},
		{"order 14045 failed", retry.Unknown},
		{"id 4290 rejected", retry.Unknown},
		{"GET /product/404/reviews failed", retry.Unknown},
		{"dial 127.0.0.1:503 refused?", retry.Unknown},
		{"version 1.503.2", retry.Unknown},
		{"took 500 ms then failed", retry.Unknown},
		{"retried 403 times", retry.Unknown},
		{"item-404 missing price", retry.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			assert.Equal(t, tt.want.String(), retry.ClassifyText(tt.msg).String())
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassifyTyped(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want retry.ErrorType
	}{
		{"nil", nil, retry.Unknown},
		{"http 429", &retry.HTTPError{StatusCode: 429}, retry.RateLimit},
		{"http 503", &retry.HTTPError{StatusCode: 503}, retry.ServerError},
		{"http 404", &retry.HTTPError{StatusCode: 404}, retry.NotFound},
		{"http 410", &retry.HTTPError{StatusCode: 410}, retry.NotFound},
		{"http 401", &retry.HTTPError{StatusCode: 401}, retry.AuthRequired},
		{"http 403", &retry.HTTPError{StatusCode: 403}, retry.AuthRequired},
		{"http 408", &retry.HTTPError{StatusCode: 408}, retry.NetworkTimeout},
		{"http 400", &retry.HTTPError{StatusCode: 400}, retry.InvalidInput},
		{"http 409", &retry.HTTPError{StatusCode: 409}, retry.Unknown},
		{"http 425", &retry.HTTPError{StatusCode: 425}, retry.Unknown},
		{"http 451", &retry.HTTPError{StatusCode: 451}, retry.NotFound},
		{"http 418", &retry.HTTPError{StatusCode: 418}, retry.InvalidInput},
		{"http 431", &retry.HTTPError{StatusCode: 431}, retry.InvalidInput},
		{"http 406", &retry.HTTPError{StatusCode: 406}, retry.InvalidInput},
		{"wrapped http", fmt.Errorf("navigate: %w", &retry.HTTPError{StatusCode: 429}), retry.RateLimit},
		{"deadline", context.DeadlineExceeded, retry.NetworkTimeout},
		{"wrapped deadline", fmt.Errorf("click: %w", context.DeadlineExceeded), retry.NetworkTimeout},
		{"canceled", context.Canceled, retry.Unknown},
		{"canceled wins over text", fmt.Errorf("503 while: %w", context.Canceled), retry.Unknown},
		{"econnreset", &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, retry.ConnectionReset},
		{"econnrefused", fmt.Errorf("x: %w", syscall.ECONNREFUSED), retry.ConnectionReset},
		{"epipe", syscall.EPIPE, retry.ConnectionReset},
		{"unexpected eof", fmt.Errorf("body: %w", io.ErrUnexpectedEOF), retry.ConnectionReset},
		{"net timeout", &net.OpError{Op: "dial", Err: timeoutErr{}}, retry.NetworkTimeout},
		{"os deadline", os.ErrDeadlineExceeded, retry.NetworkTimeout},
		{"dns not found", &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, retry.NotFound},
		{"dns timeout", &net.DNSError{Err: "timeout", Name: "x", IsTimeout: true}, retry.NetworkTimeout},
		{"dns temporary", &net.DNSError{Err: "server misbehaving", Name: "x", IsTemporary: true}, retry.ConnectionReset},
		{"own error", &retry.Error{Type: retry.PageCrash}, retry.PageCrash},
		{"text fallback", errors.New("429 Too Many Requests"), retry.RateLimit},
		{"wrapped text", fmt.Errorf("fetch: %w", errors.New("connection reset by peer")), retry.ConnectionReset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want.String(), retry.Classify(tt.err).String())
		})
	}
}

type browserErr struct{}

func (browserErr) Error() string { return "rod: element wait deadline" }

func TestClassifierOrder(t *testing.T) {
	claim := func(err error) (retry.ErrorType, bool) {
		if errors.As(err, new(browserErr)) {
			return retry.SelectorNotFound, true
		}
		return retry.Unknown, false
	}
	m := retry.NewManager(retry.WithClassifier(claim))
	d := m.ShouldRetry(fmt.Errorf("click: %w", browserErr{}), 0, nil)
	assert.Equal(t, retry.SelectorNotFound, d.Type)
	// without the classifier the text says timeout? no: "deadline" alone is not a rule.
	assert.Equal(t, retry.Unknown, retry.Classify(browserErr{}))
}

func FuzzClassifyText(f *testing.F) {
	for _, s := range []string{"429 Too Many Requests", "404", "timeout after 500 ms", "net::ERR_NAME_NOT_RESOLVED",
		"Stale", "x:503", "5xx", "1.404.1", "captcha", "\xff\xfe 503", "", "5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := retry.ClassifyText(s)
		require.Equal(t, a, retry.ClassifyText(s), "stable")
		require.True(t, a >= retry.Unknown && a <= retry.CircuitOpen)
		// case-insensitive for ASCII
		require.Equal(t, a, retry.ClassifyText(upperASCII(s)))
	})
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

type selfTyped struct{ t retry.ErrorType }

func (e selfTyped) Error() string              { return "it went wrong: 503" }
func (e selfTyped) RetryType() retry.ErrorType { return e.t }

func TestClassifyTypedInterface(t *testing.T) {
	// The error's own type beats its text, also when wrapped; Unknown defers to the text.
	assert.Equal(t, retry.InvalidInput, retry.Classify(fmt.Errorf("click: %w", selfTyped{retry.InvalidInput})))
	assert.Equal(t, retry.ServerError, retry.Classify(selfTyped{retry.Unknown}))
}
