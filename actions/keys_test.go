package actions_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// the-internet's /key_presses listens on the document: a key pressed with nothing focused (a
// flow's `press: Enter`, no selector) reaches it; a chord too; Enter in a focused form submits.
func TestPressWithoutSelector(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/key_presses": `<input id="target" type="text"><p id="result"></p>
<script>document.addEventListener('keydown', (e) => { result.textContent = 'You entered: ' + e.key.toUpperCase() + (e.ctrlKey ? ' with CTRL' : ''); });</script>`,
		"/form": `<form action="/key_presses"><input id="q" name="q" autofocus></form>`,
	})
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/key_presses")
	require.NoError(t, err)
	require.NoError(t, s.Press(ctx, "", "Shift"))
	require.NoError(t, s.WaitForText(ctx, "#result", "You entered: SHIFT"))
	require.NoError(t, s.Press(ctx, "", "Control+k"))
	require.NoError(t, s.WaitForText(ctx, "#result", "You entered: K with CTRL"))

	_, err = s.Navigate(ctx, srv.URL+"/form")
	require.NoError(t, err)
	require.NoError(t, s.Fill(ctx, "#q", "abc"))
	require.NoError(t, s.Press(ctx, "", "Enter"))
	require.Contains(t, s.URL(), "/key_presses?q=abc", "Enter submitted the form and the navigation was waited for")
}
