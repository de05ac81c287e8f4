package runner

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/internal/crawl"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/retry"
)

// maxOverloads is how many times one page load may meet 429/503 before its item fails: each
// time the domain's limiter waits (Retry-After included) and slows the domain down first.
const maxOverloads = 6

// crawler is one crawl run: the stages' items come from the frontier, each page load passes the
// domain's limiter, and what an item enqueues is checked (normalised, scoped, robots.txt, each
// URL once per stage, limits) and written on the item's own line before it is queued.
type crawler struct {
	c       Config
	r       *run
	norm    crawl.Normalizer
	scope   *crawl.Scope
	front   *crawl.Frontier
	limiter *crawl.Limiter
	robots  *crawl.Robots // nil: robots: ignore
	// shared is the job a crawl with --queue takes its items from and adds what they find to
	// (crawlshared.go); nil: the frontier, in this process.
	shared  queue.Discoverer
	overall crawl.Limits
	limits  map[string]crawl.Limits
	// sitemaps are the pages the stages' sitemaps gave (sitemap.go); nil: none.
	sitemaps *SitemapStarts

	writeMu sync.Mutex // Admit → write → Push, one item at a time
	mu      sync.Mutex
	sum     Summary
	noted   map[string]bool // robots notes logged once per origin
}

// CrawlStats is the per-stage account of the last crawl Run made with this Config's Results
// writer. Safe for concurrent use (a value).
type CrawlStats = crawl.StageStats

// lastCrawl keeps each crawl's stage counts for its caller (StagesOf), keyed by the writer.
var lastCrawl sync.Map // *results.Writer → []crawl.StageStats

// StagesOf returns the per-stage counts (found, done, failed, skipped by reason) of the crawl
// that wrote to w (nil when none did).
func StagesOf(w *results.Writer) []CrawlStats {
	v, ok := lastCrawl.Load(w)
	if !ok {
		return nil
	}
	return v.([]crawl.StageStats)
}

// StagesText renders per-stage counts for a summary, one line a stage.
func StagesText(stats []CrawlStats) string {
	var b strings.Builder
	for _, s := range stats {
		fmt.Fprintf(&b, "stage %s: %d found, %d ok, %d failed", s.Stage, s.Found, s.Done, s.Failed)
		if sk := crawl.SkippedLine(s.Skipped); sk != "" {
			fmt.Fprintf(&b, "; skipped: %s", sk)
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func crawlRun(ctx context.Context, c Config) (Summary, error) {
	f := c.Flow
	var shared queue.Discoverer
	if c.Queue != nil {
		d, ok := c.Queue.(queue.Discoverer)
		if !ok {
			return Summary{}, fmt.Errorf("a crawl cannot run on a %T: its queue must take what the pages find (queue.Discoverer)", c.Queue)
		}
		shared = d
	}
	if c.Results == nil {
		return Summary{}, errors.New("a crawl needs a results writer (it records what each page found)")
	}
	cs := f.CrawlSettings()
	var co crawl.Coordinator // a job's per-domain slots and delay, shared by its workers
	if j, ok := c.Queue.(interface{ Coordinator() crawl.Coordinator }); ok {
		co = j.Coordinator()
	}
	limOpts := []crawl.LimiterOption{crawl.WithCoordinator(co, c.Logger.Named("politeness"))}
	if c.Tracker != nil { // a page waiting for its domain's next start: the progress line says so
		limOpts = append(limOpts, crawl.WithWaitObserver(c.Tracker.Pacing))
	}
	lim := crawl.NewLimiter(crawl.Politeness{PerDomain: cs.PerDomainConcurrency, MinDelay: cs.MinDelay, Fixed: !cs.Adaptive}, nil,
		limOpts...)
	cr := &crawler{c: c, r: &run{c: c, lastErr: map[string]itemErr{}, slots: newSlots(c)},
		norm:    crawl.Normalizer{KeepQueryOrder: !cs.SortQuery, StripParams: cs.StripParams},
		scope:   &crawl.Scope{SameDomain: cs.SameDomain, Domains: cs.Domains, Include: cs.Include, Exclude: cs.Exclude},
		limiter: lim,
		noted:   map[string]bool{},
		shared:  shared,
	}
	defer cr.r.slots.close()
	if cs.Robots != flow.RobotsIgnore {
		cr.robots = crawl.NewRobots(nil, 10*time.Second)
	}
	var names []string
	limits := map[string]crawl.Limits{}
	for _, st := range f.Stages() {
		names = append(names, st.Name)
		limits[st.Name] = crawl.Limits{MaxItems: st.MaxItems, MaxDepth: st.MaxDepth}
	}
	cr.overall, cr.limits = crawl.Limits{MaxItems: cs.MaxItems, MaxDepth: cs.MaxDepth}, limits
	cr.front = crawl.NewFrontier(cr.overall, names, limits)
	cr.front.SetRanks(stageRanks(f))

	// Start URLs, then (resume) what the done items had found: each back in its place.
	var starts []crawl.Item
	for _, st := range f.Stages() {
		for _, tmpl := range st.Start {
			raw, _, err := f.Resolve(tmpl, flow.Item{})
			if err != nil {
				return cr.sum, fmt.Errorf("stage %s: start: %w", st.Name, err)
			}
			u, err := cr.norm.Normalize(nil, raw)
			if err != nil {
				return cr.sum, fmt.Errorf("stage %s: start %q: %w", st.Name, raw, err)
			}
			cr.scope.AddStart(u)
			starts = append(starts, crawl.Item{Stage: st.Name, URL: u.String()})
		}
	}
	sm, err := cr.sitemapStarts(ctx) // sitemap.go
	if err != nil {
		return cr.sum, err
	}
	if sm != nil {
		for _, u := range sm.hosts {
			cr.scope.AddStart(u)
		}
	}
	cr.sitemaps = sm
	if shared != nil {
		return cr.runShared(ctx, starts) // crawlshared.go
	}
	restored := 0
	if st := c.Results.Resumed(); st != nil {
		for _, it := range cr.allowed(ctx, starts, nil) {
			cr.front.Restore(it, c.Skip[it.Key()])
		}
		for stage, reasons := range st.Skipped {
			for reason, n := range reasons {
				cr.front.SkipN(stage, reason, n)
			}
		}
		for _, fd := range st.Found {
			it := crawl.Item{Stage: fd.Stage, URL: fd.URL, Depth: fd.Depth}
			cr.front.Restore(it, c.Skip[it.Key()])
		}
		cr.addSitemaps(ctx, sm, true)
		for _, s := range cr.front.Stats() {
			restored += s.Done
		}
	} else {
		cr.front.Push(cr.front.Admit(cr.allowed(ctx, starts, nil)))
		cr.addSitemaps(ctx, sm, false)
	}
	found := 0
	for _, s := range cr.front.Stats() {
		found += s.Found
	}
	cr.sum.Items, cr.sum.Skipped = found, restored
	if c.Tracker != nil {
		c.Tracker.AddTotal(found - c.Tracker.Snapshot().Total)
		if restored > 0 {
			c.Tracker.Skipped(restored)
		}
	}

	var wg sync.WaitGroup
	for range c.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				it, ok := cr.front.Next(ctx)
				if !ok {
					return
				}
				cr.front.Finish(it, cr.item(ctx, it, nil))
			}
		}()
	}
	wg.Wait()

	stats := cr.front.Stats()
	lastCrawl.Store(c.Results, stats)
	cr.mu.Lock()
	defer cr.mu.Unlock()
	cr.sum.Items = 0
	for _, s := range stats {
		cr.sum.Items += s.Found
	}
	if cr.r.writeErr != nil {
		return cr.sum, fmt.Errorf("write results: %w", cr.r.writeErr)
	}
	return cr.sum, ctx.Err()
}

// stageRanks is each stage's distance from the stages with start URLs, through the stages their
// enqueue steps feed: the frontier hands out the nearer stages' items first, so a listing page's
// "next" is read while its products load, not after them (the slots never wait for the next
// listing page behind its products).
func stageRanks(f *flow.Flow) map[string]int {
	ranks := map[string]int{}
	var todo []*flow.Stage
	for _, st := range f.Stages() {
		if st.HasStart() {
			ranks[st.Name] = 0
			todo = append(todo, st)
		}
	}
	for len(todo) > 0 {
		st := todo[0]
		todo = todo[1:]
		for _, step := range enqueueSteps(st.Steps) { // paginate.go: a paginate's too
			to := f.Stage(step.Get("stage"))
			if to == nil {
				continue
			}
			if _, ok := ranks[to.Name]; !ok {
				ranks[to.Name] = ranks[st.Name] + 1
				todo = append(todo, to)
			}
		}
	}
	return ranks
}

// skips counts an item's dropped candidates (stage → reason → count): written on its line (a
// resumed crawl counts them again) and counted in the frontier, or the job (shared crawl), when
// the item ends ok. nil: counted in the frontier at once (start URLs).
type skips = map[string]map[string]int

// merged is a and b summed (nil when both are empty).
func merged(a, b skips) skips {
	var out skips
	for _, m := range []skips{a, b} {
		for stage, reasons := range m {
			for reason, n := range reasons {
				if n == 0 {
					continue
				}
				if out == nil {
					out = skips{}
				}
				if out[stage] == nil {
					out[stage] = map[string]int{}
				}
				out[stage][reason] += n
			}
		}
	}
	return out
}

func (cr *crawler) skip(sk skips, stage, reason string) {
	if sk == nil {
		cr.front.Skip(stage, reason)
		return
	}
	if sk[stage] == nil {
		sk[stage] = map[string]int{}
	}
	sk[stage][reason]++
}

// allowed drops the candidates robots.txt forbids (counted, logged once per origin).
func (cr *crawler) allowed(ctx context.Context, cands []crawl.Item, sk skips) []crawl.Item {
	if cr.robots == nil {
		return cands
	}
	out := cands[:0]
	for _, it := range cands {
		u, err := url.Parse(it.URL)
		if err != nil {
			cr.skip(sk, it.Stage, crawl.ReasonInvalid)
			continue
		}
		v, err := cr.robots.Check(ctx, u)
		if err != nil {
			return out // ctx ended
		}
		if v.Note != "" {
			cr.mu.Lock()
			if !cr.noted[u.Host] {
				cr.noted[u.Host] = true
				cr.c.Logger.Warn(v.Note)
			}
			cr.mu.Unlock()
		}
		if v.CrawlDelay > 0 {
			cr.limiter.SetCrawlDelay(u.Host, v.CrawlDelay)
		}
		if !v.Allowed {
			cr.skip(sk, it.Stage, crawl.ReasonRobots)
			cr.c.Logger.Debug("skipped: robots.txt disallows it", zap.String("url", it.URL), zap.String("stage", it.Stage))
			continue
		}
		out = append(out, it)
	}
	return out
}

// item runs one crawl item to its end and returns "ok", "failed" or "" (interrupted). l is its
// lease in a shared job (nil: the frontier's item): its result and what it found go to the job.
func (cr *crawler) item(ctx context.Context, it crawl.Item, l *queue.Lease) string {
	c := cr.c
	key := it.Key()
	fi := flow.Item{Key: key, Fields: map[string]string{"url": it.URL, "parent": it.Parent,
		"depth": strconv.Itoa(it.Depth), "stage": it.Stage}}
	stage := c.Flow.Stage(it.Stage)
	start := time.Now()
	var records []map[string]any
	var cands []crawl.Item
	sk := skips{} // what the item drops: counted when its line is written
	attempts := 0
	err := retry.Do(ctx, func(ctx context.Context) error {
		attempts++
		var err error
		clear(sk) // what an attempt that failed counted is counted again
		records, cands, err = cr.attempt(ctx, stage, fi, it, sk)
		return err
	}, retry.UsingManager(c.Manager), retry.MaxAttempts(c.ItemAttempts), retry.ActionName("item"),
		retry.WithInfo(retry.Info{"url": it.URL, "item": key}))
	if err != nil {
		if ctx.Err() != nil {
			return cr.interrupted(l)
		}
		line := cr.failure(it, err, attempts)
		if l != nil {
			if _, werr := cr.shared.Done(ctx, l, line, nil); werr != nil {
				return cr.notStored(ctx, l, werr)
			}
		} else if werr := c.Results.WriteItem(line, nil); werr != nil {
			cr.writeErr(werr)
			return ""
		}
		if c.Tracker != nil {
			c.Tracker.ItemFailed(line.ErrorType)
		}
		if c.OnItem != nil {
			c.OnItem(line)
		}
		cr.mu.Lock()
		cr.sum.Failed++
		cr.sum.Failures = append(cr.sum.Failures, line)
		cr.mu.Unlock()
		return "failed"
	}

	// What the item found: checked, written on its own line, then queued.
	cands = cr.allowed(ctx, cands, sk)
	if ctx.Err() != nil {
		return cr.interrupted(l)
	}
	line := results.Line{Item: key, Status: results.StatusOK, URL: it.URL, Stage: it.Stage, Parent: it.Parent,
		Depth: it.Depth, DurationMS: time.Since(start).Milliseconds()}
	var added []crawl.Item
	if l != nil {
		// Into the job first, then the result: a worker killed in between leaves the item to
		// run again, and its second run finds the same items as its own (crawlshared.go).
		if added, err = cr.discover(ctx, key, cands, sk); err != nil {
			return cr.notStored(ctx, l, err)
		}
		line.Found = foundOf(added)
		if _, err := cr.shared.Done(ctx, l, line, records); err != nil {
			return cr.notStored(ctx, l, err)
		}
	} else {
		cr.writeMu.Lock()
		var dropped skips
		added, dropped = cr.front.AdmitCounted(cands)
		line.Found = foundOf(added)
		line.Skipped = merged(sk, dropped)
		if err := c.Results.WriteItem(line, records); err != nil {
			cr.front.Forget(added)
			cr.writeMu.Unlock()
			cr.writeErr(err)
			return ""
		}
		for stage, reasons := range sk { // the frontier counted what Admit dropped
			for reason, n := range reasons {
				cr.front.SkipN(stage, reason, n)
			}
		}
		cr.front.Push(added)
		cr.writeMu.Unlock()
	}
	if c.Tracker != nil {
		if len(added) > 0 {
			c.Tracker.AddTotal(len(added))
		}
		c.Tracker.ItemDone(len(records))
	}
	if c.OnItem != nil {
		line.Records = len(records)
		c.OnItem(line)
	}
	cr.mu.Lock()
	cr.sum.OK++
	cr.sum.Records += len(records)
	cr.mu.Unlock()
	return "ok"
}

func foundOf(items []crawl.Item) []results.Found {
	var out []results.Found
	for _, a := range items {
		out = append(out, results.Found{Stage: a.Stage, URL: a.URL, Depth: a.Depth})
	}
	return out
}

// interrupted counts an item the run's end cut short and gives its lease back (shared job).
func (cr *crawler) interrupted(l *queue.Lease) string {
	if l != nil {
		cr.shared.Release(l)
	}
	cr.mu.Lock()
	cr.sum.Interrupted++
	cr.mu.Unlock()
	return ""
}

// notStored handles a shared item whose result (or finds) the job did not take: the run is
// ending (given back) or the job's Redis failed for good (the run stops).
func (cr *crawler) notStored(ctx context.Context, l *queue.Lease, err error) string {
	if ctx.Err() != nil {
		return cr.interrupted(l)
	}
	cr.writeErr(err)
	cr.shared.Release(l)
	return ""
}

func (cr *crawler) writeErr(err error) {
	cr.r.mu.Lock()
	if cr.r.writeErr == nil {
		cr.r.writeErr = err
	}
	cr.r.mu.Unlock()
}

// attempt loads the item's page through the domain's limiter and runs the stage's steps.
func (cr *crawler) attempt(ctx context.Context, stage *flow.Stage, fi flow.Item, it crawl.Item, sk skips) ([]map[string]any, []crawl.Item, error) {
	// A warm session of the run's slots (reset between pages, isolated by default), as a fixed
	// list's items get: a new tab per page cost more than the page itself.
	sl, err := cr.r.slots.take(ctx, fi.Key)
	if err != nil {
		return nil, nil, err
	}
	defer cr.r.slots.put(sl)
	s := sl.s
	if err := cr.load(ctx, s, it); err != nil {
		return nil, nil, &stepError{step: "load " + it.URL, err: err}
	}
	base, _ := url.Parse(it.URL)
	if cur, err := url.Parse(s.URL()); err == nil && cur.Host != "" {
		base = cur // after redirects: relative links are relative to where the page is
	}
	var records []map[string]any
	var cands []crawl.Item
	reads := map[string]any{}
	for i, st := range stage.Steps {
		if st.Kind == "enqueue" {
			got, err := cr.enqueue(ctx, s, st, fi, it, base, sk)
			if err != nil {
				return nil, nil, &stepError{step: fmt.Sprintf("stage %s step %d (line %d)", stage.Name, i+1, st.Line), err: err}
			}
			cands = append(cands, got...)
			continue
		}
		sctx := ctx
		if st.Kind == "paginate" {
			// A paginate's enqueue steps add the links of every page it walks.
			sctx = withEnqueue(ctx, func(ctx context.Context, s *actions.Session, st flow.Step) error { // paginate.go
				base := base
				if cur, err := url.Parse(s.URL()); err == nil && cur.Host != "" {
					base = cur
				}
				got, err := cr.enqueue(ctx, s, st, fi, it, base, sk)
				cands = append(cands, got...)
				return err
			})
		}
		recs, err := cr.step(sctx, s, st, fi, reads)
		if err != nil {
			return nil, nil, &stepError{step: fmt.Sprintf("stage %s step %d (line %d)", stage.Name, i+1, st.Line), err: err}
		}
		records = append(records, recs...)
	}
	if len(reads) > 0 {
		records = append(records, reads)
	}
	return records, cands, nil
}

// step runs one step through the runner's own step code, whichever shape it has.
func (cr *crawler) step(ctx context.Context, s *actions.Session, st flow.Step, it flow.Item, reads map[string]any) ([]map[string]any, error) {
	var fn any = cr.r.step
	switch step := fn.(type) {
	case func(context.Context, *actions.Session, flow.Step, flow.Item) ([]map[string]any, error):
		return step(ctx, s, st, it)
	case func(context.Context, *actions.Session, flow.Step, flow.Item, map[string]any) ([]map[string]any, error):
		return step(ctx, s, st, it, reads)
	}
	return nil, fmt.Errorf("step %s: the runner's step function has an unknown shape", st.Kind)
}

// load navigates to the item's URL, each try let through by the domain's limiter, which hears
// how it went: a 429/503 makes it wait (Retry-After) and slow the domain down, then the page is
// asked again, up to maxOverloads times. Other failures are the engine's to judge.
//
// The domain's breaker (its cooloff, its half-open probe) is waited for before a limiter slot is
// taken, never while one is held: the item that holds the probe may need that very slot, and
// had waited for it while the slot's holder waited for the probe (every page of the domain
// stalled until the breaker's max wait). The navigation itself never waits for the breaker:
// when the domain refuses it after the slot was taken (the breaker opened meanwhile), the slot
// is given back, unused, and the load waits again.
func (cr *crawler) load(ctx context.Context, s *actions.Session, it crawl.Item) error {
	u, err := url.Parse(it.URL)
	if err != nil {
		return err
	}
	domain := retry.Info{"url": it.URL}.Domain() // the engine's name for it
	for n := 0; ; {
		status, refused, err := cr.loadOnce(ctx, s, it, u.Host, domain)
		if err == nil {
			return nil
		}
		if refused && ctx.Err() == nil {
			continue // the domain's breaker refused the page before it went: wait for it again
		}
		n++
		t := retry.Classify(err)
		if (t == retry.RateLimit || status == 503) && n < maxOverloads && ctx.Err() == nil {
			cr.c.Logger.Info("page load refused: the domain slows down", zap.String("url", it.URL),
				zap.Int("status", status), zap.Duration("delay", cr.limiter.Stats(u.Host).Delay))
			continue
		}
		return err
	}
}

// loadOnce is one try of load: the breaker, then a limiter slot, then the navigation. status is
// the page's (0: none); refused says the domain's breaker refused the page after its slot was
// taken, before it was asked for.
func (cr *crawler) loadOnce(ctx context.Context, s *actions.Session, it crawl.Item, host, domain string) (status int, refused bool, err error) {
	m := cr.c.Manager
	pctx, release, err := m.AwaitDomain(ctx, domain, retry.ActionName("load"))
	if err != nil {
		return 0, false, err // waited as long as the engine allows, or the run ends
	}
	defer release()
	tk, err := cr.limiter.Acquire(ctx, host)
	if err != nil {
		return 0, false, err
	}
	if err := cr.pace(ctx, host); err != nil {
		tk.Done(crawl.Outcome{})
		return 0, false, err
	}
	// Still let through, now that the slot is taken? (Inside the probe: at once.)
	nctx, release2, err := m.AwaitDomain(pctx, domain, retry.MaxBreakerWait(-1))
	if err != nil {
		tk.Done(crawl.Outcome{}) // nothing was sent: the limiter learns nothing
		return 0, true, err
	}
	defer release2()
	t0 := time.Now()
	nav, err := s.Navigate(actions.WithCallOptions(nctx, retry.MaxAttempts(1), retry.MaxBreakerWait(-1)), it.URL)
	if err != nil && errors.Is(err, retry.ErrCircuitOpen) && ctx.Err() == nil {
		tk.Done(crawl.Outcome{}) // refused in the instant since: nothing was sent
		return 0, true, err
	}
	o := crawl.Outcome{Status: nav.Status, Latency: time.Since(t0)}
	if err == nil {
		if d, ok := serverTime(ctx, s); ok {
			o.Latency = d
		}
	}
	if err != nil {
		var he *retry.HTTPError
		switch {
		case errors.As(err, &he):
			o.Status, o.RetryAfter = he.StatusCode, he.RetryAfter
		case ctx.Err() == nil:
			o.Failed = true
		}
		if ra, ok := retry.RetryAfterOf(err); ok {
			o.RetryAfter = ra
		}
		if o.Status == 0 {
			switch retry.Classify(err) {
			case retry.RateLimit:
				o.Status = 429
			case retry.ServerError:
				o.Status = 503
			}
		}
	}
	tk.Done(o)
	return o.Status, false, err
}

// serverTimeLimit bounds serverTime's call to the page; past it the whole load's time is used.
const serverTimeLimit = 2 * time.Second

// serverTime is how long the site took to answer the page's document: the browser's Navigation
// Timing from sending the request to the first byte of the response (Scrapy's download latency).
// That is what the limiter judges a site's speed by: the whole load (subresources, rendering)
// also measures the machine running the browser, and a busy machine is not a slow site.
func serverTime(ctx context.Context, s *actions.Session) (time.Duration, bool) {
	// A measure, not the item's work: a page whose script hangs right after its load must not
	// hold the domain's slot (the caller's) while this waits for it.
	ctx, cancel := context.WithTimeout(ctx, serverTimeLimit)
	defer cancel()
	res, err := proto.RuntimeEvaluate{ReturnByValue: true, Expression: `(() => {
		const n = performance.getEntriesByType("navigation")[0];
		return n && n.responseStart > 0 ? n.responseStart - n.requestStart : -1;
	})()`}.Call(s.Page().Context(ctx))
	if err != nil || res.ExceptionDetails != nil || res.Result == nil {
		return 0, false
	}
	ms := res.Result.Value.Num()
	if ms < 0 {
		return 0, false
	}
	return time.Duration(ms * float64(time.Millisecond)), true
}

// enqueue collects an enqueue step's URLs: every href its selector matches (none is fine), or
// its urls list; each normalised against the page and checked against the scope.
func (cr *crawler) enqueue(ctx context.Context, s *actions.Session, st flow.Step, fi flow.Item, it crawl.Item, base *url.URL, sk skips) ([]crawl.Item, error) {
	f := cr.c.Flow
	target := st.Get("stage")
	var raws []string
	if tmpl, ok := st.Fields["links"]; ok {
		sel, _, err := f.Resolve(tmpl, fi)
		if err != nil {
			return nil, err
		}
		hrefs, err := cr.hrefs(ctx, s, sel)
		if err != nil {
			return nil, err
		}
		raws = hrefs
	} else {
		for _, tmpl := range st.URLList() {
			u, _, err := f.Resolve(tmpl, fi)
			if err != nil {
				return nil, err
			}
			if strings.TrimSpace(u) == "" {
				continue // ${item.parent} of a start URL
			}
			raws = append(raws, u)
		}
	}
	var out []crawl.Item
	for _, raw := range raws {
		u, err := cr.norm.Normalize(base, raw)
		if err != nil {
			cr.skip(sk, target, crawl.ReasonInvalid)
			continue
		}
		if why := cr.scope.Check(u); why != "" {
			cr.skip(sk, target, crawl.ReasonOutOfScope)
			cr.c.Logger.Debug("skipped: out of scope", zap.String("url", u.String()), zap.String("why", why))
			continue
		}
		out = append(out, crawl.Item{Stage: target, URL: u.String(), Parent: it.URL, Depth: it.Depth + 1})
	}
	return out, nil
}

// counter is the Session's no-wait count, where the actions package has one.
type counter interface {
	Count(ctx context.Context, sel string) (int, error)
}

// hrefs returns the absolute href of every element sel matches now; none is an answer, not an
// error (the last page has no "next").
func (cr *crawler) hrefs(ctx context.Context, s *actions.Session, sel string) ([]string, error) {
	var sv any = s
	ectx := ctx
	if cn, ok := sv.(counter); ok {
		n, err := cn.Count(ctx, sel)
		if err != nil || n == 0 {
			return nil, err
		}
	} else {
		// No way to ask without waiting: one attempt, as long as an action may take.
		ectx = actions.WithCallOptions(ctx, retry.MaxAttempts(1))
	}
	recs, err := s.Extract(ectx, sel, map[string]string{"href": "@href"})
	if err != nil {
		if ctx.Err() == nil && ectx != ctx && retry.Classify(err) != retry.InvalidInput {
			return nil, nil // nothing matched within the attempt
		}
		return nil, err
	}
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		if h := r["href"]; h != "" {
			out = append(out, h)
		}
	}
	return out, nil
}

// failure is a failed item's line.
func (cr *crawler) failure(it crawl.Item, err error, attempts int) results.Line {
	line := results.Line{Item: it.Key(), Status: results.StatusFail, URL: it.URL, Stage: it.Stage, Parent: it.Parent,
		Depth: it.Depth, ErrorType: retry.Classify(err).String(), Attempts: attempts, ItemAttempts: attempts, Error: err.Error()}
	var re *retry.Error
	if errors.As(err, &re) {
		line.ErrorType, line.Reason = re.Type.String(), re.Reason
		if re.Err != nil {
			line.Error = re.Err.Error()
		}
	}
	var ae *actions.ActionError
	if errors.As(err, &ae) {
		line.Snapshot = ae.Artifacts
		if n := ae.Attempts(); n > 0 {
			line.Attempts = n
		}
	}
	return line
}
