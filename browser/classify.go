package browser

import (
	"errors"
	"strings"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/cdp"

	"github.com/smartretry/smartretry/retry"
)

// Classify is a retry.Classifier for the errors of rod, CDP and this package. An error in the
// chain that implements retry.Typed (outermost first) gives its own type; otherwise it claims:
//
//   - ErrPageCrashed (crash, closed tab, closed browser), CDP -32001 "Session with given id not
//     found" → PageCrash;
//   - ErrInvalidURL, *NotAPageError (a download, 204), *rod.EvalError "… is not a valid
//     selector" → InvalidInput;
//   - *TimeoutError → NetworkTimeout, or SelectorNotFound when Kind is WaitElement;
//   - *rod.ObjectNotFoundError and CDP -32000 stale-node messages ("Cannot find context with
//     specified id", "Could not find object with given id", "Node is detached from document",
//     "Execution context was destroyed.", "Inspected target navigated or closed", "No node with
//     given id found", …) → StaleElement;
//   - *rod.ElementNotFoundError, *rod.ExpectElementError, *rod.NoShadowRootError, and
//     *rod.NotInteractableError with everything that unwraps to it (*rod.CoveredError,
//     *rod.InvisibleShapeError, *rod.NoPointerEventsError) → SelectorNotFound: the element is
//     not there or not usable yet, which waiting for the DOM to settle and re-querying can fix;
//   - *rod.NavigationError by its net:: reason, see classifyNetError.
//
// Anything else (HTTP statuses included: retry.Classify owns *retry.HTTPError) is not claimed.
func Classify(err error) (retry.ErrorType, bool) {
	if err == nil {
		return retry.Unknown, false
	}
	// An error that knows its type (retry.Typed) wrapping one of ours is more specific than
	// what it wraps: a hung page's timeout is a page_crash, not a network_timeout.
	var typed retry.Typed
	if errors.As(err, &typed) {
		if t := typed.RetryType(); t != retry.Unknown {
			return t, true
		}
	}
	if errors.Is(err, ErrPageCrashed) {
		return retry.PageCrash, true
	}
	var np *NotAPageError
	if errors.Is(err, ErrInvalidURL) || errors.As(err, &np) {
		return retry.InvalidInput, true
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		if te.Kind == WaitElement {
			return retry.SelectorNotFound, true
		}
		return retry.NetworkTimeout, true
	}
	var nav *rod.NavigationError
	if errors.As(err, &nav) {
		return classifyNetError(nav.Reason)
	}
	var eval *rod.EvalError
	if errors.As(err, &eval) {
		if strings.Contains(err.Error(), "is not a valid selector") {
			return retry.InvalidInput, true
		}
		if t, ok := classifyCDPMessage(err.Error()); ok {
			return t, true
		}
		return retry.Unknown, false
	}
	var onf *rod.ObjectNotFoundError
	if errors.As(err, &onf) {
		return retry.StaleElement, true
	}
	var (
		enf *rod.ElementNotFoundError
		eee *rod.ExpectElementError
		nsr *rod.NoShadowRootError
		nie *rod.NotInteractableError
	)
	if errors.As(err, &enf) || errors.As(err, &eee) || errors.As(err, &nsr) || errors.As(err, &nie) {
		return retry.SelectorNotFound, true
	}
	var ce *cdp.Error
	if errors.As(err, &ce) {
		if ce.Code == cdp.ErrSessionNotFound.Code && strings.Contains(ce.Message, "Session with given id not found") {
			return retry.PageCrash, true
		}
		if ce.Code == -32000 {
			return classifyCDPMessage(ce.Message)
		}
	}
	return retry.Unknown, false
}

// staleMessages are CDP -32000 messages that mean a node, object or JS context belongs to a
// document that is gone or changed: re-resolve the selector.
var staleMessages = []string{
	"Cannot find context with specified id",
	"Could not find object with given id",
	"Node is detached from document",
	"Execution context was destroyed",
	"Inspected target navigated or closed",
	"No node with given id found",
	"Could not find node with given id",
	"Node with given id does not belong to the document",
	"No node found at given location",
	"Cannot find default execution context",
	"Object reference chain is too long",
}

func classifyCDPMessage(msg string) (retry.ErrorType, bool) {
	for _, m := range staleMessages {
		if strings.Contains(msg, m) {
			return retry.StaleElement, true
		}
	}
	return retry.Unknown, false
}

// classifyNetError maps Chromium's net:: error names (with or without the "net::" prefix):
//
//   - connection dropped, refused or never made — ERR_CONNECTION_RESET, _CLOSED, _ABORTED,
//     _REFUSED, _FAILED, ERR_EMPTY_RESPONSE, ERR_SOCKET_NOT_CONNECTED, ERR_NETWORK_CHANGED,
//     ERR_INTERNET_DISCONNECTED, ERR_ADDRESS_UNREACHABLE, ERR_NAME_RESOLUTION_FAILED (the resolver
//     failed, not the name), truncated bodies and HTTP/2/QUIC protocol errors → ConnectionReset.
//     Refused counts as a reset: a server that is restarting refuses for a moment, and the
//     remedy (back off, navigate again) is the same;
//   - ERR_TIMED_OUT, ERR_CONNECTION_TIMED_OUT → NetworkTimeout;
//   - ERR_NAME_NOT_RESOLVED (the name does not exist), ERR_FILE_NOT_FOUND → NotFound: a
//     misspelt host never resolves, so retrying only delays the clear error;
//   - ERR_ABORTED (a navigation cancelled by another — the page's own script, a form still
//     redirecting) → ConnectionReset: usually a race that the next navigation does not meet, so
//     back off and go again rather than give up at once (Navigate reports a download or a 204,
//     also aborted, as *NotAPageError instead);
//   - ERR_INVALID_URL,
//     ERR_UNKNOWN_URL_SCHEME, ERR_DISALLOWED_URL_SCHEME, ERR_BLOCKED_BY_*, ERR_UNSAFE_*,
//     ERR_TOO_MANY_REDIRECTS, ERR_CERT_*, ERR_SSL_* → InvalidInput: the same request fails the
//     same way.
//
// Other reasons are not claimed.
func classifyNetError(reason string) (retry.ErrorType, bool) {
	r := strings.TrimPrefix(strings.TrimSpace(reason), "net::")
	switch r {
	case "ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_CONNECTION_ABORTED",
		"ERR_CONNECTION_REFUSED", "ERR_CONNECTION_FAILED", "ERR_EMPTY_RESPONSE",
		"ERR_SOCKET_NOT_CONNECTED", "ERR_NETWORK_CHANGED", "ERR_INTERNET_DISCONNECTED",
		"ERR_ADDRESS_UNREACHABLE", "ERR_NAME_RESOLUTION_FAILED", "ERR_INCOMPLETE_CHUNKED_ENCODING",
		"ERR_CONTENT_LENGTH_MISMATCH", "ERR_HTTP2_PROTOCOL_ERROR", "ERR_QUIC_PROTOCOL_ERROR",
		"ERR_NETWORK_IO_SUSPENDED", "ERR_PROXY_CONNECTION_FAILED", "ERR_TUNNEL_CONNECTION_FAILED",
		"ERR_ABORTED":
		return retry.ConnectionReset, true
	case "ERR_TIMED_OUT", "ERR_CONNECTION_TIMED_OUT":
		return retry.NetworkTimeout, true
	case "ERR_NAME_NOT_RESOLVED", "ERR_FILE_NOT_FOUND":
		return retry.NotFound, true
	case "ERR_INVALID_URL", "ERR_UNKNOWN_URL_SCHEME", "ERR_DISALLOWED_URL_SCHEME",
		"ERR_TOO_MANY_REDIRECTS", "ERR_INVALID_REDIRECT", "ERR_UNSAFE_REDIRECT", "ERR_UNSAFE_PORT",
		// A history step to the answer of a form POST: only sending the form again would
		// load it (a browser asks "Confirm Form Resubmission"); a retry would resubmit it.
		"ERR_CACHE_MISS":
		return retry.InvalidInput, true
	}
	switch {
	case strings.HasPrefix(r, "ERR_CERT_"), strings.HasPrefix(r, "ERR_SSL_"), strings.HasPrefix(r, "ERR_BLOCKED_BY_"):
		return retry.InvalidInput, true
	}
	return retry.Unknown, false
}
