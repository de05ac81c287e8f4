package retry

import "fmt"

// ErrorType is what went wrong, as far as retrying is concerned. The zero value is Unknown.
//
// An ErrorType is a plain value, safe for concurrent use.
type ErrorType int

// The error types of the reference guide, plus InvalidInput for bad selectors, URLs and the like,
// and CircuitOpen for an action that was not allowed to wait for its domain's breaker or cooloff
// (see WithMaxBreakerWait): the item itself did nothing wrong and can be run again later.
const (
	Unknown ErrorType = iota
	NetworkTimeout
	RateLimit
	ServerError
	Captcha
	SelectorNotFound
	StaleElement
	NotFound
	AuthRequired
	ConnectionReset
	PageCrash
	InvalidInput
	CircuitOpen

	numErrorTypes = iota // how many types there are; keep last
)

var errorTypeNames = [...]string{
	Unknown:          "unknown",
	NetworkTimeout:   "network_timeout",
	RateLimit:        "rate_limit",
	ServerError:      "server_error",
	Captcha:          "captcha",
	SelectorNotFound: "selector_not_found",
	StaleElement:     "stale_element",
	NotFound:         "not_found",
	AuthRequired:     "auth_required",
	ConnectionReset:  "connection_reset",
	PageCrash:        "page_crash",
	InvalidInput:     "invalid_input",
	CircuitOpen:      "circuit_open",
}

// ErrorTypes lists every error type in declaration order.
func ErrorTypes() []ErrorType {
	out := make([]ErrorType, len(errorTypeNames))
	for i := range out {
		out[i] = ErrorType(i)
	}
	return out
}

// String returns the snake_case name used in reasons, logs and stats ("rate_limit").
func (t ErrorType) String() string {
	if t >= 0 && int(t) < len(errorTypeNames) {
		return errorTypeNames[t]
	}
	return fmt.Sprintf("ErrorType(%d)", int(t))
}

// ParseErrorType is the inverse of String.
func ParseErrorType(s string) (ErrorType, error) {
	for i, n := range errorTypeNames {
		if n == s {
			return ErrorType(i), nil
		}
	}
	return Unknown, fmt.Errorf("retry: unknown error type %q", s)
}

// IsPermanent reports whether retrying can never help: NotFound, AuthRequired, Captcha, InvalidInput.
func (t ErrorType) IsPermanent() bool {
	switch t {
	case NotFound, AuthRequired, Captcha, InvalidInput:
		return true
	}
	return false
}

// IsTransient reports whether the error usually clears by itself at once:
// NetworkTimeout, ConnectionReset, StaleElement.
func (t ErrorType) IsTransient() bool {
	switch t {
	case NetworkTimeout, ConnectionReset, StaleElement:
		return true
	}
	return false
}
