package mcpserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// A page far longer than the snapshot budget (5000 items, two refs each) is read only as far as
// it can be shown: giving all 3000 refs their stable selector queried the whole document 3000
// times and more (30 s on a loaded machine, past the snapshot's deadline: the agent got no page
// at all). The shown refs act as always; the result says the page goes on.
func TestMCP_LongPageReadOnlyAsFarAsShown(t *testing.T) {
	var b strings.Builder
	b.WriteString("<!doctype html><title>Long</title><h1>Long</h1><ul>")
	for i := range 5000 {
		fmt.Fprintf(&b, `<li><a href="/item/%d">Item number %d</a> <button onclick="document.title='added %d'">Add %d</button></li>`, i, i, i, i)
	}
	b.WriteString("</ul>")
	body := b.String()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(body))
	}))
	defer ts.Close()

	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": ts.URL})
	res, snap := a.call("browser_snapshot", nil)
	require.False(t, res.IsError, snap)
	assert.Contains(t, snap, `button "Add 0" [ref=`)
	assert.Contains(t, snap, "- … cut here: ")
	assert.Contains(t, snap, "the page goes on past what was read")
	var out struct {
		Refs int `json:"refs"`
	}
	raw, _ := json.Marshal(res.StructuredContent)
	require.NoError(t, json.Unmarshal(raw, &out))
	assert.Less(t, out.Refs, 2000, "refs given to the whole page: it was read past twice the budget")
	assert.Greater(t, out.Refs, 100)

	ref := refOf(t, snap, "button", "Add 3")
	got := a.ok("browser_click", map[string]any{"element": "Add 3", "target": ref})
	assert.Contains(t, got, "added 3")

	// A page that fits says nothing of the kind.
	a.ok("browser_navigate", map[string]any{"url": "data:text/html," + url.PathEscape("<h1>Short</h1><button>Go</button>")})
	assert.NotContains(t, a.ok("browser_snapshot", nil), "the page goes on")
}
