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
	Name        string
	StartURL    string // template; empty when the first step navigates
	Timeout     time.Duration
	Concurrency int
	Variables   map[string]Variable
	Engine      Engine
	Items       []Item
	ItemsFile   string // as written in the file
	Steps       []Step

	// Path is the file the flow came from ("" for Parse without one).
	Path string

	env map[string]string // the environment variables the templates use, read at load

	crawl *crawlSpec // stages: and crawl: (stages.go); nil for a single-stage flow
}

// Variable is a named value. Value already has its ${ENV} references expanded. Secret values are
// only ever handed to FillSecret. Safe for concurrent use (a value).
type Variable struct {
	Value  string
	Secret bool
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
		return "navigate " + s.Fields["url"]
	case "fill", "select":
		return fmt.Sprintf("%s %s = %s", s.Kind, s.Fields["selector"], s.Fields["value"])
	case "press":
		if sel := s.Fields["selector"]; sel != "" {
			return fmt.Sprintf("press %s on %s", s.Fields["key"], sel)
		}
		return "press " + s.Fields["key"]
	case "extract":
		return "extract " + s.Fields["container"]
	case "screenshot":
		return "screenshot " + s.Fields["path"]
	case "assert_text":
		return "assert_text " + s.Fields["selector"]
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
	Fields   FieldKind = "fields" // extract's name → selector map
)

// FieldSpec describes one field of a step kind. Safe for concurrent use (read-only).
type FieldSpec struct {
	Kind     FieldKind
	Required bool
	Enum     []string
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
		"url": {Kind: String, Required: true, Doc: "http(s) URL; may use ${item.url}"}}},
	"click": {Shorthand: "selector", Doc: "click an element", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true, Doc: "CSS selector"}}},
	"fill": {Doc: "type a value into an input (secret variables go through FillSecret)", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"value":    {Kind: String, Required: true}}},
	"select": {Doc: "choose an option of a <select>", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"value":    {Kind: String, Required: true}}},
	"press": {Shorthand: "key", Doc: "press a key (optionally on an element)", Fields: map[string]FieldSpec{
		"key":      {Kind: String, Required: true, Doc: "Enter, Tab, Escape, ArrowDown, a, ..."},
		"selector": {Kind: String}}},
	"hover": {Shorthand: "selector", Doc: "move the mouse over an element", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true}}},
	"wait_for": {Shorthand: "selector", Doc: "wait until an element is visible", Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true}}},
	"extract": {Doc: "one record per container element", Fields: map[string]FieldSpec{
		"container": {Kind: String, Required: true, Doc: "CSS selector of each record"},
		"fields":    {Kind: Fields, Required: true, Doc: "name: selector, or name: {selector, attr}"}}},
	"screenshot": {Shorthand: "path", Doc: "save a PNG (relative to --artifacts)", Fields: map[string]FieldSpec{
		"path": {Kind: String, Required: true}}},
	"assert_text": {Doc: "fail unless an element's text matches", OneOf: []string{"equals", "contains"}, Fields: map[string]FieldSpec{
		"selector": {Kind: String, Required: true},
		"equals":   {Kind: String},
		"contains": {Kind: String}}},
}

// CommonStepFields are accepted on every step next to the kind key.
var CommonStepFields = []string{"name", "retry", "timeout"}

// TopLevelFields are the fields a flow document may have.
var TopLevelFields = []string{"name", "start_url", "timeout", "concurrency", "variables", "engine", "items", "items_file", "steps"}

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
