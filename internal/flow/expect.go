package flow

import (
	"fmt"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// The steps that wrap another step and wait for what it makes the browser do: popup (the tab a
// click opens, with steps run in it, then back to the opener) and download (the file a click
// downloads, saved under the run's downloads directory). They are Session.ExpectPopup and
// Session.ExpectDownload.

// Field shapes of popup and download.
const (
	// StepField is one step (any kind but popup, download and enqueue); a bare string is a
	// click on that selector.
	StepField FieldKind = "step"
	// StepList is a list of steps (the popup's).
	StepList FieldKind = "steps"
)

// MaxPopupDepth bounds popups opened from popups.
const MaxPopupDepth = 4

// notAnAction are the kinds that cannot be a popup's or a download's action.
var notAnAction = []string{"popup", "download", "enqueue"}

func init() {
	Kinds["popup"] = KindSpec{Doc: "run a step that opens a new tab (target=_blank, window.open), run steps in that tab, close it and go on in the opener", Fields: map[string]FieldSpec{
		"action": {Kind: StepField, Required: true, Doc: "the step that opens the tab (a string: a click on that selector)"},
		"steps":  {Kind: StepList, Required: true, Doc: "the steps run in the new tab; its reads go into the item's record"}}}
	Kinds["download"] = KindSpec{Shorthand: "action", Doc: "run a step that downloads a file and save it in the downloads directory; path, name, size and url go into the item's record", Fields: map[string]FieldSpec{
		"action":  {Kind: StepField, Required: true, Doc: "the step that starts the download (a string: a click on that selector)"},
		"save_as": {Kind: String, Doc: "file name, relative to the downloads directory (default: the name the site gives, with (1), (2)... when taken); may use ${item.FIELD}"},
		"as":      {Kind: String, Doc: "record field (default: download)"}}}
	ReadKinds = append(ReadKinds, "download")
}

// actionStep reads a popup's or a download's action: a step mapping, or a selector to click.
func (p *parser) actionStep(n *yaml.Node, path string) *Step {
	sn := n
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		// "action: text=Open" is a click on it: parse it as the step {click: "text=Open"}.
		sn = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column,
			Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "click", Line: n.Line, Column: n.Column}, n}}
	} else if n.Kind != yaml.MappingNode {
		p.errAt(n, path, "want a step (e.g. {click: \"text=Open\"}) or a selector to click, got %s", kindName(n))
		return nil
	}
	for i := 0; i+1 < len(sn.Content); i += 2 {
		if k := sn.Content[i].Value; contains(notAnAction, k) {
			p.errAt(sn.Content[i], path, "%s cannot be the action of a popup or a download: give the step that opens the tab or starts the download (a click, a press...)", k)
			return nil
		}
	}
	s, ok := p.step(sn, path)
	if !ok {
		return nil
	}
	return &s
}

// popupSteps reads a popup's steps.
func (p *parser) popupSteps(n *yaml.Node, path string) []Step {
	if strings.Count(path, ".popup.steps[") >= MaxPopupDepth {
		p.errAt(n, path, "popups nested more than %d deep", MaxPopupDepth)
		return nil
	}
	return p.nestedSteps(n, path, "run in the new tab", "", map[string]string{
		"enqueue":  "enqueue adds the links of the item's page: put it outside the popup",
		"download": "a download from a popup is not supported: open the popup's URL with navigate, or download from the opener",
	})
}

// nestedSteps reads the steps a step runs (a popup's, a paginate's): where says what they run
// on, empty what to do instead of an empty list ("" for nothing), refused the steps not allowed
// there and why.
func (p *parser) nestedSteps(n *yaml.Node, path, where, empty string, refused map[string]string) []Step {
	if n.Kind != yaml.SequenceNode {
		p.errAt(n, path, "want a list of steps (%s), got %s", where, kindName(n))
		return nil
	}
	if len(n.Content) == 0 {
		p.errAt(n, path, "at least one step is required (%s)%s", where, empty)
		return nil
	}
	if len(n.Content) > MaxSteps {
		p.errAt(n, path, "too many steps (%d, at most %d)", len(n.Content), MaxSteps)
		return nil
	}
	var out []Step
	for i, sn := range n.Content {
		sp := fmt.Sprintf("%s[%d]", path, i)
		if sn.Kind == yaml.MappingNode {
			bad := false
			for j := 0; j+1 < len(sn.Content); j += 2 {
				if why, no := refused[sn.Content[j].Value]; no {
					p.errAt(sn.Content[j], sp+"."+sn.Content[j].Value, "%s", why)
					bad = true
				}
			}
			if bad {
				continue
			}
		}
		if s, ok := p.step(sn, sp); ok {
			out = append(out, s)
		}
	}
	return out
}

// checkExpect checks what popup and download need beyond their fields: the retry belongs to
// the action (a popup's would apply to every step in the tab), and save_as stays inside the
// downloads directory.
func (p *parser) checkExpect(s *Step, nodes map[string]*yaml.Node, kindNode *yaml.Node, kp string) bool {
	ok := true
	if s.Retry != nil {
		p.errs = append(p.errs, &Error{File: p.o.File, Line: s.Line, Field: strings.TrimSuffix(kp, "."+s.Kind) + ".retry",
			Msg: fmt.Sprintf("a %s step is not retried as a whole: give retry to its action (action: {click: ..., retry: {...}})", s.Kind)})
		ok = false
	}
	if s.Kind != "download" {
		return ok
	}
	v := nodes["save_as"]
	if v == nil {
		return ok
	}
	name := s.Fields["save_as"]
	if msg := badSaveAs(name); msg != "" {
		p.errAt(v, kp+".save_as", "%s", msg)
		return false
	}
	if rs, err := refs(name); err == nil && countItemRefs(rs) == 0 {
		p.fixedSaveAs = append(p.fixedSaveAs, usedRef{field: kp + ".save_as", line: v.Line, col: v.Column, name: name})
	}
	return ok
}

// badSaveAs says what is wrong with a download's file name ("" when nothing is): it must be a
// relative path that stays inside the downloads directory and names a file.
func badSaveAs(name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return "must not be empty"
	case strings.ContainsRune(name, 0):
		return "a file name cannot hold a NUL byte"
	case filepath.IsAbs(name) || strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) || filepath.VolumeName(name) != "":
		return fmt.Sprintf("want a path relative to the downloads directory (--downloads), got %q", name)
	case strings.HasSuffix(name, "/") || strings.HasSuffix(name, `\`):
		return fmt.Sprintf("%q names a directory: give a file name (leave save_as out to keep the name the site gives)", name)
	}
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return fmt.Sprintf("%q leaves the downloads directory (..)", name)
		}
	}
	if c := filepath.Clean(name); c == "." {
		return fmt.Sprintf("%q names the downloads directory itself: give a file name", name)
	}
	return ""
}

// SaveAsPath is where a download's expanded save_as puts the file under dir (absolute), or an
// error when the expanded name (an item's field may hold anything) is not a file inside dir.
func SaveAsPath(dir, name string) (string, error) {
	if msg := badSaveAs(name); msg != "" {
		return "", fmt.Errorf("save_as: %s", msg)
	}
	full := filepath.Join(dir, filepath.Clean(name))
	rel, err := filepath.Rel(dir, full)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("save_as: %q leaves the downloads directory", name)
	}
	return full, nil
}

// checkFixedSaveAs refuses a save_as without ${item.…} in a flow with many items: every item
// would write the same file, each one replacing the last.
func (p *parser) checkFixedSaveAs() {
	if !p.f.IsBatch() && !p.f.IsCrawl() {
		return
	}
	for _, r := range p.fixedSaveAs {
		p.errs = append(p.errs, &Error{File: p.o.File, Line: r.line, Column: r.col, Field: r.field,
			Msg: fmt.Sprintf("every item would save to %q, each replacing the last: use ${item.FIELD} in it, or leave save_as out to keep the names the site gives", r.name)})
	}
}
