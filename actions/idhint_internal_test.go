package actions

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// An #id copied whole from DevTools whose characters CSS reads as syntax (saucedemo.com's
// add-to-cart-test.allthethings()-t-shirt-(red)) says how to write it, as an id starting with a
// digit does; other invalid selectors get no hint.
func TestInvalidSelectorSpecialIDHint(t *testing.T) {
	for sel, want := range map[string]string{
		"#add-to-cart-test.allthethings()-t-shirt-(red)": ` (if it is one element's id: characters like ( ) . : must be escaped in CSS, write [id="add-to-cart-test.allthethings()-t-shirt-(red)"])`,
		"#user:name": ` (if it is one element's id: characters like ( ) . : must be escaped in CSS, write [id="user:name"])`,
		"#2015":      ` (an id or class that starts with a digit must be escaped in CSS: write [id="2015"])`,
		"button[":    "",
		"#a > b(":    "",
		"div.(x)":    "",
		`#a\(b`:      "",
		"#plain":     "",
	} {
		assert.Equal(t, want, invalidSelectorHint(sel), sel)
	}
	e := &NotActionableError{Action: "click", Selector: "#a.b()", Reason: ReasonInvalid, Detail: "'#a.b()' is not a valid selector."}
	assert.Equal(t, `invalid selector "#a.b()": '#a.b()' is not a valid selector. (if it is one element's id: characters like ( ) . : must be escaped in CSS, write [id="a.b()"])`, e.Error())
}
