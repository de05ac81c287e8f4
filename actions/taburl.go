package actions

import (
	"context"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// tabURLBound is how long the browser gets to say where a tab is.
const tabURLBound = 2 * time.Second

// tabURL is where the browser says tab p is, or is going: its target's URL, which the browser
// process knows without asking the page (a page whose navigation waits for its server holds every
// evaluation until its document comes). "" when it does not answer within tabURLBound.
func (s *Session) tabURL(ctx context.Context, p *rod.Page) string {
	if p == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, tabURLBound)
	defer cancel()
	res, err := proto.TargetGetTargetInfo{TargetID: p.TargetID}.Call(s.b.Rod().Context(ctx))
	if err != nil || res.TargetInfo == nil {
		return ""
	}
	return res.TargetInfo.URL
}

// learnURL fills in URL() for a page whose navigation the Session never saw: a popup whose
// document was committed before the Session watched its tab, and whose first wait in
// ExpectPopup ran out (a slow server, a loaded machine). URL() had said "" for good, though
// actions worked on the page. Once known, the events keep it.
func (s *Session) learnURL(ctx context.Context) {
	s.st.Lock()
	known := s.nav.url != "" || s.lastURL != ""
	s.st.Unlock()
	if known {
		return
	}
	u := s.tabURL(ctx, s.Page())
	if u == "" || u == "about:blank" {
		return
	}
	s.st.Lock()
	defer s.st.Unlock()
	if s.nav.url == "" {
		s.nav.url = u
		if s.nav.last.URL == "" {
			s.nav.last = NavResult{URL: u}
		}
	}
}
