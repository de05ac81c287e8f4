package actions_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

func TestWithCallOptionsLimitsOneCall(t *testing.T) {
	s, clock := newSession(t)
	// server_error allows several attempts by default; this call allows one.
	ctx := actions.WithCallOptions(ctxT(t), retry.MaxAttempts(1))
	id := uid("callopt")
	_, err := s.Navigate(ctx, site.URL("/flaky?fail=1&code=503&id="+id))
	require.Error(t, err)
	typ, n := attempts(t, err)
	assert.Equal(t, retry.ServerError, typ)
	assert.Equal(t, 1, n)
	assert.Empty(t, clock.Sleeps())
	assert.Equal(t, 1, site.Hits("/flaky", id))

	// The options belonged to that call only: the next one runs under the Session defaults.
	res, err := s.Navigate(ctxT(t), site.URL("/flaky?fail=1&code=503&id="+id))
	require.NoError(t, err)
	assert.Equal(t, 200, res.Status)
}
