package crawl

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
)

// Normalizer turns the URLs a page links to into one spelling per page, so that a page is run
// once however it is linked: the fragment is dropped, scheme and host are lower-cased, the
// default port (:80 for http, :443 for https) is dropped, an empty path becomes "/", dot segments
// are resolved, query parameters are sorted by name (unless KeepQueryOrder) and the parameters
// named in StripParams are removed.
//
// A Normalizer is read-only once made: safe for concurrent use.
type Normalizer struct {
	// KeepQueryOrder keeps the query parameters in the order the link has them (for sites where
	// the order means something).
	KeepQueryOrder bool
	// StripParams are query parameter names to drop (tracking parameters, session ids). A name
	// may end in "*" to drop every parameter with that prefix ("utm_*").
	StripParams []string
}

// ErrNotHTTP is returned for links a crawl cannot follow: mailto:, javascript:, tel:, data: ...
var ErrNotHTTP = errors.New("not an http(s) URL")

// Normalize resolves ref against base (nil: ref must be absolute) and returns its normal form.
func (n Normalizer) Normalize(base *url.URL, ref string) (*url.URL, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, errors.New("empty URL")
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %w", ref, err)
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return nil, fmt.Errorf("relative URL %q with no page to resolve it against", ref)
		}
		return nil, fmt.Errorf("%s: %w", u.Scheme, ErrNotHTTP)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("bad URL %q: no host", ref)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	} else if strings.Contains(u.Path, "/.") {
		trailing := strings.HasSuffix(u.Path, "/")
		u.Path = path.Clean(u.Path)
		if trailing && u.Path != "/" {
			u.Path += "/"
		}
		u.RawPath = ""
	}
	u.RawQuery = n.query(u.RawQuery)
	u.ForceQuery = false
	return u, nil
}

// String is Normalize for an absolute URL, as a string.
func (n Normalizer) String(raw string) (string, error) {
	u, err := n.Normalize(nil, raw)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// query drops stripped parameters and sorts the rest by name (stable: repeated names keep their
// order), keeping each pair's encoding as the link wrote it.
func (n Normalizer) query(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	keep := parts[:0]
	for _, p := range parts {
		if p == "" || n.stripped(paramName(p)) {
			continue
		}
		keep = append(keep, p)
	}
	if !n.KeepQueryOrder {
		sort.SliceStable(keep, func(i, j int) bool { return paramName(keep[i]) < paramName(keep[j]) })
	}
	return strings.Join(keep, "&")
}

func paramName(pair string) string {
	k, _, _ := strings.Cut(pair, "=")
	if u, err := url.QueryUnescape(k); err == nil {
		return u
	}
	return k
}

func (n Normalizer) stripped(name string) bool {
	for _, s := range n.StripParams {
		if prefix, ok := strings.CutSuffix(s, "*"); ok {
			if strings.HasPrefix(name, prefix) {
				return true
			}
		} else if s == name {
			return true
		}
	}
	return false
}
