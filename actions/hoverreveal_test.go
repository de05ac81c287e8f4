package actions_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// Controls a page shows only under the pointer (TodoMVC's × in 'li:hover .destroy', a card's
// actions in '.card:hover .actions', a menu after its trigger in '.trigger:hover + .menu') are
// clicked as a person clicks them: the pointer goes over the row first. Before, the click waited
// for a visibility that only the pointer brings, 3 attempts of the whole timeout (30 s by
// default), and said only "stayed hidden".
func TestClickShownOnHoverOfAnAncestor(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `<style>
.todo-list li { position: relative; font-size: 24px; padding: 10px; }
.todo-list li .destroy { display: none; position: absolute; right: 10px; top: 0; bottom: 0; }
.todo-list li:hover .destroy { display: block; }
.card { margin: 20px; padding: 20px; border: 1px solid #ccc; }
.card .actions { visibility: hidden; }
@media screen { .card:hover .actions { visibility: visible; } }
.trigger { display: inline-block; padding: 10px; }
.menu { display: none; }
.trigger:hover + .menu, .menu:hover { display: block; }
</style>
<ul class="todo-list"><li id="a">alpha <button class="destroy">×</button></li><li id="b">beta <button class="destroy">×</button></li></ul>
<div class="card"><h3>Card</h3><div class="actions"><span><button id="edit">Edit</button></span></div></div>
<span class="trigger">Account</span><div class="menu"><a id="logout" href="#out">Log out</a></div>
<p id="log"></p>
<script>
let clicks = [];
document.addEventListener('click', (e) => {
  if (!e.target.closest('button, a')) return;
  clicks.push(e.target.closest('li') ? e.target.closest('li').id : e.target.id);
  if (e.target.classList.contains('destroy')) e.target.closest('li').remove();
  document.getElementById('log').textContent = clicks.join(',');
});
</script>`})
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)

	start := time.Now()
	require.NoError(t, s.Click(once(ctx), "#b .destroy"))
	took := time.Since(start)
	n, err := s.Count(ctx, ".todo-list li")
	require.NoError(t, err)
	assert.Equal(t, 1, n, "beta removed")
	require.NoError(t, s.Click(once(ctx), "#edit"))
	require.NoError(t, s.Click(once(ctx), "#logout"))
	require.NoError(t, s.WaitForText(ctx, "#log", "b,edit,logout"))
	got, err := s.Text(ctx, "#log")
	require.NoError(t, err)
	assert.Equal(t, "b,edit,logout", got, "each clicked once")
	t.Logf("the hover-only × clicked in %s", took)

	// Hover too: the pointer is over the × afterwards.
	require.NoError(t, s.Hover(once(ctx), "#a .destroy"))
	hovered, err := s.Page().Context(ctx).Eval(`() => document.querySelector('#a .destroy').matches(':hover')`)
	require.NoError(t, err)
	assert.True(t, hovered.Value.Bool())
}

// When hovering the ancestor does not show the element (another rule hides it for good), the
// wait goes on as for any hidden element, and the error says which ancestor was hovered; an
// element hidden with no :hover rule about it is not hovered at all.
func TestHiddenDespiteHoverSaysSo(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `<style>
li .destroy { display: none; }
li:hover .destroy { display: block; }
li .destroy.gone { display: none !important; }
#plain { display: none; }
</style>
<ul><li id="a">alpha <button class="destroy gone">×</button></li></ul><button id="plain">Plain</button>`})
	s, _ := newSession(t, actions.WithTimeout(2*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)

	err = s.Click(once(ctx), "#a .destroy")
	var na *actions.NotActionableError
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonHidden, na.Reason, "%v", err)
	assert.Contains(t, err.Error(), `shown on hover of li#a, which was hovered`)

	err = s.Click(once(ctx), "#plain")
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonHidden, na.Reason, "%v", err)
	assert.NotContains(t, err.Error(), "hover")
}
