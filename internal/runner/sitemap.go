package runner

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/smartretry/smartretry/internal/crawl"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/retry"
)

// MaxSitemapPages bounds the pages one crawl takes from its sitemaps (all stages together): an
// index may list 50,000 sitemaps of 50,000 URLs each. Beyond it the reading stops, with a
// warning.
const MaxSitemapPages = 1_000_000

// sitemapParent is the job's name for the sitemaps as the parent of their pages (--queue): the
// first worker to add them counts their skips, the others find them the job's already.
const sitemapParent = "#sitemaps"

// SitemapStarts is what a crawl's sitemaps gave, read before the browser starts: the pages
// (normalised, in scope, recent enough for since:) as items of their stages at depth 0, and
// the pages dropped, by stage and reason. Robots.txt's Disallow, duplicates and the limits are
// applied by the crawl, as for the start URLs. Safe for concurrent use once returned (read-only).
type SitemapStarts struct {
	Items   []crawl.Item
	Skipped map[string]map[string]int
	// Files is how many sitemap files were read.
	Files int
	// hosts are the hosts of the sitemaps the flow names: in scope, like start URLs' hosts.
	hosts []*url.URL
}

// ReadSitemaps reads the sitemaps of a crawl's stages over plain HTTP (no browser), through
// the run's Manager (m: 429/5xx/resets retried, Retry-After honoured; nil: a Manager of its
// own). A crawl with no start URLs depends on its sitemaps: a sitemap it names that cannot be
// read is an error. A crawl with start URLs goes on from them: the sitemap that failed is
// logged as a warning. A child sitemap of an index that fails is always a warning. Reading
// stops once a stage has max_items pages in scope (robots.txt and duplicates may leave fewer),
// and at MaxSitemapPages.
func ReadSitemaps(ctx context.Context, f *flow.Flow, m *retry.Manager, log *zap.Logger) (*SitemapStarts, error) {
	if log == nil {
		log = zap.NewNop()
	}
	out := &SitemapStarts{Skipped: map[string]map[string]int{}}
	if !f.HasSitemaps() {
		return out, nil
	}
	cs := f.CrawlSettings()
	norm := crawl.Normalizer{KeepQueryOrder: !cs.SortQuery, StripParams: cs.StripParams}
	scope := &crawl.Scope{SameDomain: cs.SameDomain, Domains: cs.Domains, Include: cs.Include, Exclude: cs.Exclude}
	origins := map[string][]string{} // stage → origins of its start URLs
	var all []string
	hasStart := false
	for _, st := range f.Stages() {
		for _, tmpl := range st.Start {
			raw, _, err := f.Resolve(tmpl, flow.Item{})
			if err != nil {
				return nil, fmt.Errorf("stage %s: start: %w", st.Name, err)
			}
			u, err := norm.Normalize(nil, raw)
			if err != nil {
				return nil, fmt.Errorf("stage %s: start %q: %w", st.Name, raw, err)
			}
			scope.AddStart(u)
			hasStart = true
			o := u.Scheme + "://" + u.Host
			origins[st.Name] = appendNew(origins[st.Name], o)
			all = appendNew(all, o)
		}
	}
	// The sitemaps each stage reads, by URL (robots.txt ones resolved later).
	type source struct {
		stage, name string // name: as the flow wrote it, for messages
		url         string // a sitemap, or a robots.txt
		robots      bool
		cutoff      time.Time
	}
	var sources []source
	now := time.Now()
	for _, st := range f.Stages() {
		for _, sm := range st.Sitemaps {
			if sm.Robots {
				list := origins[st.Name]
				if len(list) == 0 {
					list = all
				}
				for _, o := range list {
					sources = append(sources, source{stage: st.Name, name: "robots", url: o + "/robots.txt", robots: true, cutoff: sm.Cutoff(now)})
				}
				continue
			}
			raw, _, err := f.Resolve(sm.URL, flow.Item{})
			if err != nil {
				return nil, fmt.Errorf("stage %s: sitemap: %w", st.Name, err)
			}
			u, err := url.Parse(strings.TrimSpace(raw))
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return nil, fmt.Errorf("stage %s: sitemap %q: want an http(s) URL", st.Name, raw)
			}
			scope.AddStart(u)
			out.hosts = append(out.hosts, u)
			sources = append(sources, source{stage: st.Name, name: u.String(), url: u.String(),
				robots: u.Path == "/robots.txt", cutoff: sm.Cutoff(now)})
		}
	}

	reader := crawl.NewSitemapReader(nil, m)
	reader.Warn = func(msg string) { log.Warn(msg) }
	skip := func(stage, reason string) {
		if out.Skipped[stage] == nil {
			out.Skipped[stage] = map[string]int{}
		}
		out.Skipped[stage][reason]++
	}
	kept := map[string]int{}
	seen := map[string]map[string]bool{} // stage → sitemaps read for it
	var failed []error
	capped := false
	fail := func(src source, err error) {
		if ctx.Err() != nil {
			return
		}
		if hasStart {
			log.Warn("sitemap not read: the crawl starts from its start URLs without it", zap.String("stage", src.stage), zap.Error(err))
			return
		}
		failed = append(failed, fmt.Errorf("stage %s: %w", src.stage, err))
	}
	for _, src := range sources {
		maps := []string{src.url}
		if src.robots {
			u, _ := url.Parse(src.url)
			list, err := reader.RobotsSitemaps(ctx, u.Scheme+"://"+u.Host)
			if err != nil {
				fail(src, err)
				continue
			}
			maps = list
		}
		limit := minLimit(f.Stage(src.stage).MaxItems, cs.MaxItems)
		if seen[src.stage] == nil {
			seen[src.stage] = map[string]bool{}
		}
		for _, sm := range maps {
			if limit > 0 && kept[src.stage] >= limit || capped {
				break
			}
			before := len(seen[src.stage])
			invalid, err := reader.Read(ctx, sm, seen[src.stage], func(from string, e crawl.SitemapEntry) bool {
				u, err := norm.Normalize(nil, e.URL)
				switch {
				case err != nil:
					skip(src.stage, crawl.ReasonInvalid)
				case scope.Check(u) != "":
					skip(src.stage, crawl.ReasonOutOfScope)
				case !src.cutoff.IsZero() && !e.LastMod.IsZero() && e.LastMod.Before(src.cutoff):
					skip(src.stage, crawl.ReasonLastmod)
				default:
					out.Items = append(out.Items, crawl.Item{Stage: src.stage, URL: u.String()})
					kept[src.stage]++
				}
				if len(out.Items) >= MaxSitemapPages {
					capped = true
					return false
				}
				return limit == 0 || kept[src.stage] < limit
			})
			out.Files += len(seen[src.stage]) - before
			for range invalid {
				skip(src.stage, crawl.ReasonInvalid)
			}
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				fail(src, err)
			}
		}
	}
	if capped {
		log.Warn(fmt.Sprintf("the sitemaps list more than %d pages: the rest is ignored", MaxSitemapPages))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(failed) > 0 {
		return nil, errors.Join(failed...)
	}
	for _, st := range f.Stages() {
		if len(st.Sitemaps) > 0 {
			log.Info("sitemaps read", zap.String("stage", st.Name), zap.Int("pages", kept[st.Name]),
				zap.Int("files", len(seen[st.Name])), zap.String("skipped", crawl.SkippedLine(out.Skipped[st.Name])))
		}
	}
	return out, nil
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// minLimit is the smaller of two limits, 0 meaning none.
func minLimit(a, b int) int {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}

// sitemapStarts returns the crawl's sitemap pages: read before the browser started (Config),
// or now.
func (cr *crawler) sitemapStarts(ctx context.Context) (*SitemapStarts, error) {
	if sm := cr.c.Sitemaps; sm != nil {
		return sm, nil
	}
	if !cr.c.Flow.HasSitemaps() {
		return nil, nil
	}
	return ReadSitemaps(ctx, cr.c.Flow, cr.c.Manager, cr.c.Logger)
}

// addSitemaps puts the sitemaps' pages in the frontier like start URLs (robots.txt, duplicates,
// limits; skips counted in their stage). On resume, the pages done before stay done.
func (cr *crawler) addSitemaps(ctx context.Context, sm *SitemapStarts, resumed bool) {
	if sm == nil {
		return
	}
	for stage, reasons := range sm.Skipped {
		for reason, n := range reasons {
			cr.front.SkipN(stage, reason, n)
		}
	}
	items := cr.allowed(ctx, append([]crawl.Item(nil), sm.Items...), nil)
	if resumed {
		rest := items[:0]
		for _, it := range items {
			if cr.c.Skip[it.Key()] && !cr.front.Seen(it.Stage, it.URL) {
				cr.front.Restore(it, true) // listed twice: Admit counts the second as a duplicate
			} else {
				rest = append(rest, it)
			}
		}
		items = rest
	}
	cr.front.Push(cr.front.Admit(items))
}

// discoverSitemaps adds the sitemaps' pages to a shared job (--queue): every worker may add
// them, the job keeps each once and counts their skips once.
func (cr *crawler) discoverSitemaps(ctx context.Context, sm *SitemapStarts) ([]crawl.Item, error) {
	if sm == nil || (len(sm.Items) == 0 && len(sm.Skipped) == 0) {
		return nil, nil
	}
	sk := merged(sm.Skipped, nil)
	if sk == nil {
		sk = skips{}
	}
	items := cr.allowed(ctx, append([]crawl.Item(nil), sm.Items...), sk)
	return cr.discover(ctx, sitemapParent, items, sk)
}
