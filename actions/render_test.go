package actions_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// TestConcurrentSessionsAllRender: sessions open at the same time all show their page, as a person's
// browser would, isolated or not. A tab behind another in the same window is hidden: Chromium
// runs no requestAnimationFrame and no IntersectionObserver there (lazy images, infinite lists
// and the locator's own stability check would never move), which is what a hand-written go-rod
// loop with one tab per worker gets for all its tabs but the last.
func TestConcurrentSessionsAllRender(t *testing.T) {
	for _, isolated := range []bool{false, true} {
		var sessions []*actions.Session
		for range 4 {
			var opts []actions.Option
			if isolated {
				opts = append(opts, actions.Isolated())
			}
			s, _ := newSession(t, opts...)
			sessions = append(sessions, s)
		}
		for i, s := range sessions {
			_, err := s.Navigate(ctxT(t), site.URL("/infinite?total=20&batch=10&ms=0"))
			require.NoError(t, err)
			state, err := s.Page().Eval(`() => document.visibilityState`)
			require.NoError(t, err)
			require.Equal(t, "visible", state.Value.Str(), "isolated %v, session %d of 4", isolated, i)
		}
	}
}
