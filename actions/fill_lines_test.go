package actions_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// Line breaks: a <textarea> stores "\r\n" and "\r" as "\n" (so the read-back must compare the
// normalised value), and an <input> cannot hold one at all (so Fill says that, at once).
func TestFillLineBreaks(t *testing.T) {
	s, _ := newSession(t)
	page := `<!doctype html><textarea id="t"></textarea><input id="i">`
	_, err := s.Navigate(ctxT(t), "data:text/html,"+url.PathEscape(page))
	require.NoError(t, err)

	// The read-back compares what the textarea holds ("a\nb\nc\nd") with the normalised value.
	require.NoError(t, s.Fill(ctxT(t), "#t", "a\r\nb\rc\nd"))

	err = s.Fill(ctxT(t), "#i", "one\ntwo")
	require.Error(t, err)
	assert.True(t, errors.Is(err, retry.ErrPermanent), "%v", err)
	var na *actions.NotActionableError
	require.ErrorAs(t, err, &na)
	assert.Equal(t, actions.ReasonUnusable, na.Reason)
	assert.Contains(t, err.Error(), "line break")
	var ae *actions.ActionError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 1, ae.Attempts())
}
