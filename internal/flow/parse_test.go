package flow

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/retry"
)

func testEnv(name string) (string, bool) {
	v, ok := map[string]string{"SITE": "http://127.0.0.1:8080", "PASSWORD": "hunter2", "EMPTY": ""}[name]
	return v, ok
}

func noFiles(string) ([]byte, error) { return nil, os.ErrNotExist }

func parse(t *testing.T, src string) (*Flow, error) {
	t.Helper()
	return Parse([]byte(src), Options{File: "f.yaml", Env: testEnv, ReadFile: noFiles})
}

const fullFlow = `
name: everything
start_url: ${SITE}/fill-erase
timeout: 5s
concurrency: 2
variables:
  user: alice
  password: {value: "${PASSWORD}", secret: true}
engine:
  max_retry_after: 30s
  circuit_breaker: {enabled: true, threshold: 5, window: 10s, cooloff: 2s}
  errors:
    rate_limit: {max_attempts: 4, strategy: exponential_jitter, base_delay: 100ms, max_delay: 2s}
    server_error: {max_attempts: 5}
steps:
  - fill: {selector: "#name", value: "${user}"}
  - fill: {selector: "#secret", value: "${password}"}
    name: type the password
  - select: {selector: "select#size", value: M}
  - press: Enter
  - press: {key: Tab, selector: "#name"}
  - hover: "#target"
  - click: "#submit"
    retry: {max_attempts: 5, strategy: linear}
    timeout: 2s
  - wait_for: "#result"
  - assert_text: {selector: "#result", contains: "ok"}
  - navigate: ${SITE}/catalog?page=1
  - extract:
      container: .product
      fields:
        name: .name
        price: .price
        link: {selector: a.detail, attr: href}
  - screenshot: shots/done.png
`

func TestParseFullFlow(t *testing.T) {
	f, err := parse(t, fullFlow)
	require.NoError(t, err)
	assert.Equal(t, "everything", f.Name)
	assert.Equal(t, 5*time.Second, f.Timeout)
	assert.Equal(t, 2, f.Concurrency)
	assert.Equal(t, Variable{Value: "hunter2", Secret: true}, f.Variables["password"])
	assert.Equal(t, []string{"hunter2"}, f.Secrets())
	require.Len(t, f.Steps, 12)
	assert.Equal(t, "fill", f.Steps[0].Kind)
	assert.Equal(t, "${password}", f.Steps[1].Get("value"), "templates stay unexpanded")
	assert.Equal(t, "type the password", f.Steps[1].String())
	assert.NotContains(t, f.Steps[1].String()+f.Steps[0].String(), "hunter2")
	assert.Equal(t, "Enter", f.Steps[3].Get("key"))
	require.NotNil(t, f.Steps[6].Retry)
	assert.Equal(t, 5, f.Steps[6].Retry.MaxAttempts)
	assert.Equal(t, retry.Linear, *f.Steps[6].Retry.Strategy)
	assert.Equal(t, 2*time.Second, f.Steps[6].Timeout)
	assert.Equal(t, []ExtractField{{Name: "name", Selector: ".name"}, {Name: "price", Selector: ".price"}, {Name: "link", Selector: "a.detail", Attr: "href"}}, f.Steps[10].Extract)
	rl := f.Engine.Errors[retry.RateLimit]
	assert.Equal(t, 4, rl.MaxAttempts)
	assert.Equal(t, 100*time.Millisecond, *rl.BaseDelay)
	assert.Equal(t, 5, f.Engine.Errors[retry.ServerError].MaxAttempts)
	assert.Nil(t, f.Engine.Errors[retry.ServerError].Strategy)
	assert.Equal(t, 5, f.Engine.Breaker.Threshold)
	assert.Equal(t, 30*time.Second, f.Engine.MaxRetryAfter)

	v, secret, err := f.Resolve(f.Steps[1].Get("value"), Item{})
	require.NoError(t, err)
	assert.True(t, secret)
	assert.Equal(t, "hunter2", v)
	v, secret, err = f.Resolve(f.StartURL, Item{})
	require.NoError(t, err)
	assert.False(t, secret)
	assert.Equal(t, "http://127.0.0.1:8080/fill-erase", v)
	assert.False(t, f.IsBatch())
	assert.Equal(t, "main", f.Batch()[0].Key)
}

func TestParseJSON(t *testing.T) {
	f, err := parse(t, `{"start_url": "${SITE}/late", "steps": [{"click": "#target"}, {"assert_text": {"selector": "#result", "equals": "clicked 1"}}]}`)
	require.NoError(t, err)
	assert.Len(t, f.Steps, 2)
}

func TestParseItems(t *testing.T) {
	f, err := parse(t, `
items:
  - ${SITE}/x
  - {url: "http://h/catalog?page=2", id: p2, label: two}
steps:
  - navigate: ${item.url}
  - fill: {selector: "#q", value: "${item.label}"}
`)
	// "${SITE}/x" in items is a literal: items are data, not templates.
	require.Error(t, err)
	assert.Contains(t, err.Error(), "f.yaml:3:")

	f, err = parse(t, `
items:
  - {url: "http://h/a", label: one}
  - {url: "http://h/b", id: b, label: two}
start_url: ${item.url}
steps:
  - fill: {selector: "#q", value: "${item.label}"}
`)
	require.NoError(t, err)
	require.Len(t, f.Items, 2)
	assert.Equal(t, "http://h/a", f.Items[0].Key)
	assert.Equal(t, "b", f.Items[1].Key)
	assert.True(t, f.IsBatch())
	v, _, err := f.Resolve("${item.url}?q=${item.label}", f.Items[1])
	require.NoError(t, err)
	assert.Equal(t, "http://h/b?q=two", v)
}

func TestParseItemsFile(t *testing.T) {
	files := map[string]string{
		"dir/urls.txt":   "# pages\nhttp://h/1\n\nhttp://h/2\n",
		"dir/objs.jsonl": `{"url":"http://h/1","n":1}` + "\n" + `{"url":"http://h/2","n":2,"ok":true}` + "\n",
		"dir/bad.jsonl":  `{"url":"http://h/1"}` + "\n" + `{"url": nope}` + "\n" + "ftp://x/\n",
	}
	read := func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
	opt := Options{File: "dir/flow.yaml", Env: testEnv, ReadFile: read}

	f, err := Parse([]byte("items_file: urls.txt\nsteps:\n  - click: a\n"), opt)
	require.NoError(t, err)
	require.Len(t, f.Items, 2)
	assert.Equal(t, "${item.url}", f.StartURL, "items with url imply start_url")
	assert.Equal(t, 4, f.Items[1].Line)

	f, err = Parse([]byte("items_file: objs.jsonl\nstart_url: ${item.url}\nsteps:\n  - fill: {selector: a, value: '${item.n}'}\n"), opt)
	require.NoError(t, err)
	assert.Equal(t, "2", f.Items[1].Fields["n"])
	assert.Equal(t, "true", f.Items[1].Fields["ok"])

	_, err = Parse([]byte("items_file: bad.jsonl\nsteps:\n  - click: a\n"), opt)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dir/bad.jsonl:2: bad JSON object")
	assert.Contains(t, err.Error(), "dir/bad.jsonl:3: url: bad URL \"ftp://x/\"")
	_, err = Parse([]byte("items_file: none.txt\nsteps:\n  - click: a\n"), opt)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dir/flow.yaml:1:13: items_file:")
}

func TestParseErrorsHaveLineAndField(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // substrings of the error text
	}{
		{"yaml syntax", "steps:\n  - click: [a\n", []string{"f.yaml:"}},
		{"not a mapping", "- click: a\n", []string{"f.yaml:1:1:", "a flow is a mapping"}},
		{"empty", "", []string{"empty flow"}},
		{"unknown top field", "start_url: http://h/\nstep:\n  - click: a\n", []string{"f.yaml:2:1: step: unknown field \"step\" (did you mean \"steps\"?)"}},
		{"no steps", "start_url: http://h/\n", []string{"steps: field is required"}},
		{"unknown step kind", "start_url: http://h/\nsteps:\n  - clik: a\n", []string{"f.yaml:3:5: steps[0].clik: unknown field \"clik\" (did you mean \"click\"?)"}},
		{"two kinds", "start_url: http://h/\nsteps:\n  - click: a\n    hover: b\n", []string{"f.yaml:4:12: steps[0]: one step does one thing"}},
		{"unknown step field", "start_url: http://h/\nsteps:\n  - fill: {selector: a, valeu: b}\n", []string{"f.yaml:3:25: steps[0].fill.valeu: unknown field \"valeu\" (did you mean \"value\"?)", "f.yaml:3:11: steps[0].fill.value: field is required"}},
		{"missing required", "start_url: http://h/\nsteps:\n  - fill:\n      selector: '#a'\n", []string{"f.yaml:4:7: steps[0].fill.value: field is required"}},
		{"shorthand not allowed", "start_url: http://h/\nsteps:\n  - fill: '#a'\n", []string{"f.yaml:3:11: steps[0].fill: want a mapping of selector, value"}},
		{"bad strategy", "start_url: http://h/\nsteps:\n  - click: a\n    retry: {strategy: expo}\n", []string{"f.yaml:4:23: steps[0].retry.strategy: unknown strategy \"expo\""}},
		{"absurd attempts", "start_url: http://h/\nsteps:\n  - click: a\n    retry: {max_attempts: 10000}\n", []string{"steps[0].retry.max_attempts: want an integer from 1 to 100, got 10000"}},
		{"zero attempts", "start_url: http://h/\nsteps:\n  - click: a\n    retry: {max_attempts: 0}\n", []string{"from 1 to 100, got 0"}},
		{"bad url", "start_url: htp//h\nsteps:\n  - click: a\n", []string{"f.yaml:1:12: start_url: bad URL \"htp//h\""}},
		{"bad scheme", "start_url: javascript:alert(1)\nsteps:\n  - click: a\n", []string{"start_url: bad URL", "not supported"}},
		{"bad navigate url", "steps:\n  - navigate: /relative\n", []string{"f.yaml:2:15: steps[0].navigate.url: bad URL \"/relative\""}},
		{"no start", "steps:\n  - click: a\n", []string{"start_url: field is required unless the first step is navigate"}},
		{"missing env", "start_url: ${NOPE}/x\nsteps:\n  - click: a\n", []string{"f.yaml:1:12: start_url: ${NOPE} is neither a variable"}},
		{"missing env in variable", "variables:\n  p: {value: '${NOPE}', secret: true}\nstart_url: http://h/\nsteps:\n  - click: a\n", []string{"f.yaml:2:14: variables.p: environment variable NOPE is not set"}},
		{"unclosed ref", "start_url: http://h/${SITE\nsteps:\n  - click: a\n", []string{"start_url: unclosed ${"}},
		{"secret in url", "variables:\n  p: {value: x, secret: true}\nstart_url: http://h/?p=${p}\nsteps:\n  - click: a\n", []string{"f.yaml:3:12: start_url: variable \"p\" is secret"}},
		{"secret in selector", "variables:\n  p: {value: x, secret: true}\nstart_url: http://h/\nsteps:\n  - click: '${p}'\n", []string{"f.yaml:5:12: steps[0].click.selector: variable \"p\" is secret"}},
		{"item ref without items", "start_url: http://h/\nsteps:\n  - click: '${item.sel}'\n", []string{"f.yaml:3:12: steps[0].click.selector: ${item.sel} used but the flow has no items"}},
		{"item lacks field", "items:\n  - {url: 'http://h/1', q: a}\n  - {url: 'http://h/2'}\nsteps:\n  - fill: {selector: a, value: '${item.q}'}\n", []string{"f.yaml:3:5: items: item \"http://h/2\" has no field \"q\""}},
		{"duplicate item", "items:\n  - http://h/1\n  - http://h/1\nsteps:\n  - click: a\n", []string{"f.yaml:3:5: items: duplicate item"}},
		{"bad item url", "items:\n  - nope\nsteps:\n  - click: a\n", []string{"f.yaml:2:5: items[0].url: bad URL \"nope\""}},
		{"bad duration", "timeout: 5\nstart_url: http://h/\nsteps:\n  - click: a\n", []string{"f.yaml:1:10: timeout: want a duration like"}},
		{"absurd timeout", "timeout: 100h\nstart_url: http://h/\nsteps:\n  - click: a\n", []string{"timeout: want a duration from 10ms to 1h0m0s"}},
		{"absurd concurrency", "concurrency: 1000\nstart_url: http://h/\nsteps:\n  - click: a\n", []string{"f.yaml:1:14: concurrency: want an integer from 1 to 64"}},
		{"unknown error type", "engine:\n  errors:\n    ratelimit: {max_attempts: 2}\nstart_url: http://h/\nsteps:\n  - click: a\n", []string{"f.yaml:3:5: engine.errors.ratelimit: unknown field \"ratelimit\" (did you mean \"rate_limit\"?)"}},
		{"base above max", "engine:\n  errors:\n    server_error: {base_delay: 10s, max_delay: 1s}\nstart_url: http://h/\nsteps:\n  - click: a\n", []string{"engine.errors.server_error.base_delay: base_delay 10s is above max_delay 1s"}},
		{"assert needs one", "start_url: http://h/\nsteps:\n  - assert_text: {selector: a}\n", []string{"steps[0].assert_text: want exactly one of equals, contains"}},
		{"extract empty fields", "start_url: http://h/\nsteps:\n  - extract: {container: a, fields: {}}\n", []string{"steps[0].extract.fields: at least one field is required"}},
		{"extract attr typo", "start_url: http://h/\nsteps:\n  - extract: {container: a, fields: {x: {selector: b, atr: href}}}\n", []string{"steps[0].extract.fields.x.atr: unknown field \"atr\" (did you mean \"attr\"?)"}},
		{"screenshot escapes", "start_url: http://h/\nsteps:\n  - screenshot: ../../etc/x.png\n", []string{"steps[0].screenshot.path: want a relative path"}},
		{"duplicate key", "start_url: http://h/\nstart_url: http://h/\nsteps:\n  - click: a\n", []string{"f.yaml:2:1: start_url: field given twice"}},
		{"empty selector", "start_url: http://h/\nsteps:\n  - click: ''\n", []string{"steps[0].click.selector: must not be empty"}},
		{"null selector", "start_url: http://h/\nsteps:\n  - click:\n", []string{"f.yaml:3:11: steps[0].click.selector: want a string, got nothing (null)"}},
		{"steps not a list", "start_url: http://h/\nsteps: click\n", []string{"f.yaml:2:8: steps: want a list of steps"}},
		{"bad bool", "variables:\n  p: {value: x, secret: yes please}\nstart_url: http://h/\nsteps:\n  - click: a\n", []string{"variables.p.secret: want true or false"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, tc.src)
			require.Error(t, err)
			require.NotEmpty(t, ErrorsOf(err), "a flow error, not %T", err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func TestErrorsListEveryProblem(t *testing.T) {
	_, err := parse(t, "start_url: nope\nsteps:\n  - clik: a\n  - fill: {selector: a}\n")
	es := ErrorsOf(err)
	require.Len(t, es, 3)
	assert.Equal(t, []int{1, 3, 4}, []int{es[0].Line, es[1].Line, es[2].Line})
	var one *Error
	require.True(t, errors.As(error(es[1]), &one))
	assert.Equal(t, "steps[0].clik", one.Field)
}

func TestResolve(t *testing.T) {
	f, err := parse(t, "variables:\n  who: bob\nstart_url: ${SITE}/\nsteps:\n  - fill: {selector: a, value: 'x$${who}y${who}${EMPTY}'}\n")
	require.NoError(t, err)
	v, secret, err := f.Resolve(f.Steps[0].Get("value"), Item{})
	require.NoError(t, err)
	assert.False(t, secret)
	assert.Equal(t, "x${who}ybob", v)
	_, _, err = f.Resolve("${item.zzz}", Item{Key: "k"})
	assert.ErrorContains(t, err, `item "k" has no field "zzz"`)
}

func TestSuggest(t *testing.T) {
	assert.Equal(t, "selector", suggest("selecter", []string{"selector", "value"}))
	assert.Equal(t, "", suggest("qqqqqq", []string{"selector", "value"}))
	assert.Equal(t, "max_attempts", suggest("max_attempt", []string{"max_attempts", "strategy"}))
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(fullFlow))
	f.Add([]byte("items:\n  - {url: 'http://h/1', q: a}\nsteps:\n  - fill: {selector: a, value: '${item.q}'}\n"))
	f.Add([]byte(`{"start_url":"http://h/","steps":[{"click":"a"}]}`))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("steps:\n  - extract: {container: a, fields: {x: {selector: b}}}\nstart_url: ${"))
	f.Add([]byte(everydayFlow))
	f.Add([]byte("start_url: http://h/\nsteps:\n  - navigate: {url: 'http://h/', expect_status: [404, 9e9, any]}\n  - scroll: {dy: -1e5}\n  - text: {selector: a, nth: 1, as: a}\n  - attr: {selector: a, name: href, as: a}\n"))
	f.Add([]byte("viewport: {width: 100, height: 10000}\nisolated: true\nstart_url: http://h/\nsteps:\n  - wait_for: {selector: a, state: gone}\n  - scroll_until: {selector: a, count: 1}\n"))
	f.Add([]byte("start_url: http://h/\nhttp_credentials: {username: u, password: p, origins: ['http://h']}\nsteps:\n  - click: {selector: a, button: right, count: 2}\n  - upload: {selector: a, files: ['${item.f}']}\n  - drag: {from: a, to: b}\n  - back:\n  - reload: {expect_status: any}\nitems: [{f: /x}]\n"))
	f.Add([]byte(paginateFlow))
	f.Add([]byte("start_url: http://h/\nsteps:\n  - paginate: {next: 'text=More', max_pages: 2, steps: [{extract: {fields: {a: b}}}, {text: {selector: a, as: t}}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, err := Parse(data, Options{File: "fuzz.yaml", Env: testEnv, ReadFile: noFiles})
		if err != nil {
			require.NotEmpty(t, ErrorsOf(err))
			require.NotEmpty(t, err.Error())
			return
		}
		require.NotEmpty(t, fl.Steps)
		for _, it := range fl.Batch() {
			for _, s := range fl.Steps {
				for _, v := range s.Fields {
					_, _, _ = fl.Resolve(v, it)
				}
				_ = s.String()
				if s.Nth != nil && *s.Nth < 0 || s.Kind == "scroll_until" && s.Count < 1 || s.Kind == "click" && s.Count > 3 ||
					s.Kind == "upload" && len(s.Files) == 0 ||
					s.Kind == "paginate" && (s.Count < 0 || strings.TrimSpace(s.Fields["next"]) == "" || s.Retry != nil) {
					t.Fatalf("accepted a bad step: %+v", s)
				}
				for _, c := range s.ExpectStatus {
					if c < 100 || c > 599 {
						t.Fatalf("accepted status %d", c)
					}
				}
				if s.IsRead() && !varName.MatchString(s.Into()) {
					t.Fatalf("read into %q", s.Into())
				}
			}
		}
		_ = strings.TrimSpace
	})
}

func TestItemKey(t *testing.T) {
	assert.Equal(t, "x", itemKey(map[string]string{"id": "x", "url": "http://h/"}))
	assert.Equal(t, "http://h/", itemKey(map[string]string{"url": "http://h/", "n": "1"}))
	assert.Equal(t, "a=1&page=2+3", itemKey(map[string]string{"page": "2 3", "a": "1"}))
}

// fill_secret makes its value secret wherever it comes from: an environment variable is redacted
// and never printed by the step's description, a variable it names becomes secret, an item's
// field is refused.
func TestFillSecretStep(t *testing.T) {
	env := func(k string) (string, bool) {
		if k == "TOKEN" {
			return "env-token-1", true
		}
		return "", false
	}
	f, err := Parse([]byte("variables:\n  pin: '4321'\nstart_url: http://h/\nsteps:\n  - fill_secret: {selector: '#t', value: '${TOKEN}'}\n  - fill_secret: {selector: '#p', value: '${pin}'}\n"), Options{File: "f.yaml", Env: env})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"env-token-1", "4321"}, uniq(f.Secrets()))
	assert.Equal(t, "fill_secret #t", f.Steps[0].String())
	assert.True(t, f.Variables["pin"].Secret)

	_, err = Parse([]byte("start_url: http://h/\nitems: [{pw: x}]\nsteps:\n  - fill_secret: {selector: '#t', value: '${item.pw}'}\n"), Options{File: "f.yaml", Env: env})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "f.yaml:4:")
	assert.Contains(t, err.Error(), "a secret cannot come from an item")

	_, err = Parse([]byte("variables:\n  pin: '4321'\nstart_url: http://h/\nsteps:\n  - fill_secret: {selector: '#p', value: '${pin}'}\n  - click: 'a[title=\"${pin}\"]'\n"), Options{File: "f.yaml", Env: env})
	require.Error(t, err, "a variable typed as a secret may not be printed by a later step")
	assert.Contains(t, err.Error(), `variable "pin" is secret`)
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
