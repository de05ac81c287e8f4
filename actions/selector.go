package actions

import (
	"fmt"
	"regexp"
	"strings"
)

// Selector engines (query.js does the matching in the page; this checks the syntax up front so a
// malformed selector is refused before anything waits, with a message that says what is wrong).
// doc.go's "Selectors" section is the reference.
var (
	enginePrefix = regexp.MustCompile(`^([a-zA-Z][\w-]*)=`)
	chainFilter  = regexp.MustCompile(`^(nth\s*=\s*-?\d+|visible\s*=\s*(true|false))$`)
	roleName     = regexp.MustCompile(`^([a-zA-Z][a-zA-Z-]*)\s*`)
	roleAttr     = regexp.MustCompile(`^\[\s*([a-zA-Z-]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|/(?:[^/\\]|\\.)+/[a-z]*|[^\]\s]+))?\s*([is])?\s*\]\s*`)
	roleAttrs    = map[string]bool{"name": true, "exact": true, "checked": true, "disabled": true, "expanded": true,
		"pressed": true, "selected": true, "level": true, "include-hidden": true}
)

// MaxSelectorLen is the longest selector an action accepts (16 KiB). Longer ones are refused at
// once: no real page needs them, and parsing one in the page can outlast an attempt's deadline on
// a busy machine, which would turn a plain input error into a timeout and a retry.
const MaxSelectorLen = 16 << 10

// validateSelector checks the engine syntax of sel: known engine prefixes, non-empty steps
// around ">>>", a readable role= expression, a sane length. CSS and XPath grammar are left to
// the browser.
func validateSelector(sel string) error {
	if strings.TrimSpace(sel) == "" {
		return fmt.Errorf("empty selector")
	}
	if len(sel) > MaxSelectorLen {
		return fmt.Errorf("selector of %d bytes: the limit is %d", len(sel), MaxSelectorLen)
	}
	for i, step := range splitChain(sel) {
		if step == "" {
			return fmt.Errorf(`empty step around ">>>" (or ">>")`)
		}
		if i > 0 && chainFilter.MatchString(step) {
			continue // nth=N, visible=true: Playwright's filters of the matches so far
		}
		m := enginePrefix.FindStringSubmatch(step)
		if m == nil {
			continue // CSS, or XPath starting with "/", "(" or "."
		}
		body := strings.TrimSpace(step[len(m[0]):])
		switch strings.ToLower(m[1]) {
		case "css", "xpath":
			if body == "" {
				return fmt.Errorf("%s= needs a selector", strings.ToLower(m[1]))
			}
		case "text":
			if body == "" || body == `""` || body == `''` {
				return fmt.Errorf(`text= needs the text to look for, as in text=Add to cart or text="Add to cart"`)
			}
		case "role":
			if err := validateRole(body); err != nil {
				return err
			}
		case "id", "data-testid", "data-test-id", "data-test":
			if body == "" || body == `""` || body == `''` {
				return fmt.Errorf("%s= needs a value, as in %s=submit", strings.ToLower(m[1]), strings.ToLower(m[1]))
			}
		case "nth", "visible":
			if i == 0 {
				return fmt.Errorf("%s= filters what the steps before it matched, as in li >> %s: it cannot come first", strings.ToLower(m[1]), step)
			}
			if strings.EqualFold(m[1], "nth") {
				return fmt.Errorf("nth= wants a whole number: nth=0 the first, nth=-1 the last")
			}
			return fmt.Errorf("visible= wants true or false")
		default:
			return fmt.Errorf("unknown selector engine %q (known: css=, text=, role=, xpath=, id=, data-testid=)", m[1]+"=")
		}
	}
	return nil
}

func validateRole(body string) error {
	m := roleName.FindStringSubmatch(body)
	if m == nil {
		return fmt.Errorf(`role= needs a role name, as in role=button[name="Save"]`)
	}
	rest := body[len(m[0]):]
	for rest != "" {
		a := roleAttr.FindStringSubmatch(rest)
		if a == nil {
			return fmt.Errorf(`role=: cannot read %q (attributes look like [name="Save"], [checked], [level=2])`, rest)
		}
		if !roleAttrs[strings.ToLower(a[1])] {
			return fmt.Errorf("role=: unknown attribute [%s] (known: name, exact, checked, disabled, expanded, pressed, selected, level, include-hidden)", a[1])
		}
		if strings.EqualFold(a[1], "name") && a[2] == "" {
			return fmt.Errorf("role=: [name] needs a value")
		}
		rest = rest[len(a[0]):]
	}
	return nil
}

// PlainCSS reports whether sel is a CSS selector the browser matches by itself
// (document.querySelector): no engine prefix (text=, role=, xpath=, css=…), no chain (">>>",
// ">>"), no XPath, none of Playwright's pseudo-classes (:has-text(), :visible…). Code that hands
// a selector to the browser directly checks this first. Safe for concurrent use.
func PlainCSS(sel string) bool {
	sel = strings.TrimSpace(sel)
	if sel == "" || enginePrefix.MatchString(sel) || len(splitChain(sel)) > 1 {
		return false
	}
	if strings.HasPrefix(sel, "/") || strings.HasPrefix(sel, "(") || strings.HasPrefix(sel, "./") || strings.HasPrefix(sel, "../") || sel == ".." {
		return false // XPath
	}
	return !playwrightPseudo.MatchString(sel)
}

// playwrightPseudo finds Playwright's pseudo-classes, which query.js applies itself.
var playwrightPseudo = regexp.MustCompile(`:(has-text|text-is|text-matches|text|visible)([^\w-]|$)`)

// splitChain splits sel on ">>>" (and Playwright's ">>") outside quotes, brackets and
// parentheses (as query.js does).
func splitChain(sel string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(sel); i++ {
		c := sel[i]
		if quote != 0 {
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch {
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		case depth == 0 && strings.HasPrefix(sel[i:], ">>>"):
			out = append(out, strings.TrimSpace(sel[start:i]))
			start = i + 3
			i += 2
		case depth == 0 && strings.HasPrefix(sel[i:], ">>"):
			out = append(out, strings.TrimSpace(sel[start:i]))
			start = i + 2
			i++
		}
	}
	return append(out, strings.TrimSpace(sel[start:]))
}
