package retry_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/smartretry/smartretry/retry"
)

// A Retry-After date counts from the answer's own Date: a server whose clock is an hour behind
// ours still asks for its 5 s; without a Date it counts from now.
func TestRetryAfterOfHeaderCountsFromTheAnswersDate(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	server := now.Add(-time.Hour)
	h := http.Header{}
	h.Set("Date", server.Format(http.TimeFormat))
	h.Set("Retry-After", server.Add(5*time.Second).Format(http.TimeFormat))
	d, ok := retry.RetryAfterOfHeader(h, now)
	assert.True(t, ok)
	assert.Equal(t, 5*time.Second, d)

	h.Del("Date")
	d, ok = retry.RetryAfterOfHeader(h, now)
	assert.True(t, ok)
	assert.Zero(t, d, "a date an hour ago, counted from now")

	h.Set("Date", "not a date")
	h.Set("Retry-After", "120")
	d, ok = retry.RetryAfterOfHeader(h, now)
	assert.True(t, ok)
	assert.Equal(t, 2*time.Minute, d)

	_, ok = retry.RetryAfterOfHeader(http.Header{}, now)
	assert.False(t, ok)
}
