package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// A status the caller expects is a success: one request, no retry, nothing recorded as a failure
// (no breaker count, no pattern), the status reported and the page's body readable.
func TestStatus_ExpectedIsSuccess(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		route  string
		query  string
		opt    actions.NavOption
		status int
		body   string // a selector of the page's body
	}{
		{"404", "/notfound", "", actions.ExpectStatus(404), 404, "#not-found"},
		{"500", "/flaky", "fail=100&code=500", actions.ExpectStatus(500, 503), 500, "#error"},
		{"503", "/flaky", "fail=100&code=503", actions.ExpectStatus(500, 503), 503, "#error"},
		{"429", "/ratelimit", "fail=100&ra=1", actions.ExpectStatus(429), 429, "#error"},
		{"any status", "/flaky", "fail=100&code=502", actions.AnyStatus(), 502, "#error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureConfig{})
			id := uniqueID(t)
			q := "id=" + id
			if tc.query != "" {
				q = tc.query + "&" + q
			}
			res, err := f.s.NavigateWith(f.ctx, url(tc.route+"?"+q), tc.opt)
			require.NoError(t, err)
			assert.Equal(t, tc.status, res.Status)
			assert.Equal(t, 1, env.srv.Hits(tc.route, id), "exactly one request")

			text, err := f.s.Text(f.ctx, tc.body)
			require.NoError(t, err, "the page is usable")
			assert.NotEmpty(t, text)
			rows, err := f.s.Extract(f.ctx, tc.body, map[string]string{"h": "h1"})
			require.NoError(t, err)
			require.Len(t, rows, 1)
			assert.Contains(t, rows[0]["h"], strings.Fields(text)[0])

			assert.Empty(t, f.rec.of("retry"), "no retry")
			assert.Empty(t, f.rec.of("give_up"))
			st := f.m.Stats()
			assert.Empty(t, st.ErrorTypeDistribution, "no failure recorded")
			assert.Zero(t, st.KnownPatterns, "no failure pattern")
			for d, b := range st.CircuitBreakerStates {
				assert.Zero(t, b.Failures, "breaker of %s", d)
				assert.Equal(t, "closed", b.State)
			}
		})
	}
}

// Without the option the same pages are faults, as before: 404 at once, 5xx and 429 retried.
func TestStatus_UnexpectedIsFault(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		route string
		query string
		opts  []actions.NavOption
		typ   retry.ErrorType
		hits  int // at least
	}{
		{"404 plain", "/notfound", "", nil, retry.NotFound, 1},
		{"503 plain", "/flaky", "fail=100&code=503", nil, retry.ServerError, 2},
		{"429 plain", "/ratelimit", "fail=100&ra=0", nil, retry.RateLimit, 2},
		{"503 when 404 is expected", "/flaky", "fail=100&code=503", []actions.NavOption{actions.ExpectStatus(404)}, retry.ServerError, 2},
		{"404 when 5xx is expected", "/notfound", "", []actions.NavOption{actions.ExpectStatus(500, 503)}, retry.NotFound, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureConfig{managerOpts: []retry.Option{retry.WithCircuitBreaker(false)}})
			id := uniqueID(t)
			q := "id=" + id
			if tc.query != "" {
				q = tc.query + "&" + q
			}
			_, err := f.s.NavigateWith(f.ctx, url(tc.route+"?"+q), tc.opts...)
			require.Error(t, err)
			var ae *actions.ActionError
			require.True(t, errors.As(err, &ae), "%T: %v", err, err)
			assert.Equal(t, tc.typ, ae.Type(), "%v", err)
			assert.GreaterOrEqual(t, env.srv.Hits(tc.route, id), tc.hits)
			if tc.hits == 1 {
				assert.Equal(t, 1, env.srv.Hits(tc.route, id), "a permanent status is not retried")
			}
		})
	}
}

// A 2xx is always fine, expected or not; an impossible expectation is refused before any request.
func TestStatus_OptionEdges(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	res, err := f.s.NavigateWith(f.ctx, url("/late?ms=0"), actions.ExpectStatus(404))
	require.NoError(t, err)
	assert.Equal(t, 200, res.Status)

	id := uniqueID(t)
	for _, opt := range []actions.NavOption{actions.ExpectStatus(42), actions.ExpectStatus()} {
		_, err = f.s.NavigateWith(f.ctx, url("/notfound?id="+id), opt)
		require.Error(t, err)
		var ae *actions.ActionError
		require.True(t, errors.As(err, &ae))
		assert.Equal(t, retry.InvalidInput, ae.Type())
		assert.ErrorIs(t, err, retry.ErrPermanent)
		assert.Contains(t, err.Error(), "ExpectStatus")
	}
	assert.Zero(t, env.srv.Hits("/notfound", id), "nothing was requested")

	// Navigate keeps treating the status as a fault after a NavigateWith on the same session.
	_, err = f.s.Navigate(f.ctx, url("/notfound?id="+id))
	require.Error(t, err)
	assert.ErrorIs(t, err, retry.ErrPermanent)
}

// A tab that crashes on a page whose status was expected comes back to that page: the crash
// repair loads it again with the same expected statuses, so the next read works on a new tab
// (without them the repair would fail on the 404 it had been told was the page).
func TestStatus_ExpectedSurvivesCrash(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	id := uniqueID(t)
	res, err := f.s.NavigateWith(f.ctx, url("/notfound?id="+id), actions.ExpectStatus(404))
	require.NoError(t, err)
	require.Equal(t, 404, res.Status)
	old := f.s.Page()
	cctx, cancel := context.WithTimeout(f.ctx, 300*time.Millisecond)
	_ = proto.PageCrash{}.Call(old.Context(cctx)) // never answers: the renderer is gone
	cancel()

	text, err := f.s.Text(f.ctx, "#not-found")
	require.NoError(t, err, "the 404 page is back on a new tab")
	assert.NotEmpty(t, text)
	assert.NotEqual(t, old.TargetID, f.s.Page().TargetID)
	assert.Equal(t, []retry.ErrorType{retry.PageCrash}, f.rec.retryTypes())
	assert.Equal(t, 2, env.srv.Hits("/notfound", id), "the page and its reload after the crash")
}
