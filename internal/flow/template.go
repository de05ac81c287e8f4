package flow

import (
	"fmt"
	"regexp"
	"strings"
)

// ref is one ${...} reference in a template.
type ref struct {
	Name string // "SITE", "password", or "item.url"
}

func (r ref) isItem() bool      { return strings.HasPrefix(r.Name, "item.") }
func (r ref) itemField() string { return strings.TrimPrefix(r.Name, "item.") }

var refName = regexp.MustCompile(`^(item\.[A-Za-z_][A-Za-z0-9_-]*|[A-Za-z_][A-Za-z0-9_]*)$`)

// scan splits a template into literal text and references, calling lit and onRef in order.
// "$${" is a literal "${". A "${" without a closing "}" or with a bad name is an error.
func scan(s string, lit func(string), onRef func(ref)) error {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit(s)
			return nil
		}
		if i > 0 && s[i-1] == '$' {
			lit(s[:i-1] + "${")
			s = s[i+2:]
			continue
		}
		lit(s[:i])
		rest := s[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			return fmt.Errorf("unclosed ${ in %q", short(s[i:]))
		}
		name := strings.TrimSpace(rest[:j])
		if !refName.MatchString(name) {
			return fmt.Errorf("bad reference ${%s} (want ${NAME} or ${item.FIELD})", rest[:j])
		}
		onRef(ref{Name: name})
		s = rest[j+1:]
	}
}

func refs(s string) ([]ref, error) {
	var out []ref
	err := scan(s, func(string) {}, func(r ref) { out = append(out, r) })
	return out, err
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Resolve expands a template for one item: ${item.FIELD} from the item, ${NAME} from the flow's
// variables, else the environment captured when the flow was loaded. secret reports whether a
// secret variable went into the result; callers must then never print it.
func (f *Flow) Resolve(tmpl string, it Item) (out string, secret bool, err error) {
	var b strings.Builder
	var refErr error
	err = scan(tmpl, func(s string) { b.WriteString(s) }, func(r ref) {
		if r.isItem() {
			v, ok := it.Fields[r.itemField()]
			if !ok && refErr == nil {
				refErr = fmt.Errorf("item %q has no field %q", it.Key, r.itemField())
			}
			b.WriteString(v)
			return
		}
		if v, ok := f.Variables[r.Name]; ok {
			b.WriteString(v.Value)
			secret = secret || v.Secret
			return
		}
		v, ok := f.env[r.Name]
		if !ok && refErr == nil {
			refErr = fmt.Errorf("%s is neither a variable nor a set environment variable", r.Name)
		}
		b.WriteString(v)
	})
	if err == nil {
		err = refErr
	}
	return b.String(), secret, err
}

// Secrets returns the values of the secret variables and of fill_secret steps (for redaction of
// anything printed).
func (f *Flow) Secrets() []string {
	out := append([]string(nil), f.secrets...)
	for _, v := range f.Variables {
		if v.Secret && v.Value != "" {
			out = append(out, v.Value)
		}
	}
	return out
}

// Batch returns the items to run: the flow's items, or a single item "main" for a flow without any.
func (f *Flow) Batch() []Item {
	if len(f.Items) > 0 {
		return f.Items
	}
	return []Item{{Key: "main", Fields: map[string]string{}}}
}

// IsBatch reports whether the flow runs over items.
func (f *Flow) IsBatch() bool { return len(f.Items) > 0 || f.ItemsFile != "" }
