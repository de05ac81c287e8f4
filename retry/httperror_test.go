package retry_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 120 * time.Second, true},
		{" 2 ", 2 * time.Second, true},
		{"0", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999999999999999", time.Duration(1<<63 - 1), true},
		{"", 0, false},
		{"-5", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, ok := retry.ParseRetryAfter(tt.in, now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, d)
		})
	}
}

type raErr struct{ d time.Duration }

func (e raErr) Error() string             { return "429 slow down" }
func (e raErr) RetryAfter() time.Duration { return e.d }

func TestRetryAfterOf(t *testing.T) {
	d, ok := retry.RetryAfterOf(fmt.Errorf("nav: %w", &retry.HTTPError{StatusCode: 429, RetryAfter: 3 * time.Second}))
	require.True(t, ok)
	assert.Equal(t, 3*time.Second, d)
	d, ok = retry.RetryAfterOf(raErr{7 * time.Second})
	require.True(t, ok)
	assert.Equal(t, 7*time.Second, d)
	_, ok = retry.RetryAfterOf(errors.New("x"))
	assert.False(t, ok)
	_, ok = retry.RetryAfterOf(&retry.HTTPError{StatusCode: 503})
	assert.False(t, ok)
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, s := range []string{"120", "0", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "999999999999999999999", " 3", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := retry.ParseRetryAfter(s, now)
		d2, ok2 := retry.ParseRetryAfter(s, now)
		require.Equal(t, ok, ok2)
		require.Equal(t, d, d2)
		require.GreaterOrEqual(t, d, time.Duration(0))
		if !ok {
			require.Zero(t, d)
		}
	})
}

// An absurd Retry-After (99999999999999999999 seconds parses to the longest time.Duration) is
// shown as what it means, not as 2562047h47m16.854775807s; a plain one to the second.
func TestHTTPErrorShowsTheWait(t *testing.T) {
	ra, ok := retry.ParseRetryAfter("99999999999999999999", time.Now())
	require.True(t, ok)
	e := &retry.HTTPError{StatusCode: 429, URL: "https://shop.example/", RetryAfter: ra}
	assert.Equal(t, "HTTP 429 Too Many Requests from https://shop.example/ (Retry-After over a year)", e.Error())
	e.RetryAfter = 1500*time.Millisecond + 123*time.Microsecond
	assert.Contains(t, e.Error(), "(Retry-After 2s)")
}
