package browser

import (
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Sessions share one browser: opening a tab must not take the focus from another tab's input
// (a blur fires "change" and closes menus in the middle of someone else's action).
func TestNewPageDoesNotStealFocus(t *testing.T) {
	b := shared(t)
	a := newPage(t, b)
	_, err := b.Navigate(testCtx(t), a, "data:text/html,<input id=i><script>window.blurs=0;i.addEventListener('blur',()=>blurs++)</script>", 10*time.Second)
	require.NoError(t, err)
	ac := a.Context(testCtx(t))
	_, err = ac.Eval(`() => document.getElementById('i').focus()`)
	require.NoError(t, err)

	other := newPage(t, b)
	err = proto.PageBringToFront{}.Call(other.Context(testCtx(t)))
	require.NoError(t, err)

	res, err := ac.Eval(`() => [document.hasFocus(), document.activeElement.id, window.blurs]`)
	require.NoError(t, err)
	got := res.Value.Arr()
	assert.True(t, got[0].Bool(), "the first tab still has the focus")
	assert.Equal(t, "i", got[1].Str())
	assert.Equal(t, 0, got[2].Int(), "no blur")
}
