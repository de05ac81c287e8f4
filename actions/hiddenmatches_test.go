package actions_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// DemoBlaze after a login: the navbar's "Sign up" link is hidden, and so are the Sign up modal's
// title and button. text=Sign up matches three elements, none visible: the error says so, where
// "make it more specific" alone sent the user looking for the wrong one.
func TestClickOfSeveralMatchesNoneVisible(t *testing.T) {
	t.Parallel()
	srv := servePages(t, map[string]string{"/": `<a href="#" id="signin2" style="display:none">Sign up</a>
<div class="modal" style="display:none"><h5>Sign up</h5><button>Sign up</button></div>
<a href="#" id="logout2">Log out</a>`})
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	err = s.Click(ctx, "text=Sign up")
	var na *actions.NotActionableError
	require.ErrorAs(t, err, &na)
	assert.Equal(t, actions.ReasonMultiple, na.Reason)
	assert.Contains(t, err.Error(), "none of them is visible")
	assert.Contains(t, err.Error(), "a#signin2")
}
