package mcpserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// Every tool's schemas are in the plain form the strictest clients accept (OpenAI and Gemini
// function declarations): an object at the top, every object with "properties" (also a tool
// without arguments), one type per property (never ["null", "array"]), required names that
// exist, no $ref. No browser is needed to list the tools.
func TestMCP_SchemasSuitStrictClients(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	res, err := a.cs.ListTools(a.ctx, nil)
	require.NoError(t, err)
	require.NotEmpty(t, res.Tools)
	for _, tool := range res.Tools {
		for kind, sch := range map[string]any{"input": tool.InputSchema, "output": tool.OutputSchema} {
			if sch == nil {
				require.NotEqual(t, "input", kind, "%s has no input schema", tool.Name)
				continue
			}
			b, err := json.Marshal(sch)
			require.NoError(t, err)
			var m map[string]any
			require.NoError(t, json.Unmarshal(b, &m))
			assert.Equal(t, "object", m["type"], "%s %s schema: the top is an object", tool.Name, kind)
			for _, p := range schemaProblems(m, "$") {
				t.Errorf("%s %s schema: %s\n%s", tool.Name, kind, p, b)
			}
		}
	}
}

// schemaProblems lists what strict clients refuse in a schema node and the nodes under it.
func schemaProblems(m map[string]any, path string) []string {
	var out []string
	for _, k := range []string{"$ref", "$defs", "definitions", "anyOf", "oneOf", "allOf"} {
		if _, ok := m[k]; ok {
			out = append(out, path+": has "+k)
		}
	}
	if _, ok := m["type"].([]any); ok {
		out = append(out, fmt.Sprintf("%s: a list of types %v", path, m["type"]))
	}
	props, _ := m["properties"].(map[string]any)
	if m["type"] == "object" && props == nil && m["additionalProperties"] == false {
		out = append(out, path+": an object without properties")
	}
	req, _ := m["required"].([]any)
	for _, r := range req {
		if _, ok := props[r.(string)]; !ok {
			out = append(out, fmt.Sprintf("%s: required %q is not a property", path, r))
		}
	}
	for k, p := range props {
		if pm, ok := p.(map[string]any); ok {
			out = append(out, schemaProblems(pm, path+"."+k)...)
		}
	}
	for _, k := range []string{"items", "additionalProperties"} {
		if sub, ok := m[k].(map[string]any); ok {
			out = append(out, schemaProblems(sub, path+"."+k)...)
		}
	}
	return out
}

// browser_evaluate takes a function, or an expression whose value comes back (as Playwright's
// evaluate does); an exception in the page is reported by its message.
func TestMCP_EvaluateFunctionOrExpression(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	for _, fn := range []string{"() => document.title", "document.title", "async () => document.title"} {
		res, out := a.call("browser_evaluate", map[string]any{"function": fn})
		require.False(t, res.IsError, "%s: %s", fn, out)
		var got struct{ Result any }
		b, _ := json.Marshal(res.StructuredContent)
		require.NoError(t, json.Unmarshal(b, &got))
		assert.IsType(t, "", got.Result, "%s: %s", fn, b)
		assert.NotEmpty(t, got.Result, "%s: %s", fn, b)
	}
	res, out := a.call("browser_evaluate", map[string]any{"function": "() => { throw new Error('boom') }"})
	require.True(t, res.IsError, out)
	assert.Contains(t, out, "the function failed in the page: Error: boom")
	assert.NotContains(t, out, "<nil>")
}

// A navigation the client cancels, or one to a URL that never answers, does not hold the page:
// while a navigation is pending Chromium holds every evaluation in the page, so without the
// loading being stopped each later call would wait out its attempts.
func TestMCP_PendingNavigationDoesNotBlockLaterCalls(t *testing.T) {
	a := newAgent(t, mcpserver.Config{ActionTimeout: 5 * time.Second}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})

	// The client cancels a navigation to a URL that answers after a minute.
	id := uid("cancelled")
	ctx, cancel := context.WithCancel(a.ctx)
	done := make(chan error, 1)
	go func() {
		_, err := a.cs.CallTool(ctx, &mcp.CallToolParams{Name: "browser_navigate", Arguments: map[string]any{"url": site.URL("/slow?ms=60000&id=" + id)}})
		done <- err
	}()
	require.Eventually(t, func() bool { return site.Hits("/slow", id) > 0 }, 30*time.Second, 20*time.Millisecond)
	cancel()
	require.Error(t, <-done)
	out := a.ok("browser_evaluate", map[string]any{"function": "() => location.href"})
	assert.NotContains(t, out, "loading stopped", "the cancelled call stopped its loading itself")
	assert.Contains(t, out, "/late", "the page is the one before the cancelled navigation")

	// A script of the page leads to a URL that never answers between two calls.
	id = uid("script")
	var outs strings.Builder
	outs.WriteString(a.ok("browser_evaluate", map[string]any{"function": fmt.Sprintf("() => { location.href = %q; return 1 }", site.URL("/slow?ms=60000&id="+id))}))
	require.Eventually(t, func() bool { return site.Hits("/slow", id) > 0 }, 30*time.Second, 20*time.Millisecond)
	out = a.ok("browser_evaluate", map[string]any{"function": "() => location.href"})
	outs.WriteString(out)
	assert.Contains(t, outs.String(), "loading stopped")
	assert.Contains(t, out, "/late", "the page stayed as it was")
}

// The arguments Playwright MCP (0.0.8x) declares for the tools both servers have are accepted,
// and do what they do there: right, middle and modified clicks, element, full-page and JPEG
// screenshots, a snapshot's depth, a form field's element description.
func TestMCP_PlaywrightArguments(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/form")})
	a.ok("browser_evaluate", map[string]any{"filename": "ignored.json", "function": `() => {
		const seen = document.createElement('p'); seen.id = 'seen'; document.body.append(seen);
		document.body.addEventListener('contextmenu', e => { e.preventDefault(); seen.textContent += 'right;' });
		document.body.addEventListener('click', e => { if (e.shiftKey && e.altKey) seen.textContent += 'shift-alt;' });
		document.body.addEventListener('auxclick', e => { if (e.button === 1) seen.textContent += 'middle;' });
	}`})
	a.ok("browser_click", map[string]any{"element": "heading", "target": "h1", "button": "right"})
	a.ok("browser_click", map[string]any{"element": "heading", "target": "h1", "modifiers": []string{"Shift", "Alt"}})
	a.ok("browser_click", map[string]any{"element": "heading", "target": "h1", "button": "middle"})
	res, out := a.call("browser_evaluate", map[string]any{"function": "() => document.getElementById('seen').textContent"})
	require.False(t, res.IsError, out)
	assert.Contains(t, out, `"right;shift-alt;middle;"`)
	res, out = a.call("browser_click", map[string]any{"target": "h1", "modifiers": []string{"Hyper"}})
	assert.True(t, res.IsError, out)
	assert.Contains(t, out, `modifier "Hyper"`)

	for _, c := range []struct {
		args map[string]any
		mime string
	}{
		{map[string]any{"scale": "css"}, "image/png"},
		{map[string]any{"type": "jpeg", "fullPage": true, "filename": "ignored.jpeg"}, "image/jpeg"},
		{map[string]any{"element": "the heading", "target": "h1", "scale": "device"}, "image/png"},
	} {
		res, out := a.call("browser_take_screenshot", c.args)
		require.False(t, res.IsError, "%v: %s", c.args, out)
		var img *mcp.ImageContent
		for _, ct := range res.Content {
			if ic, ok := ct.(*mcp.ImageContent); ok {
				img = ic
			}
		}
		require.NotNil(t, img, "%v: no image in %s", c.args, out)
		assert.Equal(t, c.mime, img.MIMEType, "%v", c.args)
		assert.NotEmpty(t, img.Data)
	}

	whole := a.ok("browser_snapshot", nil)
	require.Contains(t, whole, "\n  - ", "the form page has nested lines")
	top := a.ok("browser_snapshot", map[string]any{"depth": 1, "boxes": false, "filename": "ignored.md"})
	assert.NotContains(t, top, "\n  - ", "depth 1: only the top level")
	assert.Less(t, len(top), len(whole))

	name := refOf(t, whole, "textbox", "Name")
	out = a.ok("browser_fill_form", map[string]any{"fields": []map[string]any{
		{"element": "the name field", "name": "Name", "type": "textbox", "target": name, "value": "Zed"},
	}})
	assert.Contains(t, out, "Zed")
}

// A tab the page opens (a target=_blank link, window.open) becomes one of the tools' tabs, as in
// Playwright MCP: the result says so, browser_tabs lists and selects it, the current tab stays.
func TestMCP_PopupsBecomeTabs(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	a.ok("browser_evaluate", map[string]any{"function": fmt.Sprintf(`() => {
		const l = document.createElement('a'); l.href = %q; l.target = '_blank'; l.textContent = 'Open the form';
		document.querySelector('h1').after(l);
	}`, site.URL("/form"))})
	snap := a.ok("browser_snapshot", nil)
	out := a.ok("browser_click", map[string]any{"element": "the link", "target": refOf(t, snap, "link", "Open the form")})
	var tabs struct {
		Tabs []struct {
			URL     string
			Current bool
		}
	}
	require.Eventually(t, func() bool {
		res, txt := a.call("browser_tabs", map[string]any{"action": "list"})
		require.False(t, res.IsError, txt)
		b, _ := json.Marshal(res.StructuredContent)
		require.NoError(t, json.Unmarshal(b, &tabs))
		out += txt
		return len(tabs.Tabs) == 2 && strings.Contains(tabs.Tabs[1].URL, "/form")
	}, 30*time.Second, 50*time.Millisecond, "the new tab is listed with its URL")
	assert.Contains(t, out, "opened a new tab 1")
	assert.True(t, tabs.Tabs[0].Current, "the current tab stays")
	out = a.ok("browser_tabs", map[string]any{"action": "select", "index": 1})
	assert.Contains(t, out, "- URL: "+site.URL("/form"), "the result shows the selected tab's page")
	assert.Contains(t, a.snapshotUntil("Form values"), "Form values")
	out = a.ok("browser_tabs", map[string]any{"action": "close"})
	assert.NotContains(t, out, "/form")
	assert.Contains(t, a.ok("browser_snapshot", nil), "/late")

	// A popup that closes itself leaves the list.
	a.ok("browser_evaluate", map[string]any{"function": fmt.Sprintf("() => { window.open(%q) }", site.URL("/form"))})
	a.ok("browser_tabs", map[string]any{"action": "select", "index": 1})
	a.ok("browser_evaluate", map[string]any{"function": "() => { setTimeout(() => window.close(), 50) }"})
	require.Eventually(t, func() bool {
		res, txt := a.call("browser_tabs", map[string]any{"action": "list"})
		require.False(t, res.IsError, txt)
		b, _ := json.Marshal(res.StructuredContent)
		require.NoError(t, json.Unmarshal(b, &tabs))
		return len(tabs.Tabs) == 1
	}, 30*time.Second, 50*time.Millisecond, "the closed popup leaves the list")
	assert.True(t, tabs.Tabs[0].Current)
	assert.Contains(t, a.ok("browser_snapshot", nil), "/late")
}

// A same-origin iframe's content is in the snapshot, nested under it, and its refs act inside the
// frame (also a frame within a frame), as in Playwright MCP.
func TestMCP_SameOriginFramesInSnapshot(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	a.ok("browser_evaluate", map[string]any{"function": `() => {
		const f = document.createElement('iframe');
		f.srcdoc = '<p>Inside the frame</p><button onclick="this.textContent=\'inner clicked\'">Inner</button>' +
			'<input aria-label="Inner field"><iframe srcdoc="<button onclick=&quot;this.textContent=\'deep clicked\'&quot;>Deep</button>"></iframe>';
		f.style.height = '300px';
		document.querySelector('h1').after(f);
	}`})
	snap := a.snapshotUntil(`button "Deep"`)
	assert.Contains(t, snap, "  - iframe:\n    - paragraph: Inside the frame\n", "the frame's content is nested under it")
	assert.Contains(t, a.ok("browser_click", map[string]any{"target": refOf(t, snap, "button", "Inner")}), `button "inner clicked"`)
	assert.Contains(t, a.ok("browser_type", map[string]any{"target": refOf(t, snap, "textbox", "Inner field"), "text": "typed in a frame"}), "typed in a frame")
	assert.Contains(t, a.ok("browser_click", map[string]any{"target": refOf(t, snap, "button", "Deep")}), `button "deep clicked"`)
	a.ok("browser_wait_for", map[string]any{"text": "deep clicked"}) // the frames' text counts
}

// browser_navigate completes a URL without a scheme as Playwright MCP does and says so; a path
// is relative to the current page.
func TestMCP_NavigateWithoutScheme(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	bare := strings.TrimPrefix(site.URL("/late?ms=0"), "http://")
	out := a.ok("browser_navigate", map[string]any{"url": bare})
	assert.Contains(t, out, "has no scheme: loaded "+site.URL("/late?ms=0"))
	assert.Contains(t, out, "Late element")
	out = a.ok("browser_navigate", map[string]any{"url": "/form"})
	assert.Contains(t, out, "- URL: "+site.URL("/form"))
}

// browser_console_messages (Playwright MCP's) returns the page's console calls, uncaught errors
// and failed loads by level, since the page loaded or since the tab opened; browser_resize sets
// the viewport.
func TestMCP_ConsoleMessagesAndResize(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	a.ok("browser_evaluate", map[string]any{"function": `() => {
		console.log('hello', 42); console.warn('careful'); console.debug('details'); console.error('bad thing');
		setTimeout(() => { throw new Error('late boom') }, 0);
		const img = document.createElement('img'); img.src = '/no-such-image.png'; document.body.append(img);
	}`})
	var out string
	require.Eventually(t, func() bool {
		out = a.ok("browser_console_messages", map[string]any{"level": "info"})
		return strings.Contains(out, "late boom") && strings.Contains(out, "404")
	}, 30*time.Second, 50*time.Millisecond, "the uncaught error and the failed load are reported")
	for _, want := range []string{"[info] hello 42", "[warning] careful", "[error] bad thing", "[error] uncaught Error: late boom"} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "details", "debug is below info")
	assert.Contains(t, a.ok("browser_console_messages", map[string]any{"level": "debug"}), "[debug] details")
	errs := a.ok("browser_console_messages", map[string]any{"level": "error"})
	assert.Contains(t, errs, "bad thing")
	assert.NotContains(t, errs, "careful")

	a.ok("browser_navigate", map[string]any{"url": site.URL("/form")})
	assert.NotContains(t, a.ok("browser_console_messages", nil), "hello 42", "a new page starts a new list")
	assert.Contains(t, a.ok("browser_console_messages", map[string]any{"all": true}), "hello 42")

	a.ok("browser_resize", map[string]any{"width": 800, "height": 600})
	assert.Contains(t, a.ok("browser_evaluate", map[string]any{"function": "() => innerWidth + 'x' + innerHeight"}), `"800x600"`)
	res, txt := a.call("browser_resize", map[string]any{"width": 5, "height": 600})
	assert.True(t, res.IsError, txt)
}

// browser_file_upload (Playwright MCP's) chooses files for the input whose chooser the last click
// opened, or for the input given as target; no open chooser, or a missing file, is a clear error.
func TestMCP_FileUpload(t *testing.T) {
	dir := t.TempDir()
	a1, b1 := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	require.NoError(t, os.WriteFile(a1, []byte("fifteen bytes.."), 0o600))
	require.NoError(t, os.WriteFile(b1, []byte("B"), 0o600))
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	a.ok("browser_evaluate", map[string]any{"function": `() => {
		document.querySelector('h1').insertAdjacentHTML('afterend', '<input type=file id=files multiple aria-label="Attachments">' +
			'<button id=pick onclick="files.click()">Pick files</button><p id=chosen>none</p>');
		files.onchange = () => { chosen.textContent = [...files.files].map(f => f.name + ':' + f.size).join(',') };
	}`})
	res, out := a.call("browser_file_upload", map[string]any{"paths": []string{a1}})
	assert.True(t, res.IsError, out)
	assert.Contains(t, out, "no file chooser is open")

	a.ok("browser_click", map[string]any{"element": "Pick files", "target": "#pick"})
	assert.Contains(t, a.ok("browser_file_upload", map[string]any{"paths": []string{a1, b1}}), "a.txt:15,b.txt:1")
	assert.Contains(t, a.ok("browser_file_upload", map[string]any{"target": "#files", "paths": []string{b1}}), "paragraph: b.txt:1")

	res, out = a.call("browser_file_upload", map[string]any{"target": "#files", "paths": []string{filepath.Join(dir, "missing.txt")}})
	assert.True(t, res.IsError, out)
	assert.Contains(t, out, "is not a file")
}

// The result of a click that opens a tab names the new tab's page once it has loaded (a server
// that takes a second included), and says "still loading" only when it still is after the
// bound.
func TestMCP_NewTabIsNamedOnceLoaded(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	slow, stalled := site.URL("/slow?ms=1500&id="+uid("popup")), site.URL("/slow?ms=60000&id="+uid("popup"))
	a.ok("browser_evaluate", map[string]any{"function": fmt.Sprintf(`() => {
		for (const [href, text] of [[%q, 'Slow page'], [%q, 'Stalled page']]) {
			const l = document.createElement('a'); l.href = href; l.target = '_blank'; l.textContent = text;
			document.querySelector('h1').after(l);
		}
	}`, slow, stalled)})
	snap := a.ok("browser_snapshot", nil)
	out := a.ok("browser_click", map[string]any{"target": refOf(t, snap, "link", "Slow page")})
	assert.Contains(t, out, "opened a new tab 1: "+slow, out)
	assert.NotContains(t, out, "loading", out)

	start := time.Now()
	out = a.ok("browser_click", map[string]any{"target": refOf(t, snap, "link", "Stalled page")})
	assert.Contains(t, out, "opened a new tab: "+stalled, out)
	assert.Contains(t, out, "still loading", out)
	assert.Less(t, time.Since(start), 30*time.Second, "the wait for the new tab is bounded")

	// The tab whose server has not answered holds no later call, and is named once only.
	start = time.Now()
	out = a.ok("browser_tabs", map[string]any{"action": "list"})
	assert.NotContains(t, out, "opened a new tab", out)
	assert.Contains(t, out, "/slow?ms=1500", out)
	assert.Less(t, time.Since(start), 10*time.Second)
}
