package flow

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// Options tune Parse. The zero value reads the process environment and the file system.
// Safe for concurrent use if Env and ReadFile are.
type Options struct {
	// File names the flow in messages and is where items_file is looked up from.
	File string
	// Env looks up ${NAME} references; nil means os.LookupEnv.
	Env func(name string) (string, bool)
	// ReadFile reads items_file; nil means os.ReadFile.
	ReadFile func(path string) ([]byte, error)
}

// Load reads and parses a flow file (and its items_file).
func Load(path string, env func(string) (string, bool)) (*Flow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Errors{{File: path, Msg: err.Error()}}
	}
	return Parse(data, Options{File: path, Env: env})
}

// Parse parses and validates a flow document. On failure the error is an Errors listing every
// problem with its line and field.
func Parse(data []byte, o Options) (*Flow, error) {
	if o.Env == nil {
		o.Env = os.LookupEnv
	}
	if o.ReadFile == nil {
		o.ReadFile = os.ReadFile
	}
	p := &parser{o: o, f: &Flow{Path: o.File, Variables: map[string]Variable{}}, env: map[string]string{}}
	p.parse(data)
	if len(p.errs) > 0 {
		return nil, p.errs.sorted()
	}
	p.f.env = p.env
	return p.f, nil
}

type parser struct {
	o    Options
	f    *Flow
	env  map[string]string
	errs Errors
	// itemRefs: every ${item.X} used, with where, so items can be checked against them.
	itemRefs []usedRef
	urlTmpls []usedRef // URL templates that need a per-item check
	// reads: record field → the line of the read step that writes it.
	reads map[string]int
	// fixedSaveAs: download save_as names without ${item.…} (expect.go), refused in a batch.
	fixedSaveAs []usedRef
}

type usedRef struct {
	field string // path of the field that uses it
	line  int
	col   int
	name  string // item field name, or the template for urlTmpls
}

func (p *parser) errAt(n *yaml.Node, field, format string, args ...any) {
	e := &Error{File: p.o.File, Field: field, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func (p *parser) parse(data []byte) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		e := &Error{File: p.o.File, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = strings.TrimSpace(yamlLine.ReplaceAllString(e.Msg, ""))
			e.Msg = strings.TrimPrefix(e.Msg, ": ")
		}
		p.errs = append(p.errs, e)
		return
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		p.errs = append(p.errs, &Error{File: p.o.File, Msg: "empty flow: want a mapping with steps"})
		return
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.errAt(root, "", "a flow is a mapping (name, start_url, steps, ...), got %s", kindName(root))
		return
	}
	fields := p.mapping(root, "", TopLevelFields)
	// Variables first: every other template may use them.
	if n := fields["variables"]; n != nil {
		p.variables(n)
	}
	if n := fields["name"]; n != nil {
		p.f.Name = p.str(n, "name")
	}
	if n := fields["timeout"]; n != nil {
		p.f.Timeout = p.duration(n, "timeout", MinTimeout, MaxTimeoutLimit)
	}
	if n := fields["navigation_timeout"]; n != nil {
		p.f.NavigationTimeout = p.duration(n, "navigation_timeout", MinTimeout, MaxTimeoutLimit)
	}
	if n := fields["concurrency"]; n != nil {
		p.f.Concurrency = p.intIn(n, "concurrency", 1, MaxConcurrency)
	}
	if n := fields["engine"]; n != nil {
		p.engine(n)
	}
	if n := fields["viewport"]; n != nil {
		vf := p.mapping(n, "viewport", []string{"width", "height"})
		vp := &Viewport{}
		for _, k := range []string{"width", "height"} {
			v := vf[k]
			if v == nil {
				if n.Kind == yaml.MappingNode {
					p.errAt(n, "viewport."+k, "field is required")
				}
				continue
			}
			x := p.intIn(v, "viewport."+k, MinViewport, MaxViewport)
			if k == "width" {
				vp.Width = x
			} else {
				vp.Height = x
			}
		}
		p.f.Viewport = vp
	}
	if n := fields["isolated"]; n != nil {
		p.f.Shared = !p.boolean(n, "isolated")
	}
	if n := fields["user_agent"]; n != nil {
		ua := strings.TrimSpace(p.str(n, "user_agent"))
		if ua == "" && n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
			p.errAt(n, "user_agent", "must not be empty (leave it out for the browser's own)")
		} else if err := browser.CheckUserAgent(ua); err != nil {
			p.errAt(n, "user_agent", "%v", err)
		}
		p.f.UserAgent = ua
	}
	if n := fields["ignore_https_errors"]; n != nil {
		p.f.IgnoreHTTPSErrors = p.boolean(n, "ignore_https_errors")
	}
	if n := fields["http_credentials"]; n != nil {
		p.httpCredentials(n) // inputs.go
	}
	if n := fields["dialogs"]; n != nil {
		p.dialogs(n) // inputs.go
	}
	if n := fields["steps"]; n != nil {
		p.steps(n)
	} else if fields["stages"] == nil {
		p.errAt(root, "steps", "field is required (a list of steps, or stages: for a crawl)")
	}
	if n := fields["start_url"]; n != nil {
		p.f.StartURL = p.str(n, "start_url")
		p.checkTemplate(n, "start_url", p.f.StartURL, false)
		p.checkURL(n, "start_url", p.f.StartURL)
	}
	if n := fields["items"]; n != nil {
		p.items(n)
	}
	if n := fields["items_file"]; n != nil {
		if fields["items"] != nil {
			p.errAt(n, "items_file", "use either items or items_file, not both")
		} else {
			p.f.ItemsFile = p.str(n, "items_file")
			p.itemsFile(n)
		}
	}
	if p.f.StartURL == "" && len(p.f.Steps) > 0 && p.f.Steps[0].Kind != "navigate" {
		if len(p.f.Items) > 0 && p.f.Items[0].Fields["url"] != "" {
			p.f.StartURL = "${item.url}"
			p.urlTmpls = append(p.urlTmpls, usedRef{field: "start_url", line: root.Line, name: p.f.StartURL})
			p.itemRefs = append(p.itemRefs, usedRef{field: "start_url (implied by items)", line: root.Line, name: "url"})
		} else {
			p.errAt(root, "start_url", "field is required unless the first step is navigate")
		}
	}
	p.crawlFlow(root, fields) // stages: and crawl: (stages.go)
	p.checkItems()
	p.checkFixedSaveAs() // expect.go
}

// mapping checks n is a mapping with only known keys, no duplicates, and returns key → value.
func (p *parser) mapping(n *yaml.Node, path string, known []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.errAt(n, path, "want a mapping, got %s", kindName(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		fp := join(path, key)
		if known != nil && !contains(known, key) {
			msg := fmt.Sprintf("unknown field %q", key)
			if h := otherToolStep(key, known); h != "" {
				msg += " (write " + h + ")"
			} else if s := suggest(key, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (known: " + strings.Join(known, ", ") + ")"
			}
			p.errAt(k, fp, "%s", msg)
			continue
		}
		if _, dup := out[key]; dup {
			p.errAt(k, fp, "field given twice")
			continue
		}
		out[key] = v
	}
	return out
}

func (p *parser) str(n *yaml.Node, path string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errAt(n, path, "want a string, got %s", kindName(n))
		return ""
	}
	return n.Value
}

func (p *parser) boolean(n *yaml.Node, path string) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.errAt(n, path, "want true or false, got %s", kindName(n))
		return false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
}

func (p *parser) intIn(n *yaml.Node, path string, lo, hi int) int {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		p.errAt(n, path, "want an integer, got %s", kindName(n))
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v < lo || v > hi {
		p.errAt(n, path, "want an integer from %d to %d, got %s", lo, hi, n.Value)
		return 0
	}
	return v
}

// DurationPattern is what a duration looks like in a flow file (Go syntax, no sign): "500ms",
// "2s", "1m30s", or "0". The JSON Schema uses the same pattern.
const DurationPattern = `^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$`

var durationRE = regexp.MustCompile(DurationPattern)

func (p *parser) duration(n *yaml.Node, path string, lo, hi time.Duration) time.Duration {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errAt(n, path, "want a duration like \"2s\", got %s", kindName(n))
		return 0
	}
	if !durationRE.MatchString(n.Value) {
		p.errAt(n, path, "want a duration like \"500ms\", \"2s\" or \"1m30s\", got %q", n.Value)
		return 0
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		p.errAt(n, path, "bad duration %q: %v", n.Value, err)
		return 0
	}
	if d < lo || d > hi {
		p.errAt(n, path, "want a duration from %s to %s, got %s", fmtDur(lo), fmtDur(hi), n.Value)
		return 0
	}
	return d
}

func fmtDur(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	return d.String()
}

func (p *parser) strategy(n *yaml.Node, path string) *retry.Strategy {
	s := p.str(n, path)
	if s == "" {
		return nil
	}
	if !contains(strategyNames(), s) {
		msg := fmt.Sprintf("unknown strategy %q (want one of %s)", s, quoteList(strategyNames()))
		if g := suggest(s, strategyNames()); g != "" {
			msg = fmt.Sprintf("unknown strategy %q (did you mean %q?)", s, g)
		}
		p.errAt(n, path, "%s", msg)
		return nil
	}
	st, err := retry.ParseStrategy(s)
	if err != nil {
		p.errAt(n, path, "%v", err)
		return nil
	}
	return &st
}

var varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (p *parser) variables(n *yaml.Node) {
	vars := p.mapping(n, "variables", nil)
	keys := sortedKeys(vars)
	for _, name := range keys {
		v := vars[name]
		path := "variables." + name
		if !varName.MatchString(name) || name == "item" {
			p.errAt(v, path, "bad variable name (letters, digits, _; not \"item\")")
			continue
		}
		var raw string
		var secret bool
		valNode := v
		if v.Kind == yaml.MappingNode {
			f := p.mapping(v, path, []string{"value", "secret"})
			if f["value"] == nil {
				p.errAt(v, path+".value", "field is required")
				continue
			}
			valNode = f["value"]
			raw = p.str(valNode, path+".value")
			if s := f["secret"]; s != nil {
				secret = p.boolean(s, path+".secret")
			}
		} else {
			raw = p.str(v, path)
		}
		// A variable may use the environment only: "${PASSWORD}".
		var b strings.Builder
		err := scan(raw, func(s string) { b.WriteString(s) }, func(r ref) {
			if r.isItem() {
				p.errAt(valNode, path, "a variable cannot use ${%s} (items are per run; use it in steps)", r.Name)
				return
			}
			val, ok := p.o.Env(r.Name)
			if !ok {
				p.errAt(valNode, path, "environment variable %s is not set", r.Name)
				return
			}
			b.WriteString(val)
		})
		if err != nil {
			p.errAt(valNode, path, "%v", err)
		}
		p.f.Variables[name] = Variable{Value: b.String(), Secret: secret}
	}
}

// checkTemplate checks a template's references: variables and environment exist now, item fields
// are noted for checking against the items, and secrets only go where allowSecret says.
func (p *parser) checkTemplate(n *yaml.Node, path, tmpl string, allowSecret bool) {
	rs, err := refs(tmpl)
	if err != nil {
		p.errAt(n, path, "%v", err)
		return
	}
	for _, r := range rs {
		if r.isItem() {
			p.itemRefs = append(p.itemRefs, usedRef{field: path, line: n.Line, col: n.Column, name: r.itemField()})
			continue
		}
		if v, ok := p.f.Variables[r.Name]; ok {
			if v.Secret && !allowSecret {
				p.errAt(n, path, "variable %q is secret: it can only be a fill value or http_credentials.password (it would be printed here)", r.Name)
			}
			continue
		}
		val, ok := p.o.Env(r.Name)
		if !ok {
			p.errAt(n, path, "${%s} is neither a variable of this flow nor a set environment variable", r.Name)
			continue
		}
		p.env[r.Name] = val
	}
}

// secretValue keeps a fill_secret value out of everything printed: the variables it names become
// secret (so no other field may print them), and its value and the environment variables in it
// are redacted. An item's field is refused: items are data, written with the results.
func (p *parser) secretValue(n *yaml.Node, path, tmpl string) {
	rs, err := refs(tmpl)
	if err != nil {
		return // reported by checkTemplate
	}
	for _, r := range rs {
		switch v, ok := p.f.Variables[r.Name]; {
		case r.isItem():
			p.errAt(n, path, "${%s}: a secret cannot come from an item (items are written with the results); use a variable or an environment variable", r.Name)
			return
		case ok:
			v.Secret = true
			p.f.Variables[r.Name] = v
		default:
			if val, ok := p.env[r.Name]; ok && val != "" {
				p.f.secrets = append(p.f.secrets, val)
			}
		}
	}
	f := &Flow{Variables: p.f.Variables, env: p.env}
	if val, _, err := f.Resolve(tmpl, Item{}); err == nil && val != "" {
		p.f.secrets = append(p.f.secrets, val)
	}
}

// checkURL checks a URL template now when it has no item references, else once per item later.
func (p *parser) checkURL(n *yaml.Node, path, tmpl string) {
	rs, err := refs(tmpl)
	if err != nil {
		return // reported by checkTemplate
	}
	for _, r := range rs {
		if r.isItem() {
			p.urlTmpls = append(p.urlTmpls, usedRef{field: path, line: n.Line, col: n.Column, name: tmpl})
			return
		}
	}
	f := &Flow{Variables: p.f.Variables, env: p.env}
	u, _, err := f.Resolve(tmpl, Item{})
	if err != nil {
		return // reported by checkTemplate
	}
	if msg := badURL(u); msg != "" {
		p.errAt(n, path, "%s", msg)
	}
}

// badURL says what is wrong with a URL to navigate to ("" when nothing is).
func badURL(s string) string {
	if strings.TrimSpace(s) == "" {
		return "empty URL"
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("bad URL %q: %v", s, err)
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return fmt.Sprintf("bad URL %q: no host", s)
		}
	case "file":
	case "about":
		if s != "about:blank" {
			return fmt.Sprintf("bad URL %q: only about:blank", s)
		}
	case "":
		return fmt.Sprintf("bad URL %q: want an absolute http(s) URL", s)
	default:
		return fmt.Sprintf("bad URL %q: scheme %q not supported (http, https, file)", s, u.Scheme)
	}
	return ""
}

func (p *parser) engine(n *yaml.Node) {
	f := p.mapping(n, "engine", []string{"errors", "circuit_breaker", "max_retry_after"})
	if m := f["max_retry_after"]; m != nil {
		p.f.Engine.MaxRetryAfter = p.duration(m, "engine.max_retry_after", time.Millisecond, MaxDelayLimit)
	}
	if b := f["circuit_breaker"]; b != nil {
		bf := p.mapping(b, "engine.circuit_breaker", []string{"enabled", "threshold", "window", "cooloff", "max_wait"})
		br := &Breaker{}
		if v := bf["enabled"]; v != nil {
			e := p.boolean(v, "engine.circuit_breaker.enabled")
			br.Enabled = &e
		}
		if v := bf["threshold"]; v != nil {
			br.Threshold = p.intIn(v, "engine.circuit_breaker.threshold", 1, 1000)
		}
		if v := bf["window"]; v != nil {
			br.Window = p.duration(v, "engine.circuit_breaker.window", time.Millisecond, MaxDelayLimit)
		}
		if v := bf["cooloff"]; v != nil {
			br.Cooloff = p.duration(v, "engine.circuit_breaker.cooloff", time.Millisecond, MaxDelayLimit)
		}
		if v := bf["max_wait"]; v != nil {
			d := p.duration(v, "engine.circuit_breaker.max_wait", 0, MaxDelayLimit)
			br.MaxWait = &d
		}
		p.f.Engine.Breaker = br
	}
	if e := f["errors"]; e != nil {
		types := p.mapping(e, "engine.errors", errorTypeNames())
		p.f.Engine.Errors = map[retry.ErrorType]TypeConfig{}
		for _, name := range sortedKeys(types) {
			v := types[name]
			path := "engine.errors." + name
			t, _ := retry.ParseErrorType(name)
			tf := p.mapping(v, path, []string{"max_attempts", "strategy", "base_delay", "max_delay"})
			var tc TypeConfig
			if x := tf["max_attempts"]; x != nil {
				tc.MaxAttempts = p.intIn(x, path+".max_attempts", 1, MaxAttemptsLimit)
			}
			if x := tf["strategy"]; x != nil {
				tc.Strategy = p.strategy(x, path+".strategy")
			}
			if x := tf["base_delay"]; x != nil {
				d := p.duration(x, path+".base_delay", 0, MaxDelayLimit)
				tc.BaseDelay = &d
			}
			if x := tf["max_delay"]; x != nil {
				d := p.duration(x, path+".max_delay", 0, MaxDelayLimit)
				tc.MaxDelay = &d
			}
			if tc.BaseDelay != nil && tc.MaxDelay != nil && *tc.MaxDelay > 0 && *tc.BaseDelay > *tc.MaxDelay {
				p.errAt(tf["base_delay"], path+".base_delay", "base_delay %s is above max_delay %s", tc.BaseDelay, tc.MaxDelay)
			}
			p.f.Engine.Errors[t] = tc
		}
	}
}

func (p *parser) steps(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.errAt(n, "steps", "want a list of steps, got %s", kindName(n))
		return
	}
	if len(n.Content) == 0 {
		p.errAt(n, "steps", "at least one step is required")
		return
	}
	if len(n.Content) > MaxSteps {
		p.errAt(n, "steps", "too many steps (%d, at most %d)", len(n.Content), MaxSteps)
		return
	}
	for i, sn := range n.Content {
		if s, ok := p.step(sn, fmt.Sprintf("steps[%d]", i)); ok {
			p.f.Steps = append(p.f.Steps, s)
		}
	}
}

func (p *parser) step(n *yaml.Node, path string) (Step, bool) {
	s := Step{Line: n.Line, Fields: map[string]string{}}
	if n.Kind != yaml.MappingNode {
		p.errAt(n, path, "want a mapping with one of %s, got %s", strings.Join(KindNames(), ", "), kindName(n))
		return s, false
	}
	known := append(KindNames(), CommonStepFields...)
	before := len(p.errs)
	f := p.mapping(n, path, known)
	var kindNode *yaml.Node
	for _, k := range KindNames() {
		if v := f[k]; v != nil {
			if s.Kind != "" {
				p.errAt(v, path, "one step does one thing: both %s and %s", s.Kind, k)
				return s, false
			}
			s.Kind, kindNode = k, v
		}
	}
	if s.Kind == "" {
		if len(p.errs) > before {
			return s, false // the unknown field is the likely typo of the action
		}
		p.errAt(n, path, "no action: want one of %s", strings.Join(KindNames(), ", "))
		return s, false
	}
	if v := f["name"]; v != nil {
		s.Name = p.str(v, path+".name")
	}
	if v := f["timeout"]; v != nil {
		s.Timeout = p.duration(v, path+".timeout", MinTimeout, MaxTimeoutLimit)
	}
	if v := f["retry"]; v != nil {
		rf := p.mapping(v, path+".retry", []string{"max_attempts", "strategy"})
		sr := &StepRetry{}
		if x := rf["max_attempts"]; x != nil {
			sr.MaxAttempts = p.intIn(x, path+".retry.max_attempts", 1, MaxAttemptsLimit)
		}
		if x := rf["strategy"]; x != nil {
			sr.Strategy = p.strategy(x, path+".retry.strategy")
		}
		s.Retry = sr
	}
	spec := Kinds[s.Kind]
	kp := path + "." + s.Kind
	nodes := map[string]*yaml.Node{}
	switch {
	case kindNode.Kind == yaml.ScalarNode && spec.Shorthand != "":
		nodes[spec.Shorthand] = kindNode
	case kindNode.Kind == yaml.MappingNode:
		nodes = p.mapping(kindNode, kp, sortedKeys(spec.Fields))
	case kindNode.Kind == yaml.ScalarNode && kindNode.Tag == "!!null" && !anyRequired(spec):
		// "- reload:" — a step with nothing to say.
	default:
		if spec.Shorthand != "" {
			p.errAt(kindNode, kp, "want a %s or a mapping of %s, got %s", spec.Shorthand, strings.Join(sortedKeys(spec.Fields), ", "), kindName(kindNode))
		} else {
			p.errAt(kindNode, kp, "want a mapping of %s, got %s", strings.Join(sortedKeys(spec.Fields), ", "), kindName(kindNode))
		}
		return s, false
	}
	ok := true
	for _, name := range sortedKeys(spec.Fields) {
		fs := spec.Fields[name]
		v := nodes[name]
		fp := kp + "." + name
		if v == nil {
			if fs.Required {
				p.errAt(kindNode, fp, "field is required")
				ok = false
			}
			continue
		}
		switch fs.Kind {
		case String:
			val := p.str(v, fp)
			s.Fields[name] = val
			if fs.Enum != nil || name == "as" {
				break // a keyword or a record field name, not a template: checked below
			}
			allowSecret := (s.Kind == "fill" || s.Kind == "fill_secret") && name == "value"
			p.checkTemplate(v, fp, val, allowSecret)
			if s.Kind == "fill_secret" && name == "value" {
				p.secretValue(v, fp, val)
			}
			if name == "selector" || name == "container" || name == "key" || name == "path" || name == "name" || name == "from" || name == "to" {
				if strings.TrimSpace(val) == "" && v.Tag != "!!null" {
					p.errAt(v, fp, "must not be empty")
				}
			}
		case Fields:
			s.Extract = p.extractFields(v, fp)
		case Integer:
			x := p.intIn(v, fp, fs.Min, fs.Max)
			switch name {
			case "nth":
				s.Nth = &x
			case "count", "max_pages":
				s.Count = x
			}
		case Number:
			x := p.number(v, fp, float64(fs.Max))
			switch name {
			case "dx":
				s.DX = x
			case "dy":
				s.DY = x
			}
		case Statuses:
			s.ExpectStatus, s.AnyStatus = p.statuses(v, fp)
		case Strings:
			s.Files = p.files(v, fp) // inputs.go
		case StepField:
			if s.Action = p.actionStep(v, fp); s.Action == nil { // expect.go
				ok = false
			}
		case StepList:
			if s.Kind == "paginate" {
				s.Steps = p.pageSteps(v, fp) // paginate.go
			} else {
				s.Steps = p.popupSteps(v, fp) // expect.go
			}
		}
		if fs.Enum != nil && s.Fields[name] != "" && !contains(fs.Enum, s.Fields[name]) {
			got := s.Fields[name]
			msg := fmt.Sprintf("unknown %s %q (want one of %s)", name, got, strings.Join(fs.Enum, ", "))
			if g := suggest(got, fs.Enum); g != "" {
				msg = fmt.Sprintf("unknown %s %q (did you mean %q?)", name, got, g)
			}
			p.errAt(v, fp, "%s", msg)
			ok = false
		}
	}
	ok = p.checkStep(&s, nodes, kindNode, kp) && ok
	if len(spec.OneOf) > 0 {
		var set []string
		for _, k := range spec.OneOf {
			if nodes[k] != nil {
				set = append(set, k)
			}
		}
		if len(set) != 1 {
			p.errAt(kindNode, kp, "want exactly one of %s", strings.Join(spec.OneOf, ", "))
			ok = false
		}
	}
	if s.Kind == "navigate" && nodes["url"] != nil {
		p.checkURL(nodes["url"], kp+".url", s.Fields["url"])
	}
	if s.Kind == "screenshot" && nodes["path"] != nil {
		if pth := s.Fields["path"]; filepath.IsAbs(pth) || strings.Contains(filepath.ToSlash(pth), "../") || pth == ".." {
			p.errAt(nodes["path"], kp+".path", "want a relative path inside the artifacts directory, got %q", pth)
		}
	}
	return s, ok
}

// checkStep checks what one field cannot say alone: combinations, and record field names.
func (p *parser) checkStep(s *Step, nodes map[string]*yaml.Node, kindNode *yaml.Node, kp string) bool {
	ok := true
	switch s.Kind {
	case "popup", "download":
		ok = p.checkExpect(s, nodes, kindNode, kp) // expect.go
	case "paginate":
		ok = p.checkPaginate(s, nodes, kp) // paginate.go
	case "wait_for":
		if nodes["state"] != nil && nodes["text"] != nil {
			p.errAt(nodes["text"], kp+".text", "use either state or text (a text is waited for in a visible element)")
			ok = false
		}
	case "scroll":
		if s.DX == 0 && s.DY == 0 && nodes["dx"] == nil && nodes["dy"] == nil {
			p.errAt(kindNode, kp, "want dx or dy (pixels to scroll; dy: 600 is about a screen down)")
			ok = false
		} else if s.DX == 0 && s.DY == 0 {
			p.errAt(kindNode, kp, "dx and dy are both 0: nothing to scroll")
			ok = false
		}
	}
	if s.IsRead() {
		an := nodes["as"]
		if an == nil {
			an = kindNode
		}
		into := s.Into()
		if nodes["as"] != nil {
			into = s.Fields["as"]
		}
		switch {
		case !varName.MatchString(into) && nodes["as"] != nil:
			p.errAt(an, kp+".as", "bad record field name %q (letters, digits, _)", into)
			ok = false
		case !varName.MatchString(into):
			p.errAt(an, kp, "the attribute %q is not a record field name: give one with as", into)
			ok = false
		case p.reads[into] != 0:
			p.errAt(an, kp, "record field %q is already read by the step on line %d (give this one another name with as)", into, p.reads[into])
			ok = false
		default:
			if p.reads == nil {
				p.reads = map[string]int{}
			}
			p.reads[into] = s.Line
		}
	}
	return ok
}

// number reads a number (integer or fraction) whose magnitude is at most limit.
func (p *parser) number(n *yaml.Node, path string, limit float64) float64 {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		p.errAt(n, path, "want a number, got %s", kindName(n))
		return 0
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > limit {
		p.errAt(n, path, "want a number from %g to %g, got %s", -limit, limit, n.Value)
		return 0
	}
	return v
}

// statuses reads expect_status: one HTTP status, a list of them, or "any".
func (p *parser) statuses(n *yaml.Node, path string) (codes []int, anyStatus bool) {
	one := func(c *yaml.Node, at string) (int, bool) {
		if c.Kind != yaml.ScalarNode || c.Tag != "!!int" {
			p.errAt(c, at, "want an HTTP status (100 to 599) or any, got %s", kindName(c))
			return 0, false
		}
		v, err := strconv.Atoi(c.Value)
		if err != nil || v < 100 || v > 599 {
			p.errAt(c, at, "want an HTTP status from 100 to 599, got %s", c.Value)
			return 0, false
		}
		return v, true
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Value == "any":
		return nil, true
	case n.Kind == yaml.ScalarNode && n.Tag == "!!str":
		msg := fmt.Sprintf("want an HTTP status, a list of them, or any, got %q", n.Value)
		if strings.EqualFold(strings.TrimSpace(n.Value), "any") {
			msg += " (did you mean \"any\"?)"
		}
		p.errAt(n, path, "%s", msg)
		return nil, false
	case n.Kind == yaml.ScalarNode:
		if v, ok := one(n, path); ok {
			return []int{v}, false
		}
		return nil, false
	case n.Kind == yaml.SequenceNode:
		if len(n.Content) == 0 {
			p.errAt(n, path, "empty list: want at least one status (or any)")
			return nil, false
		}
		seen := map[int]bool{}
		for i, c := range n.Content {
			at := fmt.Sprintf("%s[%d]", path, i)
			v, ok := one(c, at)
			if !ok {
				continue
			}
			if seen[v] {
				p.errAt(c, at, "status %d given twice", v)
				continue
			}
			seen[v] = true
			codes = append(codes, v)
		}
		return codes, false
	}
	p.errAt(n, path, "want an HTTP status, a list of them, or any, got %s", kindName(n))
	return nil, false
}

func (p *parser) extractFields(n *yaml.Node, path string) []ExtractField {
	m := p.mapping(n, path, nil)
	if n.Kind == yaml.MappingNode && len(n.Content) == 0 {
		p.errAt(n, path, "at least one field is required")
	}
	var out []ExtractField
	// Keep file order: records read in the order the author wrote.
	for i := 0; i+1 < len(n.Content) && n.Kind == yaml.MappingNode; i += 2 {
		name := n.Content[i].Value
		v, ok := m[name]
		if !ok || v != n.Content[i+1] {
			continue
		}
		fp := path + "." + name
		if !varName.MatchString(name) {
			p.errAt(n.Content[i], fp, "bad field name (letters, digits, _)")
			continue
		}
		ef := ExtractField{Name: name}
		if v.Kind == yaml.MappingNode {
			f := p.mapping(v, fp, []string{"selector", "attr"})
			if f["selector"] == nil {
				p.errAt(v, fp+".selector", "field is required")
				continue
			}
			ef.Selector = p.str(f["selector"], fp+".selector")
			if a := f["attr"]; a != nil {
				ef.Attr = p.str(a, fp+".attr")
			}
		} else {
			ef.Selector = p.str(v, fp)
		}
		if strings.TrimSpace(ef.Selector) == "" {
			p.errAt(v, fp, "selector must not be empty")
		}
		p.checkTemplate(v, fp, ef.Selector, false)
		out = append(out, ef)
	}
	return out
}

var itemField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

func (p *parser) items(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.errAt(n, "items", "want a list of URLs or of mappings, got %s", kindName(n))
		return
	}
	if len(n.Content) == 0 {
		p.errAt(n, "items", "empty list (leave items out for a single run)")
		return
	}
	for i, in := range n.Content {
		path := fmt.Sprintf("items[%d]", i)
		it := Item{Line: in.Line, col: in.Column, Fields: map[string]string{}}
		switch in.Kind {
		case yaml.ScalarNode:
			it.Fields["url"] = p.str(in, path)
		case yaml.MappingNode:
			for k, v := range p.mapping(in, path, nil) {
				if !itemField.MatchString(k) {
					p.errAt(v, path+"."+k, "bad field name")
					continue
				}
				if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
					p.errAt(v, path+"."+k, "want a scalar, got %s", kindName(v))
					continue
				}
				it.Fields[k] = v.Value
			}
		default:
			p.errAt(in, path, "want a URL or a mapping, got %s", kindName(in))
			continue
		}
		p.addItem(it, path, in.Line, "")
	}
}

func (p *parser) itemsFile(n *yaml.Node) {
	name := p.f.ItemsFile
	if name == "" {
		p.errAt(n, "items_file", "must not be empty")
		return
	}
	full := name
	if !filepath.IsAbs(full) && p.o.File != "" {
		full = filepath.Join(filepath.Dir(p.o.File), name)
	}
	data, err := p.o.ReadFile(full)
	if err != nil {
		p.errAt(n, "items_file", "%v", err)
		return
	}
	items, errs := ParseItems(data, full)
	p.errs = append(p.errs, errs...)
	for _, it := range items {
		p.addItem(it, "", it.Line, full)
	}
	if len(items) == 0 && len(errs) == 0 {
		p.errAt(n, "items_file", "%s has no items", name)
	}
}

func (p *parser) addItem(it Item, path string, line int, file string) {
	if len(p.f.Items) >= MaxItems {
		if len(p.f.Items) == MaxItems {
			p.errs = append(p.errs, &Error{File: p.o.File, Line: line, Field: path, Msg: fmt.Sprintf("too many items (at most %d)", MaxItems)})
		}
		return
	}
	if u, ok := it.Fields["url"]; ok {
		if msg := badURL(u); msg != "" {
			if strings.Contains(u, "${") {
				// Items are data: a user who wrote "${SITE}/page" expected a template.
				msg += "; items are data, ${…} is not expanded in them: put the variable part in start_url (start_url: \"${SITE}${item.path}\", items: [{path: /page}])"
			}
			p.errs = append(p.errs, &Error{File: orStr(file, p.o.File), Line: line, Column: it.col, Field: join(path, "url"), Msg: msg})
			it.badURL = true
		}
	}
	it.Key = itemKey(it.Fields)
	p.f.Items = append(p.f.Items, it)
}

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// itemKey identifies an item in results: its id, else its url, else its fields as
// "name=value" pairs in name order, joined by "&" (values query-escaped).
func itemKey(fields map[string]string) string {
	if id := fields["id"]; id != "" {
		return id
	}
	if u := fields["url"]; u != "" {
		return u
	}
	parts := make([]string, 0, len(fields))
	for _, k := range sortedKeys(fields) {
		parts = append(parts, k+"="+url.QueryEscape(fields[k]))
	}
	return strings.Join(parts, "&")
}

// ParseItems reads an items file: one URL a line, or one JSON object a line (JSONL). Blank lines
// and lines starting with # are skipped. file names the file in messages.
func ParseItems(data []byte, file string) ([]Item, Errors) {
	var items []Item
	var errs Errors
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		it := Item{Line: line, Fields: map[string]string{}}
		if strings.HasPrefix(t, "{") {
			var obj map[string]any
			dec := json.NewDecoder(strings.NewReader(t))
			dec.UseNumber()
			if err := dec.Decode(&obj); err != nil {
				errs = append(errs, &Error{File: file, Line: line, Msg: "bad JSON object: " + err.Error()})
				continue
			}
			bad := false
			for k, v := range obj {
				if !itemField.MatchString(k) {
					errs = append(errs, &Error{File: file, Line: line, Field: k, Msg: "bad field name"})
					bad = true
					continue
				}
				switch x := v.(type) {
				case string:
					it.Fields[k] = x
				case json.Number:
					it.Fields[k] = x.String()
				case bool:
					it.Fields[k] = strconv.FormatBool(x)
				default:
					errs = append(errs, &Error{File: file, Line: line, Field: k, Msg: "want a string, number or boolean"})
					bad = true
				}
			}
			if bad {
				continue
			}
		} else {
			it.Fields["url"] = t
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &Error{File: file, Line: line + 1, Msg: err.Error()})
	}
	return items, errs
}

// checkItems checks every ${item.X} against every item, and URL templates per item.
func (p *parser) checkItems() {
	if len(p.f.Items) == 0 {
		if p.f.ItemsFile != "" {
			return // already reported
		}
		for _, r := range p.itemRefs {
			p.errs = append(p.errs, &Error{File: p.o.File, Line: r.line, Column: r.col, Field: r.field,
				Msg: fmt.Sprintf("${item.%s} used but the flow has no items (add items or items_file)", r.name)})
		}
		return
	}
	seen := map[string]bool{}
	reported := 0
	f := &Flow{Variables: p.f.Variables, env: p.env}
	for _, it := range p.f.Items {
		if seen[it.Key] {
			p.errs = append(p.errs, &Error{File: orStr(p.fileOfItems(), p.o.File), Line: it.Line, Column: it.col, Field: "items",
				Msg: fmt.Sprintf("duplicate item %q (results are keyed by id, else url)", it.Key)})
			reported++
		}
		seen[it.Key] = true
		for _, r := range p.itemRefs {
			if _, ok := it.Fields[r.name]; !ok && reported < maxErrors {
				p.errs = append(p.errs, &Error{File: orStr(p.fileOfItems(), p.o.File), Line: it.Line, Column: it.col, Field: "items",
					Msg: fmt.Sprintf("item %q has no field %q (used by %s on line %d)", it.Key, r.name, r.field, r.line)})
				reported++
			}
		}
		for _, u := range p.urlTmpls {
			if it.badURL {
				break
			}
			s, _, err := f.Resolve(u.name, it)
			if err != nil {
				continue
			}
			if msg := badURL(s); msg != "" && reported < maxErrors {
				p.errs = append(p.errs, &Error{File: p.o.File, Line: u.line, Column: u.col, Field: u.field,
					Msg: fmt.Sprintf("for item %q (line %d): %s", it.Key, it.Line, msg)})
				reported++
			}
		}
		if reported >= maxErrors {
			return
		}
	}
}

func (p *parser) fileOfItems() string {
	if p.f.ItemsFile == "" {
		return ""
	}
	if filepath.IsAbs(p.f.ItemsFile) || p.o.File == "" {
		return p.f.ItemsFile
	}
	return filepath.Join(filepath.Dir(p.o.File), p.f.ItemsFile)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing (null)"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ErrorsOf returns the flow errors inside err (nil when err is not a flow error).
func ErrorsOf(err error) Errors {
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	return nil
}
