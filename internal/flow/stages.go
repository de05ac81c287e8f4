package flow

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartretry/smartretry/internal/crawl"
)

// Stage is one named part of a crawling flow: its steps run on every item (URL) of the stage.
// Items come from Start and from the enqueue steps of any stage. Read-only once parsed: safe for
// concurrent use.
type Stage struct {
	Name     string
	Start    []string  // URL templates (${NAME} only); empty: items only come from enqueue
	Sitemaps []Sitemap // sitemaps whose pages are items of the stage, like start URLs (sitemap.go)
	Steps    []Step
	MaxItems int // 0: no limit of its own
	MaxDepth int // 0: no limit of its own
	Line     int
}

// Crawl is the crawl-wide part of a flow with stages: limits, scope, URL normalisation,
// politeness and robots.txt. Zero fields mean the documented defaults. Read-only once parsed:
// safe for concurrent use.
type Crawl struct {
	MaxItems int // overall; 0: none
	MaxDepth int // overall; 0: none
	// Robots is "obey" (the default) or "ignore".
	Robots string
	// PerDomainConcurrency is how many pages of one domain load at once (default 2).
	PerDomainConcurrency int
	// MinDelay is the least time between two page loads of one domain (default 0).
	MinDelay time.Duration
	// Adaptive is the AIMD rate per domain (default true).
	Adaptive bool
	// Scope: SameDomain (default true), Domains, Include and Exclude patterns (compiled).
	SameDomain       bool
	Domains          []string
	Include, Exclude []crawl.Pattern
	// Normalisation: SortQuery (default true) and StripParams.
	SortQuery   bool
	StripParams []string
}

// crawlSpec is what a flow with stages adds to a Flow.
type crawlSpec struct {
	stages []*Stage
	crawl  Crawl
}

// CrawlItemFields are the fields of a crawl item, for ${item.FIELD}: its URL, the URL of the page
// it was found on (parent; "" for a start URL), its depth and its stage.
var CrawlItemFields = []string{"url", "parent", "depth", "stage"}

// Robots settings.
const (
	RobotsObey   = "obey"
	RobotsIgnore = "ignore"
)

// MaxDepthLimit bounds max_depth.
const MaxDepthLimit = 10_000

// IsCrawl reports whether the flow has stages (a crawl).
func (f *Flow) IsCrawl() bool { return f.crawl != nil }

// Stages returns the stages in file order (nil for a single-stage flow).
func (f *Flow) Stages() []*Stage {
	if f.crawl == nil {
		return nil
	}
	return f.crawl.stages
}

// Stage returns the named stage (nil when there is none).
func (f *Flow) Stage(name string) *Stage {
	for _, s := range f.Stages() {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// CrawlSettings returns the crawl-wide settings (the defaults for a flow without a crawl: block;
// nil for a single-stage flow).
func (f *Flow) CrawlSettings() *Crawl {
	if f.crawl == nil {
		return nil
	}
	c := f.crawl.crawl
	return &c
}

// URLList is an enqueue step's urls (templates, in order).
func (s Step) URLList() []string {
	v, ok := s.Fields["urls"]
	if !ok || v == "" {
		return nil
	}
	return strings.Split(v, "\n")
}

// URLs is the field shape of enqueue's urls: a list of URL templates.
const URLs FieldKind = "urls"

func init() {
	TopLevelFields = append(TopLevelFields, "stages", "crawl")
	Kinds["enqueue"] = KindSpec{Doc: "add URLs as items of a stage (a crawl): every link a selector matches, or a list", OneOf: []string{"links", "urls"},
		Fields: map[string]FieldSpec{
			"links": {Kind: String, Doc: "selector of <a href> elements (relative hrefs are made absolute); none matching is fine"},
			"urls":  {Kind: URLs, Doc: "URL templates; relative ones are resolved against the page"},
			"stage": {Kind: String, Doc: "the stage the URLs become items of (default: this stage)"}}}
}

// stageFields are the fields of one stage.
var stageFields = []string{"start", "sitemap", "steps", "max_items", "max_depth"}

// crawlFields are the fields of the crawl: block.
var crawlFields = []string{"max_items", "max_depth", "robots", "per_domain_concurrency", "min_delay", "adaptive", "scope", "normalize"}

// enqueueRef is one enqueue step, for the stage graph.
type enqueueRef struct {
	from, to string
	node     *yaml.Node // the stage name (or the step) for messages
	path     string
}

// crawlFlow parses stages: and crawl: (and refuses what a crawl cannot have). Called after the
// single-stage fields, before the items are checked.
func (p *parser) crawlFlow(root *yaml.Node, fields map[string]*yaml.Node) {
	sn, cn := fields["stages"], fields["crawl"]
	if sn == nil {
		if cn != nil {
			p.errAt(cn, "crawl", "crawl settings need stages: (a flow with steps: does not crawl)")
		}
		for i, s := range p.f.Steps {
			if s.Kind == "enqueue" {
				p.errs = append(p.errs, &Error{File: p.o.File, Line: s.Line, Field: fmt.Sprintf("steps[%d].enqueue", i),
					Msg: "enqueue adds items to a stage: write the flow with stages: (see the Crawling section of the README)"})
			}
			for j, sub := range s.Steps {
				if s.Kind == "paginate" && sub.Kind == "enqueue" {
					p.errs = append(p.errs, &Error{File: p.o.File, Line: sub.Line, Field: fmt.Sprintf("steps[%d].paginate.steps[%d].enqueue", i, j),
						Msg: "enqueue adds items to a stage: write the flow with stages: (see the Crawling section of the README)"})
				}
			}
		}
		return
	}
	for _, k := range []string{"steps", "start_url", "items", "items_file"} {
		if n := fields[k]; n != nil {
			p.errAt(n, k, "a flow with stages has no top-level %s: each stage has its own start and steps", k)
		}
	}
	spec := &crawlSpec{crawl: Crawl{Robots: RobotsObey, PerDomainConcurrency: 2, Adaptive: true, SameDomain: true, SortQuery: true}}
	p.f.crawl = spec
	if cn != nil {
		p.crawlSettings(cn, &spec.crawl)
	}
	if sn.Kind != yaml.MappingNode {
		p.errAt(sn, "stages", "want a mapping of stage name → {start, steps}, got %s", kindName(sn))
		return
	}
	if len(sn.Content) == 0 {
		p.errAt(sn, "stages", "at least one stage is required")
		return
	}
	names := map[string]*yaml.Node{}
	for i := 0; i+1 < len(sn.Content); i += 2 {
		names[sn.Content[i].Value] = sn.Content[i]
	}
	var refs []enqueueRef
	for i := 0; i+1 < len(sn.Content); i += 2 {
		kn, vn := sn.Content[i], sn.Content[i+1]
		name := kn.Value
		path := "stages." + name
		if !varName.MatchString(name) {
			p.errAt(kn, path, "bad stage name (letters, digits, _)")
			continue
		}
		if st := p.f.Stage(name); st != nil {
			p.errAt(kn, path, "stage given twice")
			continue
		}
		st := &Stage{Name: name, Line: kn.Line}
		refs = append(refs, p.stage(vn, path, st, names)...)
		spec.stages = append(spec.stages, st)
	}
	p.checkSitemapRobots(spec) // sitemap.go
	p.checkStageGraph(sn, spec, refs, names)
}

func (p *parser) crawlSettings(n *yaml.Node, c *Crawl) {
	f := p.mapping(n, "crawl", crawlFields)
	if v := f["max_items"]; v != nil {
		c.MaxItems = p.intIn(v, "crawl.max_items", 1, MaxItems)
	}
	if v := f["max_depth"]; v != nil {
		c.MaxDepth = p.intIn(v, "crawl.max_depth", 1, MaxDepthLimit)
	}
	if v := f["robots"]; v != nil {
		r := p.str(v, "crawl.robots")
		if r != RobotsObey && r != RobotsIgnore {
			p.errAt(v, "crawl.robots", "want obey or ignore, got %q", r)
		} else {
			c.Robots = r
		}
	}
	if v := f["per_domain_concurrency"]; v != nil {
		c.PerDomainConcurrency = p.intIn(v, "crawl.per_domain_concurrency", 1, MaxConcurrency)
	}
	if v := f["min_delay"]; v != nil {
		c.MinDelay = p.duration(v, "crawl.min_delay", 0, MaxDelayLimit)
	}
	if v := f["adaptive"]; v != nil {
		c.Adaptive = p.boolean(v, "crawl.adaptive")
	}
	if v := f["scope"]; v != nil {
		sf := p.mapping(v, "crawl.scope", []string{"same_domain", "domains", "include", "exclude"})
		if x := sf["same_domain"]; x != nil {
			c.SameDomain = p.boolean(x, "crawl.scope.same_domain")
		}
		if x := sf["domains"]; x != nil {
			for i, d := range p.strList(x, "crawl.scope.domains") {
				d = strings.ToLower(strings.TrimSpace(d))
				if d == "" || strings.ContainsAny(d, "/:* ") {
					p.errAt(x.Content[i], fmt.Sprintf("crawl.scope.domains[%d]", i), "want a host name such as shop.example, got %q", d)
					continue
				}
				c.Domains = append(c.Domains, d)
			}
		}
		c.Include = p.patterns(sf["include"], "crawl.scope.include")
		c.Exclude = p.patterns(sf["exclude"], "crawl.scope.exclude")
	}
	if v := f["normalize"]; v != nil {
		nf := p.mapping(v, "crawl.normalize", []string{"sort_query", "strip_params"})
		if x := nf["sort_query"]; x != nil {
			c.SortQuery = p.boolean(x, "crawl.normalize.sort_query")
		}
		if x := nf["strip_params"]; x != nil {
			for i, s := range p.strList(x, "crawl.normalize.strip_params") {
				if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "&=?# ") {
					p.errAt(x.Content[i], fmt.Sprintf("crawl.normalize.strip_params[%d]", i), "want a query parameter name (utm_source, or utm_* for a prefix), got %q", s)
					continue
				}
				c.StripParams = append(c.StripParams, s)
			}
		}
	}
}

// strList reads a list of strings (a single string is a list of one).
func (p *parser) strList(n *yaml.Node, path string) []string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.errAt(n, path, "want a list of strings, got %s", kindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, x := range n.Content {
		out = append(out, p.str(x, fmt.Sprintf("%s[%d]", path, i)))
	}
	return out
}

// patterns compiles include/exclude patterns; ${NAME} references are expanded first.
func (p *parser) patterns(n *yaml.Node, path string) []crawl.Pattern {
	if n == nil {
		return nil
	}
	var out []crawl.Pattern
	list := p.strList(n, path)
	for i, s := range list {
		at := n
		if n.Kind == yaml.SequenceNode {
			at = n.Content[i]
		}
		fp := fmt.Sprintf("%s[%d]", path, i)
		p.checkTemplate(at, fp, s, false)
		exp, err := p.expandNow(s)
		if err != nil {
			continue // reported by checkTemplate
		}
		pat, err := crawl.CompilePattern(exp)
		if err != nil {
			p.errAt(at, fp, "%v", err)
			continue
		}
		out = append(out, pat)
	}
	return out
}

// expandNow expands a template that has no item references (variables and environment).
func (p *parser) expandNow(tmpl string) (string, error) {
	rs, err := refs(tmpl)
	if err != nil {
		return "", err
	}
	for _, r := range rs {
		if r.isItem() {
			return "", fmt.Errorf("${%s}: no item here", r.Name)
		}
	}
	f := &Flow{Variables: p.f.Variables, env: p.env}
	out, _, err := f.Resolve(tmpl, Item{})
	return out, err
}

// stage parses one stage and returns its enqueue steps.
func (p *parser) stage(n *yaml.Node, path string, st *Stage, names map[string]*yaml.Node) []enqueueRef {
	f := p.mapping(n, path, stageFields)
	if v := f["max_items"]; v != nil {
		st.MaxItems = p.intIn(v, path+".max_items", 1, MaxItems)
	}
	if v := f["max_depth"]; v != nil {
		st.MaxDepth = p.intIn(v, path+".max_depth", 1, MaxDepthLimit)
	}
	if v := f["start"]; v != nil {
		for i, s := range p.strList(v, path+".start") {
			at := v
			if v.Kind == yaml.SequenceNode {
				at = v.Content[i]
			}
			fp := fmt.Sprintf("%s.start[%d]", path, i)
			p.checkTemplate(at, fp, s, false)
			if rs, err := refs(s); err == nil {
				bad := false
				for _, r := range rs {
					bad = bad || r.isItem()
				}
				if bad {
					p.errAt(at, fp, "a start URL cannot use ${item.…}: it is what makes the first items")
					p.itemRefs = p.itemRefs[:len(p.itemRefs)-countItemRefs(rs)]
					continue
				}
			}
			p.checkURL(at, fp, s)
			st.Start = append(st.Start, s)
		}
		if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			p.errAt(v, path+".start", "empty list (leave start out for a stage fed by enqueue)")
		}
	}
	if v := f["sitemap"]; v != nil {
		st.Sitemaps = p.sitemaps(v, path+".sitemap") // sitemap.go
	}
	sn := f["steps"]
	if sn == nil {
		if n.Kind == yaml.MappingNode {
			p.errAt(n, path+".steps", "field is required (a list of steps)")
		}
		return nil
	}
	if sn.Kind != yaml.SequenceNode {
		p.errAt(sn, path+".steps", "want a list of steps, got %s", kindName(sn))
		return nil
	}
	if len(sn.Content) == 0 {
		p.errAt(sn, path+".steps", "at least one step is required")
		return nil
	}
	if len(sn.Content) > MaxSteps {
		p.errAt(sn, path+".steps", "too many steps (%d, at most %d)", len(sn.Content), MaxSteps)
		return nil
	}
	var out []enqueueRef
	refsBefore, urlsBefore := len(p.itemRefs), len(p.urlTmpls)
	for i, stepNode := range sn.Content {
		sp := fmt.Sprintf("%s.steps[%d]", path, i)
		s, ok := p.step(stepNode, sp)
		if !ok {
			continue
		}
		if s.Kind == "enqueue" {
			ref, ok := p.enqueue(&s, stepNode, sp, st.Name, names)
			if !ok {
				continue
			}
			out = append(out, ref)
		}
		if s.Kind == "paginate" {
			out = append(out, p.pageEnqueues(&s, stepNode, sp, st.Name, names)...) // paginate.go
		}
		st.Steps = append(st.Steps, s)
	}
	// Items of a crawl have fixed fields: check the steps' ${item.X} here, not against items.
	for _, r := range p.itemRefs[refsBefore:] {
		if !contains(CrawlItemFields, r.name) {
			p.errs = append(p.errs, &Error{File: p.o.File, Line: r.line, Column: r.col, Field: r.field,
				Msg: fmt.Sprintf("${item.%s}: a crawl item has %s", r.name, strings.Join(CrawlItemFields, ", "))})
		}
	}
	p.itemRefs = p.itemRefs[:refsBefore]
	p.urlTmpls = p.urlTmpls[:urlsBefore]
	return out
}

func countItemRefs(rs []ref) int {
	n := 0
	for _, r := range rs {
		if r.isItem() {
			n++
		}
	}
	return n
}

// enqueue finishes an enqueue step: its urls list and its target stage.
func (p *parser) enqueue(s *Step, n *yaml.Node, path, stage string, names map[string]*yaml.Node) (enqueueRef, bool) {
	kp := path + ".enqueue"
	var body *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "enqueue" {
			body = n.Content[i+1]
		}
	}
	ref := enqueueRef{from: stage, to: stage, node: body, path: kp}
	if body == nil || body.Kind != yaml.MappingNode {
		return ref, false
	}
	var urlsNode, stageNode *yaml.Node
	for i := 0; i+1 < len(body.Content); i += 2 {
		switch body.Content[i].Value {
		case "urls":
			urlsNode = body.Content[i+1]
		case "stage":
			stageNode = body.Content[i+1]
		}
	}
	ok := true
	if urlsNode != nil {
		list := p.strList(urlsNode, kp+".urls")
		if urlsNode.Kind == yaml.SequenceNode && len(urlsNode.Content) == 0 {
			p.errAt(urlsNode, kp+".urls", "empty list")
			ok = false
		}
		for i, u := range list {
			at := urlsNode
			if urlsNode.Kind == yaml.SequenceNode {
				at = urlsNode.Content[i]
			}
			fp := fmt.Sprintf("%s.urls[%d]", kp, i)
			if strings.TrimSpace(u) == "" || strings.Contains(u, "\n") {
				p.errAt(at, fp, "want a URL (absolute, or relative to the page)")
				ok = false
				continue
			}
			p.checkTemplate(at, fp, u, false)
		}
		s.Fields["urls"] = strings.Join(list, "\n")
	}
	if stageNode != nil {
		to := s.Fields["stage"]
		if _, known := names[to]; !known {
			known := sortedKeys(names)
			msg := fmt.Sprintf("unknown stage %q (stages: %s)", to, strings.Join(known, ", "))
			if g := suggest(to, known); g != "" {
				msg = fmt.Sprintf("unknown stage %q (did you mean %q?)", to, g)
			}
			p.errAt(stageNode, kp+".stage", "%s", msg)
			return ref, false
		}
		ref.to, ref.node = to, stageNode
	} else {
		s.Fields["stage"] = stage
	}
	return ref, ok
}

// checkStageGraph: some stage has start URLs, every stage can be reached, and every cycle of
// enqueue steps has a limit (or the crawl has one), so a crawl always ends.
func (p *parser) checkStageGraph(sn *yaml.Node, spec *crawlSpec, refs []enqueueRef, names map[string]*yaml.Node) {
	if len(spec.stages) == 0 {
		return
	}
	edges := map[string][]string{}
	for _, r := range refs {
		edges[r.from] = append(edges[r.from], r.to)
	}
	reached := map[string]bool{}
	var todo []string
	for _, st := range spec.stages {
		if st.HasStart() {
			reached[st.Name] = true
			todo = append(todo, st.Name)
		}
	}
	if len(todo) == 0 {
		p.errAt(sn, "stages", "no stage has start URLs or a sitemap: give the first stage a start: list (or a sitemap:)")
		return
	}
	for len(todo) > 0 {
		s := todo[0]
		todo = todo[1:]
		for _, t := range edges[s] {
			if !reached[t] {
				reached[t] = true
				todo = append(todo, t)
			}
		}
	}
	for _, st := range spec.stages {
		if !reached[st.Name] {
			p.errAt(names[st.Name], "stages."+st.Name, "no item can ever reach this stage: it has no start URLs, no sitemap, and no enqueue step of a reachable stage adds to it")
		}
	}
	if spec.crawl.MaxItems > 0 || spec.crawl.MaxDepth > 0 {
		return
	}
	limited := map[string]bool{}
	for _, st := range spec.stages {
		limited[st.Name] = st.MaxItems > 0 || st.MaxDepth > 0
	}
	for _, comp := range cycles(spec.stages, edges) {
		ok := false
		for _, s := range comp {
			ok = ok || limited[s]
		}
		if ok {
			continue
		}
		// Name the enqueue step that closes the cycle (the first one inside it).
		in := map[string]bool{}
		for _, s := range comp {
			in[s] = true
		}
		for _, r := range refs {
			if in[r.from] && in[r.to] {
				p.errAt(r.node, r.path, "stages %s form a cycle with no limit, so the crawl might never end: set max_items or max_depth on one of them, or in crawl:",
					cycleText(comp))
				break
			}
		}
	}
}

func cycleText(comp []string) string {
	if len(comp) == 1 {
		return comp[0] + " → " + comp[0]
	}
	return strings.Join(comp, " → ") + " → " + comp[0]
}

// cycles returns the strongly connected components that hold a cycle (Tarjan), each in stage
// order.
func cycles(stages []*Stage, edges map[string][]string) [][]string {
	order := map[string]int{}
	for i, s := range stages {
		order[s.Name] = i
	}
	index, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var out [][]string
	next := 0
	var visit func(v string)
	visit = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range edges[v] {
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var comp []string
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			comp = append(comp, w)
			if w == v {
				break
			}
		}
		self := false
		for _, w := range edges[v] {
			self = self || w == v
		}
		if len(comp) > 1 || self {
			sort.Slice(comp, func(i, j int) bool { return order[comp[i]] < order[comp[j]] })
			out = append(out, comp)
		}
	}
	for _, s := range stages {
		if _, seen := index[s.Name]; !seen {
			visit(s.Name)
		}
	}
	return out
}
