package actions

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A selector invalid only because an id or class starts with a digit (scrapethissite's year
// links, <a id="2015">) says how to write it; other invalid selectors get no such hint.
func TestInvalidSelectorDigitIDHint(t *testing.T) {
	for sel, want := range map[string]string{
		"#2015":                ` (an id or class that starts with a digit must be escaped in CSS: write [id="2015"])`,
		"a#2015":               ` (an id or class that starts with a digit must be escaped in CSS: write [id="2015"])`,
		"ul > li.3col a":       ` (an id or class that starts with a digit must be escaped in CSS: write [class~="3col"])`,
		"#years .2012-films":   ` (an id or class that starts with a digit must be escaped in CSS: write [class~="2012-films"])`,
		"button[":              "",
		`a[title="v1.5"] >> b`: "",
		`#a\32 015`:            "",
	} {
		assert.Equal(t, want, digitIDHint(sel), sel)
	}
	e := &NotActionableError{Action: "click", Selector: "#2015", Reason: ReasonInvalid, Detail: "'#2015' is not a valid selector."}
	assert.Equal(t, `invalid selector "#2015": '#2015' is not a valid selector. (an id or class that starts with a digit must be escaped in CSS: write [id="2015"])`, e.Error())
}
