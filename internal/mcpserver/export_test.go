package mcpserver

import "github.com/go-rod/rod"

// PageForTest is the current tab's page, for tests that crash it.
func (s *Server) PageForTest() *rod.Page {
	s.st.Lock()
	defer s.st.Unlock()
	if len(s.tabs) == 0 {
		return nil
	}
	return s.tabs[s.cur].sess.Page()
}

// HasBrowserForTest reports whether the server has a browser open now.
func (s *Server) HasBrowserForTest() bool {
	s.st.Lock()
	defer s.st.Unlock()
	return s.b != nil
}
