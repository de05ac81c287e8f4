package mcpserver_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// syncBuffer is a log sink tests can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Passwords typed through browser_type and browser_fill_form never come back: not in a result's
// text, not in its structured content, not in a later snapshot, not in the logs.
func TestMCP_PasswordNeverAppears(t *testing.T) {
	var logs syncBuffer
	log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(&logs), zapcore.DebugLevel))
	a := newAgent(t, mcpserver.Config{Logger: log}, nil)
	const pw, pw2, pw3 = "hunter2-Secret-771", "s3cond-Secret-882", "th1rd-Secret-993"
	var seen []string
	keep := func(res *mcp.CallToolResult, txt string) {
		b, _ := json.Marshal(res.StructuredContent)
		seen = append(seen, txt, string(b))
	}
	call := func(name string, args map[string]any) string {
		res, txt := a.call(name, args)
		keep(res, txt)
		require.False(t, res.IsError, txt)
		return txt
	}
	call("browser_navigate", map[string]any{"url": site.URL("/login")})
	snap := call("browser_snapshot", nil)
	user, pass := refOf(t, snap, "textbox", "User name"), refOf(t, snap, "textbox", "Password")
	call("browser_type", map[string]any{"target": pass, "text": pw})
	// A secret typed into a plain text field (type "password" in the form) is masked too.
	call("browser_fill_form", map[string]any{"fields": []map[string]any{
		{"name": "user", "type": "password", "target": user, "value": pw2},
		{"name": "password", "type": "textbox", "target": "#password", "value": pw3},
	}})
	out := call("browser_snapshot", nil)
	assert.Contains(t, out, `textbox "Password" [ref=`+pass+`]: ••••`)
	assert.Contains(t, out, `textbox "User name" [ref=`+user+`]: ••••`)
	// An error that quotes the secret (in a selector that fails at once: invalid).
	res, txt := a.call("browser_click", map[string]any{"target": "#no-such-" + pw3 + "[["})
	keep(res, txt)
	require.True(t, res.IsError, txt)
	assert.Contains(t, txt, `invalid selector "#no-such-`, "the error quotes the selector, so the secret in it must be masked")
	call("browser_click", map[string]any{"target": `role=button[name="Sign in"]`})
	for _, s := range append(seen, logs.String()) {
		for _, secret := range []string{pw, pw2, pw3} {
			require.NotContains(t, s, secret)
		}
	}
}

// Bad input gets a clear error result, and the server goes on.
func TestMCP_BadInputIsAnErrorResult(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=0")})
	cases := []struct {
		name string
		args map[string]any
		want string
	}{
		{"browser_fly", nil, `unknown tool "browser_fly"`},
		{"browser_click", map[string]any{}, "target is required"},
		{"browser_navigate", map[string]any{}, "url"},
		{"browser_navigate", map[string]any{"url": 42}, "url"},
		{"browser_click", map[string]any{"target": "e999"}, "ref e999 was never given out"},
		{"browser_navigate", map[string]any{"url": "javascript:alert(1)"}, "javascript: URL"},
		{"browser_click", map[string]any{"target": "#" + strings.Repeat("x", 300000)}, "bytes)"},
		{"browser_click", map[string]any{"target": "div[["}, "invalid selector"},
		{"browser_tabs", map[string]any{"action": "juggle"}, "want list, new, select or close"},
		{"browser_wait_for", map[string]any{}, "give text, textGone or time"},
		{"browser_evaluate", map[string]any{"function": "() => { throw new Error('boom') }"}, "boom"},
	}
	for _, c := range cases {
		res, out := a.call(c.name, c.args)
		assert.True(t, res.IsError, "%s %v: %s", c.name, c.args, clipText(out))
		assert.Contains(t, out, c.want, "%s", c.name)
		assert.Less(t, len(out), 40000, "%s: the error stays readable", c.name)
	}
	assert.Contains(t, a.ok("browser_click", map[string]any{"target": "#target"}), "clicked 1")
}

func clipText(s string) string {
	if len(s) > 500 {
		return s[:500] + "…"
	}
	return s
}
