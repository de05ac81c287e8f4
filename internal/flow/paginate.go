package flow

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// paginate walks a list whose pages come from a next control (Session.Paginate): a "Next" link,
// a button that loads the next page by XHR without changing the URL, a "Load more" button. Its
// steps run on every page, the first included.

// MaxPagesLimit bounds a paginate step's max_pages.
const MaxPagesLimit = 100000

func init() {
	Kinds["paginate"] = KindSpec{Doc: "run steps on every page of a list, clicking its next control until it is gone, hidden or disabled (a Next link or button, an AJAX pager, a Load more button)", Fields: map[string]FieldSpec{
		"next":      {Kind: String, Required: true, Doc: "the next control (Next link or button, Load more); of several matches the first usable one is clicked"},
		"steps":     {Kind: StepList, Doc: "the steps run on every page, the first included (no paginate; enqueue in a crawl's stage adds each page's links); none: only click until the control is done, then read the whole list with the next steps"},
		"max_pages": {Kind: Integer, Min: 1, Max: MaxPagesLimit, Doc: "stop after this many pages (default 1000)"}}}
}

// pageSteps reads a paginate step's steps.
func (p *parser) pageSteps(n *yaml.Node, path string) []Step {
	return p.nestedSteps(n, path, "run on every page", "; leave steps out to only click until the next control is done",
		map[string]string{"paginate": "a paginate inside a paginate is not supported"})
}

// pageEnqueues finishes the enqueue steps of a crawl stage's paginate (n is the paginate's
// step node): their target stages, as for the stage's own enqueue steps.
func (p *parser) pageEnqueues(s *Step, n *yaml.Node, path, stage string, names map[string]*yaml.Node) []enqueueRef {
	var list *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if body := n.Content[i+1]; n.Content[i].Value == "paginate" && body.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(body.Content); j += 2 {
				if body.Content[j].Value == "steps" && body.Content[j+1].Kind == yaml.SequenceNode {
					list = body.Content[j+1]
				}
			}
		}
	}
	if list == nil {
		return nil
	}
	// The enqueue steps, in order, and their nodes, in order (a flow whose enqueue did not parse
	// is refused already).
	var nodes []*yaml.Node
	var at []int
	for j, sn := range list.Content {
		for k := 0; sn.Kind == yaml.MappingNode && k+1 < len(sn.Content); k += 2 {
			if sn.Content[k].Value == "enqueue" {
				nodes, at = append(nodes, sn), append(at, j)
			}
		}
	}
	var out []enqueueRef
	for i := range s.Steps {
		sub := &s.Steps[i]
		if sub.Kind != "enqueue" || len(nodes) == 0 {
			continue
		}
		if ref, ok := p.enqueue(sub, nodes[0], fmt.Sprintf("%s.paginate.steps[%d]", path, at[0]), stage, names); ok {
			out = append(out, ref)
		}
		nodes, at = nodes[1:], at[1:]
	}
	return out
}

// checkPaginate checks what paginate needs beyond its fields: a next selector, and no retry of
// its own (it would apply to every step on every page).
func (p *parser) checkPaginate(s *Step, nodes map[string]*yaml.Node, kp string) bool {
	ok := true
	if v := nodes["next"]; v != nil && strings.TrimSpace(s.Fields["next"]) == "" {
		p.errAt(v, kp+".next", "must not be empty")
		ok = false
	}
	if s.Retry != nil {
		p.errs = append(p.errs, &Error{File: p.o.File, Line: s.Line, Field: strings.TrimSuffix(kp, ".paginate") + ".retry",
			Msg: "a paginate step is not retried as a whole (a page could be read twice): give retry to its steps"})
		ok = false
	}
	return ok
}
