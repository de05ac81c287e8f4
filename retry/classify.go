package retry

import (
	"context"
	"hash/maphash"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// Classifier claims errors it knows (for example rod's and CDP's) and says their type.
// It returns false for errors it does not know. A Classifier must be safe for concurrent use.
type Classifier func(err error) (ErrorType, bool)

var (
	registryMu sync.Mutex
	registry   atomic.Pointer[[]Classifier] // copy-on-write: readers never lock
)

// RegisterClassifier adds c to the process-wide classifiers that Classify (and so Default() and
// every Manager, after its own WithClassifier ones) consults before the built-in rules. Register
// at start-up, e.g. retry.RegisterClassifier(browser.Classify). Safe for concurrent use.
func RegisterClassifier(c Classifier) {
	if c == nil {
		return
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	var next []Classifier
	if cur := registry.Load(); cur != nil {
		next = append(next, *cur...)
	}
	next = append(next, c)
	registry.Store(&next)
}

// Classify says what kind of failure err is. The order, first answer wins:
//
//  1. classifiers registered with RegisterClassifier (the most specific knowledge);
//  2. typed errors anywhere in err's chain: a *Error gives its Type; *HTTPError by status
//     (429 → RateLimit, 5xx → ServerError, 404/410 → NotFound, 401/403/407 → AuthRequired,
//     408 → NetworkTimeout, 400/405/411/413/414/415/422 → InvalidInput, other 4xx → Unknown);
//     context.Canceled → Unknown (never retried, see ShouldRetry); context.DeadlineExceeded and
//     any net.Error whose Timeout() is true → NetworkTimeout; syscall.ECONNRESET, ECONNREFUSED,
//     ECONNABORTED, EPIPE and io.ErrUnexpectedEOF → ConnectionReset; *net.DNSError → NotFound
//     when the name does not exist, NetworkTimeout on timeout, else ConnectionReset;
//  3. the message text, see ClassifyText.
//
// A nil error is Unknown. Wrapped errors classify like their cause.
func Classify(err error) ErrorType {
	if err == nil {
		return Unknown
	}
	if cs := registry.Load(); cs != nil {
		for _, c := range *cs {
			if t, ok := c(err); ok {
				return t
			}
		}
	}
	if t, ok := classifyTyped(err); ok {
		return t
	}
	return ClassifyText(err.Error())
}

func classifyTyped(err error) (ErrorType, bool) {
	// One walk over err's tree, outermost first (cheaper than one errors.Is per rule, and the
	// outermost knowledge is the most specific).
	for depth := 0; err != nil && depth < 100; depth++ {
		if t, ok := typedNode(err); ok {
			return t, true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if t, ok := classifyTyped(e); ok {
					return t, true
				}
			}
			return Unknown, false
		default:
			return Unknown, false
		}
	}
	return Unknown, false
}

// typedNode classifies one error of the chain by its type or identity alone.
// Typed is implemented by errors that know their own retry type, such as the browser layer's
// "not actionable" errors. Classify asks it before any built-in rule; returning Unknown means "no
// opinion" and classification goes on.
//
// Implementations are called from any goroutine and must be safe for concurrent use.
type Typed interface {
	RetryType() ErrorType
}

func typedNode(err error) (ErrorType, bool) {
	if t, ok := err.(Typed); ok {
		if rt := t.RetryType(); rt != Unknown {
			return rt, true
		}
	}
	switch e := err.(type) {
	case *Error:
		return e.Type, e.Type != Unknown
	case *HTTPError:
		return statusType(e.StatusCode, false)
	case *net.DNSError:
		switch {
		case e.IsTimeout:
			return NetworkTimeout, true
		case e.IsNotFound:
			return NotFound, true
		}
		return ConnectionReset, true
	case syscall.Errno:
		switch e {
		case syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED, syscall.EPIPE:
			return ConnectionReset, true
		case syscall.ETIMEDOUT:
			return NetworkTimeout, true
		}
		return Unknown, false
	}
	switch err {
	case context.Canceled:
		return Unknown, true
	case context.DeadlineExceeded:
		return NetworkTimeout, true
	case io.ErrUnexpectedEOF:
		return ConnectionReset, true
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return NetworkTimeout, true
	}
	return Unknown, false
}

// statusType maps an HTTP status. In free text (text=true) only the unambiguous codes count:
// a bare "400" in a message is more often a size or a duration than a status.
func statusType(code int, text bool) (ErrorType, bool) {
	switch {
	case code == 429:
		return RateLimit, true
	case code == 408:
		return NetworkTimeout, true
	case code == 404 || code == 410 || code == 451: // 451: withheld for legal reasons, as lasting as a 410
		return NotFound, true
	case code == 401 || code == 403 || code == 407:
		return AuthRequired, true
	case code >= 500 && code <= 599:
		return ServerError, true
	case text:
		return Unknown, false
	case permanentClientError(code):
		return InvalidInput, true
	case code >= 400 && code <= 499:
		return Unknown, true // 409, 421, 423, 424, 425 and unassigned codes: the same request may pass later
	}
	return Unknown, false
}

// permanentClientError reports whether a 4xx says the request itself cannot succeed as sent:
// retrying it unchanged only asks again (418 included: the server means it).
func permanentClientError(code int) bool {
	switch code {
	case 400, 405, 406, 411, 412, 413, 414, 415, 416, 417, 418, 422, 426, 428, 431:
		return true
	}
	return false
}

// The text rules, in priority order: the first group with a match decides. Matching is ASCII
// case-insensitive. Groups that are easy to confuse are ordered so that the more specific wins:
// "waiting for selector …: timeout" is a SelectorNotFound, "504 Gateway Timeout" a ServerError.
var textRules = []struct {
	t       ErrorType
	phrases []string // plain substrings
	words   []string // must not be preceded by a letter or digit, nor followed by one
	prefix  []string // must not be preceded by a letter or digit ("timeout" in "TimeoutError")
	codes   bool     // also match status codes that statusType maps to t
}{
	// A refusal by a domain's breaker or cooloff that lost its type on the way (a message passed
	// along as text) is still no failure of the site: it must not count towards a breaker.
	{t: CircuitOpen, phrases: []string{"circuit_open", "circuit open", "in cooloff for", "half-open: waiting for the probe"}},
	{t: InvalidInput, phrases: []string{"invalid selector", "not a valid selector", "err_invalid_url", "invalid url", "invalid input"}},
	{t: Captcha, phrases: []string{"captcha", "verify you are human", "are you a robot", "are you human"}},
	{t: RateLimit, phrases: []string{"too many requests", "rate limit", "rate-limit", "ratelimit", "throttl"}, codes: true},
	{t: PageCrash, phrases: []string{"page crashed", "target crashed", "tab crashed", "renderer crashed", "aw, snap", "target closed"}},
	{t: StaleElement, words: []string{"stale", "detached"}, phrases: []string{"not attached to the dom", "no node with given id",
		"node with given id does not belong", "execution context was destroyed", "cannot find context with specified id"}},
	{t: AuthRequired, prefix: []string{"unauthori", "forbidden"}, phrases: []string{"login required", "log in required",
		"sign in required", "sign-in required", "authentication required", "not authorized", "access denied"}, codes: true},
	// A name that does not resolve is NotFound: a typo'd or dead host does not come back within a
	// retry budget, and three attempts against it only add latency. Temporary DNS trouble arrives
	// as a typed *net.DNSError and is ConnectionReset (see Classify).
	{t: NotFound, phrases: []string{"err_name_not_resolved", "err_name_resolution_failed", "no such host",
		"name or service not known", "could not resolve host"}},
	{t: SelectorNotFound, phrases: []string{"no such element", "element not found", "selector not found", "waiting for selector",
		"unable to locate element", "could not find element", "cannot find element", "no element matches", "not visible",
		"not interactable"}},
	{t: ServerError, words: []string{"5xx"}, phrases: []string{"internal server error", "bad gateway", "service unavailable",
		"gateway timeout", "server error"}, codes: true},
	{t: NotFound, phrases: []string{"not found"}, codes: true},
	{t: ConnectionReset, words: []string{"epipe", "econnreset", "econnrefused", "econnaborted"}, phrases: []string{
		"connection reset", "connection refused", "connection aborted", "connection closed", "broken pipe",
		"err_connection_reset", "err_connection_refused", "err_connection_closed", "err_connection_aborted",
		"err_empty_response", "err_internet_disconnected", "err_network_changed", "err_address_unreachable",
		"unexpected eof", "socket hang up"}},
	{t: NetworkTimeout, words: []string{"etimedout"}, prefix: []string{"timeout", "timed out", "timedout", "timed_out"}, phrases: []string{"deadline exceeded"}, codes: true},
}

// ClassifyText classifies an error message alone. See textRules in the source for the phrases;
// in short: "429"/"too many requests" → RateLimit; 5xx codes, "5xx", "bad gateway"… → ServerError;
// "timeout"/"timed out" → NetworkTimeout; "connection reset"/"ECONNRESET"/net::ERR_CONNECTION_* →
// ConnectionReset; "captcha" → Captcha; net::ERR_NAME_NOT_RESOLVED → NotFound; "stale"/"detached"
// → StaleElement; "not found"/"404" → NotFound; "401"/"403"/"unauthorized"/"forbidden"/"login
// required" → AuthRequired; "invalid selector"/"is not a valid selector" → InvalidInput;
// "page crashed"/"target crashed" → PageCrash; "no such element"/"waiting for selector" →
// SelectorNotFound; "circuit open"/"in cooloff for" (a breaker's refusal passed along as text)
// → CircuitOpen; anything else → Unknown.
//
// Status codes count only as a whole token: three digits not inside a longer number, word, path
// or host:port, and not followed by a unit ("500 ms" is a duration, not a server error).
func ClassifyText(msg string) ErrorType {
	if msg == "" {
		return Unknown
	}
	// A retry loop meets the same message again and again (every attempt of one failure, every
	// item of a batch hitting the same wall): remember the last answers.
	if len(msg) > maxCachedMessage {
		return classifyText(msg)
	}
	slot := &textCache[maphash.String(textCacheSeed, msg)%uint64(len(textCache))]
	if e := slot.Load(); e != nil && e.msg == msg {
		return e.t
	}
	t := classifyText(msg)
	slot.Store(&cachedClass{msg: msg, t: t})
	return t
}

// The text classification cache: direct-mapped, lock-free, bounded (256 × 512 bytes at most).
const maxCachedMessage = 512

type cachedClass struct {
	msg string
	t   ErrorType
}

var (
	textCache     [256]atomic.Pointer[cachedClass]
	textCacheSeed = maphash.MakeSeed()
)

func classifyText(msg string) ErrorType {
	// Lower-case into a stack buffer: classification runs on every failed attempt and should not
	// allocate. The lowered string never leaves this function.
	var buf [1024]byte
	var s string
	if len(msg) <= len(buf) {
		for i := 0; i < len(msg); i++ {
			c := msg[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		s = unsafe.String(&buf[0], len(msg))
	} else {
		s = strings.ToLower(msg)
	}
	best := matchRules(s)
	codes := scanCodes(s)
	for i := range textRules {
		if best >= 0 && i >= best {
			break
		}
		if textRules[i].codes && codes[textRules[i].t] {
			return textRules[i].t
		}
	}
	if best >= 0 {
		return textRules[best].t
	}
	return Unknown
}

const (
	modePlain  uint8 = iota // anywhere
	modeWord                // not preceded nor followed by a letter or digit
	modePrefix              // not preceded by a letter or digit
)

type needle struct {
	s    string
	rule uint8 // index in textRules: lower wins
	mode uint8
}

// second[c] is the set of bytes that follow c in some needle starting with c.
var second = func() (m [256][4]uint64) {
	for c := range needles {
		for _, n := range needles[c] {
			if len(n.s) > 1 {
				m[c][n.s[1]>>6] |= 1 << (n.s[1] & 63)
			}
		}
	}
	return m
}()

// needles holds every phrase of textRules by its first byte, so ClassifyText reads the message
// once instead of searching it once per phrase.
var needles = func() (b [256][]needle) {
	for ri, r := range textRules {
		for mode, list := range [][]string{r.phrases, r.words, r.prefix} {
			for _, p := range list {
				b[p[0]] = append(b[p[0]], needle{s: p, rule: uint8(ri), mode: uint8(mode)})
			}
		}
	}
	return b
}()

// matchRules returns the index of the first rule with a phrase in s, or -1.
func matchRules(s string) int {
	best := len(textRules)
	for i := 0; i < len(s) && best > 0; i++ {
		c := s[i]
		cands := needles[c]
		if len(cands) == 0 || i+1 < len(s) && second[c][s[i+1]>>6]&(1<<(s[i+1]&63)) == 0 {
			continue
		}
		rest := s[i:]
		for _, n := range cands {
			if int(n.rule) >= best || len(rest) < len(n.s) || (len(n.s) > 1 && rest[1] != n.s[1]) || rest[:len(n.s)] != n.s {
				continue
			}
			if n.mode != modePlain && i > 0 && isAlnum(s[i-1]) {
				continue
			}
			if n.mode == modeWord && len(rest) > len(n.s) && isAlnum(rest[len(n.s)]) {
				continue
			}
			best = int(n.rule)
		}
	}
	if best == len(textRules) {
		return -1
	}
	return best
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// scanCodes finds the status codes in s (see ClassifyText) and marks the types they map to.
func scanCodes(s string) (found [numErrorTypes]bool) {
	for i := 0; i+3 <= len(s); i++ {
		if !isDigit(s[i]) || !isDigit(s[i+1]) || !isDigit(s[i+2]) {
			continue
		}
		start, end := i, i+3
		i += 2 // skip the rest of this number whatever happens
		if start > 0 {
			switch p := s[start-1]; {
			case isAlnum(p), p == '.', p == '/', p == ':', p == '-', p == '_', p == '#':
				continue
			}
		}
		if end < len(s) {
			switch n := s[end]; {
			case isAlnum(n), n == '/', n == '_', n == '-':
				continue
			case n == '.' && end+1 < len(s) && isDigit(s[end+1]):
				continue
			}
		}
		if followedByUnit(s[end:]) {
			continue
		}
		code := int(s[start]-'0')*100 + int(s[start+1]-'0')*10 + int(s[start+2]-'0')
		if t, ok := statusType(code, true); ok {
			found[t] = true
		}
	}
	return found
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

var units = []string{"ms", "s", "sec", "secs", "second", "seconds", "millisecond", "milliseconds", "m", "min", "mins",
	"minute", "minutes", "h", "hour", "hours", "b", "kb", "mb", "bytes", "px", "times", "items", "retries", "attempts", "tries"}

// followedByUnit reports whether rest (the text after a number) starts with spaces and a unit word.
func followedByUnit(rest string) bool {
	j := 0
	for j < len(rest) && rest[j] == ' ' {
		j++
	}
	k := j
	for k < len(rest) && 'a' <= rest[k] && rest[k] <= 'z' {
		k++
	}
	if k == j {
		return false
	}
	w := rest[j:k]
	for _, u := range units {
		if w == u {
			return true
		}
	}
	return false
}
