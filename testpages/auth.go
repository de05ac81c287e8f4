package testpages

import (
	"net/http"
	"strings"
)

// SessionCookie is the cookie /login sets and /account requires.
const SessionCookie = "session"

func (s *Site) authWall(status int) func(w http.ResponseWriter, r *http.Request, c *call) {
	return func(w http.ResponseWriter, r *http.Request, c *call) {
		// No WWW-Authenticate: Chromium would answer Basic/Digest with its own credentials prompt,
		// and the point of this page is a login form.
		s.render(w, status, "login", page{Title: "Sign in required", Route: r.URL.Path, ID: c.p.ID,
			Data: map[string]any{"Status": status, "Next": r.URL.Path, "Wall": true}})
	}
}

func (s *Site) account(w http.ResponseWriter, r *http.Request, c *call) {
	ck, err := r.Cookie(SessionCookie)
	if err != nil || ck.Value == "" {
		http.Redirect(w, r, "/login?next=/account", http.StatusFound)
		return
	}
	s.mu.Lock()
	user := s.tokens[ck.Value]
	s.mu.Unlock()
	if user == "" {
		user = "a visitor" // a session cookie set by hand is accepted too
	}
	s.content(w, http.StatusOK, "Your account", "Signed in as "+user)
}

// safeNext keeps redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/account"
	}
	return next
}

func (s *Site) login(w http.ResponseWriter, r *http.Request, c *call) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.render(w, http.StatusOK, "login", page{Title: "Sign in", Route: "/login", ID: c.p.ID,
			Data: map[string]any{"Next": safeNext(r.URL.Query().Get("next"))}})
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		user, pass := strings.TrimSpace(r.PostForm.Get("username")), r.PostForm.Get("password")
		next := safeNext(r.PostForm.Get("next"))
		if user == "" || pass == "" {
			s.render(w, http.StatusOK, "login", page{Title: "Sign in", Route: "/login", ID: c.p.ID,
				Data: map[string]any{"Next": next, "Error": "Enter a user name and a password."}})
			return
		}
		tok := randomName("s")
		s.mu.Lock()
		s.tokens[tok] = user
		s.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: tok, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, next, http.StatusSeeOther)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "GET or POST", http.StatusMethodNotAllowed)
	}
}

func (s *Site) logout(w http.ResponseWriter, r *http.Request, c *call) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusFound)
}
