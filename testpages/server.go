package testpages

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is the test site served on a random loopback port. It is safe for concurrent use.
type Server struct {
	site *Site
	srv  *http.Server
	base string

	closeOnce sync.Once
	closeErr  error
	served    chan struct{}
}

// Start serves a fresh Site on 127.0.0.1 at a random port. Close it when done.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	site := NewSite()
	s := &Server{
		site:   site,
		srv:    &http.Server{Handler: site, ReadHeaderTimeout: 10 * time.Second},
		base:   "http://" + ln.Addr().String(),
		served: make(chan struct{}),
	}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// URL returns the absolute URL of path (which may carry a query), e.g.
// s.URL("/flaky?id=t1&fail=2") → "http://127.0.0.1:40123/flaky?id=t1&fail=2".
func (s *Server) URL(path string) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return s.base + path
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return strings.TrimPrefix(s.base, "http://") }

// Site is the handler this server serves, with its counters.
func (s *Server) Site() *Site { return s.site }

// Hits reports how many requests reached route with id; see (*Site).Hits.
func (s *Server) Hits(route, id string) int { return s.site.Hits(route, id) }

// Actions reports how many actions the page at route with id reported; see (*Site).Actions.
func (s *Server) Actions(route, id string) int { return s.site.Actions(route, id) }

// Close stops the listener, ends waiting requests and closes every connection, taken-over ones
// included. It is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		_ = s.site.Close()
		err := s.srv.Close()
		<-s.served
		if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			s.closeErr = err
		}
	})
	return s.closeErr
}
