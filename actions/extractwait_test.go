package actions_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// Skeleton cards: the containers are there at once, their text comes from a fetch after load.
// Extract waits until some field has a value rather than reading the empty skeletons.
func TestExtractWaitsForSkeletonsToFill(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/": `<div class="card"><h2 class="name"></h2><span class="price"></span></div>
<div class="card"><h2 class="name"></h2><span class="price"></span></div>
<button id="load">load</button>
<script>
document.getElementById('load').onclick = () => setTimeout(() => {
  document.querySelectorAll('.card').forEach((c, i) => {
    c.querySelector('.name').textContent = 'Item ' + (i + 1);
    c.querySelector('.price').textContent = '$' + (i + 1);
  });
}, 300);
</script>`,
		"/page": `<h1 id="title"></h1><p class="lead"></p>
<script>setTimeout(() => { title.textContent = 'Late title'; }, 300);</script>`,
	})
	s, _ := newSession(t, actions.WithTimeout(attemptUnderLoad))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	require.NoError(t, s.Click(ctx, "#load")) // the fill starts only now: nothing is read before it
	recs, err := s.Extract(ctx, ".card", map[string]string{"name": ".name", "price": ".price"})
	require.NoError(t, err)
	assert.Equal(t, []map[string]string{{"name": "Item 1", "price": "$1"}, {"name": "Item 2", "price": "$2"}}, recs)

	// The whole page (no container) too.
	_, err = s.Navigate(ctx, srv.URL+"/page")
	require.NoError(t, err)
	recs, err = s.Extract(ctx, ":root", map[string]string{"title": "#title", "lead": ".lead"})
	require.NoError(t, err)
	assert.Equal(t, []map[string]string{{"title": "Late title", "lead": ""}}, recs)
}

// Fields that stay empty while the page stands still are what the page shows: records of empty
// fields, not an error.
func TestExtractOfEmptyFieldsEndsWithTheAttempt(t *testing.T) {
	t.Parallel()
	srv := servePages(t, map[string]string{"/": `<div class="card"><h2 class="name"></h2></div>`})
	// The page's own wait ends a second before the attempt's deadline: on a loaded machine a
	// shorter attempt leaves too little for its answer to come back.
	s, _ := newSession(t, actions.WithTimeout(10*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	recs, err := s.Extract(ctx, ".card", map[string]string{"name": ".name", "sku": "@data-sku"})
	require.NoError(t, err)
	assert.Equal(t, []map[string]string{{"name": "", "sku": ""}}, recs)
}
