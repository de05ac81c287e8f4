package mcpserver

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Sessions serves streamable HTTP with a Server of its own for each client session: its
// browser, tabs, cookies and refs, started on its first tool call and closed when the session
// ends (DELETE, or the SDK's session timeout). One Server for all made every client act on the
// same tab: a second agent's navigate moved the first one's page under it, and its snapshot
// showed the other's page (Playwright MCP gives each HTTP client a context of its own too).
//
// A Sessions is safe for concurrent use.
type Sessions struct {
	cfg  Config
	h    *mcp.StreamableHTTPHandler
	base *Server // answers the SDK's protocol-version check of requests of existing sessions; runs no tool

	mu     sync.Mutex
	live   map[*Server]struct{}
	closed bool
}

type newSessionKey struct{}

// NewSessions returns the handler of streamable HTTP for cfg (every session's Server gets it)
// with the SDK's opts.
func NewSessions(cfg Config, opts *mcp.StreamableHTTPOptions) *Sessions {
	ss := &Sessions{cfg: cfg, base: New(cfg), live: map[*Server]struct{}{}}
	ss.h = mcp.NewStreamableHTTPHandler(func(r *http.Request) *mcp.Server {
		if s, ok := r.Context().Value(newSessionKey{}).(*Server); ok {
			return s.MCP()
		}
		return ss.base.MCP()
	}, opts)
	return ss
}

// ServeHTTP serves one request: a POST without a session id (an initialize) gets a new Server;
// the others go to their session's.
func (ss *Sessions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.Header.Get("Mcp-Session-Id") == "" {
		ss.mu.Lock()
		closed := ss.closed
		ss.mu.Unlock()
		if closed {
			http.Error(w, "the server is shutting down", http.StatusServiceUnavailable)
			return
		}
		s := New(ss.cfg)
		s.sessionHooks(ss.started, ss.ended)
		r = r.WithContext(context.WithValue(r.Context(), newSessionKey{}, s))
	}
	ss.h.ServeHTTP(w, r)
}

// started: s's session is initialized; it is closed with the others.
func (ss *Sessions) started(s *Server) {
	ss.mu.Lock()
	closed := ss.closed
	if !closed {
		ss.live[s] = struct{}{}
	}
	ss.mu.Unlock()
	if closed {
		_ = s.Close()
	}
}

// ended: s's session is over (its browser is closed already).
func (ss *Sessions) ended(s *Server) {
	ss.mu.Lock()
	delete(ss.live, s)
	ss.mu.Unlock()
	_ = s.Close()
}

// Close closes every session's browser; requests that start a session after it are refused.
func (ss *Sessions) Close() error {
	ss.mu.Lock()
	ss.closed = true
	live := make([]*Server, 0, len(ss.live))
	for s := range ss.live {
		live = append(live, s)
	}
	ss.live = map[*Server]struct{}{}
	ss.mu.Unlock()
	var errs []error
	for _, s := range live {
		errs = append(errs, s.Close())
	}
	errs = append(errs, ss.base.Close())
	return errors.Join(errs...)
}
