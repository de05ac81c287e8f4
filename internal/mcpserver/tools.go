package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Arguments shared by the tools that act on one element, with Playwright MCP's names.
type elementArgs struct {
	Element string `json:"element,omitempty" jsonschema:"human-readable description of the element, for the log"`
	Target  string `json:"target,omitempty" jsonschema:"the element: a ref from the snapshot (e12) or a selector (CSS, text=…, role=button[name=\"Buy\"], xpath=…)"`
	Ref     string `json:"ref,omitempty" jsonschema:"older name of target"`
}

func (a elementArgs) target() string {
	if a.Target != "" {
		return a.Target
	}
	return a.Ref
}

type (
	navigateIn struct {
		URL string `json:"url" jsonschema:"the URL to load (http, https, file, about or data)"`
	}
	noArgs     struct{}
	snapshotIn struct {
		Target   string `json:"target,omitempty" jsonschema:"a ref: snapshot only that element and what is inside it"`
		Depth    int    `json:"depth,omitempty" jsonschema:"show only this many levels of nesting (1: the top level)"`
		Filename string `json:"filename,omitempty" jsonschema:"ignored: the snapshot comes back in the result"`
		Boxes    bool   `json:"boxes,omitempty" jsonschema:"ignored: no bounding boxes are given"`
	}
	clickIn struct {
		elementArgs
		DoubleClick bool     `json:"doubleClick,omitempty" jsonschema:"double-click instead of a single click"`
		Button      string   `json:"button,omitempty" jsonschema:"left (the default), right or middle"`
		Modifiers   []string `json:"modifiers,omitempty" jsonschema:"modifier keys held during the click: Alt, Control, ControlOrMeta, Meta, Shift"`
	}
	typeIn struct {
		elementArgs
		Text   string `json:"text" jsonschema:"the text to type (replaces what the field holds); into a password field it is never shown again"`
		Submit bool   `json:"submit,omitempty" jsonschema:"press Enter after typing"`
		Slowly bool   `json:"slowly,omitempty" jsonschema:"type one character at a time (always the case below 256 characters)"`
	}
	formField struct {
		Element string `json:"element,omitempty" jsonschema:"human-readable description of the field, for the log"`
		Name    string `json:"name" jsonschema:"human-readable field name"`
		Type    string `json:"type" jsonschema:"textbox, password, checkbox, radio, combobox or slider"`
		Target  string `json:"target,omitempty" jsonschema:"the field: a ref (e12) or a selector"`
		Ref     string `json:"ref,omitempty" jsonschema:"older name of target"`
		Value   string `json:"value" jsonschema:"the value; true or false for a checkbox or radio; the option's label or value for a combobox"`
	}
	fillFormIn struct {
		Fields []formField `json:"fields" jsonschema:"the fields to fill, in order"`
	}
	selectIn struct {
		elementArgs
		Values []string `json:"values" jsonschema:"the options to select (value or label); several for a multiple select"`
	}
	hoverIn struct {
		elementArgs
	}
	pressIn struct {
		Key string `json:"key" jsonschema:"a key name (Enter, Tab, Escape, ArrowDown…), a character, or a chord like Control+a; pressed on the focused element"`
	}
	waitIn struct {
		Text     string  `json:"text,omitempty" jsonschema:"wait until this text is on the page (as long as the action timeout allows)"`
		TextGone string  `json:"textGone,omitempty" jsonschema:"wait until this text is gone from the page"`
		Time     float64 `json:"time,omitempty" jsonschema:"wait this many seconds (at most 30)"`
	}
	screenshotIn struct {
		elementArgs
		Type     string `json:"type,omitempty" jsonschema:"png (the default), jpeg or webp"`
		FullPage bool   `json:"fullPage,omitempty" jsonschema:"the whole scrollable page instead of the viewport (not with a target)"`
		Filename string `json:"filename,omitempty" jsonschema:"ignored: the image comes back in the result"`
		Scale    string `json:"scale,omitempty" jsonschema:"css (the default) or device pixels"`
	}
	dialogIn struct {
		Accept     bool   `json:"accept" jsonschema:"accept (true) or dismiss (false) the dialog"`
		PromptText string `json:"promptText,omitempty" jsonschema:"the answer to prompt() dialogs"`
	}
	evaluateIn struct {
		elementArgs
		Function string `json:"function" jsonschema:"a JavaScript function: () => { … } or (element) => { … } when a target is given; its result comes back as JSON"`
		Filename string `json:"filename,omitempty" jsonschema:"ignored: the result comes back in the result"`
	}
	tabsIn struct {
		Action string `json:"action" jsonschema:"list, new, select or close"`
		Index  *int   `json:"index,omitempty" jsonschema:"the tab (0-based) for select and close; close without it closes the current tab"`
		URL    string `json:"url,omitempty" jsonschema:"for new: the URL to open"`
	}
	extractIn struct {
		Container string            `json:"container" jsonschema:"selector of the repeated element, one record each (e.g. #products .product)"`
		Fields    map[string]string `json:"fields" jsonschema:"record key → selector inside the container; sel@attr reads an attribute (href and src come back absolute); . is the container's own text"`
	}
	consoleIn struct {
		Level    string `json:"level,omitempty" jsonschema:"error, warning, info (the default) or debug: that level and the more severe ones"`
		All      bool   `json:"all,omitempty" jsonschema:"all messages since the tab opened, not only since the page loaded"`
		Filename string `json:"filename,omitempty" jsonschema:"ignored: the messages come back in the result"`
	}
	fileUploadIn struct {
		elementArgs
		Paths []string `json:"paths,omitempty" jsonschema:"absolute paths of the files to choose; none clears the input"`
	}
	resizeIn struct {
		Width  float64 `json:"width" jsonschema:"viewport width in CSS pixels"`
		Height float64 `json:"height" jsonschema:"viewport height in CSS pixels"`
	}
	handoffIn struct {
		Reason string `json:"reason,omitempty" jsonschema:"what the person should do, for the log"`
	}
)

// Structured results of the tools that return data.
type (
	snapshotOut = pageOut
	evaluateOut struct {
		Result   any    `json:"result" jsonschema:"the function's return value, as JSON"`
		Recovery string `json:"recovery"`
		Error    string `json:"error,omitempty"`
	}
	tabOut struct {
		Index   int    `json:"index"`
		URL     string `json:"url"`
		Title   string `json:"title"`
		Current bool   `json:"current"`
	}
	tabsOut struct {
		Tabs     []tabOut `json:"tabs"`
		Recovery string   `json:"recovery"`
		Error    string   `json:"error,omitempty"`
	}
	extractOut struct {
		Records  []map[string]string `json:"records" jsonschema:"one record per container, in page order"`
		Count    int                 `json:"count"`
		URL      string              `json:"url"`
		Recovery string              `json:"recovery"`
		Error    string              `json:"error,omitempty"`
	}
	consoleOut struct {
		Messages []consoleMsg `json:"messages" jsonschema:"the messages, oldest first"`
		Recovery string       `json:"recovery"`
		Error    string       `json:"error,omitempty"`
	}
	screenshotOut struct {
		URL      string `json:"url"`
		Bytes    int    `json:"bytes" jsonschema:"size of the image"`
		Recovery string `json:"recovery"`
		Error    string `json:"error,omitempty"`
	}
	breakerOut struct {
		State     string `json:"state" jsonschema:"closed, open or half_open"`
		Failures  int    `json:"failures"`
		OpenUntil string `json:"openUntil,omitempty"`
	}
	statsOut struct {
		SessionAttempts       int                   `json:"sessionAttempts" jsonschema:"actions attempted through the engine"`
		KnownPatterns         int                   `json:"knownPatterns" jsonschema:"distinct failure patterns learned"`
		PatternsWithSolutions int                   `json:"patternsWithSolutions" jsonschema:"patterns a repair is known to fix"`
		ErrorTypes            map[string]int        `json:"errorTypes" jsonschema:"failures by error type"`
		Breakers              map[string]breakerOut `json:"breakers" jsonschema:"circuit breakers by domain"`
	}
)

// register adds every tool. Names and argument names are Playwright MCP's (0.0.8x), so prompts
// written for it work; browser_extract, retry_stats and browser_handoff are ours.
func (s *Server) register() {
	ro := &mcp.ToolAnnotations{ReadOnlyHint: true, DestructiveHint: new(false), OpenWorldHint: new(true)}
	add(s, &mcp.Tool{Name: "browser_navigate", Title: "Navigate to a URL",
		Description: "Load a URL. 429/5xx/resets are waited out and retried (Retry-After honoured); 404 fails at once; a CAPTCHA or login wall is named."}, s.navigate)
	add(s, &mcp.Tool{Name: "browser_navigate_back", Title: "Go back", Description: "Go back to the previous page in the history."}, s.navigateBack)
	add(s, &mcp.Tool{Name: "browser_navigate_forward", Title: "Go forward", Description: "Go forward to the next page in the history."}, s.navigateForward)
	add(s, &mcp.Tool{Name: "browser_snapshot", Title: "Page snapshot", Annotations: ro,
		Description: "The page as text: headings, text, and every element a person can act on with a ref ([ref=e12]); URL, title, HTTP status and any CAPTCHA or login wall on top. Refs stay valid across re-renders."}, s.snapshot)
	add(s, &mcp.Tool{Name: "browser_click", Title: "Click",
		Description: "Click an element (a ref or a selector) once it is visible, enabled, still and uncovered. A ref whose node was re-rendered is found again. A covered element is refused at once, naming the cover."}, s.click)
	add(s, &mcp.Tool{Name: "browser_type", Title: "Type text",
		Description: "Type text into an editable element (replacing its value), checking the page kept it. Into a password field the text is never shown in results, logs or snapshots."}, s.typeText)
	add(s, &mcp.Tool{Name: "browser_fill_form", Title: "Fill form", Description: "Fill several fields: textbox, password (never shown), checkbox, radio, combobox, slider."}, s.fillForm)
	add(s, &mcp.Tool{Name: "browser_drag", Title: "Drag mouse",
		Description: "Drag one element onto another (refs or selectors): mouse press, moves, release; HTML5 drag and drop (draggable elements) too."}, s.drag)
	add(s, &mcp.Tool{Name: "browser_select_option", Title: "Select option", Description: "Select options in a <select> by value or label."}, s.selectOption)
	add(s, &mcp.Tool{Name: "browser_hover", Title: "Hover mouse", Description: "Move the mouse over an element."}, s.hover)
	add(s, &mcp.Tool{Name: "browser_press_key", Title: "Press a key", Description: "Press a key (Enter, Tab, ArrowDown, a, Control+a…) on the focused element."}, s.pressKey)
	add(s, &mcp.Tool{Name: "browser_wait_for", Title: "Wait for", Annotations: ro,
		Description: "Wait for text to appear or disappear (as long as the action timeout allows), or for a time to pass."}, s.waitFor)
	add(s, &mcp.Tool{Name: "browser_take_screenshot", Title: "Take a screenshot", Annotations: ro,
		Description: "A PNG of the viewport. Act with browser_snapshot's refs, not on the image."}, s.screenshot)
	add(s, &mcp.Tool{Name: "browser_handle_dialog", Title: "Handle a dialog",
		Description: "Answer the JS dialog the page opened (a result's \"### Modal state\" names it): accept or dismiss, the text for a prompt. With no dialog open: how the next dialogs are answered, the moment they open."}, s.handleDialog)
	add(s, &mcp.Tool{Name: "browser_evaluate", Title: "Evaluate JavaScript",
		Description: "Run a JavaScript function in the page (with the element when a target is given); the result comes back as JSON."}, s.evaluate)
	add(s, &mcp.Tool{Name: "browser_tabs", Title: "Manage tabs", Description: "List, open (new), select or close tabs."}, s.tabsTool)
	add(s, &mcp.Tool{Name: "browser_console_messages", Title: "Get console messages", Annotations: ro,
		Description: "The page's console messages, uncaught errors and browser log entries (failed loads…), since the page loaded or since the tab opened."}, s.consoleMessages)
	add(s, &mcp.Tool{Name: "browser_network_requests", Title: "List network requests", Annotations: ro,
		Description: "The requests of the page since it loaded, numbered: method, URL, status (or why it failed). Static resources that loaded fine are left out unless static is true."}, s.networkRequests)
	add(s, &mcp.Tool{Name: "browser_file_upload", Title: "Upload files",
		Description: "Choose files for the file input whose chooser the last click opened (or the input given as target)."}, s.fileUpload)
	add(s, &mcp.Tool{Name: "browser_resize", Title: "Resize browser window", Description: "Set the viewport to width × height CSS pixels."}, s.resize)
	add(s, &mcp.Tool{Name: "browser_close", Title: "Close browser", Description: "Close the browser; the next tool call starts a new one."}, s.closeTool)
	add(s, &mcp.Tool{Name: "browser_install", Title: "Install the browser", Annotations: ro,
		Description: "Nothing to install: this server uses the system Chromium (or a running browser); says which."}, s.install)
	add(s, &mcp.Tool{Name: "browser_extract", Title: "Extract records", Annotations: ro,
		Description: "Read repeated elements as records: one per container, fields by selector (sel@attr for an attribute). Waits for the first container."}, s.extract)
	add(s, &mcp.Tool{Name: "retry_stats", Title: "Retry engine stats", Annotations: ro,
		Description: "The retry engine's statistics: attempts, failures by type, learned failure patterns, circuit breakers by domain."}, s.stats)
	add(s, &mcp.Tool{Name: "browser_handoff", Title: "Hand off to a person",
		Description: "Ask a person to solve the CAPTCHA or login wall on the page in a visible browser window; returns once it is solved (or the time limit passes), with the page."}, s.handoffTool)
}

// add registers a typed tool and remembers its name. Its schemas are the ones the SDK would
// infer, in the plain form strict clients accept (see plainSchema). Every tool says all its hints
// (as Playwright MCP's do): one without annotations acts on the page, may destroy (a click can
// delete, buy, send) and reaches the web; a client that asks before such calls, or lets read-only
// ones through, reads them.
func add[In, Out any](s *Server, t *mcp.Tool, h func(context.Context, *mcp.CallToolRequest, In) (*mcp.CallToolResult, Out, error)) {
	s.tools[t.Name] = true
	a := mcp.ToolAnnotations{DestructiveHint: new(true), OpenWorldHint: new(true)}
	if t.Annotations != nil {
		a = *t.Annotations
	}
	a.Title = t.Title
	t.Annotations = &a
	t.InputSchema = plainSchema[In]()
	t.OutputSchema = plainSchema[Out]()
	mcp.AddTool(s.mcp, t, h)
}

// plainSchema is the JSON Schema the SDK infers for T, made acceptable to the strictest tool
// clients: a slice, map or pointer field has type "array" (or "object", "integer"), not
// ["null", "array"] (OpenAI's and Gemini's function declarations refuse a list of types), and
// every object schema has "properties", {} for a tool without arguments (OpenAI refuses an
// object schema without it). The SDK validates arguments and results against this schema.
func plainSchema[T any]() map[string]any {
	js, err := jsonschema.For[T](nil)
	if err != nil {
		panic(fmt.Sprintf("mcpserver: schema of %T: %v", *new(T), err)) // a programming error
	}
	b, err := json.Marshal(js)
	if err != nil {
		panic(fmt.Sprintf("mcpserver: schema of %T: %v", *new(T), err))
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(fmt.Sprintf("mcpserver: schema of %T: %v", *new(T), err))
	}
	plain(m)
	return m
}

// plain rewrites one schema node and those under it (see plainSchema).
func plain(m map[string]any) {
	if ts, ok := m["type"].([]any); ok {
		var keep []any
		for _, t := range ts {
			if t != "null" {
				keep = append(keep, t)
			}
		}
		if len(keep) == 1 {
			m["type"] = keep[0]
		}
	}
	if m["type"] == "object" {
		if _, ok := m["properties"]; !ok && m["additionalProperties"] == false {
			m["properties"] = map[string]any{}
		}
	}
	if props, ok := m["properties"].(map[string]any); ok {
		for _, p := range props {
			if pm, ok := p.(map[string]any); ok {
				plain(pm)
			}
		}
	}
	for _, k := range []string{"items", "additionalProperties"} {
		if sub, ok := m[k].(map[string]any); ok {
			plain(sub)
		}
	}
}
