package flow

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartretry/smartretry/internal/crawl"
)

// SitemapRobots, as a stage's sitemap, means the Sitemap: lines of the robots.txt of the start
// URLs' origins.
const SitemapRobots = "robots"

// Sitemap is one entry of a stage's sitemap: field: a sitemap (or sitemap index, or a
// robots.txt whose Sitemap: lines to read) by URL, or the start origins' robots.txt; its page
// URLs become items of the stage at depth 0, like start URLs. Read-only once parsed: safe for
// concurrent use.
type Sitemap struct {
	// URL is a template (${NAME} only); "" when Robots.
	URL string
	// Robots: the Sitemap: lines of the robots.txt of the stage's start URLs' origins (of every
	// stage's start URLs when the stage has none).
	Robots bool
	// Since keeps only the pages whose <lastmod> is not before it (pages without one are kept);
	// zero: every page. SinceAgo is the same relative to the run's start (since: 30d).
	Since    time.Time
	SinceAgo time.Duration
	Line     int
}

// Cutoff is the lastmod a page needs at least (zero: none), for a run started at now.
func (s Sitemap) Cutoff(now time.Time) time.Time {
	if s.SinceAgo > 0 {
		return now.Add(-s.SinceAgo)
	}
	return s.Since
}

// String names the sitemap as written ("robots" for the start origins' robots.txt).
func (s Sitemap) String() string {
	if s.Robots {
		return SitemapRobots
	}
	return s.URL
}

// HasStart reports whether the stage has items of its own from the start: start URLs or
// sitemaps.
func (st *Stage) HasStart() bool { return len(st.Start) > 0 || len(st.Sitemaps) > 0 }

// HasSitemaps reports whether any stage of the flow starts from sitemaps.
func (f *Flow) HasSitemaps() bool {
	for _, st := range f.Stages() {
		if len(st.Sitemaps) > 0 {
			return true
		}
	}
	return false
}

// sitemaps parses a stage's sitemap: a URL, robots, {url, since}, or a list of them.
func (p *parser) sitemaps(n *yaml.Node, path string) []Sitemap {
	if n.Kind == yaml.SequenceNode {
		if len(n.Content) == 0 {
			p.errAt(n, path, "empty list (leave sitemap out, or name one)")
		}
		var out []Sitemap
		for i, x := range n.Content {
			if s, ok := p.sitemap(x, fmt.Sprintf("%s[%d]", path, i)); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if s, ok := p.sitemap(n, path); ok {
		return []Sitemap{s}
	}
	return nil
}

func (p *parser) sitemap(n *yaml.Node, path string) (Sitemap, bool) {
	s := Sitemap{Line: n.Line}
	urlNode := n
	if n.Kind == yaml.MappingNode {
		f := p.mapping(n, path, []string{"url", "since"})
		urlNode = f["url"]
		if urlNode == nil {
			p.errAt(n, path+".url", "field is required (a sitemap URL, or robots)")
			return s, false
		}
		if v := f["since"]; v != nil {
			if !p.since(v, path+".since", &s) {
				return s, false
			}
		}
		path += ".url"
	} else if n.Kind != yaml.ScalarNode {
		p.errAt(n, path, "want a sitemap URL, robots, or {url: URL, since: DATE}, got %s", kindName(n))
		return s, false
	}
	raw := p.str(urlNode, path)
	if raw == "" {
		if urlNode.Kind == yaml.ScalarNode && urlNode.Tag != "!!null" {
			p.errAt(urlNode, path, "want a sitemap URL, or robots")
		}
		return s, false
	}
	if strings.TrimSpace(raw) == SitemapRobots {
		s.Robots = true
		return s, true
	}
	n0 := len(p.errs)
	p.checkTemplate(urlNode, path, raw, false)
	if rs, err := refs(raw); err == nil && countItemRefs(rs) > 0 {
		p.errAt(urlNode, path, "a sitemap cannot use ${item.…}: it is read before the first item")
		p.itemRefs = p.itemRefs[:len(p.itemRefs)-countItemRefs(rs)]
		return s, false
	}
	p.checkURL(urlNode, path, raw)
	s.URL = raw
	return s, len(p.errs) == n0
}

// since reads a sitemap's since: a date (2026-01-01, or a W3C datetime) or an age (30d, 12h).
func (p *parser) since(n *yaml.Node, path string, s *Sitemap) bool {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errAt(n, path, "want a date (2026-01-01) or an age (30d, 12h), got %s", kindName(n))
		return false
	}
	v := strings.TrimSpace(n.Value)
	if t, ok := crawl.ParseLastMod(v); ok && len(v) >= len("2006-01-02") {
		s.Since = t
		return true
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		if d, err := strconv.Atoi(days); err == nil && d > 0 && d <= 100_000 {
			s.SinceAgo = time.Duration(d) * 24 * time.Hour
			return true
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		s.SinceAgo = d
		return true
	}
	p.errAt(n, path, "want a date (2026-01-01, 2026-01-01T12:00:00Z) or an age (30d, 12h), got %q", v)
	return false
}

// checkSitemapRobots: sitemap: robots reads the robots.txt of start URLs, so some stage needs
// them.
func (p *parser) checkSitemapRobots(spec *crawlSpec) {
	starts := false
	for _, st := range spec.stages {
		starts = starts || len(st.Start) > 0
	}
	if starts {
		return
	}
	for _, st := range spec.stages {
		for _, s := range st.Sitemaps {
			if s.Robots {
				p.errs = append(p.errs, &Error{File: p.o.File, Line: s.Line, Field: "stages." + st.Name + ".sitemap",
					Msg: "sitemap: robots reads the robots.txt of the start URLs' origins, and no stage has start: give one, or name the file (sitemap: https://shop.example/robots.txt)"})
			}
		}
	}
}
