package flow

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

const schemaPath = "../../schema/flow.schema.json"

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(schemaPath)
	require.NoError(t, err)
	var s map[string]any
	require.NoError(t, json.Unmarshal(data, &s))
	return s
}

func keysOf(m any) []string {
	mm, _ := m.(map[string]any)
	out := make([]string, 0, len(mm))
	for k := range mm {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	sort.Strings(out)
	return out
}

// The schema and the parser describe the same language: same step kinds, same fields, same
// required fields, same shorthands, same enums, same duration pattern.
func TestSchemaMatchesParser(t *testing.T) {
	s := loadSchema(t)
	defs := s["$defs"].(map[string]any)
	assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", s["$schema"])

	top := append([]string(nil), TopLevelFields...)
	sort.Strings(top)
	assert.Equal(t, top, keysOf(s["properties"]), "top-level fields")

	var schemaKinds []string
	for _, ref := range defs["step"].(map[string]any)["oneOf"].([]any) {
		name := strings.TrimPrefix(ref.(map[string]any)["$ref"].(string), "#/$defs/")
		kind := strings.TrimSuffix(name, "Step")
		schemaKinds = append(schemaKinds, kind)
		t.Run(kind, func(t *testing.T) {
			spec, ok := Kinds[kind]
			require.True(t, ok, "schema step kind %q unknown to the parser", kind)
			step := defs[name].(map[string]any)
			common := append([]string{kind}, CommonStepFields...)
			sort.Strings(common)
			assert.Equal(t, common, keysOf(step["properties"]), "fields next to the kind")
			assert.Equal(t, false, step["additionalProperties"])

			body := step["properties"].(map[string]any)[kind].(map[string]any)
			if spec.Shorthand != "" {
				alts := body["oneOf"].([]any)
				require.Len(t, alts, 2)
				assert.Equal(t, "string", alts[0].(map[string]any)["type"], "shorthand")
				assert.Contains(t, alts[0].(map[string]any)["description"], spec.Shorthand)
				body = alts[1].(map[string]any)
			} else if alts, ok := body["oneOf"].([]any); ok {
				for _, a := range alts {
					assert.Nil(t, a.(map[string]any)["type"], "no shorthand in the parser")
				}
			}
			assert.Equal(t, sortedKeys(spec.Fields), keysOf(body["properties"]))
			assert.Equal(t, false, body["additionalProperties"])
			var req []string
			for n, f := range spec.Fields {
				if f.Required {
					req = append(req, n)
				}
			}
			sort.Strings(req)
			assert.Equal(t, req, strs(body["required"]))
			var oneOf []string
			if alts, ok := body["oneOf"].([]any); ok {
				for _, a := range alts {
					oneOf = append(oneOf, strs(a.(map[string]any)["required"])...)
				}
			}
			want := append([]string(nil), spec.OneOf...)
			sort.Strings(want)
			sort.Strings(oneOf)
			assert.Equal(t, want, oneOf)
		})
	}
	sort.Strings(schemaKinds)
	assert.Equal(t, KindNames(), schemaKinds)

	assert.Equal(t, strategyNames(), toStrings(defs["strategy"].(map[string]any)["enum"]))
	errProps := s["properties"].(map[string]any)["engine"].(map[string]any)["properties"].(map[string]any)["errors"]
	want := errorTypeNames()
	sort.Strings(want)
	assert.Equal(t, want, keysOf(errProps.(map[string]any)["properties"]))
	assert.Equal(t, DurationPattern, defs["duration"].(map[string]any)["pattern"])
	assert.EqualValues(t, MaxConcurrency, s["properties"].(map[string]any)["concurrency"].(map[string]any)["maximum"])
	assert.EqualValues(t, MaxAttemptsLimit, defs["stepRetry"].(map[string]any)["properties"].(map[string]any)["max_attempts"].(map[string]any)["maximum"])
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

var exampleEnv = map[string]string{"SITE": "http://127.0.0.1:1", "DEMO_PASSWORD": "pw"}

// Every example is valid for both the schema and the parser.
func TestExamplesValidate(t *testing.T) {
	s := loadSchema(t)
	files, err := filepath.Glob("../../examples/*.yaml")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 3)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			_, err = Load(file, func(k string) (string, bool) { v, ok := exampleEnv[k]; return v, ok })
			require.NoError(t, err)
			var doc any
			require.NoError(t, yaml.Unmarshal(data, &doc))
			assert.Empty(t, validate(s, s, jsonish(doc), "$"))
		})
	}
}

// Documents the parser rejects for their shape are rejected by the schema too.
func TestSchemaRejectsWhatParserRejects(t *testing.T) {
	s := loadSchema(t)
	for _, src := range []string{
		"start_url: http://h/\nsteps:\n  - clik: a\n",
		"start_url: http://h/\nstep: []\n",
		"start_url: http://h/\nsteps:\n  - fill: {selector: a}\n",
		"start_url: http://h/\nsteps:\n  - fill: '#a'\n",
		"start_url: http://h/\nsteps:\n  - click: a\n    hover: b\n",
		"start_url: http://h/\nsteps:\n  - click: a\n    retry: {strategy: expo}\n",
		"start_url: http://h/\nsteps:\n  - click: a\n    retry: {max_attempts: 10000}\n",
		"start_url: http://h/\ntimeout: 5\nsteps:\n  - click: a\n",
		"start_url: http://h/\nconcurrency: 0\nsteps:\n  - click: a\n",
		"start_url: http://h/\nsteps:\n  - assert_text: {selector: a}\n",
		"start_url: http://h/\nsteps:\n  - assert_text: {selector: a, equals: x, contains: y}\n",
		"start_url: http://h/\nsteps:\n  - extract: {container: a, fields: {}}\n",
		"start_url: http://h/\nsteps:\n  - screenshot: /etc/x.png\n",
		"start_url: http://h/\nengine: {errors: {ratelimit: {max_attempts: 2}}}\nsteps:\n  - click: a\n",
		"start_url: http://h/\nitems: [http://h/1]\nitems_file: x.txt\nsteps:\n  - click: a\n",
		"start_url: http://h/\nsteps: []\n",
	} {
		t.Run(src, func(t *testing.T) {
			_, perr := parse(t, src)
			require.Error(t, perr, "parser")
			var doc any
			require.NoError(t, yaml.Unmarshal([]byte(src), &doc))
			assert.NotEmpty(t, validate(s, s, jsonish(doc), "$"), "schema accepts what the parser rejects")
		})
	}
}

// jsonish turns a YAML value into what encoding/json would give for the same JSON.
func jsonish(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = jsonish(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonish(e)
		}
		return out
	case int:
		return float64(x)
	}
	return v
}

// validate is a small JSON Schema (2020-12) validator: the keywords flow.schema.json uses.
// It returns the problems found ("" none).
func validate(root, schema map[string]any, v any, at string) []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, at+": "+fmt.Sprintf(f, a...)) }
	if ref, ok := schema["$ref"].(string); ok {
		def := root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")]
		if def == nil {
			bad("unknown $ref %s", ref)
			return errs
		}
		errs = append(errs, validate(root, def.(map[string]any), v, at)...)
	}
	if t, ok := schema["type"]; ok {
		types := []string{}
		switch tt := t.(type) {
		case string:
			types = append(types, tt)
		case []any:
			types = toStrings(tt)
		}
		okType := false
		for _, ty := range types {
			okType = okType || isType(ty, v)
		}
		if !okType {
			bad("want %v, got %T", types, v)
			return errs
		}
	}
	if e, ok := schema["enum"].([]any); ok {
		found := false
		for _, x := range e {
			found = found || x == v
		}
		if !found {
			bad("%v not in enum", v)
		}
	}
	if c, ok := schema["const"]; ok && c != v {
		bad("want const %v", c)
	}
	if alts, ok := schema["oneOf"].([]any); ok {
		n := 0
		for _, a := range alts {
			if len(validate(root, a.(map[string]any), v, at)) == 0 {
				n++
			}
		}
		if n != 1 {
			bad("%d of oneOf match", n)
		}
	}
	if alts, ok := schema["anyOf"].([]any); ok {
		n := 0
		for _, a := range alts {
			if len(validate(root, a.(map[string]any), v, at)) == 0 {
				n++
			}
		}
		if n == 0 {
			bad("none of anyOf match")
		}
	}
	if not, ok := schema["not"].(map[string]any); ok && len(validate(root, not, v, at)) == 0 {
		bad("matches not")
	}
	if s, ok := v.(string); ok {
		if m, ok := schema["minLength"].(float64); ok && float64(len([]rune(s))) < m {
			bad("shorter than %v", m)
		}
		if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(s) {
			bad("%q does not match %s", s, p)
		}
	}
	if n, ok := v.(float64); ok {
		if m, ok := schema["minimum"].(float64); ok && n < m {
			bad("below %v", m)
		}
		if m, ok := schema["maximum"].(float64); ok && n > m {
			bad("above %v", m)
		}
		if isType("integer", v) == false && schema["type"] == "integer" {
			bad("not an integer")
		}
	}
	if arr, ok := v.([]any); ok {
		if m, ok := schema["minItems"].(float64); ok && float64(len(arr)) < m {
			bad("fewer than %v items", m)
		}
		if m, ok := schema["maxItems"].(float64); ok && float64(len(arr)) > m {
			bad("more than %v items", m)
		}
		if is, ok := schema["items"].(map[string]any); ok {
			for i, e := range arr {
				errs = append(errs, validate(root, is, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				if _, has := obj[r.(string)]; !has {
					bad("missing %s", r)
				}
			}
		}
		if m, ok := schema["minProperties"].(float64); ok && float64(len(obj)) < m {
			bad("fewer than %v properties", m)
		}
		props, _ := schema["properties"].(map[string]any)
		for k, e := range obj {
			if pn, ok := schema["propertyNames"].(map[string]any); ok {
				errs = append(errs, validate(root, pn, k, at+"."+k+"(name)")...)
			}
			if ps, ok := props[k]; ok {
				errs = append(errs, validate(root, ps.(map[string]any), e, at+"."+k)...)
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					bad("unknown property %s", k)
				}
			case map[string]any:
				errs = append(errs, validate(root, ap, e, at+"."+k)...)
			}
		}
	}
	return errs
}

func isType(t string, v any) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		n, ok := v.(float64)
		return ok && n == float64(int64(n))
	case "null":
		return v == nil
	}
	return false
}
