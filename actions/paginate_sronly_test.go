package actions_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// A Bootstrap carousel above the list (DemoBlaze's home page): its control's "Next" is text for
// screen readers only (.sr-only, a 1px box clipped away) and comes first in the document. The
// pager's Next button is what text=Next means to a person: Paginate walks the pages with it
// instead of sliding the carousel and failing with "changed nothing".
func TestPaginateSkipsScreenReaderOnlyMatches(t *testing.T) {
	t.Parallel()
	srv := servePages(t, map[string]string{"/": `<style>.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);border:0}</style>
<div id="car"><a href="#car" class="carousel-control-next" role="button" style="display:block;width:40px;height:40px;background:#555"
  onclick="event.preventDefault(); this.dataset.slid = (+this.dataset.slid || 0) + 1;"><span class="sr-only">Next</span></a></div>
<ul id="items"><li>one</li><li>two</li></ul>
<button id="next2" onclick="setTimeout(() => { items.innerHTML = '<li>three</li><li>four</li>'; this.style.display = 'none'; }, 200)">Next</button>`})
	s, _ := newSession(t, actions.WithTimeout(attemptUnderLoad))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	var seen []string
	pages, err := s.Paginate(ctx, "text=Next", 0, func(ctx context.Context, page int) error {
		recs, err := s.Extract(ctx, "#items li", map[string]string{"t": "."})
		for _, r := range recs {
			seen = append(seen, r["t"])
		}
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 2, pages)
	assert.Equal(t, []string{"one", "two", "three", "four"}, seen)
	slid, _, err := s.Attr(ctx, ".carousel-control-next", "data-slid")
	require.NoError(t, err)
	assert.Empty(t, slid, "the carousel was not clicked")
}
