package actions

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"
)

// HTTPCredentials answers HTTP authentication (Basic, Digest, NTLM: WWW-Authenticate with a 401)
// for the pages of a Session. Origins limits them to those origins ("https://intranet.example",
// scheme, host and port as a browser compares them); none means every origin, which hands the
// password to any site that asks: give an origin when the Session visits other sites.
//
// A plain value; the Session never logs, shows or stores Password anywhere but in the answer to
// the server's challenge (errors and error snapshots redact it).
type HTTPCredentials struct {
	Username, Password string
	Origins            []string
}

// WithHTTPCredentials makes the Session answer HTTP authentication challenges with username and
// password, on every origin. The page loads as if the person had typed them into the browser's
// dialog; credentials the server rejects end the navigation with auth_required at once (they are
// not offered twice). Without credentials a challenge is never answered: a 401 is
// auth_required at once, as every login wall is (no dialog waits for a person).
//
// Chromium keeps credentials that worked for a realm in the browser context: a non-isolated
// Session shares the browser's default context, so later tabs there get into that realm too.
// Use Isolated with credentials unless that is what you want.
//
// Answering needs the tab's requests intercepted: each request of the credentials' origins (of
// every origin when none is given) waits one DevTools round trip; measured here, a page of 31
// requests took ~0.78 s instead of ~0.44 s on a loaded 2-core machine. Give Origins to keep the
// other sites' requests untouched.
func WithHTTPCredentials(username, password string) Option {
	return WithHTTPCredentialsFor(HTTPCredentials{Username: username, Password: password})
}

// WithHTTPCredentialsFor is WithHTTPCredentials with origins: each HTTPCredentials answers the
// challenges of its Origins (every origin when it has none; the first that fits wins). Several
// may be given, one per site.
func WithHTTPCredentialsFor(creds ...HTTPCredentials) Option {
	return optionFunc(func(c *config) {
		for _, cr := range creds {
			cr.Origins = append([]string(nil), cr.Origins...)
			for i, o := range cr.Origins {
				cr.Origins[i] = normOrigin(o)
			}
			c.httpCreds = append(c.httpCreds, cr)
		}
	})
}

// normOrigin reduces "https://Example.com:443/path" to "https://example.com".
func normOrigin(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.TrimRight(strings.ToLower(strings.TrimSpace(raw)), "/")
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	scheme := strings.ToLower(u.Scheme)
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}

// authFor returns the credentials for the origin of rawURL.
func authFor(creds []HTTPCredentials, rawURL string) (HTTPCredentials, bool) {
	o := normOrigin(rawURL)
	for _, c := range creds {
		if len(c.Origins) == 0 {
			return c, true
		}
		for _, co := range c.Origins {
			if co == o {
				return c, true
			}
		}
	}
	return HTTPCredentials{}, false
}

// authWatch is the per-tab state of the challenge answering: which tabs answer already, and which
// requests had their credentials offered (a second challenge for the same request means the
// server rejected them).
type authWatch struct {
	mu   sync.Mutex
	tabs map[proto.TargetSessionID]bool
}

// ensureAuth makes the session's tab p answer HTTP authentication challenges with the session's
// credentials, once per tab (a tab that replaced a crashed one gets it on its first action). It
// turns on the tab's request interception, limited to the credentials' origins when they all have
// some: every request of those origins pauses for one round trip and is continued unchanged.
// Without credentials it does nothing.
func (s *Session) ensureAuth(p *rod.Page) {
	if len(s.cfg.httpCreds) == 0 || p == nil {
		return
	}
	s.rememberHTTPPasswords() // again after a Reset, which forgets the session's secrets
	w := s.cfg.authw
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.tabs[p.SessionID] {
		return
	}
	var patterns []*proto.FetchRequestPattern
	all := false
	for _, c := range s.cfg.httpCreds {
		if len(c.Origins) == 0 {
			all = true
		}
		for _, o := range c.Origins {
			patterns = append(patterns, &proto.FetchRequestPattern{URLPattern: o + "/*"})
		}
	}
	if all {
		patterns = []*proto.FetchRequestPattern{{URLPattern: "*"}}
	}
	// The events are followed for as long as the session lives (Close ends s.ctx); a tab that is
	// gone sends nothing more.
	pp := p.Context(s.ctx)
	offered := map[proto.FetchRequestID]bool{}
	wait := pp.EachEvent(
		func(e *proto.FetchRequestPaused) {
			_ = proto.FetchContinueRequest{RequestID: e.RequestID}.Call(pp)
		},
		func(e *proto.FetchAuthRequired) {
			ans := &proto.FetchAuthChallengeResponse{Response: proto.FetchAuthChallengeResponseResponseCancelAuth}
			origin := e.AuthChallenge.Origin
			if origin == "" && e.Request != nil {
				origin = e.Request.URL
			}
			c, ok := authFor(s.cfg.httpCreds, origin)
			switch {
			case !ok:
				s.cfg.log.Info("http auth: no credentials for this origin; the 401 stands", zap.String("origin", normOrigin(origin)))
			case offered[e.RequestID]:
				s.cfg.log.Warn("http auth: the server rejected the credentials", zap.String("origin", normOrigin(origin)),
					zap.String("username", c.Username))
			default:
				offered[e.RequestID] = true
				ans = &proto.FetchAuthChallengeResponse{Response: proto.FetchAuthChallengeResponseResponseProvideCredentials,
					Username: c.Username, Password: c.Password}
				s.cfg.log.Debug("http auth: answering the challenge", zap.String("origin", normOrigin(origin)),
					zap.String("scheme", e.AuthChallenge.Scheme), zap.String("username", c.Username))
			}
			_ = proto.FetchContinueWithAuth{RequestID: e.RequestID, AuthChallengeResponse: ans}.Call(pp)
		},
	)
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.timeout)
	defer cancel()
	if err := (proto.FetchEnable{Patterns: patterns, HandleAuthRequests: true}).Call(p.Context(ctx)); err != nil {
		s.cfg.log.Warn("http auth: cannot intercept the tab's requests", zap.Error(err))
		return
	}
	w.tabs[p.SessionID] = true
	go wait()
}

// rememberHTTPPasswords adds the credentials' passwords to what errors, logs and error snapshots
// redact.
func (s *Session) rememberHTTPPasswords() {
	s.st.Lock()
	defer s.st.Unlock()
	for _, c := range s.cfg.httpCreds {
		if c.Password == "" {
			continue
		}
		dup := false
		for _, v := range s.urlSecrets {
			dup = dup || v == c.Password
		}
		if !dup {
			s.urlSecrets = append(s.urlSecrets, c.Password)
		}
	}
}

// httpAuthHint says what a 401 with a WWW-Authenticate challenge asks for, and how to answer it.
func httpAuthHint(challenge string, haveCreds bool) string {
	scheme, _, _ := strings.Cut(strings.TrimSpace(challenge), " ")
	if haveCreds {
		return fmt.Sprintf("the server rejected the HTTP %s credentials (or they are not for this origin)", scheme)
	}
	return fmt.Sprintf("the server asks for HTTP %s authentication: give credentials with actions.WithHTTPCredentials (a flow's http_credentials)", scheme)
}
