package flow

import (
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// The parts of the language that hand the browser things from outside the page: files for the
// upload step, credentials for HTTP authentication, answers to JS dialogs.

// anyRequired reports whether a step kind has a required field (a kind without one may be
// written bare: "- reload:").
func anyRequired(k KindSpec) bool {
	for _, f := range k.Fields {
		if f.Required {
			return true
		}
	}
	return false
}

// files reads upload's files: a path or a list of them (templates). A path without references
// is checked now: it must name a file, relative to the flow file's directory.
func (p *parser) files(n *yaml.Node, path string) []string {
	var list []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		list = []*yaml.Node{n}
	case yaml.SequenceNode:
		list = n.Content
	default:
		p.errAt(n, path, "want a file path or a list of them, got %s", kindName(n))
		return nil
	}
	if len(list) == 0 {
		p.errAt(n, path, "want at least one file")
		return nil
	}
	if len(list) > MaxFiles {
		p.errAt(n, path, "too many files (%d, at most %d)", len(list), MaxFiles)
		return nil
	}
	var out []string
	for i, e := range list {
		at := path
		if n.Kind == yaml.SequenceNode {
			at = path + "[" + itoa(i) + "]"
		}
		if e.Kind != yaml.ScalarNode || e.Tag == "!!null" {
			p.errAt(e, at, "want a file path, got %s", kindName(e))
			continue
		}
		v := e.Value
		if strings.TrimSpace(v) == "" {
			p.errAt(e, at, "must not be empty")
			continue
		}
		p.checkTemplate(e, at, v, false)
		out = append(out, v)
		if strings.Contains(v, "${") {
			continue // checked by the upload itself, once expanded
		}
		full := p.f.FilePath(v)
		st, err := os.Stat(full)
		switch {
		case err != nil:
			p.errAt(e, at, "file %q not found (%s; relative paths start at the flow file's directory)", v, full)
		case st.IsDir():
			p.errAt(e, at, "%q is a directory, not a file", v)
		}
	}
	return out
}

// FilePath is where a path of the flow (an upload's file) points: an absolute path as it is, a
// relative one from the flow file's directory (the working directory for a flow without a file).
func (f *Flow) FilePath(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	dir := "."
	if f.Path != "" {
		dir = filepath.Dir(f.Path)
	}
	full, err := filepath.Abs(filepath.Join(dir, path))
	if err != nil {
		return filepath.Join(dir, path)
	}
	return full
}

// httpCredentials reads http_credentials: {username, password, origins}.
func (p *parser) httpCredentials(n *yaml.Node) {
	const path = "http_credentials"
	f := p.mapping(n, path, []string{"username", "password", "origins"})
	if n.Kind != yaml.MappingNode {
		return
	}
	c := &HTTPCredentials{}
	for _, k := range []string{"username", "password"} {
		v := f[k]
		if v == nil {
			p.errAt(n, path+"."+k, "field is required")
			continue
		}
		val := p.str(v, path+"."+k)
		if rs, err := refs(val); err == nil {
			for _, r := range rs {
				if r.isItem() {
					p.errAt(v, path+"."+k, "${%s}: the credentials serve the whole run, not one item", r.Name)
				}
			}
		}
		p.checkTemplate(v, path+"."+k, val, k == "password")
		if k == "username" {
			if strings.TrimSpace(val) == "" {
				p.errAt(v, path+"."+k, "must not be empty")
			}
			c.Username = val
		} else {
			c.Password = val
		}
	}
	if v := f["origins"]; v != nil {
		if v.Kind != yaml.SequenceNode {
			p.errAt(v, path+".origins", "want a list of origins (https://host[:port]), got %s", kindName(v))
		} else {
			for i, o := range v.Content {
				at := path + ".origins[" + itoa(i) + "]"
				val := p.str(o, at)
				if !strings.HasPrefix(val, "http://") && !strings.HasPrefix(val, "https://") {
					p.errAt(o, at, "want an origin like https://intranet.example, got %q", val)
					continue
				}
				c.Origins = append(c.Origins, val)
			}
		}
	}
	p.f.HTTPCredentials = c
}

// dialogs reads dialogs: {accept, prompt_text}.
func (p *parser) dialogs(n *yaml.Node) {
	const path = "dialogs"
	f := p.mapping(n, path, []string{"accept", "prompt_text"})
	if n.Kind != yaml.MappingNode {
		return
	}
	d := &Dialogs{Accept: true}
	if v := f["accept"]; v != nil {
		d.Accept = p.boolean(v, path+".accept")
	}
	if v := f["prompt_text"]; v != nil {
		d.PromptText = p.str(v, path+".prompt_text")
		p.checkTemplate(v, path+".prompt_text", d.PromptText, false)
		if rs, err := refs(d.PromptText); err == nil {
			for _, r := range rs {
				if r.isItem() {
					p.errAt(v, path+".prompt_text", "${%s}: dialogs are answered the same way for every item", r.Name)
				}
			}
		}
		if !d.Accept {
			p.errAt(v, path+".prompt_text", "a dismissed prompt gets no text (accept: false)")
		}
	}
	p.f.Dialogs = d
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}
