package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Items are data, not templates: a URL item written with ${SITE} is refused, and the error says
// how to get what was meant.
func TestItemURLWithTemplateSaysHow(t *testing.T) {
	_, err := parse(t, "items:\n  - ${SITE}/a\n  - {url: \"${SITE}/b\"}\nsteps:\n  - text: h1\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `f.yaml:2:5: items[0].url: bad URL "${SITE}/a": want an absolute http(s) URL; items are data, ${…} is not expanded in them: put the variable part in start_url (start_url: "${SITE}${item.path}", items: [{path: /page}])`)
	assert.Contains(t, err.Error(), `items[1].url: bad URL "${SITE}/b"`)

	f, err := parse(t, "start_url: \"${SITE}${item.path}\"\nitems: [{path: /a}, {path: /b}]\nsteps:\n  - text: h1\n")
	require.NoError(t, err, "the way the hint gives works")
	assert.Len(t, f.Items, 2)

	_, err = parse(t, "items:\n  - /a\nsteps:\n  - text: h1\n")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "items are data", "no template, no hint")
}
