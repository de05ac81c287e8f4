package retry

import (
	"strings"
	"sync/atomic"
)

// Info is the context of an action, the guide's "context" dict. Keys by convention: "url",
// "domain", "action", "selector"; add any others. Info takes part in stuck-loop detection (the
// same action with the same Info failing the same way) and gives the domain for the circuit
// breaker. An Info is a plain map: not safe for concurrent writes.
type Info map[string]any

// Domain returns info["domain"] if it is a non-empty string, else the host (with its port, if
// the URL names one) of info["url"], lower-cased; "" when there is neither.
func (info Info) Domain() string {
	if d, ok := info["domain"].(string); ok && d != "" {
		return d
	}
	u, _ := info["url"].(string)
	return cachedHostOf(u)
}

// hostCacheSize bounds the host cache: a direct-mapped table where a new URL replaces the one
// in its slot.
const hostCacheSize = 512

type hostEntry struct{ url, host string }

// hostCache remembers the host of recent URLs, lock-free: Domain runs on every attempt, and an
// action usually goes to a URL it went to a moment ago.
var hostCache [hostCacheSize]atomic.Pointer[hostEntry]

func cachedHostOf(u string) string {
	if u == "" {
		return ""
	}
	slot := &hostCache[strHash(u)&(hostCacheSize-1)]
	if e := slot.Load(); e != nil && e.url == u {
		return e.host
	}
	h := hostOf(u)
	slot.Store(&hostEntry{url: u, host: h})
	return h
}

func (info Info) action() string {
	s, _ := info["action"].(string)
	return s
}

// hostOf extracts the host[:port] of a URL without allocating (url.Parse allocates, and this
// runs on every decision). "example.com/x" without a scheme also works.
func hostOf(u string) string {
	if u == "" {
		return ""
	}
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	} else if strings.HasPrefix(u, "//") {
		u = u[2:]
	} else if i := strings.IndexByte(u, ':'); i >= 0 && !strings.ContainsAny(u[:i], "./") && !isAllDigits(u[i+1:]) {
		return "" // about:blank, mailto:x, data:…
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.LastIndexByte(u, '@'); i >= 0 {
		u = u[i+1:]
	}
	for i := 0; i < len(u); i++ {
		if 'A' <= u[i] && u[i] <= 'Z' {
			return strings.ToLower(u)
		}
	}
	return u
}

func isAllDigits(s string) bool {
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func (info Info) url() string {
	s, _ := info["url"].(string)
	return s
}
