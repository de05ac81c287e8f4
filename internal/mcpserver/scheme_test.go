package mcpserver

import "testing"

// A URL without a scheme is completed as Playwright MCP completes it; a path is relative to the
// current page; what is not a host name is left for the Session to refuse with its message.
func TestWithScheme(t *testing.T) {
	for _, c := range []struct{ in, current, want string }{
		{"example.com", "", "https://example.com"},
		{"example.com/a?b=1", "", "https://example.com/a?b=1"},
		{"//cdn.example.com/x", "", "https://cdn.example.com/x"},
		{"localhost:8080/x", "", "http://localhost:8080/x"},
		{"localhost", "", "http://localhost"},
		{"app.localhost/x", "", "http://app.localhost/x"},
		{"127.0.0.1:8931/form", "", "http://127.0.0.1:8931/form"},
		{"[::1]:8080/", "", "http://[::1]:8080/"},
		{"/form?x=1", "http://127.0.0.1:9/a/b", "http://127.0.0.1:9/form?x=1"},
		{"/form", "about:blank", "/form"},
		{"https://example.com", "", "https://example.com"},
		{"HTTP://example.com", "", "HTTP://example.com"},
		{"about:blank", "", "about:blank"},
		{"data:text/html,<p>x</p>", "", "data:text/html,<p>x</p>"},
		{"file:///tmp/x.html", "", "file:///tmp/x.html"},
		{"intranet", "", "intranet"},
		{"not a url", "", "not a url"},
		{"", "", ""},
	} {
		if got := withScheme(c.in, c.current); got != c.want {
			t.Errorf("withScheme(%q, %q) = %q, want %q", c.in, c.current, got, c.want)
		}
	}
}
