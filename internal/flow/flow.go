package flow

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/smartretry/smartretry/retry"
)

// Flow is a parsed, validated flow file. Templates stay unexpanded (secrets included, as
// "${name}"); Resolve expands them for one item. A Flow is read-only after Load/Parse and then safe
// for concurrent use.
type Flow struct {
	Name     string
	StartURL string // template; empty when the first step navigates
	Timeout  time.Duration
	// NavigationTimeout is the deadline of one attempt of a page load (navigation_timeout; 0:
	// Timeout's).
	NavigationTimeout time.Duration
	Concurrency       int
	Variables         map[string]Variable
	Engine            Engine
	Items             []Item
	ItemsFile         string // as written in the file
	Steps             []Step
	// Viewport is the page size of every Session the flow runs (nil: the library's 1280×720).
	Viewport *Viewport
	// IgnoreHTTPSErrors is `ignore_https_errors: true`: certificates the browser would refuse
	// (a test server's self-signed one) are accepted (browser.IgnoreHTTPSErrors).
	IgnoreHTTPSErrors bool
	// UserAgent is `user_agent`: the User-Agent every page sends ("": the browser's own), as
	// written (no templates). browser.UserAgent.
	UserAgent string
	// Shared is `isolated: false`: items share the browser's cookies and storage (a login in one
	// item is seen by the next). By default each item gets its own browser context.
	Shared bool

	// Path is the file the flow came from ("" for Parse without one).
	Path string
	// HTTPCredentials answer the sites' HTTP authentication (Basic, Digest) in every item;
	// nil: none (a 401 challenge is auth_required).
	HTTPCredentials *HTTPCredentials
	// Dialogs is how JS dialogs are answered (nil: accepted, a prompt with its default text).
	Dialogs *Dialogs

	env map[string]string // the environment variables the templates use, read at load

	secrets []string // fill_secret values and the environment variables in them, for redaction

	crawl *crawlSpec // stages: and crawl: (stages.go); nil for a single-stage flow
}

// Variable is a named value. Value already has its ${ENV} references expanded. Secret values are
// only ever handed to FillSecret. Safe for concurrent use (a value).
type Variable struct {
	Value  string
	Secret bool
}

// HTTPCredentials is the flow's http_credentials. Username and Password are templates (the
// password may be a secret variable); Origins limits them to those origins (none: every origin).
// Read-only once parsed: safe for concurrent use.
type HTTPCredentials struct {
	Username, Password string
	Origins            []string
}

// Dialogs is the flow's dialogs: accept (or dismiss) every alert, confirm and prompt, and the
// text a prompt gets. Safe for concurrent use (a value).
type Dialogs struct {
	Accept     bool
	PromptText string
}

// Engine overrides the retry engine's defaults for this flow. Zero fields keep the engine's own
// defaults. Safe for concurrent use once parsed (read-only).
type Engine struct {
	Errors        map[retry.ErrorType]TypeConfig
	Breaker       *Breaker
	MaxRetryAfter time.Duration
}

// TypeConfig overrides one row of the engine's table; nil/zero fields keep the default.
// Read-only once parsed: safe for concurrent use.
type TypeConfig struct {
	MaxAttempts int
	Strategy    *retry.Strategy
	BaseDelay   *time.Duration
	MaxDelay    *time.Duration
}

// Breaker overrides the per-domain circuit breaker policy. Zero fields keep the defaults.
// Read-only once parsed: safe for concurrent use.
type Breaker struct {
	Enabled   *bool
	Threshold int
	Window    time.Duration
	Cooloff   time.Duration
	// MaxWait bounds how long an action waits for an open breaker's cooloff (nil: wait, bounded
	// only by the run). 0 means never wait: the runner then defers the item and runs it again
	// after the cooloff.
	MaxWait *time.Duration
}

// Viewport is a page size in CSS pixels. Safe for concurrent use (a value).
type Viewport struct {
	Width, Height int
}

// Item is one unit of a batch. Key identifies it in the results file (the id field, else the url,
// else "name=value&..." of its fields). Safe for concurrent use (read-only).
type Item struct {
	Key    string
	Fields map[string]string
	Line   int // line in the flow file or items file, for messages
	col    int
	badURL bool
}

// URL returns the item's url field.
func (it Item) URL() string { return it.Fields["url"] }

// Step is one action. Fields hold templates exactly as written (after ${ENV} expansion of nothing:
// expansion happens in Resolve). Safe for concurrent use (read-only).
type Step struct {
	Kind   string
	Name   string
	Line   int
	Fields map[string]string // scalar fields by name ("selector", "value", "url", ...)
	// Extract only: field name → selector and optional attribute, in file order.
	Extract []ExtractField
	Retry   *StepRetry
	Timeout time.Duration

	// navigate: the statuses that count as success (ExpectStatus), or AnyStatus for every one.
	ExpectStatus []int
	AnyStatus    bool
	// text, attr, value: which of the matches to read (0-based); nil reads the one element the
	// selector names (several matches are then an error).
	Nth *int
	// scroll_until: how many elements to scroll for; click: how many clicks (0: one);
	// paginate: max_pages (0: the default).
	Count int
	// upload: the files, templates as written (relative ones are relative to the flow file).
	Files []string
	// scroll: the wheel's movement in CSS pixels (positive: right, down).
	DX, DY float64
	// popup, download: the step that opens the tab or starts the download.
	Action *Step
	// popup: the steps run in the new tab; paginate: the steps run on every page.
	Steps []Step
}

// ReadKinds are the step kinds that read a value from the page into the item's record.
var ReadKinds = []string{"text", "attr", "value", "count", "dialog"}

// IsRead reports whether the step reads a value into the item's record (see Into).
func (s Step) IsRead() bool { return contains(ReadKinds, s.Kind) }

// Into is the record field a read step writes: its `as` field, else the attribute name for
// attr, else the kind ("text", "value", "count").
func (s Step) Into() string {
	if a := s.Fields["as"]; a != "" {
		return a
	}
	if s.Kind == "attr" {
		return s.Fields["name"]
	}
	return s.Kind
}

// WaitState is the state a wait_for step waits for: "visible" (the default), "hidden",
// "attached", "detached" (also written "gone") or "enabled".
func (s Step) WaitState() string {
	if st := s.Fields["state"]; st != "" {
		return st
	}
	return "visible"
}

// ExtractField is one field of an extract step's records. Safe for concurrent use (a value).
type ExtractField struct {
	Name     string
	Selector string
	Attr     string // "" → text content
}

// StepRetry is a per-step override of the retry policy. Read-only once parsed: safe for
// concurrent use.
type StepRetry struct {
	MaxAttempts int
	Strategy    *retry.Strategy
}

// Get returns a scalar field.
func (s Step) Get(name string) string { return s.Fields[name] }

// String describes the step without expanding anything (safe to print: secrets stay "${name}").
func (s Step) String() string {
	if s.Name != "" {
		return s.Name
	}
	switch s.Kind {
	case "navigate":
		switch {
		case s.AnyStatus:
			return "navigate " + s.Fields["url"] + " (any status)"
		case len(s.ExpectStatus) > 0:
			return fmt.Sprintf("navigate %s (expect %v)", s.Fields["url"], s.ExpectStatus)
		}
		return "navigate " + s.Fields["url"]
	case "fill", "select":
		return fmt.Sprintf("%s %s = %s", s.Kind, s.Fields["selector"], s.Fields["value"])
	case "fill_secret":
		return "fill_secret " + s.Fields["selector"] // its value, even a reference, is never shown
	case "press":
		if sel := s.Fields["selector"]; sel != "" {
			return fmt.Sprintf("press %s on %s", s.Fields["key"], sel)
		}
		return "press " + s.Fields["key"]
	case "extract":
		if c := s.Fields["container"]; c != "" {
			return "extract " + c
		}
		return "extract page"
	case "screenshot":
		return "screenshot " + s.Fields["path"]
	case "assert_text":
		return "assert_text " + s.Fields["selector"]
	case "click":
		out := "click " + s.Fields["selector"]
		if b := s.Fields["button"]; b != "" && b != "left" {
			out += " (" + b + ")"
		}
		if s.Count > 1 {
			out += fmt.Sprintf(" ×%d", s.Count)
		}
		return out
	case "upload":
		return fmt.Sprintf("upload %s ← %s", s.Fields["selector"], strings.Join(s.Files, ", "))
	case "drag":
		return "drag " + s.Fields["from"] + " → " + s.Fields["to"]
	case "back", "forward", "reload":
		return s.Kind
	case "dialog":
		return "dialog → " + s.Into()
	case "popup":
		if s.Action != nil {
			n := fmt.Sprintf("%d steps", len(s.Steps))
			if len(s.Steps) == 1 {
				n = "1 step"
			}
			return fmt.Sprintf("popup from %s (%s)", s.Action, n)
		}
	case "download":
		if s.Action != nil {
			return "download from " + s.Action.String() + " → " + s.Into()
		}
	case "wait_for":
		if t, ok := s.Fields["text"]; ok {
			return fmt.Sprintf("wait_for %s text %q", s.Fields["selector"], t)
		}
		if st := s.Fields["state"]; st != "" {
			return "wait_for " + s.Fields["selector"] + " " + st
		}
	case "text", "attr", "value", "count":
		out := s.Kind + " " + s.Fields["selector"]
		if s.Kind == "attr" {
			out += "@" + s.Fields["name"]
		}
		if s.Nth != nil {
			out += fmt.Sprintf(" #%d", *s.Nth)
		}
		return out + " → " + s.Into()
	case "scroll":
		where := s.Fields["selector"]
		if where == "" {
			where = "page"
		}
		return fmt.Sprintf("scroll %s by %g,%g", where, s.DX, s.DY)
	case "scroll_until":
		return fmt.Sprintf("scroll_until %d × %s", s.Count, s.Fields["selector"])
	case "paginate":
		return fmt.Sprintf("paginate by %s (%d steps a page)", s.Fields["next"], len(s.Steps))
	}
	return s.Kind + " " + s.Fields["selector"]
}

// FieldKind is the shape of a step field. Safe for concurrent use (a value).
type FieldKind string

// Field shapes.
const (
	String   FieldKind = "string"
	Boolean  FieldKind = "boolean"
	Duration FieldKind = "duration"
	Fields   FieldKind = "fields"   // extract's name → selector map
	Integer  FieldKind = "integer"  // Min..Max
	Number   FieldKind = "number"   // -Max..Max, fractions allowed
	Statuses FieldKind = "statuses" // an HTTP status, a list of them, or "any"
	Strings  FieldKind = "strings"  // a list of strings (templates), at least one
)

// FieldSpec describes one field of a step kind. Safe for concurrent use (read-only).
type FieldSpec struct {
	Kind     FieldKind
	Required bool
	Enum     []string
	Min, Max int // Integer: the range; Number: Max bounds the magnitude
	Doc      string
}

// KindSpec describes one step kind: its fields, and which field a bare scalar fills in
// ("click: '#buy'" means selector: '#buy'). Safe for concurrent use (read-only).
type KindSpec struct {
	Shorthand string
	Fields    map[string]FieldSpec
	// OneOf lists fields of which exactly one must be set (assert_text's matchers).
	OneOf []string
	Doc   string
}

// Kinds is the table of step kinds; the JSON Schema mirrors it (tested).
var Kinds = map[string]KindSpec{
	"navigate": {Shorthand: "url", Doc: "go to a URL", Fields: map[string]FieldSpec{
		"url":           {Kind: String, Required: true, Doc: "http(s) URL; may use ${item.url}"},
		"expect_status": {Kind: Statuses, Doc: "statuses that are a success (e.g. [404, 500]), or any"}}},
	"click": {Shorthand: "selector", Doc: "click an element", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true, Doc: "CSS selector"},
		"button":   {Kind: String, Enum: []string{"left", "right", "middle"}, Doc: "mouse button: left (default), right (context menu), middle"},
		"count":    {Kind: Integer, Min: 1, Max: 3, Doc: "clicks in a row: 2 is a double click"}}},
	"upload": {Doc: "set the files of an <input type=file> (hidden ones too, or the chooser a button opens)", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true, Doc: "the file input, its label, or the button that opens the chooser"},
		"files":    {Kind: Strings, Required: true, Doc: "paths, relative to the flow file's directory"}}},
	"drag": {Doc: "drag an element onto another (mouse events, and HTML5 drag and drop)", Fields: map[string]FieldSpec{
		"from": {Kind: String, Required: true, Doc: "the element to drag"},
		"to":   {Kind: String, Required: true, Doc: "the element to drop it on"}}},
	"back": {Doc: "go back one page in the tab's history (judged as navigate: 5xx backed off...)", Fields: map[string]FieldSpec{
		"expect_status": {Kind: Statuses, Doc: "statuses that are a success (e.g. [404, 500]), or any"}}},
	"forward": {Doc: "go forward one page in the tab's history", Fields: map[string]FieldSpec{
		"expect_status": {Kind: Statuses, Doc: "statuses that are a success (e.g. [404, 500]), or any"}}},
	"reload": {Doc: "load the current page again (a 503 is backed off and reloaded)", Fields: map[string]FieldSpec{
		"expect_status": {Kind: Statuses, Doc: "statuses that are a success (e.g. [404, 500]), or any"}}},
	"fill": {Doc: "type a value into an input (secret variables go through FillSecret)", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"value":    {Kind: String, Required: true}}},
	"fill_secret": {Doc: "type a secret (a password, a token) through FillSecret: never logged, written or shown, wherever its value comes from", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"value":    {Kind: String, Required: true, Doc: "a variable or ${ENV} reference (an item's field is refused: items are printed)"}}},
	"select": {Doc: "choose an option of a <select>", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"value":    {Kind: String, Required: true}}},
	"press": {Shorthand: "key", Doc: "press a key (optionally on an element)", Fields: map[string]FieldSpec{
		"key":      {Kind: String, Required: true, Doc: "Enter, Tab, Escape, ArrowDown, a, ..."},
		"selector": {Kind: String}}},
	"hover": {Shorthand: "selector", Doc: "move the mouse over an element", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true}}},
	"wait_for": {Shorthand: "selector", Doc: "wait until an element is visible, or in another state, or shows a text", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"state":    {Kind: String, Enum: WaitStates, Doc: "visible (default), hidden, attached, detached, gone (= detached), enabled"},
		"text":     {Kind: String, Doc: "wait until the element's text contains this"}}},
	"check": {Shorthand: "selector", Doc: "tick a checkbox or choose a radio button (verified)", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true}}},
	"uncheck": {Shorthand: "selector", Doc: "untick a checkbox (verified)", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true}}},
	"text": {Shorthand: "selector", Doc: "read an element's text into the item's record", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"nth":      {Kind: Integer, Min: 0, Max: MaxNth, Doc: "the n-th match (0-based) instead of the only one"},
		"as":       {Kind: String, Doc: "record field (default: text)"}}},
	"attr": {Doc: "read an element's attribute into the item's record (null when it has none)", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"name":     {Kind: String, Required: true, Doc: "attribute name"},
		"nth":      {Kind: Integer, Min: 0, Max: MaxNth, Doc: "the n-th match (0-based) instead of the only one"},
		"as":       {Kind: String, Doc: "record field (default: the attribute name)"}}},
	"value": {Shorthand: "selector", Doc: "read the current value of an input, textarea or select into the item's record", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"nth":      {Kind: Integer, Min: 0, Max: MaxNth, Doc: "the n-th match (0-based) instead of the only one"},
		"as":       {Kind: String, Doc: "record field (default: value)"}}},
	"dialog": {Doc: "read the message of the JS dialog (alert, confirm, prompt) the step before opened into the item's record, waiting for one it opens late (after a slow request); null when none opened within the step's timeout", Fields: map[string]FieldSpec{
		"as": {Kind: String, Doc: "record field (default: dialog)"}}},
	"count": {Shorthand: "selector", Doc: "read how many elements match now into the item's record", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"as":       {Kind: String, Doc: "record field (default: count)"}}},
	"scroll": {Doc: "scroll the page, or an element, by a wheel gesture", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Doc: "the element to scroll (default: the page)"},
		"dx":       {Kind: Number, Max: MaxScroll, Doc: "pixels to the right (negative: left)"},
		"dy":       {Kind: Number, Max: MaxScroll, Doc: "pixels down (negative: up)"}}},
	"scroll_until": {Doc: "scroll an infinite list until count elements match, or nothing new arrives", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true, Doc: "the list's items"},
		"count":    {Kind: Integer, Required: true, Min: 1, Max: MaxScrollCount}}},
	"extract": {Doc: "one record per container element", Fields: map[string]FieldSpec{
		"container": {Kind: String, Doc: "CSS selector of each record (none: the whole page, one record)"},
		"fields":    {Kind: Fields, Required: true, Doc: "name: selector, or name: {selector, attr}"}}},
	"screenshot": {Shorthand: "path", Doc: "save a PNG (relative to --artifacts)", Fields: map[string]FieldSpec{
		"path": {Kind: String, Required: true}}},
	"assert_text": {Doc: "fail unless an element's text matches", OneOf: []string{"equals", "contains"}, Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"equals":   {Kind: String},
		"contains": {Kind: String}}},
}

// WaitStates are the states wait_for accepts ("gone" is "detached").
var WaitStates = []string{"visible", "hidden", "attached", "detached", "gone", "enabled"}

// CommonStepFields are accepted on every step next to the kind key.
var CommonStepFields = []string{"name", "retry", "timeout"}

// TopLevelFields are the fields a flow document may have.
var TopLevelFields = []string{"name", "start_url", "timeout", "navigation_timeout", "concurrency", "viewport", "isolated", "ignore_https_errors", "user_agent", "http_credentials", "dialogs", "variables", "engine", "items", "items_file", "steps"}

// KindNames returns the step kinds, sorted.
func KindNames() []string {
	out := make([]string, 0, len(Kinds))
	for k := range Kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Limits on values, so a typo cannot make a flow wait for a year.
const (
	MaxAttemptsLimit = 100
	MaxDelayLimit    = time.Hour
	MaxTimeoutLimit  = time.Hour
	MinTimeout       = 10 * time.Millisecond
	MaxConcurrency   = 64
	MaxSteps         = 1000
	MaxItems         = 1_000_000
	MaxNth           = 100_000 // nth of a read
	MaxScroll        = 100_000 // pixels of one scroll step
	MaxScrollCount   = 100_000 // scroll_until's count
	MaxFiles         = 1000    // files of one upload step
	MinViewport      = 100
	MaxViewport      = 10_000
)

func strategyNames() []string {
	out := []string{}
	for s := retry.Immediate; s <= retry.FullJitter; s++ {
		out = append(out, s.String())
	}
	return out
}

func errorTypeNames() []string {
	out := []string{}
	for _, t := range retry.ErrorTypes() {
		out = append(out, t.String())
	}
	return out
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = x
	}
	return strings.Join(q, ", ")
}
