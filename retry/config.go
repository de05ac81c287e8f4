package retry

import "time"

// Config is the retry budget and backoff for one error type.
//
// MaxAttempts counts every attempt, the first included: a retry is allowed while
// attempt+1 < MaxAttempts (0-indexed attempt). Delays follow CalculateDelay(Strategy, attempt,
// BaseDelay, MaxDelay), with one rule from the guide ("retry once immediately, then backoff"):
// for the transient types (NetworkTimeout, ConnectionReset, StaleElement) an Immediate strategy
// retries at once the first time only; each later retry backs off exponentially from BaseDelay
// (1s when BaseDelay is 0), capped at MaxDelay. MaxDelay 0 means no cap.
//
// A Config is a plain value: copy it freely; the Manager keeps its own copy.
type Config struct {
	MaxAttempts int
	Strategy    Strategy
	BaseDelay   time.Duration
	MaxDelay    time.Duration
}

// defaultConfigs is the guide's table. MaxDelay is not in the guide: 60s for most types, 5 min
// for rate limits (whose base alone is 30s).
var defaultConfigs = [numErrorTypes]Config{
	Unknown:          {MaxAttempts: 3, Strategy: ExponentialJitter, BaseDelay: time.Second, MaxDelay: 60 * time.Second},
	NetworkTimeout:   {MaxAttempts: 3, Strategy: Immediate, BaseDelay: 0, MaxDelay: 60 * time.Second},
	RateLimit:        {MaxAttempts: 3, Strategy: ExponentialJitter, BaseDelay: 30 * time.Second, MaxDelay: 5 * time.Minute},
	ServerError:      {MaxAttempts: 4, Strategy: ExponentialJitter, BaseDelay: 5 * time.Second, MaxDelay: 60 * time.Second},
	Captcha:          {MaxAttempts: 1, Strategy: Immediate, BaseDelay: 0, MaxDelay: 60 * time.Second},
	SelectorNotFound: {MaxAttempts: 3, Strategy: Linear, BaseDelay: time.Second, MaxDelay: 60 * time.Second},
	StaleElement:     {MaxAttempts: 3, Strategy: Immediate, BaseDelay: 500 * time.Millisecond, MaxDelay: 60 * time.Second},
	NotFound:         {MaxAttempts: 1, Strategy: Immediate, BaseDelay: 0, MaxDelay: 60 * time.Second},
	AuthRequired:     {MaxAttempts: 1, Strategy: Immediate, BaseDelay: 0, MaxDelay: 60 * time.Second},
	ConnectionReset:  {MaxAttempts: 3, Strategy: ExponentialJitter, BaseDelay: time.Second, MaxDelay: 60 * time.Second},
	PageCrash:        {MaxAttempts: 2, Strategy: Linear, BaseDelay: 2 * time.Second, MaxDelay: 60 * time.Second},
	InvalidInput:     {MaxAttempts: 1, Strategy: Immediate, BaseDelay: 0, MaxDelay: 60 * time.Second},
	CircuitOpen:      {MaxAttempts: 2, Strategy: Immediate, BaseDelay: 0, MaxDelay: 60 * time.Second},
}

// DefaultConfig returns the guide's configuration for t:
//
//	type               attempts  strategy            base    max
//	unknown            3         exponential_jitter  1s      60s
//	network_timeout    3         immediate           0       60s   (then 1s, 2s… see Config)
//	rate_limit         3         exponential_jitter  30s     5m
//	server_error       4         exponential_jitter  5s      60s
//	captcha            1         immediate           0       60s
//	selector_not_found 3         linear              1s      60s
//	stale_element      3         immediate           500ms   60s   (then 500ms, 1s…)
//	not_found          1         immediate           0       60s
//	auth_required      1         immediate           0       60s
//	connection_reset   3         exponential_jitter  1s      60s
//	page_crash         2         linear              2s      60s
//	invalid_input      1         immediate           0       60s
//	circuit_open       2         immediate           0       60s   (waits its Retry-After: the cooloff left)
//
// An unknown t gets Unknown's configuration.
func DefaultConfig(t ErrorType) Config {
	if t < 0 || t >= numErrorTypes {
		t = Unknown
	}
	return defaultConfigs[t]
}

// delayFor is the backoff after the failed attempt (0-indexed) under c for type t, and the
// strategy that produced it (for the reason text).
func (c Config) delayFor(t ErrorType, attempt int) (time.Duration, Strategy) {
	if c.Strategy == Immediate && t.IsTransient() && attempt >= 1 {
		base := c.BaseDelay
		if base <= 0 {
			base = time.Second
		}
		return CalculateDelay(Exponential, attempt-1, base, c.MaxDelay), Exponential
	}
	return CalculateDelay(c.Strategy, attempt, c.BaseDelay, c.MaxDelay), c.Strategy
}
