package actions_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// paginationSite serves the shapes of pagination scrapers meet, 3 items a page:
//
//	/ajax?pages=N&delay=MS  a pager above and below the list (two "Next" buttons); a click
//	                        empties the list ("Loading…"), fetches /data?page=N (MS late) and
//	                        fills it; the URL never changes; on the last page Next is in an
//	                        li.disabled
//	/links?page=N           "Next" links to the next document, gone on the last page
//	/more                   a "More" button appending the next page, hidden at the end; a
//	                        "Learn more" link in the footer
//	/noop                   a Next button that does nothing
//	/wrap                   Next on the last page goes back to page 1
func paginationSite(t *testing.T) *httptest.Server {
	t.Helper()
	items := func(page int) string {
		var b strings.Builder
		for i := 1; i <= 3; i++ {
			fmt.Fprintf(&b, `<li class="item"><b>item %d</b></li>`, (page-1)*3+i)
		}
		return b.String()
	}
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><body>"+body+"</body></html>")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/data", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		ms, _ := strconv.Atoi(r.URL.Query().Get("delay"))
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, items(n))
	})
	mux.HandleFunc("/ajax", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<div class="pager"></div><ul id="list">`+items(1)+`</ul><div class="pager"></div><script>
const q = new URLSearchParams(location.search), pages = +q.get('pages'), delay = q.get('delay') || 0;
let cur = 1;
function pager() {
  document.querySelectorAll('.pager').forEach((p) => {
    p.innerHTML = '<ul><li class="page">' + cur + ' of ' + pages + '</li><li class="' + (cur === pages ? 'disabled' : '') + '"><button class="next">Next</button></li></ul>';
  });
}
document.addEventListener('click', (e) => {
  if (!e.target.matches('button.next') || cur === pages) return;
  list.innerHTML = '<li>Loading…</li>';
  fetch('/data?page=' + (cur + 1) + '&delay=' + delay).then((r) => r.text()).then((h) => { cur++; list.innerHTML = h; pager(); });
});
pager();
</script>`)
	})
	mux.HandleFunc("/links", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		n = max(n, 1)
		next := ""
		if n < 3 {
			next = fmt.Sprintf(`<a class="next" href="/links?page=%d">Next</a>`, n+1)
		}
		page(w, `<ul id="list">`+items(n)+`</ul>`+next)
	})
	mux.HandleFunc("/more", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<ul id="list">`+items(1)+`</ul><a href="javascript:void(0)" class="btn more">More</a>
<footer><a href="/privacy">Learn more</a></footer><script>
let cur = 1;
document.querySelector('.more').addEventListener('click', () => {
  fetch('/data?page=' + (cur + 1) + '&delay=100').then((r) => r.text()).then((h) => {
    cur++; list.insertAdjacentHTML('beforeend', h);
    if (cur === 4) document.querySelector('.more').style.display = 'none';
  });
});
</script>`)
	})
	mux.HandleFunc("/noop", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<ul id="list">`+items(1)+`</ul><button class="next" onclick="window.clicks = (window.clicks || 0) + 1">Next</button>`)
	})
	mux.HandleFunc("/wrap", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<ul id="list">`+items(1)+`</ul><button class="next">Next</button><script>
let cur = 1;
document.querySelector('.next').addEventListener('click', () => { cur = cur === 3 ? 1 : cur + 1; render(); });
function render() { list.innerHTML = [1, 2, 3].map((i) => '<li class="item"><b>item ' + ((cur - 1) * 3 + i) + '</b></li>').join(''); }
</script>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// collect walks the pagination from url, reading the items of every page.
func collect(ctx context.Context, t *testing.T, s *actions.Session, url, next string, maxPages int) ([]string, int, error) {
	t.Helper()
	_, err := s.Navigate(ctx, url)
	require.NoError(t, err)
	var got []string
	n, err := s.Paginate(ctx, next, maxPages, func(ctx context.Context, page int) error {
		recs, err := s.Extract(ctx, "#list .item", map[string]string{"name": "b"})
		for _, r := range recs {
			got = append(got, r["name"])
		}
		return err
	})
	return got, n, err
}

func items(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("item %d", i+1)
	}
	return out
}

// An AJAX pager: every page once, in order, none read while it was loading (the list shows
// "Loading…" between pages), the walk ending at the disabled Next; the pager shown twice is no
// "matches 2 elements". A server slower than a click waits for its requests (3 s) is waited for.
func TestPaginateAjaxPager(t *testing.T) {
	srv := paginationSite(t)
	s, _ := newSession(t, actions.WithTimeout(10*time.Second))
	ctx := ctxT(t)
	got, pages, err := collect(ctx, t, s, srv.URL+"/ajax?pages=5&delay=150", "button.next", 0)
	require.NoError(t, err)
	assert.Equal(t, 5, pages)
	assert.Equal(t, items(15), got)

	got, pages, err = collect(ctx, t, s, srv.URL+"/ajax?pages=2&delay=3500", "text=Next", 0)
	require.NoError(t, err)
	assert.Equal(t, 2, pages)
	assert.Equal(t, items(6), got, "the slow page was waited for")

	got, pages, err = collect(ctx, t, s, srv.URL+"/ajax?pages=5", "button.next", 2)
	require.NoError(t, err)
	assert.Equal(t, 2, pages, "max pages")
	assert.Equal(t, items(6), got)
}

// Next links to new documents, gone on the last page; a wrapping Next ends the walk at the page
// it would repeat.
func TestPaginateLinksAndWrap(t *testing.T) {
	srv := paginationSite(t)
	s, _ := newSession(t, actions.WithTimeout(10*time.Second))
	ctx := ctxT(t)
	got, pages, err := collect(ctx, t, s, srv.URL+"/links", "a.next", 0)
	require.NoError(t, err)
	assert.Equal(t, 3, pages)
	assert.Equal(t, items(9), got)
	assert.Contains(t, s.URL(), "page=3")

	got, pages, err = collect(ctx, t, s, srv.URL+"/wrap", "text=Next", 0)
	require.NoError(t, err)
	assert.Equal(t, 3, pages, "page 1 again is the end")
	assert.Equal(t, items(9), got)
}

// A Load more button, nothing read per page: clicked until it is hidden, and text=More is not
// taken for the "Learn more" link then.
func TestPaginateLoadMore(t *testing.T) {
	srv := paginationSite(t)
	s, _ := newSession(t, actions.WithTimeout(10*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/more")
	require.NoError(t, err)
	pages, err := s.Paginate(ctx, "text=More", 0, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, pages)
	n, err := s.Count(ctx, "#list .item")
	require.NoError(t, err)
	assert.Equal(t, 12, n)
	assert.True(t, strings.HasSuffix(s.URL(), "/more"), "the Learn more link was not clicked: %s", s.URL())
}

// A Next that changes nothing is an error that says so, after one click (a second could skip a
// page); a bad selector is invalid_input.
func TestPaginateErrors(t *testing.T) {
	srv := paginationSite(t)
	s, _ := newSession(t, actions.WithTimeout(5*time.Second))
	ctx := ctxT(t)
	got, pages, err := collect(ctx, t, s, srv.URL+"/noop", "button.next", 0)
	require.Error(t, err)
	var pe *actions.PaginateError
	require.True(t, errors.As(err, &pe), "%v", err)
	assert.Equal(t, 1, pe.Page)
	assert.Equal(t, 1, pages)
	assert.Equal(t, items(3), got)
	assert.Contains(t, err.Error(), `clicking "button.next" on page 1 changed nothing on the page`)
	var ae *actions.ActionError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, retry.InvalidInput, ae.Type())
	res, err := proto.RuntimeEvaluate{Expression: "window.clicks", ReturnByValue: true}.Call(s.Page().Context(ctx))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Result.Value.Int(), "clicked once: a second click could skip a page")

	// A next that matches nothing on the first page: that page is the list, and a warning says
	// so (a selector that names nothing on the site reads one page).
	core, logs := observer.New(zap.WarnLevel)
	s2, _ := newSession(t, actions.WithLogger(zap.New(core)))
	got, pages, err = collect(ctx, t, s2, srv.URL+"/links", "text=Suivant", 0)
	require.NoError(t, err)
	assert.Equal(t, 1, pages)
	assert.Equal(t, items(3), got)
	require.Equal(t, 1, logs.Len())
	assert.Contains(t, logs.All()[0].Message, "matches nothing on the first page")
	got, pages, err = collect(ctx, t, s2, srv.URL+"/ajax?pages=1", "button.next", 0)
	require.NoError(t, err)
	assert.Equal(t, 1, pages)
	assert.Equal(t, items(3), got)
	assert.Equal(t, 1, logs.Len(), "a disabled next on the only page is no warning")

	_, _, err = collect(ctx, t, s, srv.URL+"/links", "button[", 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid selector")
	_, err = s.Paginate(ctx, "a.next", -1, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, retry.ErrPermanent), "%v", err)
}
