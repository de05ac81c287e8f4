package retry

import "time"

// Event kinds, the values of Event.Kind.
const (
	EventRetry           = "retry"             // an attempt failed and another one follows after Delay
	EventGiveUp          = "give_up"           // retrying stopped; Err is the *Error returned
	EventSuccess         = "success"           // an attempt succeeded; Solution is what preceded it
	EventEscalate        = "escalate"          // a captcha/auth failure went to the OnEscalate hook
	EventBreakerOpen     = "breaker_open"      // a domain's breaker opened (Delay = cooloff)
	EventBreakerHalfOpen = "breaker_half_open" // the cooloff ended; one probe goes through
	EventBreakerClosed   = "breaker_closed"    // the probe (or any success) closed it again
	// EventBreakerWait: an action waits for its domain before its next attempt (Delay = the
	// time left, 0 while a half-open probe is in flight; Reason = "Domain 127.0.0.1:8080 in
	// cooloff for 42.0s"). The wait is not a failure of the action; an action may wait more
	// than once (an open breaker, then the probe in flight).
	EventBreakerWait = "breaker_wait"
	// EventCooloff: a 429 or 5xx with a Retry-After paused its whole domain (Delay = how long,
	// capped by WithMaxRetryAfter): no attempt of this Manager goes there until it ends.
	EventCooloff = "cooloff"
)

// Event is one decision of the engine, given to the WithObserver function as it happens.
// Attempt is 0-indexed (the attempt that just ended); Err is that attempt's error (for
// give_up: the *Error returned). Breaker open/half-open/closed events carry the Domain and no
// Action; breaker_wait and cooloff events carry both.
//
// An Event is a plain value handed to the observer; it does not change after it is sent.
type Event struct {
	Kind     string
	Action   string
	Domain   string
	Attempt  int
	Type     ErrorType
	Delay    time.Duration
	Reason   string
	Solution string
	Err      error
	Time     time.Time
}
