package crawl

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Pattern is one include/exclude rule of a Scope: a glob, or a regular expression written
// "re:EXPR".
//
// A glob that starts with "/" is matched against the URL's path; any other glob against the
// whole normalised URL ("https://shop.example/product/*"). In a glob "*" matches any run of
// characters except "/", "**" any run including "/", "?" one character except "/"; everything
// else is literal. A regular expression (RE2 syntax) is searched anywhere in the whole URL
// (anchor it with ^ and $ when needed).
//
// A Pattern is read-only once compiled: safe for concurrent use.
type Pattern struct {
	src      string
	re       *regexp.Regexp
	pathOnly bool
}

// CompilePattern compiles a glob or "re:" regular expression (see Pattern).
func CompilePattern(s string) (Pattern, error) {
	if strings.TrimSpace(s) == "" {
		return Pattern{}, fmt.Errorf("empty pattern")
	}
	if expr, ok := strings.CutPrefix(s, "re:"); ok {
		re, err := regexp.Compile(expr)
		if err != nil {
			return Pattern{}, fmt.Errorf("bad regular expression %q: %v", expr, err)
		}
		return Pattern{src: s, re: re}, nil
	}
	if strings.Contains(s, "***") {
		return Pattern{}, fmt.Errorf("bad glob %q: *** (use * within a path segment, ** across segments)", s)
	}
	if strings.ContainsAny(s, "[]{}") {
		return Pattern{}, fmt.Errorf("bad glob %q: [ ] { } are not glob syntax here (use re:EXPR for a regular expression)", s)
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "**"):
			b.WriteString(".*")
			i++
		case s[i] == '*':
			b.WriteString("[^/]*")
		case s[i] == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(s[i : i+1]))
		}
	}
	b.WriteString("$")
	return Pattern{src: s, re: regexp.MustCompile(b.String()), pathOnly: strings.HasPrefix(s, "/")}, nil
}

// Match reports whether the (normalised) URL matches.
func (p Pattern) Match(u *url.URL) bool {
	if p.re == nil {
		return false
	}
	if p.pathOnly {
		return p.re.MatchString(u.EscapedPath())
	}
	return p.re.MatchString(u.String())
}

// String is the pattern as written.
func (p Pattern) String() string { return p.src }

// Scope says which URLs a crawl may follow. The zero Scope allows every http(s) URL; a crawl's
// default is SameDomain. A URL is in scope when its host is allowed (SameDomain: the host of a
// start URL or a subdomain of it, "www." ignored; Domains: one of them or a subdomain), it
// matches an Include pattern (when there are any), and no Exclude pattern.
//
// A Scope is read-only once made (AddStart is for setting it up): safe for concurrent use then.
type Scope struct {
	SameDomain bool
	Domains    []string
	Include    []Pattern
	Exclude    []Pattern

	starts []string // hosts of the start URLs (SameDomain)
}

// AddStart notes the host of a start URL for SameDomain.
func (s *Scope) AddStart(u *url.URL) {
	h := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	for _, x := range s.starts {
		if x == h {
			return
		}
	}
	s.starts = append(s.starts, h)
}

// Check returns "" when u is in scope, else why not.
func (s *Scope) Check(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if s.SameDomain || len(s.Domains) > 0 {
		ok := false
		if s.SameDomain {
			for _, d := range s.starts {
				if underDomain(host, d) {
					ok = true
					break
				}
			}
		}
		for _, d := range s.Domains {
			if underDomain(host, strings.ToLower(d)) {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Sprintf("host %s is not an allowed domain", host)
		}
	}
	for _, p := range s.Exclude {
		if p.Match(u) {
			return fmt.Sprintf("excluded by %q", p.String())
		}
	}
	if len(s.Include) == 0 {
		return ""
	}
	for _, p := range s.Include {
		if p.Match(u) {
			return ""
		}
	}
	return "matches no include pattern"
}

func underDomain(host, domain string) bool {
	host = strings.TrimPrefix(host, "www.")
	return host == domain || strings.HasSuffix(host, "."+domain)
}
