package actions_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Selectors as Playwright writes them (and as LLM agents and people coming from Playwright
// write them): the pseudo-classes :has-text(), :text(), :text-is(), :text-matches() and
// :visible inside CSS, the ">>" chain with nth= and visible=, and the id= and data-testid=
// engines. Each was "not a valid selector" (invalid_input) before.
func TestPlaywrightSelectors(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/plans": `<main id="main">
<div class="card"><h2>Basic</h2><div class="actions"><button>Choose</button></div></div>
<div class="card"><h2>Pro</h2><div class="actions"><button data-testid="buy-pro">Choose</button><button style="display:none">Hidden</button></div></div>
<div class="card"><h2>Pro Plus</h2><div class="actions"><button>Choose</button></div></div>
<ul><li>one</li><li>two</li><li>three</li></ul>
<p id="out"></p>
</main>
<script>
document.querySelectorAll('.card').forEach((c) => c.querySelector('button').onclick = () => { out.textContent = c.querySelector('h2').textContent; });
</script>`,
	})
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/plans")
	require.NoError(t, err)

	clicks := map[string]string{
		`.card:has-text("Pro Plus") >> button`:                     "Pro Plus",
		`.card:has-text("basic") button`:                           "Basic",
		`.card:has(h2:text-is("Pro")) > .actions > button:visible`: "Pro",
		`data-testid=buy-pro`:                                      "Pro",
		`.card >> nth=-1 >> button`:                                "Pro Plus",
		`.card:has(:text-matches("^pro\\s+plus$", "i")) button`:    "Pro Plus",
		`h2 >> text="Pro Plus" >> .. >> button`:                    "Pro Plus",
	}
	for sel, want := range clicks {
		require.NoError(t, s.Click(ctx, sel), sel)
		got, err := s.Text(ctx, "#out")
		require.NoError(t, err)
		assert.Equal(t, want, got, sel)
	}
	texts := map[string]string{
		`li >> nth=1`:                         "two",
		`:text("thr")`:                        "three",
		`h2:text-is("Pro")`:                   "Pro",
		`:text-matches("^PRO", "i") >> nth=1`: "Pro Plus",
		`id=main >> h2 >> nth=0`:              "Basic",
	}
	for sel, want := range texts {
		got, err := s.Text(ctx, sel)
		require.NoError(t, err, sel)
		assert.Equal(t, want, got, sel)
	}
	counts := map[string]int{
		`h2:has-text("pro")`:                       2,
		`.card button:visible`:                     3,
		`.card button >> visible=false`:            1,
		`h2:text-is("Basic"), h2:text("Pro Plus")`: 2,
		`div:has-text("Pro Plus")`:                 1, // the card (main is no div): every element holding the text matches
	}
	for sel, want := range counts {
		n, err := s.Count(ctx, sel)
		require.NoError(t, err, sel)
		assert.Equal(t, want, n, sel)
	}
}
