package actions_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

func TestDrag(t *testing.T) {
	srv := servePages(t, map[string]string{
		// the-internet's /drag_and_drop: HTML5 native drag and drop that swaps the two columns.
		"/html5": `<style>.column{float:left;width:150px;height:150px;margin:10px;border:2px solid #666;text-align:center}</style>
<div id="columns"><div class="column" id="column-a" draggable="true"><header>A</header></div>
<div class="column" id="column-b" draggable="true"><header>B</header></div></div><p id="log" style="clear:both"></p>
<script>
let dragged = null;
const log = (t) => document.getElementById('log').textContent += t + ' ';
for (const c of document.querySelectorAll('.column')) {
  c.addEventListener('dragstart', (e) => { dragged = c; e.dataTransfer.effectAllowed = 'move'; e.dataTransfer.setData('text/html', c.innerHTML); log('dragstart:' + c.id); });
  c.addEventListener('dragover', (e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; });
  c.addEventListener('drop', (e) => { e.preventDefault(); if (dragged !== c) { dragged.innerHTML = c.innerHTML; c.innerHTML = e.dataTransfer.getData('text/html'); } log('drop:' + c.id); });
}
</script>`,
		// A mouse-event library: the box follows the pointer while the button is down and lands
		// in the zone it is released over.
		"/mouse": `<div id="box" style="position:absolute;left:20px;top:20px;width:60px;height:60px;background:#8cf">box</div>
<div id="zone" style="position:absolute;left:400px;top:300px;width:200px;height:150px;border:2px dashed">zone</div><p id="log" style="position:absolute;top:500px"></p>
<script>
let down = null;
box.addEventListener('mousedown', (e) => { down = { dx: e.clientX - box.offsetLeft, dy: e.clientY - box.offsetTop, moves: 0 }; });
document.addEventListener('mousemove', (e) => { if (!down) return; down.moves++; box.style.left = (e.clientX - down.dx) + 'px'; box.style.top = (e.clientY - down.dy) + 'px'; });
document.addEventListener('mouseup', (e) => { if (!down) return; const z = zone.getBoundingClientRect();
  const inside = e.clientX >= z.left && e.clientX <= z.right && e.clientY >= z.top && e.clientY <= z.bottom;
  document.getElementById('log').textContent = (inside ? 'dropped in zone' : 'dropped outside') + ' after ' + down.moves + ' moves'; down = null; });
</script>`,
	})
	t.Run("html5", func(t *testing.T) {
		s, _ := newSession(t)
		_, err := s.Navigate(ctxT(t), srv.URL+"/html5")
		require.NoError(t, err)
		require.NoError(t, s.Drag(ctxT(t), "#column-a", "#column-b"))
		require.NoError(t, s.WaitForText(ctxT(t), "#log", "drop:column-b"))
		a, err := s.Text(ctxT(t), "#column-a header")
		require.NoError(t, err)
		b, err := s.Text(ctxT(t), "#column-b header")
		require.NoError(t, err)
		assert.Equal(t, []string{"B", "A"}, []string{a, b}, "the columns swapped")
		got, err := s.Text(ctxT(t), "#log")
		require.NoError(t, err)
		assert.Equal(t, "dragstart:column-a drop:column-b", got, "one drag, one drop")
	})
	t.Run("mouse", func(t *testing.T) {
		s, _ := newSession(t)
		_, err := s.Navigate(ctxT(t), srv.URL+"/mouse")
		require.NoError(t, err)
		require.NoError(t, s.Drag(ctxT(t), "#box", "#zone"))
		require.NoError(t, s.WaitForText(ctxT(t), "#log", "dropped"))
		got, err := s.Text(ctxT(t), "#log")
		require.NoError(t, err)
		assert.Contains(t, got, "dropped in zone")
		assert.NotContains(t, got, "after 1 moves", "the pointer moved in steps")
	})
	t.Run("missing target", func(t *testing.T) {
		s, _ := newSession(t)
		_, err := s.Navigate(ctxT(t), srv.URL+"/mouse")
		require.NoError(t, err)
		err = s.Drag(actions.WithCallOptions(ctxT(t), retry.MaxAttempts(1)), "#box", "#nowhere")
		require.Error(t, err)
		assert.Contains(t, err.Error(), `no element matches "#nowhere"`)
		got, err := s.Text(ctxT(t), "#log")
		require.NoError(t, err)
		assert.Empty(t, got, "nothing was pressed")
	})
}
