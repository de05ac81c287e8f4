package mcpserver_test

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// A 429 within a tool call is waited out as long as its server asks, not the engine's 30 s (then
// 60 s) rate-limit backoff, which outlasted a client's 60 s request timeout for a server that said
// Retry-After: 1 (the agent got 'Request timed out' and nothing else). A Retry-After the call
// cannot wait out is refused at once, saying what the server asked for. The engine's clock is
// fake here: the waits are the delays it chose, not slept.
func TestMCP_RateLimitWaitsAsTheServerAsks(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	out := a.ok("browser_navigate", map[string]any{"url": site.URL("/ratelimit?fail=1&ra=1&id=" + uid("rl"))})
	m := regexp.MustCompile(`navigate: HTTP 429, waited ([0-9.]+) s, succeeded`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	waited, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, waited, 1.0, "Retry-After: 1 is honoured")
	assert.Less(t, waited, 10.0, "a 429 that said Retry-After: 1 waited the engine's rate-limit backoff")

	res, out := a.call("browser_navigate", map[string]any{"url": site.URL("/ratelimit?fail=1&ra=600&id=" + uid("rl"))})
	require.True(t, res.IsError, out)
	assert.Contains(t, out, "Retry-After 10m0s exceeds the limit")
	assert.Contains(t, out, "429")
}
