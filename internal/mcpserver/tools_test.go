package mcpserver_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// refOf finds the ref of the first snapshot line with role and name.
func refOf(t testing.TB, snap, role, name string) string {
	t.Helper()
	m := regexp.MustCompile(`- ` + role + ` "` + regexp.QuoteMeta(name) + `" \[ref=(e\d+)\]`).FindStringSubmatch(snap)
	require.NotNil(t, m, "no %s %q in:\n%s", role, name, snap)
	return m[1]
}

func TestMCP_SnapshotThenClickLateElementByRef(t *testing.T) {
	a := newAgent(t, mcpserver.Config{}, nil)
	a.ok("browser_navigate", map[string]any{"url": site.URL("/late?ms=300")})
	snap := a.snapshotUntil(`button "Buy"`)
	ref := refOf(t, snap, "button", "Buy")
	out := a.ok("browser_click", map[string]any{"element": "Buy button", "target": ref})
	assert.Contains(t, out, "clicked 1")
	assert.Contains(t, out, "recovery: none needed")
}
