package actions

import "github.com/smartretry/smartretry/retry"

// ArgError is a call the Session refuses before it touches the page, because its arguments
// cannot work: an unknown wait state, a scroll by nothing, ExpectStatus(42), Uncheck on a radio
// button. Its retry type is InvalidInput and it matches retry.ErrPermanent; it comes wrapped in
// an *ActionError.
//
// Not modified after it is returned: safe to read from many goroutines.
type ArgError struct {
	Action string
	Detail string // what is wrong, and what to do instead
}

func (e *ArgError) Error() string { return e.Detail }

// RetryType is InvalidInput.
func (e *ArgError) RetryType() retry.ErrorType { return retry.InvalidInput }

// Is matches retry.ErrPermanent: retrying the same call cannot help.
func (e *ArgError) Is(target error) bool { return target == retry.ErrPermanent }

// refuse is the *ActionError for a call refused before any attempt, redacted like every error.
func (s *Session) refuse(sp spec, detail string) error {
	ae := &ActionError{Action: sp.action, Target: s.target(sp), URL: s.URL(), Err: &ArgError{Action: sp.action, Detail: detail}}
	if msg := s.present(ae.Error(), sp); msg != ae.Error() {
		return &redactedError{msg: msg, err: ae}
	}
	return ae
}
