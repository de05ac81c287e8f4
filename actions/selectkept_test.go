package actions_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// A <select> whose change handler puts its value back (React's controlled <select> when the
// state refuses the change: saucedemo.com's sort for problem_user) fails Select at once with
// the values chosen and kept; Select passed it before, and the page showed the old choice. A
// handler that changes the value to another legitimately (a jump menu resetting as it leaves,
// a select that keeps what it was given) is no failure.
func TestSelectPutBackByThePage(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/next" {
			fmt.Fprint(w, `<h1 id="next">next</h1>`)
			return
		}
		fmt.Fprint(w, `<select id="sort"><option value="az">Name (A to Z)</option><option value="za">Name (Z to A)</option></select>
<select id="free"><option value="a">A</option><option value="b">B</option></select>
<select id="jump"><option value="">Go to…</option><option value="/next">Next</option></select>
<p id="out"></p>
<script>
const sort = document.getElementById('sort');
sort.addEventListener('change', () => { sort.value = 'az'; }); // controlled: the state says az
const free = document.getElementById('free');
free.addEventListener('change', () => { document.getElementById('out').textContent = free.value; });
const jump = document.getElementById('jump');
jump.addEventListener('change', () => { const v = jump.value; jump.selectedIndex = 0; location.href = v; });
</script>`)
	}))
	t.Cleanup(srv.Close)
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)

	err = s.Select(ctx, "#sort", "Name (Z to A)")
	var se *actions.SelectError
	require.True(t, errors.As(err, &se), "%T %v", err, err)
	assert.Equal(t, "#sort", se.Selector)
	assert.Equal(t, []string{"za"}, se.Chosen)
	assert.Equal(t, []string{"az"}, se.Kept)
	assert.Equal(t, retry.InvalidInput, retry.Classify(err))
	assert.Contains(t, err.Error(), `the page put back "az" after "za" was chosen`)

	require.NoError(t, s.Select(ctx, "#free", "B"))
	got, err := s.Text(ctx, "#out")
	require.NoError(t, err)
	assert.Equal(t, "b", got)

	require.NoError(t, s.Select(ctx, "#jump", "Next"), "the page moved on: the reset is no refusal")
	require.NoError(t, s.WaitFor(ctx, "#next"))
}
