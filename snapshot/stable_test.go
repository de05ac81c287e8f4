package snapshot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/snapshot"
)

// Every load gets new generated ids and classes, like a React/Vue build with hashed names. data-check
// is the test's own mark (snapshot ignores it): it says which element a selector must find.
const dynamicPage = `<!doctype html><html><head><title>Dynamic</title></head><body>
<div class="wrap"><h1>Shop</h1>
<div class="card"><button data-testid="add-to-cart" aria-label="Add to cart" data-check="1">Add to cart</button></div>
<form><input name="email" data-check="2"><button aria-label="Close" data-check="3">×</button></form>
<div class="list"><ul><li><a data-check="4" onclick="void 0">first</a></li><li><a data-check="5" onclick="void 0">second</a></li></ul></div>
<button data-check="6">Plain</button><div role="button" tabindex="0" data-qa="promo" data-check="7">Promo</div>
<section id="checkout"><div><button data-check="8">Pay</button></div></section>
</div>
<script>
  const rnd = (p) => p + Math.random().toString(16).slice(2, 10) + (Math.random() < 0.5 ? '' : Math.floor(Math.random()*99999));
  const bases = ['x', 'css-', 'btn_', ':r', 'sc-', 'ember'];
  let i = 0;
  for (const e of document.querySelectorAll('body *:not(script):not(#checkout)')) {
    e.id = rnd(bases[i++ % bases.length]);
    e.className = rnd('c-') + ' ' + rnd('sc-');
  }
</script></body></html>`

func TestSelectorsSurviveReloadWithRandomIDs(t *testing.T) {
	srv := serve(t, site{"/": dynamicPage})
	p := open(t, srv.URL+"/")

	take := func() *snapshot.Snapshot {
		s, err := snapshot.Take(ctxT(t), p)
		require.NoError(t, err)
		require.Len(t, s.Elements, 8, s.String())
		for i, e := range s.Elements {
			res, err := p.Eval(`(sel) => { const l = document.querySelectorAll(sel); return l.length === 1 ? l[0].dataset.check : 'matches ' + l.length; }`, e.Selector)
			require.NoError(t, err)
			assert.Equal(t, itoa(i+1), res.Value.Str(), "%s %q", e.Ref, e.Selector)
		}
		return s
	}
	first := take()
	t.Log("\n" + first.String())
	want := []string{
		`[data-testid="add-to-cart"]`, `input[name="email"]`, `button[aria-label="Close"]`,
		`li:nth-of-type(1) > a`, `li:nth-of-type(2) > a`, ``, `[data-qa="promo"]`, `#checkout > div > button`,
	}
	for i, w := range want {
		if w != "" {
			assert.Equal(t, w, first.Elements[i].Selector)
		}
	}
	require.NoError(t, p.Reload())
	require.NoError(t, p.Context(ctxT(t)).WaitLoad())
	second := take()
	for i := range first.Elements {
		assert.Equal(t, first.Elements[i].Selector, second.Elements[i].Selector, "selector changed across reloads")
	}
}

// A generated id made only of the letters a-f ("css-eaacbdde", 1 in ~2,500 of 8 hex digits) is
// as random as one with digits in it: the selector must not use it.
func TestLetterOnlyHexIDIsNotStable(t *testing.T) {
	srv := serve(t, site{"/": `<!doctype html><title>t</title><div><button id="css-eaacbdde">Go</button></div>
<div><button id="save-button">Save</button></div>`})
	p := open(t, srv.URL+"/")
	s, err := snapshot.Take(ctxT(t), p)
	require.NoError(t, err)
	require.Len(t, s.Elements, 2, s.String())
	assert.NotContains(t, s.Elements[0].Selector, "eaacbdde")
	assert.Equal(t, "#save-button", s.Elements[1].Selector, "a readable id is still used")
}
