package flow

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a flow file, with where it is. Safe for concurrent use (a value).
type Error struct {
	File   string // "" when parsed from bytes without a name
	Line   int    // 1-based; 0 when unknown
	Column int
	Field  string // "steps[2].fill.selector"
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, "%d:", e.Column)
		}
	} else if e.File == "" {
		b.WriteString("flow:")
	}
	b.WriteByte(' ')
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one flow file, in line order. It is what Parse and Load return
// when the flow is malformed. Safe for concurrent use once returned (read-only).
type Errors []*Error

// maxErrors keeps a thoroughly broken file from printing thousands of lines.
const maxErrors = 25

func (es Errors) Error() string {
	lines := make([]string, 0, len(es)+1)
	for i, e := range es {
		if i == maxErrors {
			lines = append(lines, fmt.Sprintf("... and %d more", len(es)-maxErrors))
			break
		}
		lines = append(lines, e.Error())
	}
	return strings.Join(lines, "\n")
}

func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Line < es[j].Line })
	return es
}

// otherToolSteps are the names other tools give a step that a flow writes another way
// (Playwright's dblclick and goto, Selenium's context_click, Cypress's type…), with how to write
// it here: a new user's first try, answered with the step that does it.
var otherToolSteps = map[string]string{
	"dblclick":          `click: {selector: "…", count: 2} (a double click)`,
	"double_click":      `click: {selector: "…", count: 2} (a double click)`,
	"doubleclick":       `click: {selector: "…", count: 2} (a double click)`,
	"dbl_click":         `click: {selector: "…", count: 2} (a double click)`,
	"triple_click":      `click: {selector: "…", count: 3} (a triple click)`,
	"right_click":       `click: {selector: "…", button: right} (a right click)`,
	"rightclick":        `click: {selector: "…", button: right} (a right click)`,
	"context_click":     `click: {selector: "…", button: right} (a right click)`,
	"goto":              `navigate: "https://…"`,
	"open":              `navigate: "https://…"`,
	"visit":             `navigate: "https://…"`,
	"type":              `fill: {selector: "…", value: "…"}, then press: {selector: "…", key: Enter} to submit`,
	"select_option":     `select: {selector: "…", value: "…"}`,
	"wait_for_selector": `wait_for: "…"`,
	"press_key":         `press: {key: Enter, selector: "…"}`,
}

// otherToolStep says how to write the step another tool calls key ("" when none), where known
// are the step kinds.
func otherToolStep(key string, known []string) string {
	h, ok := otherToolSteps[strings.ToLower(key)]
	if !ok || !contains(known, "click") || contains(known, key) {
		return ""
	}
	return h
}

// suggest returns a known name close to got ("" when none is close).
func suggest(got string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		d := levenshtein(strings.ToLower(got), k)
		if d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		for _, k := range known {
			if len(got) >= 3 && (strings.HasPrefix(k, got) || strings.HasPrefix(got, k)) {
				return k
			}
		}
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
