package mcpserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/mcpserver"
)

// A test server with a self-signed certificate: refused by default with a result that says how
// to accept it (`smartretry mcp --ignore-https-errors`, as Playwright MCP's flag); loaded with
// browser.IgnoreHTTPSErrors among the server's browser options.
func TestMCP_IgnoreHTTPSErrors(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<title>staging</title><h1>Staging build</h1>`)
	}))
	srv.Config.ErrorLog = nil
	t.Cleanup(srv.Close)

	a := newAgent(t, mcpserver.Config{}, nil)
	res, out := a.call("browser_navigate", map[string]any{"url": srv.URL})
	require.True(t, res.IsError, out)
	assert.Contains(t, out, "ERR_CERT_")
	assert.Contains(t, out, "--ignore-https-errors")

	a = newAgent(t, mcpserver.Config{BrowserOptions: []browser.Option{browser.IgnoreHTTPSErrors()}}, nil)
	out = a.ok("browser_navigate", map[string]any{"url": srv.URL})
	assert.Contains(t, out, "Staging build")
}
