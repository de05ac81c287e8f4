package actions_test

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

// A page load's attempt is WithNavigationTimeout's, an element action's WithTimeout's: a server
// that answers after a second is loaded (and reloaded) at once by a session whose element
// attempts are 300 ms, where without the option each of its loads runs out at 300 ms.
func TestNavigationTimeoutIsAPageLoadsOwn(t *testing.T) {
	var loads atomic.Int64
	slow := htmlPage(time.Second, `<h1 id="t">slow</h1>`)
	srv := slowServer(t, map[string]http.HandlerFunc{"/slow": func(w http.ResponseWriter, r *http.Request) {
		loads.Add(1)
		slow(w, r)
	}})
	const attempt = 300 * time.Millisecond

	t.Run("its own", func(t *testing.T) {
		s, _ := newSession(t, actions.WithTimeout(attempt), actions.WithNavigationTimeout(loadUnderLoad))
		before := loads.Load()
		res, err := s.Navigate(ctxT(t), srv.URL+"/slow")
		require.NoError(t, err)
		assert.Equal(t, 200, res.Status)
		_, err = s.Reload(ctxT(t))
		require.NoError(t, err)
		assert.Equal(t, int64(2), loads.Load()-before, "one request each: no load ran out of its attempt")
		got, err := s.Text(ctxT(t), "#t")
		require.NoError(t, err)
		assert.Equal(t, "slow", got)

		// An element still gets the short attempt: the page's wait for a missing one ends
		// within it, not within the load's.
		err = s.WaitFor(ctxT(t), "#missing")
		var na *actions.NotActionableError
		require.True(t, errors.As(err, &na), "%v", err)
		assert.Equal(t, actions.ReasonNotFound, na.Reason)
		assert.Less(t, na.Waited, loadUnderLoad/2, "the element's wait had the element's attempt")
	})

	t.Run("default: the attempt's", func(t *testing.T) {
		m := retry.NewManager(retry.WithClock(retrytest.NewFakeClock(time.Now())), retry.WithCircuitBreaker(false))
		s, err := actions.NewSession(testBrowser, actions.WithManager(m), actions.WithTimeout(attempt))
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		_, err = s.Navigate(ctxT(t), srv.URL+"/slow")
		require.Error(t, err)
		typ, n := attempts(t, err)
		assert.Equal(t, retry.NetworkTimeout, typ, "%v", err)
		assert.Equal(t, retry.DefaultConfig(retry.NetworkTimeout).MaxAttempts, n)
		assert.Contains(t, err.Error(), "timed out after 300ms", "the load had the element's 300 ms")
	})
}
