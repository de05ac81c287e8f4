package retry

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// The conditions a give-up *Error matches with errors.Is.
var (
	// ErrPermanent: the error can never be fixed by retrying (not_found, auth_required, captcha,
	// invalid_input, a panic in PartialRetry's processor).
	ErrPermanent = errors.New("retry: permanent error")
	// ErrExhausted: the attempt budget ran out, or retrying was refused for taking too long
	// (a Retry-After above the Manager's limit) or for going round in circles (see ErrStuck).
	ErrExhausted = errors.New("retry: attempts exhausted")
	// ErrCircuitOpen: the domain's circuit breaker was open (or its cooloff ran) and the call was
	// not allowed to wait for it (see WithMaxBreakerWait): the item did nothing wrong, run it
	// again later; RetryAfterOf(err) says when.
	ErrCircuitOpen = errors.New("retry: circuit open")
	// ErrEscalate: a person is needed (captcha, auth_required), or the escalation hook failed.
	ErrEscalate = errors.New("retry: escalation needed")
	// ErrStuck: the same action with the same Info failed the same way again and again, across
	// attempts and Runs. An *Error matching ErrStuck also matches ErrExhausted.
	ErrStuck = errors.New("retry: stuck loop")
)

type giveUp uint8

const (
	kindPermanent giveUp = 1 << iota
	kindExhausted
	kindCircuit
	kindEscalate
	kindStuck
)

// Error is how Run, Do, DoValue and PartialRetry give up: one error that says which action,
// what kind of failure, after how many attempts and why. errors.Is matches ErrPermanent,
// ErrExhausted, ErrCircuitOpen, ErrEscalate or ErrStuck as fits, context.Canceled (or
// DeadlineExceeded) when the caller's ctx ended, and the last underlying error Err.
// An *Error is immutable once returned: safe for concurrent reads.
type Error struct {
	Action   string
	Type     ErrorType // the type of the last failure
	Attempts int       // attempts made (calls of fn)
	Reason   string    // why retrying stopped, e.g. "not_found is not retryable"
	Err      error     // the last underlying error (nil if fn never ran)

	kind       giveUp
	cause      error         // ctx.Err() or an escalation hook's error, also matched by errors.Is
	retryAfter time.Duration // circuit_open: the cooloff left, for RetryAfterOf
}

// Error reads "<action>: <type> after <n> attempt(s): <reason>: <last error>", or, when the
// call was refused by its domain (Type CircuitOpen), "<action>: circuit_open: <reason>" and,
// if attempts were made before, "(<n> attempt(s) before; last: <last error>)".
func (e *Error) Error() string {
	var b strings.Builder
	a := e.Action
	if a == "" {
		a = "retry"
	}
	b.WriteString(a)
	b.WriteString(": ")
	b.WriteString(e.Type.String())
	if e.Type == CircuitOpen {
		if e.Reason != "" {
			b.WriteString(": ")
			b.WriteString(e.Reason)
		}
		if e.Attempts > 0 && e.Err != nil {
			b.WriteString(" (")
			b.WriteString(strconv.Itoa(e.Attempts))
			if e.Attempts == 1 {
				b.WriteString(" attempt before; last: ")
			} else {
				b.WriteString(" attempts before; last: ")
			}
			b.WriteString(e.Err.Error())
			b.WriteString(")")
		} else if e.cause != nil && e.cause.Error() != e.Reason {
			b.WriteString(": ")
			b.WriteString(e.cause.Error())
		}
		return b.String()
	}
	b.WriteString(" after ")
	b.WriteString(strconv.Itoa(e.Attempts))
	if e.Attempts == 1 {
		b.WriteString(" attempt")
	} else {
		b.WriteString(" attempts")
	}
	last := ""
	if e.Err != nil {
		last = e.Err.Error()
	} else if e.cause != nil {
		last = e.cause.Error()
	}
	// A cancellation's reason is its error, and "all N attempts used" repeats "after N
	// attempts": say each once.
	if e.Reason != "" && e.Reason != last && e.Reason != budgetReason(e.Type, e.Attempts) {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	if last != "" {
		b.WriteString(": ")
		b.WriteString(last)
	}
	return b.String()
}

// Unwrap gives the last underlying error and, when there is one, the cause that ended the
// retrying (the caller's ctx.Err() or the escalation hook's error).
func (e *Error) Unwrap() []error {
	switch {
	case e.Err != nil && e.cause != nil && e.cause != e.Err:
		return []error{e.Err, e.cause}
	case e.Err != nil:
		return []error{e.Err}
	case e.cause != nil:
		return []error{e.cause}
	}
	return nil
}

// Is matches the sentinel conditions. An *Error built by hand (no recorded condition) matches
// ErrPermanent when its Type is permanent and ErrExhausted otherwise.
func (e *Error) Is(target error) bool {
	k := e.kind
	if k == 0 && e.cause == nil {
		if e.Type.IsPermanent() {
			k = kindPermanent
		} else {
			k = kindExhausted
		}
	}
	switch target {
	case ErrPermanent:
		return k&kindPermanent != 0
	case ErrExhausted:
		return k&(kindExhausted|kindStuck) != 0
	case ErrCircuitOpen:
		return k&kindCircuit != 0
	case ErrEscalate:
		return k&kindEscalate != 0
	case ErrStuck:
		return k&kindStuck != 0
	}
	return false
}
