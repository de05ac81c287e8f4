package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// extract without a container reads the whole page into one record: what a user writes first
// for a page that shows one thing.
func TestExtractWithoutContainerReadsThePage(t *testing.T) {
	o := runFlow(t, `
items: [{n: 3}]
start_url: ${SITE}/product/${item.n}
steps:
  - extract: {fields: {name: h1.name, price: .price, title: title}}
`, nil, nil)
	require.NoError(t, o.err)
	require.Equal(t, 1, o.sum.OK, "%+v", o.items)
	require.Len(t, o.records, 1)
	r := o.records[0]
	assert.NotEmpty(t, r["name"])
	assert.NotEmpty(t, r["price"])
	assert.Equal(t, r["name"], r["title"], "the page's title is its product's name")
}
