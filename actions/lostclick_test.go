package actions_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
)

// A framework that re-renders the button on mousedown (once) makes Chromium deliver no click: the
// press and the release land on nodes with no common ancestor. Click must notice the lost click
// and try again on the new node, rather than report a click that never happened.
func TestClickLostToReRenderIsRetried(t *testing.T) {
	s, _ := newSession(t)
	page := `<!doctype html><div id="list"><button id="b">Buy</button></div><p id="result">waiting</p>
<script>
let n = 0, swapped = false;
const wire = (b) => b.addEventListener('click', () => { n++; document.getElementById('result').textContent = 'clicked ' + n; });
wire(document.getElementById('b'));
document.addEventListener('mousedown', (e) => {
  if (swapped || e.target.id !== 'b') return;
  swapped = true;
  const nb = e.target.cloneNode(true); wire(nb); e.target.replaceWith(nb);
}, true);
</script>`
	_, err := s.Navigate(ctxT(t), "data:text/html,"+url.PathEscape(page))
	require.NoError(t, err)

	require.NoError(t, s.Click(ctxT(t), "#b"))
	got, err := s.Text(ctxT(t), "#result")
	require.NoError(t, err)
	assert.Equal(t, "clicked 1", got)
	assert.Equal(t, 1, s.Manager().Stats().ErrorTypeDistribution[retry.StaleElement.String()], "one lost click, retried as stale")
}
