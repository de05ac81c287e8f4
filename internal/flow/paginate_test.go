package flow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

const paginateFlow = `
start_url: ${SITE}/shop/ajax
steps:
  - paginate:
      next: "ul.pagination button.next"
      max_pages: 50
      steps:
        - wait_for: .thumbnail
        - extract: {container: .thumbnail, fields: {title: {selector: a.title, attr: title}}}
        - count: {selector: .thumbnail, as: last_page_items}
    timeout: 5m
  - paginate: {next: "text=Load more"}
  - extract: {container: .thumbnail, fields: {title: a.title}}
`

func TestParsePaginate(t *testing.T) {
	f, err := parse(t, paginateFlow)
	require.NoError(t, err)
	require.Len(t, f.Steps, 3)
	pg := f.Steps[0]
	assert.Equal(t, "paginate", pg.Kind)
	assert.Equal(t, "ul.pagination button.next", pg.Get("next"))
	assert.Equal(t, 50, pg.Count, "max_pages")
	assert.Equal(t, 300e9, float64(pg.Timeout), "the whole walk's timeout")
	require.Len(t, pg.Steps, 3)
	assert.Equal(t, "extract", pg.Steps[1].Kind)
	assert.Equal(t, 8, pg.Steps[0].Line)
	assert.Equal(t, "last_page_items", pg.Steps[2].Into())
	assert.Equal(t, "paginate by ul.pagination button.next (3 steps a page)", pg.String())

	more := f.Steps[1]
	assert.Equal(t, 0, more.Count, "no limit given: the library's default")
	assert.Empty(t, more.Steps, "only clicks until the control is done")

	s := loadSchema(t)
	var doc any
	require.NoError(t, yaml.Unmarshal([]byte(paginateFlow), &doc))
	assert.Empty(t, validate(s, s, jsonish(doc), "$"))
}

// What cannot work is refused at load, each problem on its line, by the parser and the schema.
func TestPaginateErrors(t *testing.T) {
	s := loadSchema(t)
	for _, tc := range []struct{ name, src, want string }{
		{"no next", "  - paginate: {steps: [{text: h1}]}\n", "f.yaml:3:15: steps[0].paginate.next: field is required"},
		{"empty next", "  - paginate: {next: \" \"}\n", "steps[0].paginate.next: must not be empty"},
		{"not a mapping", "  - paginate: a.next\n", "steps[0].paginate: want a mapping of max_pages, next, steps"},
		{"empty steps", "  - paginate: {next: a, steps: []}\n", "steps[0].paginate.steps: at least one step is required (run on every page)"},
		{"max_pages 0", "  - paginate: {next: a, max_pages: 0}\n", "steps[0].paginate.max_pages: want an integer from 1 to 100000"},
		{"typo", "  - paginate: {next: a, max_page: 3}\n", `unknown field "max_page" (did you mean "max_pages"?)`},
		{"bad inner step", "  - paginate:\n      next: a\n      steps:\n        - clik: b\n", `f.yaml:6:11: steps[0].paginate.steps[0].clik: unknown field "clik" (did you mean "click"?)`},
		{"enqueue without stages", "  - paginate: {next: a, steps: [{enqueue: {links: a}}]}\n", "f.yaml:3: steps[0].paginate.steps[0].enqueue: enqueue adds items to a stage: write the flow with stages:"},
		{"nested", "  - paginate: {next: a, steps: [{paginate: {next: b}}]}\n", "steps[0].paginate.steps[0].paginate: a paginate inside a paginate is not supported"},
		{"retry", "  - paginate: {next: a}\n    retry: {max_attempts: 2}\n", "f.yaml:3: steps[0].retry: a paginate step is not retried as a whole (a page could be read twice): give retry to its steps"},
		{"read twice", "  - text: h1\n  - paginate: {next: a, steps: [{text: h2}]}\n", `steps[1].paginate.steps[0].text: record field "text" is already read by the step on line 3`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "start_url: ${SITE}/\nsteps:\n" + tc.src
			_, err := parse(t, src)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			if tc.name == "read twice" || tc.name == "empty next" || tc.name == "enqueue without stages" {
				return // the schema does not know record fields nor crawls; a blank string has a length
			}
			var doc any
			require.NoError(t, yaml.Unmarshal([]byte(src), &doc))
			assert.NotEmpty(t, validate(s, s, jsonish(doc), "$"), "the schema refuses it too")
		})
	}
}

// In a crawl's stage, a paginate's enqueue adds the links of every page (an AJAX listing's
// product pages): its stage is checked as the stage's own enqueue steps are, and the stage it
// names is reached through it.
func TestPaginateEnqueueInCrawl(t *testing.T) {
	const src = `
crawl: {max_items: 100}
stages:
  listing:
    start: ["${SITE}/shop/ajax"]
    steps:
      - paginate:
          next: "ul.pagination .next"
          steps:
            - extract: {container: .thumbnail, fields: {title: a.title}}
            - enqueue: {links: "a.title", stage: %s}
  product:
    steps:
      - text: {selector: h4.title, as: title}
`
	f, err := parse(t, fmt.Sprintf(src, "product"))
	require.NoError(t, err)
	st := f.Stage("listing")
	require.NotNil(t, st)
	require.Len(t, st.Steps, 1)
	require.Len(t, st.Steps[0].Steps, 2)
	assert.Equal(t, "product", st.Steps[0].Steps[1].Get("stage"))

	_, err = parse(t, fmt.Sprintf(src, "prodcut"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `f.yaml:11:50: stages.listing.steps[0].paginate.steps[1].enqueue.stage: unknown stage "prodcut" (did you mean "product"?)`)

	self, _, _ := strings.Cut(strings.Replace(fmt.Sprintf(src, "product"), `, stage: product`, ``, 1), "  product:")
	f, err = parse(t, self)
	require.NoError(t, err, "the paginate's stage by default, with the crawl's limit")
	assert.Equal(t, "listing", f.Stage("listing").Steps[0].Steps[1].Get("stage"))

	s := loadSchema(t)
	var doc any
	require.NoError(t, yaml.Unmarshal([]byte(fmt.Sprintf(src, "product")), &doc))
	assert.Empty(t, validate(s, s, jsonish(doc), "$"))
}
