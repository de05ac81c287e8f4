package retry

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Strategy says how the delay grows from one attempt to the next.
//
// A Strategy is a plain value, safe for concurrent use.
type Strategy int

// The backoff strategies. FullJitter is AWS's "full jitter": uniform in [0, exponential delay].
const (
	Immediate Strategy = iota
	Linear
	Exponential
	ExponentialJitter
	FullJitter
)

var strategyNames = [...]string{
	Immediate:         "immediate",
	Linear:            "linear",
	Exponential:       "exponential",
	ExponentialJitter: "exponential_jitter",
	FullJitter:        "full_jitter",
}

// String returns the snake_case name ("exponential_jitter").
func (s Strategy) String() string {
	if s >= 0 && int(s) < len(strategyNames) {
		return strategyNames[s]
	}
	return fmt.Sprintf("Strategy(%d)", int(s))
}

// ParseStrategy accepts the names String returns, case-insensitively, with '-' or '_'.
func ParseStrategy(s string) (Strategy, error) {
	norm := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	for i, n := range strategyNames {
		if n == norm {
			return Strategy(i), nil
		}
	}
	return Immediate, fmt.Errorf("retry: unknown strategy %q (want one of immediate, linear, exponential, exponential_jitter, full_jitter)", s)
}

// CalculateDelay returns the wait after the failed attempt (0-indexed). It never exceeds max
// (when max > 0) and never overflows, whatever attempt is.
func CalculateDelay(s Strategy, attempt int, base, max time.Duration) time.Duration {
	if attempt < 0 {
		attempt = 0
	}
	if base < 0 {
		base = 0
	}
	var d time.Duration
	switch s {
	case Immediate:
		return 0
	case Linear:
		d = mulCap(base, int64(attempt)+1)
	case Exponential, ExponentialJitter, FullJitter:
		d = expCap(base, attempt)
		switch s {
		case ExponentialJitter:
			d = addCap(d, jitter(d/4))
		case FullJitter:
			d = jitter(d)
		}
	default:
		d = base
	}
	if max > 0 && d > max {
		d = max
	}
	return d
}

const maxDuration = time.Duration(1<<63 - 1)

func mulCap(d time.Duration, n int64) time.Duration {
	if d == 0 || n == 0 {
		return 0
	}
	if int64(d) > int64(maxDuration)/n {
		return maxDuration
	}
	return d * time.Duration(n)
}

func expCap(base time.Duration, attempt int) time.Duration {
	if base == 0 {
		return 0
	}
	if attempt >= 62 {
		return maxDuration
	}
	return mulCap(base, int64(1)<<attempt)
}

func addCap(a, b time.Duration) time.Duration {
	if a > maxDuration-b {
		return maxDuration
	}
	return a + b
}

// jitter returns a uniform duration in [0, d].
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	if d == maxDuration {
		return time.Duration(rand.Int64N(int64(d)))
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}
