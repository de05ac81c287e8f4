package mcpserver_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// dataPage is a page given as a data: URL (the site's pages do not drag).
func dataPage(html string) string { return "data:text/html," + url.PathEscape(html) }

// browser_drag with Playwright MCP's arguments (startTarget/endTarget, and startRef/endRef, its
// older names) drags an HTML5 draggable onto a drop zone, and drives a mouse-driven drag.
func TestMCP_Drag(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": dataPage(`<title>drag</title>
<div id="card" draggable="true" style="width:80px;height:40px;background:#cde" role="button" aria-label="Card">card</div>
<div id="zone" role="region" aria-label="Done column" style="margin-top:60px;width:200px;height:100px;background:#eee">zone</div>
<p id="out">nothing dropped</p>
<div id="knob" role="slider" aria-label="Knob" style="position:absolute;left:300px;top:20px;width:20px;height:20px;background:red"></div>
<p id="moved">knob still</p>
<script>
card.addEventListener('dragstart', e => e.dataTransfer.setData('text/plain', 'card-1'));
zone.addEventListener('dragover', e => e.preventDefault());
zone.addEventListener('drop', e => { e.preventDefault(); out.textContent = 'dropped ' + e.dataTransfer.getData('text/plain'); });
let down = null;
knob.addEventListener('mousedown', e => { down = e.clientX; });
document.addEventListener('mouseup', e => { if (down !== null) { moved.textContent = 'knob moved ' + Math.round(e.clientX - down); down = null; } });
</script>`)})
	snap := a.ok("browser_snapshot", nil)
	out := a.ok("browser_drag", map[string]any{
		"startElement": "the card", "startTarget": refOf(t, snap, "button", "Card"),
		"endElement": "the done column", "endTarget": "#zone",
	})
	assert.Contains(t, out, "dropped card-1", out)
	assert.Contains(t, out, "HTML5 drag and drop")

	out = a.ok("browser_drag", map[string]any{"startRef": "#knob", "endRef": "#out"})
	assert.Contains(t, out, "knob moved", out)
	assert.NotContains(t, out, "knob moved 0", out)

	res, out := a.call("browser_drag", map[string]any{"startTarget": "#card"})
	require.True(t, res.IsError, out)
	assert.Contains(t, out, "endTarget")
}

// browser_network_requests lists the page's requests since it loaded, Playwright MCP's way:
// numbered, `[GET] URL => [200] OK`, failures named, static resources that loaded fine left out
// unless static is true; a filter keeps the URLs it matches.
func TestMCP_NetworkRequests(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	a.ok("browser_evaluate", map[string]any{"function": `async () => {
		await fetch('/notfound?from=fetch');
		await fetch('/late?ms=0&from=fetch');
		try { await fetch('http://127.0.0.1:1/refused'); } catch (e) {}
		return 1;
	}`})
	res, out := a.call("browser_network_requests", nil)
	require.False(t, res.IsError, out)
	assert.Contains(t, out, "[GET] "+site.URL("/notfound?from=fetch")+" => [404]")
	assert.Contains(t, out, "[GET] "+site.URL("/late?ms=0&from=fetch")+" => [200] OK")
	assert.Contains(t, out, "http://127.0.0.1:1/refused => [FAILED] net::ERR_")
	assert.NotContains(t, out, "[GET] "+site.URL("/late?ms=0")+" =>", "the document loaded fine: static")
	assert.Contains(t, out, "static request")
	var got struct {
		Requests []struct {
			Number int
			Method string
			URL    string
			Status int
		}
		Hidden int
	}
	b, _ := json.Marshal(res.StructuredContent)
	require.NoError(t, json.Unmarshal(b, &got))
	require.Len(t, got.Requests, 3, "%s", b)
	assert.Equal(t, 404, got.Requests[0].Status)
	assert.Positive(t, got.Hidden)

	out = a.ok("browser_network_requests", map[string]any{"static": true, "filter": `/late\?ms=0$`})
	assert.Contains(t, out, "1. [GET] "+site.URL("/late?ms=0")+" => [200] OK", "the document is request 1")
	assert.Equal(t, 1, strings.Count(out, "[GET]"), out)

	res, out = a.call("browser_network_requests", map[string]any{"filter": "("})
	require.True(t, res.IsError, out)
	assert.Contains(t, out, "not a regular expression")

	// Since the page loaded: another page starts a new list.
	a.ok("browser_navigate", map[string]any{"url": site.URL("/form")})
	out = a.ok("browser_network_requests", nil)
	assert.NotContains(t, out, "from=fetch")
}

// browser_navigate_forward undoes browser_navigate_back; at either end of the history the tool
// says there is nothing there. browser_install says the system Chromium is used.
func TestMCP_ForwardAndInstall(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	res, out := a.call("browser_navigate_forward", nil)
	require.True(t, res.IsError, out)
	assert.Contains(t, out, "no next page")
	a.ok("browser_navigate", map[string]any{"url": site.URL("/form")})
	out = a.ok("browser_navigate_back", nil)
	assert.Contains(t, out, "- URL: "+site.URL("/late?ms=0"))
	out = a.ok("browser_navigate_forward", nil)
	assert.Contains(t, out, "- URL: "+site.URL("/form"))

	out = a.ok("browser_install", nil)
	assert.Contains(t, out, "Nothing to install")
	assert.Contains(t, out, "system Chromium")
}
