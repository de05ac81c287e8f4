package runner

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/testpages"
)

// Every everyday step of a flow, on the test site's pages: checkboxes a script reverts, elements
// that disappear, form values, a list read by index, an infinite list, and status pages read on
// purpose. The read steps make one record for the item.
func TestEverydaySteps(t *testing.T) {
	id := runID(t)
	o := runFlow(t, fmt.Sprintf(`
viewport: {width: 1024, height: 700}
start_url: ${SITE}/checks?fail=1
steps:
  - check: "#agree"
  - uncheck: {selector: "#news"}
  - check: "#revert"
    retry: {max_attempts: 3}
  - check: "#size-l"
  - count: {selector: "input[type=checkbox]:checked", as: checked}
  - value: {selector: "input[name=size]", nth: 2, as: large}

  - navigate: ${SITE}/states?ms=300
  - wait_for: {selector: "#gone", state: gone}
  - wait_for: {selector: "#fade", state: hidden}
  - wait_for: {selector: "#late", state: attached}
  - wait_for: {selector: "#go", state: enabled}
  - wait_for: {selector: "#status", text: "Done"}
  - text: {selector: "#status", as: status}

  - navigate: ${SITE}/form
  - fill: {selector: "#name", value: Ada}
  - value: {selector: "#name", as: name}
  - value: {selector: "#size", as: size}
  - value: {selector: "input.qty", nth: 2, as: qty3}

  - navigate: ${SITE}/list
  - count: {selector: li.item, as: items}
  - text: {selector: li.item, nth: 1, as: second}
  - attr: {selector: li.item, name: data-id, nth: 4, as: last_id}
  - attr: {selector: li.item, name: title, nth: 1, as: no_title}

  - navigate: ${SITE}/infinite?total=50&batch=10&ms=100
  - scroll: {selector: "#feed", dy: 120}
  - scroll_until: {selector: "#feed .item", count: 30}
  - count: {selector: "#feed .item", as: loaded}

  - navigate: {url: "${SITE}/notfound", expect_status: [404, 410]}
  - text: {selector: h1, as: missing}
  - navigate: {url: "${SITE}/flaky?id=%s&code=500&fail=%d", expect_status: any}
  - count: {selector: h1, as: error_heading}
`, id, testpages.MaxFail), nil, nil)
	require.NoError(t, o.err)
	require.Len(t, o.items, 1)
	for _, l := range o.items {
		require.Equal(t, results.StatusOK, l.Status, "%s: %s", l.ErrorType, l.Error)
		assert.Equal(t, 1, l.Records)
	}
	require.Len(t, o.records, 1, "the read steps make one record")
	rec := o.records[0]
	assert.EqualValues(t, 2, rec["checked"], "#agree and #revert (checked again after the page reverted it)")
	assert.Equal(t, "true", rec["large"], "a radio's value is whether it is checked")
	assert.Contains(t, rec["status"], "Done")
	assert.Equal(t, "Ada", rec["name"], "what was typed, not the value attribute")
	assert.Equal(t, "m", rec["size"])
	assert.Equal(t, "3", rec["qty3"])
	assert.EqualValues(t, 5, rec["items"])
	assert.Contains(t, rec["second"], "Banana")
	assert.Equal(t, "e5", rec["last_id"])
	assert.Contains(t, rec, "no_title")
	assert.Nil(t, rec["no_title"], "a missing attribute is null")
	assert.GreaterOrEqual(t, rec["loaded"], float64(30))
	assert.NotEmpty(t, rec["missing"], "the 404 page was read")
	assert.EqualValues(t, 1, rec["error_heading"])
	assert.Equal(t, 1, env.srv.Hits("/flaky", id), "an expected status is not retried")
}

// Without expect_status a status page is still a fault: 404 fails the item at once.
func TestStatusPageWithoutExpectStatusFails(t *testing.T) {
	o := runFlow(t, `
start_url: ${SITE}/notfound
steps:
  - text: h1
`, nil, nil)
	require.NoError(t, o.err)
	require.Len(t, o.items, 1)
	for _, l := range o.items {
		assert.Equal(t, results.StatusFail, l.Status)
		assert.Equal(t, "not_found", l.ErrorType)
	}
}

// A step that cannot succeed fails with its type and names its line: a checkbox the page always
// unticks again.
func TestCheckThatThePageRevertsFails(t *testing.T) {
	o := runFlow(t, `
start_url: ${SITE}/checks
steps:
  - check: "#revert-always"
    retry: {max_attempts: 2}
`, func(c *Config) { c.ItemAttempts = 1 }, nil)
	require.NoError(t, o.err)
	for _, l := range o.items {
		assert.Equal(t, results.StatusFail, l.Status)
		assert.Contains(t, l.Error, "step 1 (line 4)")
		assert.Contains(t, l.Error, "#revert-always")
	}
}

// A failed item's line names the page it asked for, not the error page Chromium shows in the tab:
// a 401 challenge without credentials leaves chrome-error://chromewebdata/ there.
func TestFailedItemNamesTheURLItAskedFor(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="intranet"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	o := runFlow(t, fmt.Sprintf(`
items: [{n: 7}]
start_url: %s/private/${item.n}
steps:
  - text: h1
`, srv.URL), func(c *Config) { c.ItemAttempts = 1 }, nil)
	require.NoError(t, o.err)
	require.Len(t, o.items, 1)
	for _, l := range o.items {
		assert.Equal(t, results.StatusFail, l.Status)
		assert.Equal(t, "auth_required", l.ErrorType)
		assert.Equal(t, srv.URL+"/private/7", l.URL)
	}
}
