package mcpserver

import (
	"fmt"
	"strings"
)

// newConsoleMax is how many new console messages a result lists (the newest).
const newConsoleMax = 10

// newMessages returns the errors and warnings logged since the last call (all the tab's
// documents), and how many more there were than it returns.
func (l *consoleLog) newMessages() (msgs []consoleMsg, more int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.msgs {
		if m.seq > l.told && consoleLevels[m.Level] <= consoleLevels["warning"] {
			msgs = append(msgs, m)
		}
	}
	l.told = l.seq
	if len(msgs) > newConsoleMax {
		more = len(msgs) - newConsoleMax
		msgs = msgs[more:]
	}
	return msgs, more
}

// newConsoleText is a result's "### New console messages": the errors and warnings (an uncaught
// exception in a click handler, a failed load) since the previous result, one line each, as
// Playwright MCP lists them after an action; "" when there are none.
func newConsoleText(l *consoleLog) string {
	msgs, more := l.newMessages()
	if len(msgs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("### New console messages\n")
	if more > 0 {
		fmt.Fprintf(&b, "- … %d earlier (browser_console_messages lists them)\n", more)
	}
	for _, m := range msgs {
		first, _, _ := strings.Cut(m.Text, "\n") // an exception's first line; its stack is in browser_console_messages
		fmt.Fprintf(&b, "- [%s] %s\n", m.Level, clip(first, 300))
	}
	return b.String()
}
