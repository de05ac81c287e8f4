package actions

import (
	"fmt"
	"regexp"
	"strings"
)

// specialID is a selector that is one #id holding characters CSS reads as syntax: what DevTools
// shows for saucedemo.com's <button id="add-to-cart-test.allthethings()-t-shirt-(red)">, copied
// after a #.
var specialID = regexp.MustCompile(`^#([^\s#>+~,"'\\\[\]]*[().:/@!$%&*=^|{}?;][^\s#>+~,"'\\\[\]]*)$`)

// invalidSelectorHint says how to write the id or class an invalid selector names ("" when it
// cannot tell): one that starts with a digit, or an #id with (, ), ., : and the like in it.
func invalidSelectorHint(sel string) string {
	if h := digitIDHint(sel); h != "" {
		return h
	}
	m := specialID.FindStringSubmatch(strings.TrimSpace(sel))
	if m == nil || len(sel) > 2000 {
		return ""
	}
	return fmt.Sprintf(" (if it is one element's id: characters like ( ) . : must be escaped in CSS, write [id=\"%s\"])", m[1])
}
