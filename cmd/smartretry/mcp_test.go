package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/testenv"
)

// mcpMarker is an environment entry only the processes of one MCP test carry (the server and
// the Chromium it starts), so the test can prove none is left.
func mcpMarker(t *testing.T) string {
	return fmt.Sprintf("SMARTRETRY_MCP_TEST=%s-%d", t.Name(), time.Now().UnixNano())
}

func requireNoneLeft(t *testing.T, marker string) {
	t.Helper()
	left := testenv.WaitGone(15*time.Second, func() []int { return testenv.ProcessesWithEnv(marker) })
	for _, pid := range left {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	require.Empty(t, left, "processes outlived the MCP server")
}

func chromiumsWith(marker string) []int {
	var out []int
	for _, pid := range testenv.ProcessesWithEnv(marker) {
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.Contains(string(comm), "chrom") {
			out = append(out, pid)
		}
	}
	return out
}

func callText(t *testing.T, ctx context.Context, cs *mcp.ClientSession, name string, args map[string]any) (*mcp.CallToolResult, string) {
	t.Helper()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(t, err)
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return res, b.String()
}

// The binary over stdio: the tools with Playwright MCP's names and argument names, their schemas,
// then an agent's sequence; closing the client ends the server and its Chromium.
func TestMCPStdio(t *testing.T) {
	srv, _ := startSite(t)
	ctx := testenv.Context(t, 2*time.Minute)
	marker := mcpMarker(t)
	c := cmd(ctx, ".", []string{marker}, "mcp", "--action-timeout", "5s")
	c.Stderr = io.Discard
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, &mcp.CommandTransport{Command: c}, nil)
	require.NoError(t, err)

	tools := map[string]*mcp.Tool{}
	for tool, err := range cs.Tools(ctx, nil) {
		require.NoError(t, err)
		tools[tool.Name] = tool
	}
	props := func(name string) map[string]any {
		tool := tools[name]
		require.NotNil(t, tool, "tool %s", name)
		b, _ := json.Marshal(tool.InputSchema)
		var s struct {
			Properties map[string]any `json:"properties"`
		}
		require.NoError(t, json.Unmarshal(b, &s))
		return s.Properties
	}
	for name, args := range map[string][]string{
		"browser_navigate": {"url"}, "browser_navigate_back": nil, "browser_snapshot": nil,
		"browser_click":           {"element", "target", "doubleClick", "ref"},
		"browser_type":            {"element", "target", "text", "submit", "slowly"},
		"browser_fill_form":       {"fields"},
		"browser_select_option":   {"element", "target", "values"},
		"browser_hover":           {"element", "target"},
		"browser_press_key":       {"key"},
		"browser_wait_for":        {"text", "textGone", "time"},
		"browser_take_screenshot": nil, "browser_handle_dialog": {"accept", "promptText"},
		"browser_evaluate": {"function", "element", "target"}, "browser_tabs": {"action", "index"},
		"browser_close": nil, "browser_extract": {"container", "fields"}, "retry_stats": nil,
		"browser_handoff": nil, "browser_navigate_forward": nil, "browser_install": nil,
		"browser_drag":             {"startElement", "startTarget", "endElement", "endTarget", "startRef", "endRef"},
		"browser_network_requests": {"static", "filter"},
	} {
		p := props(name)
		for _, a := range args {
			assert.Contains(t, p, a, "%s has argument %s", name, a)
		}
		assert.NotNil(t, tools[name].OutputSchema, "%s declares its output", name)
	}
	assert.Len(t, tools, 25)
	b, _ := json.Marshal(props("browser_fill_form")["fields"])
	for _, f := range []string{"name", "type", "target", "value"} {
		assert.Contains(t, string(b), `"`+f+`"`)
	}

	_, out := callText(t, ctx, cs, "browser_navigate", map[string]any{"url": srv.URL("/late?ms=200")})
	assert.Contains(t, out, "recovery: none needed")
	var ref string
	require.Eventually(t, func() bool {
		_, snap := callText(t, ctx, cs, "browser_snapshot", nil)
		m := regexp.MustCompile(`button "Buy" \[ref=(e\d+)\]`).FindStringSubmatch(snap)
		if m != nil {
			ref = m[1]
		}
		return m != nil
	}, 20*time.Second, 50*time.Millisecond)
	res, out := callText(t, ctx, cs, "browser_click", map[string]any{"target": ref})
	require.False(t, res.IsError, out)
	assert.Contains(t, out, "clicked 1")
	res, out = callText(t, ctx, cs, "browser_extract", map[string]any{"container": "#result", "fields": map[string]string{"text": "."}})
	require.False(t, res.IsError, out)
	assert.Contains(t, string(mustJSON(res.StructuredContent)), `"text":"clicked 1"`)
	require.NotEmpty(t, chromiumsWith(marker), "the browser runs while the client is connected")

	require.NoError(t, cs.Close()) // closes the server's stdin
	requireNoneLeft(t, marker)
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// The binary over streamable HTTP, with a bearer token: without it 401, with it the tools work;
// SIGTERM stops the server and its Chromium.
func TestMCPHTTPWithToken(t *testing.T) {
	srv, _ := startSite(t)
	ctx := testenv.Context(t, 2*time.Minute)
	marker := mcpMarker(t)
	endpoint, stop := mcpHTTPServer(ctx, t, marker, "SMARTRETRY_MCP_TOKEN=tok-123")

	resp, err := http.Post(endpoint, "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	hc := &http.Client{Transport: tokenTransport{"tok-123"}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx,
		&mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: hc}, nil)
	require.NoError(t, err)
	res, out := callText(t, ctx, cs, "browser_navigate", map[string]any{"url": srv.URL("/flaky?fail=1&code=503&id=http-" + marker)})
	require.False(t, res.IsError, out)
	assert.Contains(t, out, "navigate: HTTP 503, waited")
	_ = cs.Close()
	stop()
}

// mcpHTTPServer starts the binary's MCP server over streamable HTTP on a free loopback port, with
// env, and returns its endpoint and stop: SIGTERM, which must end the server within 20 s and
// leave no Chromium of marker's behind.
func mcpHTTPServer(ctx context.Context, t *testing.T, marker string, env ...string) (endpoint string, stop func()) {
	t.Helper()
	c := cmd(ctx, ".", append([]string{marker}, env...), "mcp", "--http", "127.0.0.1:0")
	stderr, err := c.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, c.Start())
	exited := make(chan error, 1)
	go func() { exited <- c.Wait() }()
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			endpoint = m[1]
			break
		}
	}
	require.NotEmpty(t, endpoint)
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	return endpoint, func() {
		t.Helper()
		require.NoError(t, c.Process.Signal(syscall.SIGTERM))
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			t.Fatal("the server did not stop on SIGTERM")
		}
		requireNoneLeft(t, marker)
	}
}

type tokenTransport struct{ token string }

func (tt tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+tt.token)
	return http.DefaultTransport.RoundTrip(r)
}

// The client dies (SIGKILL) in the middle of a call, or the server gets SIGTERM in the middle of
// one: no Chromium is left either way.
func TestMCPNoChromiumOutlivesTheServer(t *testing.T) {
	srv, _ := startSite(t)
	hang := srv.URL("/spinner/hang")
	requests := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"browser_navigate","arguments":{"url":"` + hang + `"}}}
`
	for _, how := range []string{"client killed", "SIGTERM"} {
		t.Run(how, func(t *testing.T) {
			ctx := testenv.Context(t, 2*time.Minute)
			marker := mcpMarker(t)
			r, w, err := os.Pipe()
			require.NoError(t, err)
			_, err = w.WriteString(requests)
			require.NoError(t, err)
			// The "client" holds the only write end of the server's stdin.
			client := exec.Command("sleep", "600")
			client.ExtraFiles = []*os.File{w}
			require.NoError(t, client.Start())
			_ = w.Close()
			server := cmd(ctx, ".", []string{marker}, "mcp", "--action-timeout", "30s")
			server.Stdin, server.Stdout, server.Stderr = r, io.Discard, io.Discard
			require.NoError(t, server.Start())
			_ = r.Close()
			exited := make(chan struct{})
			go func() { _ = server.Wait(); close(exited) }()
			require.Eventually(t, func() bool { return len(chromiumsWith(marker)) > 0 }, 60*time.Second, 50*time.Millisecond,
				"the call starts the browser")
			if how == "client killed" {
				require.NoError(t, client.Process.Kill())
			} else {
				require.NoError(t, server.Process.Signal(syscall.SIGTERM))
			}
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				t.Fatal("the server did not stop")
			}
			_ = client.Process.Kill()
			_ = client.Wait()
			requireNoneLeft(t, marker)
		})
	}
}

// A non-loopback --http needs --allow-remote; bad flags are usage errors before any browser.
func TestMCPUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"mcp", "--help"}, 0, "--browser-url"},
		{[]string{"mcp", "--http", "0.0.0.0:0"}, 2, "not a loopback address"},
		{[]string{"mcp", "--handoff", "maybe"}, 2, "--handoff"},
		{[]string{"mcp", "--snapshot-budget", "5"}, 2, "--snapshot-budget"},
	} {
		r := run(t, ".", nil, tc.args...)
		assert.Equal(t, tc.code, r.code, r.stderr)
		assert.Contains(t, r.stdout+r.stderr, tc.want)
	}
}

// --browser-url drives a Chromium someone else runs: the server opens its tab there and, when the
// client leaves, closes only that tab; the browser goes on.
func TestMCPBrowserURL(t *testing.T) {
	srv, _ := startSite(t)
	ctx := testenv.Context(t, 2*time.Minute)
	b, err := browser.Launch(ctx)
	require.NoError(t, err)
	defer b.Close()
	marker := mcpMarker(t)
	c := cmd(ctx, ".", []string{marker}, "mcp", "--browser-url", b.ControlURL())
	c.Stderr = io.Discard
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, &mcp.CommandTransport{Command: c}, nil)
	require.NoError(t, err)
	u := srv.URL("/product/7")
	res, out := callText(t, ctx, cs, "browser_navigate", map[string]any{"url": u})
	require.False(t, res.IsError, out)
	pageAt := func() bool {
		pages, err := b.Rod().Context(ctx).Pages()
		require.NoError(t, err)
		for _, p := range pages {
			if info, err := p.Context(ctx).Info(); err == nil && info.URL == u {
				return true
			}
		}
		return false
	}
	require.True(t, pageAt(), "the server's tab is in the given browser")
	assert.Empty(t, chromiumsWith(marker), "no Chromium of its own")
	require.NoError(t, cs.Close())
	requireNoneLeft(t, marker)
	assert.False(t, pageAt(), "its tab is closed")
	assert.True(t, testenv.ProcessAlive(b.PID()), "the browser goes on")
}

// Over HTTP a client that goes quiet without ending its session (no DELETE) gives its browser
// back after --idle-timeout, long before the session's own timeout; a later call on the same
// session gets a new browser and is told so.
func TestMCPHTTPIdleClientGivesItsBrowserBack(t *testing.T) {
	srv, _ := startSite(t)
	ctx := testenv.Context(t, 2*time.Minute)
	marker := mcpMarker(t)
	c := cmd(ctx, ".", []string{marker}, "mcp", "--http", "127.0.0.1:0", "--idle-timeout", "1s")
	stderr, err := c.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, c.Start())
	defer func() {
		_ = c.Process.Signal(syscall.SIGTERM)
		_ = c.Wait()
		requireNoneLeft(t, marker)
	}()
	sc := bufio.NewScanner(stderr)
	var endpoint string
	for sc.Scan() {
		if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			endpoint = m[1]
			break
		}
	}
	require.NotEmpty(t, endpoint)
	go func() { _, _ = io.Copy(io.Discard, stderr) }()

	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx,
		&mcp.StreamableClientTransport{Endpoint: endpoint}, nil)
	require.NoError(t, err)
	defer cs.Close()
	res, out := callText(t, ctx, cs, "browser_navigate", map[string]any{"url": srv.URL("/product/7")})
	require.False(t, res.IsError, out)
	require.NotEmpty(t, chromiumsWith(marker))
	// The client says nothing: after 1s its browser goes, the server stays.
	require.Eventually(t, func() bool { return len(chromiumsWith(marker)) == 0 }, 20*time.Second, 50*time.Millisecond, "the idle browser is closed")

	res, out = callText(t, ctx, cs, "browser_snapshot", nil)
	require.False(t, res.IsError, out)
	assert.Contains(t, out, "the browser was closed after 1s without a tool call")
}
