package actions_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// A malformed engine selector is refused on the first attempt, with a message that says what is
// wrong, before anything waits for the page.
func TestSelectorEngineSyntaxErrorsFailAtOnce(t *testing.T) {
	s, _ := newSession(t)
	nav(t, s, "/late?ms=0")
	for sel, want := range map[string]string{
		"foo=bar":                   `unknown selector engine "foo="`,
		"text=":                     "text= needs the text",
		`text=""`:                   "text= needs the text",
		"role=":                     "role= needs a role name",
		`role=button[nme="Go"]`:     "unknown attribute [nme]",
		`role=button[name]`:         "[name] needs a value",
		`role=button name="Go"`:     "cannot read",
		"#target >>> ":              `empty step around ">>>"`,
		"xpath=//div[":              "invalid XPath",
		"//div[@id=":                "invalid XPath",
		"text=/(/":                  "Invalid regular expression",
		`role=button[name=/(/]`:     "Invalid regular expression",
		"xpath=":                    "xpath= needs a selector",
		"#target >>> role=button[x": "cannot read",
	} {
		err := s.Click(ctxT(t), sel)
		require.Error(t, err, sel)
		typ, n := attempts(t, err)
		assert.Equal(t, retry.InvalidInput, typ, sel)
		assert.Equal(t, 1, n, sel)
		assert.Contains(t, err.Error(), "invalid selector", sel)
		assert.Contains(t, err.Error(), want, sel)
	}
}

const enginesPage = `<!doctype html><html><body>
<h2>Shop</h2>
<div class="card"><h3 id="t1">Red&nbsp;Mug</h3><button aria-describedby="t1"><span>Add to&nbsp;cart</span></button></div>
<div class="card"><h3 id="t2">Blue Mug</h3><button aria-labelledby="add2 t2" id="add2">Add</button></div>
<label for="q">Search  the shop</label><input id="q" type="search">
<label>Email <input id="mail" type="email"></label>
<input type="submit" value="Send it"><a href="/x" title="Home page"><img alt="Home"></a>
<input type="checkbox" id="c1" checked><label for="c1">Keep me</label>
<button style="display:none">Add to cart</button><button aria-hidden="true">Hidden by aria</button>
<div id="host"></div><div id="result"></div>
<script>
const r = document.getElementById('host').attachShadow({ mode: 'open' });
r.innerHTML = '<button id="deep">Deep one</button>';
document.addEventListener('click', (e) => { document.getElementById('result').textContent = e.composedPath()[0].textContent.trim() || e.composedPath()[0].id; });
</script></body></html>`

// Each engine finds what it should: text (normalised, innermost), role (implicit roles and the
// accessible name from aria-labelledby, labels, value, alt, content), xpath and >>> into a shadow
// root. Hidden elements are not role= matches.
func TestSelectorEnginesFindTheirElement(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, enginesPage) }))
	defer srv.Close()
	s, _ := newSession(t)
	_, err := s.Navigate(ctxT(t), srv.URL)
	require.NoError(t, err)

	text := func(sel string) string {
		t.Helper()
		got, err := s.Text(ctxT(t), sel)
		require.NoError(t, err, sel)
		return got
	}
	assert.Equal(t, "Red Mug", text("text=red mug"))
	assert.Equal(t, "Add to cart", text(`.card >>> text="Add to cart"`), "the span, innermost")
	assert.Equal(t, "Add", text(`role=button[name="Add Blue Mug" s]`), "aria-labelledby, itself included")
	assert.Equal(t, "Add to cart", text(`role=button[name="add to cart"]`), "name from content; the hidden twin is not a role= match")
	assert.Equal(t, "Shop", text("role=heading[level=2]"))
	assert.Equal(t, "Blue Mug", text(`xpath=//h3[@id="t2"]`))
	assert.Equal(t, "Blue Mug", text(`(//h3)[2]`))
	assert.Equal(t, "Deep one", text("#host >>> button"))
	assert.Equal(t, "Deep one", text("#deep"), "open shadow roots are searched when the light DOM has no match")

	for sel, tag := range map[string]string{
		`role=searchbox[name="search the shop"]`: "q",
		`role=textbox[name="Email"]`:             "mail",
		`role=checkbox[name="Keep me"][checked]`: "c1",
	} {
		id, ok, err := s.Attr(ctxT(t), sel, "id")
		require.NoError(t, err, sel)
		assert.True(t, ok, sel)
		assert.Equal(t, tag, id, sel)
	}
	v, _, err := s.Attr(ctxT(t), `role=button[name="Send it"]`, "value")
	require.NoError(t, err)
	assert.Equal(t, "Send it", v)
	h, _, err := s.Attr(ctxT(t), `role=link[name="Home"]`, "href")
	require.NoError(t, err)
	assert.Equal(t, "/x", h, "a link named by its image's alt")

	n, err := s.Extract(ctxT(t), "role=button", map[string]string{"name": "."})
	require.NoError(t, err)
	for _, r := range n {
		assert.NotEqual(t, "Hidden by aria", r["name"], "aria-hidden is not a role= match")
	}
	require.NoError(t, s.Click(ctxT(t), "text=Deep one"))
	assert.Equal(t, "Deep one", text("#result"))
}

func TestPlainCSS(t *testing.T) {
	for sel, want := range map[string]bool{
		"#buy":                  true,
		"form > input[name=q]":  true,
		`a[title=":visible"]`:   false, // the rare false negative: the attribute value looks like one
		"div:has(> img)":        true,
		"text=Buy":              false,
		"css=#buy":              false,
		"#f >>> #in":            false,
		"li >> nth=0":           false,
		"//a":                   false,
		"(//a)[2]":              false,
		"..":                    false,
		`button:has-text("Go")`: false,
		"button:visible":        false,
		"":                      false,
	} {
		assert.Equal(t, want, actions.PlainCSS(sel), sel)
	}
}
