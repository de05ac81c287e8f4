package snapshot_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/snapshot"
)

const formPage = `<!doctype html><html><head><title>Shop</title></head><body>
<nav id="main-nav"><a href="/home">Home</a> <a href="/cart" aria-label="Cart (2 items)">🛒</a></nav>
<form>
  <label for="email">Email address</label><input id="email" name="email" type="email" placeholder="you@example.com">
  <label>Password <input type="password" name="pw"></label>
  <input name="q" placeholder="Search">
  <textarea name="note" aria-label="Note">default text in textarea</textarea>
  <select name="size"><option>Small</option><option selected>Large</option></select>
  <button type="submit" disabled>Sign in</button>
  <input type="submit" value="Go">
</form>
<div data-testid="add-to-cart" role="button" tabindex="0">Add to cart</div>
<button id="btn-4f9a2c7b1e">Random id</button>
<button id="react-:r1:">React id</button>
<ul id="items">
  <li><button>Buy</button></li>
  <li><button>Buy</button></li>
  <li><button>Buy</button></li>
</ul>
<button aria-label="Close dialog">×</button>
<button name="remove" data-testid="rm">Remove</button><button name="remove" data-testid="rm2">Remove</button>
<div style="display:none"><button id="hidden-btn">Hidden</button></div>
<button id="invisible" style="visibility:hidden">Invisible</button>
<span tabindex="-1">Not focusable</span>
<span tabindex="0" id="focusable">Focusable span</span>
<div onclick="void 0">Clickable div</div>
<div contenteditable="true" aria-label="Editor"><p>typed in editor</p></div>
<details><summary>More</summary>x</details>
<div role="main"><p>not interactive</p></div>
<fieldset disabled><input name="inside" aria-label="Inside disabled"></fieldset>
</body></html>`

func TestTakeListsVisibleInteractiveElementsWithStableSelectors(t *testing.T) {
	srv := serve(t, site{"/": formPage})
	page := open(t, srv.URL+"/")

	s, err := snapshot.Take(ctxT(t), page)
	require.NoError(t, err)
	t.Log("\n" + s.String())
	assert.Equal(t, "Shop", s.Title)
	assert.Equal(t, 200, s.Status)
	assert.Equal(t, srv.URL+"/", s.URL)
	assert.Nil(t, s.Challenge)
	assert.False(t, s.LoginWall)

	byName := map[string]snapshot.Element{}
	for i, e := range s.Elements {
		assert.Equal(t, "e"+itoa(i+1), e.Ref)
		byName[e.Name] = e
		// every selector re-finds exactly this element
		n, err := page.Eval(`(sel) => document.querySelectorAll(sel).length`, e.Selector)
		require.NoError(t, err, e.Selector)
		assert.Equal(t, 1, n.Value.Int(), "selector %q of %s", e.Selector, e.Ref)
	}

	tests := []struct {
		name, role, selector string
		enabled              bool
	}{
		{"Home", "link", `a[href="/home"]`, true},
		{"Cart (2 items)", "link", `a[aria-label="Cart (2 items)"]`, true},
		{"Email address", "textbox", `#email`, true},
		{"Password", "textbox", `input[name="pw"]`, true},
		{"Search", "textbox", `input[name="q"]`, true},
		{"Note", "textbox", `textarea[name="note"]`, true},
		{"Sign in", "button", `form > button`, false},
		{"Go", "button", `form > input:nth-of-type(3)`, true},
		{"Add to cart", "button", `[data-testid="add-to-cart"]`, true},
		{"Close dialog", "button", `button[aria-label="Close dialog"]`, true},
		{"Focusable span", "generic", `#focusable`, true},
		{"More", "button", `summary`, true},
		{"Inside disabled", "textbox", `input[name="inside"]`, false},
		{"Editor", "textbox", `div[aria-label="Editor"]`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := byName[tc.name]
			require.True(t, ok, "element %q missing", tc.name)
			assert.Equal(t, tc.role, e.Role)
			assert.Equal(t, tc.selector, e.Selector)
			assert.Equal(t, tc.enabled, e.Enabled)
			assert.True(t, e.Visible)
			got, ok := s.Find(e.Ref)
			assert.True(t, ok)
			assert.Equal(t, e, got)
		})
	}
	for _, hidden := range []string{"Hidden", "Invisible", "Not focusable", "not interactive"} {
		_, ok := byName[hidden]
		assert.False(t, ok, "%q must not be listed", hidden)
	}
	// random-looking ids are rejected for a structural path
	assert.NotContains(t, byName["Random id"].Selector, "4f9a2c7b1e")
	assert.NotContains(t, byName["React id"].Selector, ":r1:")
	// structural path from the nearest stable ancestor
	var buys []string
	for _, e := range s.Elements {
		if e.Name == "Buy" {
			buys = append(buys, e.Selector)
		}
	}
	assert.Equal(t, []string{"#items > li:nth-of-type(1) > button", "#items > li:nth-of-type(2) > button", "#items > li:nth-of-type(3) > button"}, buys)
	_, ok := s.Find("e999")
	assert.False(t, ok)
	js, err := json.Marshal(s)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"login_wall":false`)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
