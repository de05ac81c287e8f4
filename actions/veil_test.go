package actions_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// A loading veil (a full-page overlay with a spinner and no control of its own) goes away by
// itself: Click waits for it as for any element not ready yet, where any other cover (a modal
// closed by a "Close" span, a plain panel) is refused within the cover timeout (1 s) for the
// flow to close it. A veil that never goes is still not clicked through, and the error names it.
func TestClickWaitsForALoadingVeil(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `<p id="r">none</p><button id="b" onclick="r.textContent='clicked'">Go</button>
<button id="load">Load</button>
<div id="veil" style="display:none;position:fixed;inset:0;background:rgba(255,255,255,.6)"><div class="spinner">Loading…</div></div>
<script>
load.onclick = () => { veil.style.display = 'block'; };
// The veil goes 1.5 s after a click first found it in the way (the hit test at the button's
// point), however late that click came on a loaded machine: longer than the cover timeout.
const hit = document.elementFromPoint.bind(document);
document.elementFromPoint = (x, y) => {
  const el = hit(x, y);
  if (el && veil.contains(el) && !window.metAt) {
    window.metAt = performance.now();
    if (!window.stays) setTimeout(() => { veil.style.display = 'none'; }, 1500);
  }
  return el;
};
</script>`,
		"/modal": `<p id="r">none</p><button id="b" onclick="r.textContent='clicked'">Go</button>
<div id="modal" style="position:fixed;inset:0;background:rgba(0,0,0,.4)"><div style="background:#fff;margin:80px auto;width:300px">
Sign up for our newsletter! <p><span class="x" onclick="modal.remove()">Close</span></p></div></div>`})
	s, _ := newSession(t, actions.WithTimeout(attemptUnderLoad))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	require.NoError(t, s.Click(ctx, "#load"))
	require.NoError(t, s.Click(ctx, "#b"))
	got, err := s.Text(ctx, "#r")
	require.NoError(t, err)
	assert.Equal(t, "clicked", got)
	met, err := s.Page().Context(ctx).Eval(`() => !!window.metAt`)
	require.NoError(t, err)
	assert.True(t, met.Value.Bool(), "the click met the veil")

	_, err = s.Navigate(ctx, srv.URL+"/modal")
	require.NoError(t, err)
	err = s.Click(once(ctx), "#b")
	var na *actions.NotActionableError
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonCovered, na.Reason, "refused within the cover timeout: %v", err)
	assert.Contains(t, err.Error(), "div#modal")

	// A veil that stays: refused as the attempt ends, naming it; not clicked through.
	short, _ := newSession(t, actions.WithTimeout(5*time.Second))
	_, err = short.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	_, err = short.Page().Context(ctx).Eval(`() => { window.stays = true; }`)
	require.NoError(t, err)
	require.NoError(t, short.Click(ctx, "#load"))
	err = short.Click(once(ctx), "#b")
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonObscured, na.Reason)
	assert.Contains(t, err.Error(), "div#veil")
	got, err = short.Text(ctx, "#r")
	require.NoError(t, err)
	assert.Equal(t, "none", got)
}
