package actions_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// The page logs every mouse event on #box as "type:button:detail[:shift]".
const mousePage = `<div id="box" style="width:200px;height:120px;border:1px solid">hot spot</div>
<p id="log"></p><a id="link" href="/elsewhere">a link</a>
<script>
const log = [];
for (const t of ['click', 'dblclick', 'contextmenu']) box.addEventListener(t, (e) => {
  log.push(t + ':' + e.button + ':' + e.detail + (e.shiftKey ? ':shift' : ''));
  document.getElementById('log').textContent = log.join(' ');
});
</script>`

func TestDoubleAndRightClick(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/mouse": mousePage,
		// the-internet's /context_menu: a right click in the box opens an alert.
		"/context_menu": `<div id="hot-spot" style="width:250px;height:150px;border:1px dashed"
  oncontextmenu="alert('You selected a context menu'); return false;"></div><p id="after"></p>
<script>document.getElementById('hot-spot').addEventListener('contextmenu', () => { setTimeout(() => after.textContent = 'alert closed', 0); });</script>`,
	})
	t.Run("double", func(t *testing.T) {
		s, _ := newSession(t)
		_, err := s.Navigate(ctxT(t), srv.URL+"/mouse")
		require.NoError(t, err)
		require.NoError(t, s.DoubleClick(ctxT(t), "#box"))
		require.NoError(t, s.WaitForText(ctxT(t), "#log", "dblclick"))
		got, err := s.Text(ctxT(t), "#log")
		require.NoError(t, err)
		assert.Equal(t, "click:0:1 click:0:2 dblclick:0:2", got)
	})
	t.Run("right", func(t *testing.T) {
		s, _ := newSession(t)
		_, err := s.Navigate(ctxT(t), srv.URL+"/mouse")
		require.NoError(t, err)
		require.NoError(t, s.RightClick(ctxT(t), "#box"))
		require.NoError(t, s.WaitForText(ctxT(t), "#log", "contextmenu"))
		got, err := s.Text(ctxT(t), "#log")
		require.NoError(t, err)
		assert.Equal(t, "contextmenu:2:0", got, "one right click, no left click")
	})
	t.Run("shift", func(t *testing.T) {
		s, _ := newSession(t)
		_, err := s.Navigate(ctxT(t), srv.URL+"/mouse")
		require.NoError(t, err)
		require.NoError(t, s.ClickWith(ctxT(t), "#box", actions.Modifiers("Shift")))
		require.NoError(t, s.WaitForText(ctxT(t), "#log", "click"))
		got, err := s.Text(ctxT(t), "#log")
		require.NoError(t, err)
		assert.Equal(t, "click:0:1:shift", got)
	})
	t.Run("context menu alert", func(t *testing.T) {
		var mu sync.Mutex
		var seen []actions.Dialog
		s, _ := newSession(t, actions.WithDialogs(func(d actions.Dialog) (bool, string) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, d)
			return true, ""
		}))
		_, err := s.Navigate(ctxT(t), srv.URL+"/context_menu")
		require.NoError(t, err)
		require.NoError(t, s.RightClick(ctxT(t), "#hot-spot"))
		require.NoError(t, s.WaitForText(ctxT(t), "#after", "alert closed"))
		mu.Lock()
		defer mu.Unlock()
		require.Len(t, seen, 1)
		assert.Equal(t, "alert", seen[0].Type)
		assert.Equal(t, "You selected a context menu", seen[0].Message)
	})
	t.Run("bad options", func(t *testing.T) {
		s, _ := newSession(t)
		_, err := s.Navigate(ctxT(t), srv.URL+"/mouse")
		require.NoError(t, err)
		for _, opt := range []actions.ClickOption{actions.Button("back"), actions.ClickCount(0), actions.Modifiers("Enter")} {
			err := s.ClickWith(ctxT(t), "#box", opt)
			require.Error(t, err)
			var ae *actions.ActionError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, retry.InvalidInput, ae.Type(), err.Error())
		}
		got, err := s.Text(ctxT(t), "#log")
		require.NoError(t, err)
		assert.Empty(t, got, "nothing was clicked")
	})
}
