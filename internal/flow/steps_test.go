package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// The everyday steps of issue 8: status pages, checkboxes, wait states, reads into the record,
// scrolling, and the flow-level viewport and isolation.
const everydayFlow = `
viewport: {width: 1440, height: 900}
isolated: false
engine:
  circuit_breaker: {cooloff: 2s, max_wait: 0}
steps:
  - navigate: {url: "${SITE}/notfound", expect_status: [404, 410]}
  - navigate: {url: "${SITE}/status/500", expect_status: any}
  - navigate: {url: "${SITE}/status/503", expect_status: 503}
  - navigate: ${SITE}/form
  - check: "#terms"
  - uncheck: {selector: "#news"}
    retry: {max_attempts: 4}
  - wait_for: "#result"
  - wait_for: {selector: "#spinner", state: hidden}
  - wait_for: {selector: "#toast", state: gone}
  - wait_for: {selector: "#status", text: "done"}
  - text: h1
  - text: {selector: "li.item", nth: 2, as: third}
  - attr: {selector: a.next, name: href}
  - attr: {selector: img, name: data-src, nth: 0, as: img}
  - value: "#email"
  - value: {selector: "input.qty", nth: 1, as: qty}
  - count: {selector: "li.item", as: items}
  - scroll: {dy: 600}
  - scroll: {selector: "#feed", dx: -20.5, dy: 300}
  - scroll_until: {selector: "#feed .post", count: 50}
    timeout: 30s
`

func TestParseEverydaySteps(t *testing.T) {
	f, err := parse(t, everydayFlow)
	require.NoError(t, err)
	require.Len(t, f.Steps, 20)
	assert.Equal(t, &Viewport{Width: 1440, Height: 900}, f.Viewport)
	assert.True(t, f.Shared)
	require.NotNil(t, f.Engine.Breaker.MaxWait)
	assert.Zero(t, *f.Engine.Breaker.MaxWait)

	s := f.Steps
	assert.Equal(t, []int{404, 410}, s[0].ExpectStatus)
	assert.False(t, s[0].AnyStatus)
	assert.True(t, s[1].AnyStatus)
	assert.Equal(t, []int{503}, s[2].ExpectStatus)
	assert.Empty(t, s[3].ExpectStatus)
	assert.Equal(t, "navigate ${SITE}/notfound (expect [404 410])", s[0].String())
	assert.Equal(t, "navigate ${SITE}/status/500 (any status)", s[1].String())

	assert.Equal(t, "check", s[4].Kind)
	assert.Equal(t, "#terms", s[4].Get("selector"))
	assert.Equal(t, "uncheck", s[5].Kind)
	assert.Equal(t, 4, s[5].Retry.MaxAttempts)

	assert.Equal(t, "visible", s[6].WaitState())
	assert.Equal(t, "hidden", s[7].WaitState())
	assert.Equal(t, "gone", s[8].WaitState())
	assert.Equal(t, "done", s[9].Get("text"))
	assert.Equal(t, `wait_for #status text "done"`, s[9].String())

	type read struct {
		kind, into string
		nth        *int
	}
	two, zero, one := 2, 0, 1
	var reads []read
	for _, st := range s {
		if st.IsRead() {
			reads = append(reads, read{st.Kind, st.Into(), st.Nth})
		}
	}
	assert.Equal(t, []read{{"text", "text", nil}, {"text", "third", &two}, {"attr", "href", nil},
		{"attr", "img", &zero}, {"value", "value", nil}, {"value", "qty", &one}, {"count", "items", nil}}, reads)
	assert.Equal(t, "text li.item #2 → third", s[11].String())

	assert.Equal(t, 600.0, s[17].DY)
	assert.Zero(t, s[17].DX)
	assert.Equal(t, "scroll page by 0,600", s[17].String())
	assert.Equal(t, -20.5, s[18].DX)
	assert.Equal(t, "#feed", s[18].Get("selector"))
	assert.Equal(t, 50, s[19].Count)
	assert.Equal(t, "scroll_until 50 × #feed .post", s[19].String())

	f, err = parse(t, "start_url: http://h/\nsteps:\n  - click: a\n")
	require.NoError(t, err)
	assert.Nil(t, f.Viewport, "the library's default viewport")
	assert.False(t, f.Shared, "items are isolated by default")
}

func TestParseEverydayStepErrors(t *testing.T) {
	const head = "start_url: http://h/\nsteps:\n"
	for _, tc := range []struct{ name, src, want string }{
		{"status 99", head + "  - navigate: {url: 'http://h/', expect_status: [99]}\n", "f.yaml:3:50: steps[0].navigate.expect_status[0]: want an HTTP status from 100 to 599, got 99"},
		{"status 600", head + "  - navigate: {url: 'http://h/', expect_status: 600}\n", "f.yaml:3:49: steps[0].navigate.expect_status: want an HTTP status from 100 to 599, got 600"},
		{"status word", head + "  - navigate: {url: 'http://h/', expect_status: all}\n", `steps[0].navigate.expect_status: want an HTTP status, a list of them, or any, got "all"`},
		{"status ANY", head + "  - navigate: {url: 'http://h/', expect_status: ANY}\n", `(did you mean "any"?)`},
		{"status list empty", head + "  - navigate: {url: 'http://h/', expect_status: []}\n", "expect_status: empty list"},
		{"status twice", head + "  - navigate: {url: 'http://h/', expect_status: [404, 404]}\n", "expect_status[1]: status 404 given twice"},
		{"status string in list", head + "  - navigate: {url: 'http://h/', expect_status: [404, x]}\n", `expect_status[1]: want an HTTP status (100 to 599) or any, got "x"`},
		{"status mapping", head + "  - navigate: {url: 'http://h/', expect_status: {a: 1}}\n", "expect_status: want an HTTP status, a list of them, or any, got a mapping"},
		{"navigate typo", head + "  - navigate: {url: 'http://h/', expect_stauts: 404}\n", `steps[0].navigate.expect_stauts: unknown field "expect_stauts" (did you mean "expect_status"?)`},
		{"unknown state", head + "  - wait_for: {selector: a, state: vanished}\n", `f.yaml:3:36: steps[0].wait_for.state: unknown state "vanished" (want one of visible, hidden, attached, detached, gone, enabled)`},
		{"state typo", head + "  - wait_for: {selector: a, state: hiden}\n", `steps[0].wait_for.state: unknown state "hiden" (did you mean "hidden"?)`},
		{"state and text", head + "  - wait_for: {selector: a, state: hidden, text: x}\n", "f.yaml:3:50: steps[0].wait_for.text: use either state or text"},
		{"wait_for no selector", head + "  - wait_for: {state: hidden}\n", "steps[0].wait_for.selector: field is required"},
		{"negative nth", head + "  - text: {selector: li, nth: -1}\n", "f.yaml:3:31: steps[0].text.nth: want an integer from 0 to 100000, got -1"},
		{"fraction nth", head + "  - value: {selector: li, nth: 1.5}\n", "steps[0].value.nth: want an integer, got the number 1.5"},
		{"attr needs name", head + "  - attr: {selector: a}\n", "steps[0].attr.name: field is required"},
		{"attr no shorthand", head + "  - attr: a\n", "steps[0].attr: want a mapping of as, name, nth, selector"},
		{"attr name not a field", head + "  - attr: {selector: a, name: data-src}\n", `steps[0].attr: the attribute "data-src" is not a record field name: give one with as`},
		{"bad as", head + "  - text: {selector: a, as: 'my field'}\n", `f.yaml:3:29: steps[0].text.as: bad record field name "my field"`},
		{"empty as", head + "  - text: {selector: a, as: ''}\n", `steps[0].text.as: bad record field name ""`},
		{"same field twice", head + "  - text: h1\n  - text: h2\n", `f.yaml:4:11: steps[1].text: record field "text" is already read by the step on line 3`},
		{"count nth", head + "  - count: {selector: a, nth: 1}\n", `steps[0].count.nth: unknown field "nth"`},
		{"scroll_until count 0", head + "  - scroll_until: {selector: li, count: 0}\n", "f.yaml:3:41: steps[0].scroll_until.count: want an integer from 1 to 100000, got 0"},
		{"scroll_until no count", head + "  - scroll_until: {selector: li}\n", "steps[0].scroll_until.count: field is required"},
		{"scroll nothing", head + "  - scroll: {selector: '#feed'}\n", "f.yaml:3:13: steps[0].scroll: want dx or dy"},
		{"scroll zero", head + "  - scroll: {dx: 0, dy: 0}\n", "steps[0].scroll: dx and dy are both 0"},
		{"scroll huge", head + "  - scroll: {dy: 1e9}\n", "steps[0].scroll.dy: want a number from -100000 to 100000, got 1e9"},
		{"scroll word", head + "  - scroll: {dy: down}\n", `steps[0].scroll.dy: want a number, got "down"`},
		{"scroll shorthand", head + "  - scroll: 600\n", "steps[0].scroll: want a mapping of dx, dy, selector"},
		{"check empty", head + "  - check: ''\n", "steps[0].check.selector: must not be empty"},
		{"uncheck typo", head + "  - uncheck: {selecter: a}\n", `steps[0].uncheck.selecter: unknown field "selecter" (did you mean "selector"?)`},
		{"viewport small", "viewport: {width: 10, height: 700}\n" + head + "  - click: a\n", "f.yaml:1:19: viewport.width: want an integer from 100 to 10000, got 10"},
		{"viewport half", "viewport: {width: 1000}\n" + head + "  - click: a\n", "viewport.height: field is required"},
		{"viewport scalar", "viewport: 1280x720\n" + head + "  - click: a\n", `viewport: want a mapping, got "1280x720"`},
		{"isolated word", "isolated: no thanks\n" + head + "  - click: a\n", "isolated: want true or false"},
		{"max_wait negative", "engine: {circuit_breaker: {max_wait: -1s}}\n" + head + "  - click: a\n", "engine.circuit_breaker.max_wait: want a duration like"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, tc.src)
			require.Error(t, err)
			require.NotEmpty(t, ErrorsOf(err))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// The schema refuses the shapes the parser refuses for the new steps.
func TestSchemaRejectsBadEverydaySteps(t *testing.T) {
	s := loadSchema(t)
	const head = "start_url: http://h/\nsteps:\n"
	for _, src := range []string{
		head + "  - navigate: {url: 'http://h/', expect_status: [99]}\n",
		head + "  - navigate: {url: 'http://h/', expect_status: 600}\n",
		head + "  - navigate: {url: 'http://h/', expect_status: all}\n",
		head + "  - navigate: {url: 'http://h/', expect_status: []}\n",
		head + "  - wait_for: {selector: a, state: vanished}\n",
		head + "  - wait_for: {selector: a, state: hidden, text: x}\n",
		head + "  - text: {selector: li, nth: -1}\n",
		head + "  - attr: {selector: a}\n",
		head + "  - attr: a\n",
		head + "  - text: {selector: a, as: 'my field'}\n",
		head + "  - count: {selector: a, nth: 1}\n",
		head + "  - scroll_until: {selector: li, count: 0}\n",
		head + "  - scroll: {selector: '#feed'}\n",
		head + "  - scroll: 600\n",
		"viewport: {width: 10, height: 700}\n" + head + "  - click: a\n",
		"viewport: {width: 1000}\n" + head + "  - click: a\n",
		"isolated: 1\n" + head + "  - click: a\n",
	} {
		t.Run(src, func(t *testing.T) {
			_, perr := parse(t, src)
			require.Error(t, perr, "parser")
			var doc any
			require.NoError(t, yaml.Unmarshal([]byte(src), &doc))
			assert.NotEmpty(t, validate(s, s, jsonish(doc), "$"), "schema accepts what the parser rejects")
		})
	}
	// And accepts the flow that uses every new step.
	var doc any
	require.NoError(t, yaml.Unmarshal([]byte(everydayFlow), &doc))
	assert.Empty(t, validate(s, s, jsonish(doc), "$"))
}
