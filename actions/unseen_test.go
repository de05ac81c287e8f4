package actions_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// The first selector a new user writes on a page they have not seen (DemoQA's Buttons, Browser
// Windows, Upload and Download): "text=Click Me" beside "Double Click Me" and "Right Click Me".
// An action that needs one element takes the one whose whole text it is; reads of every match
// are unchanged; when no single match is the whole text the refusal names the matches.
func TestAmbiguousTextTakesTheWholeMatch(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `<h1>Buttons: click me</h1>
<button id="b1" onclick="r.textContent='double'">Double Click Me</button>
<button id="b2" onclick="r.textContent='right'">Right Click Me</button>
<button id="x9" onclick="r.textContent='dynamic'">Click Me</button>
<button id="n1" onclick="r.textContent='new window'">New Window</button>
<button id="n2" onclick="r.textContent='message'">New Window Message</button>
<label><input type="checkbox" id="cmd"><span>Commands</span></label><span class="out">commands</span>
<div><button class="close"><span aria-hidden="true">×</span><span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)">Close</span></button>
<button id="closeBtn">Close</button></div>
<p id="r"></p>`})
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)

	for _, c := range []struct{ sel, want string }{
		{"text=Click Me", "dynamic"},
		{"text=click me", "dynamic"}, // case-insensitive as text= is; the heading's text is longer
		{`role=button[name="Click Me"]`, "dynamic"},
		{"text=New Window", "new window"},
	} {
		require.NoError(t, s.Click(ctx, c.sel), c.sel)
		require.NoError(t, s.WaitForText(ctx, "#r", c.want), c.sel)
	}
	// Two whole matches, one in the case written: that one.
	require.NoError(t, s.Check(ctx, "text=Commands"))
	v, err := s.Value(ctx, "#cmd")
	require.NoError(t, err)
	assert.Equal(t, "true", v)

	n, err := s.Count(ctx, "text=Click Me")
	require.NoError(t, err)
	assert.Equal(t, 4, n, "the selector still matches every element containing the text")
	require.NoError(t, s.ClickNth(ctx, "text=Click Me", 1))
	require.NoError(t, s.WaitForText(ctx, "#r", "double"))

	// Substrings only: nothing to prefer, the refusal says what matched.
	err = s.Click(once(ctx), "text=Window")
	var na *actions.NotActionableError
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonMultiple, na.Reason)
	assert.Contains(t, err.Error(), `matches 2 elements (button#n1 "New Window", button#n2 "New Window Message"), click needs exactly one`)
	// Two whole matches in the same case: still refused.
	err = s.Click(once(ctx), `role=button[name="Close"]`)
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonMultiple, na.Reason)
	assert.Contains(t, err.Error(), `button.close "× Close", button#closeBtn "Close"`)
}

// once gives a call one attempt.
func once(ctx context.Context) context.Context {
	return actions.WithCallOptions(ctx, retry.MaxAttempts(1))
}
