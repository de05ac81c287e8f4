package crawl

import (
	"context"
	"sort"
	"strconv"
	"sync"
)

// Why a discovered URL was not run: the reasons counted per stage.
const (
	ReasonDuplicate  = "duplicate"    // already found in this stage during this job
	ReasonOutOfScope = "out_of_scope" // another domain, or excluded / not included by a pattern
	ReasonRobots     = "robots"       // robots.txt disallows it
	ReasonLimit      = "limit"        // max_items or max_depth reached
	ReasonInvalid    = "invalid"      // not an http(s) URL, or malformed
)

// Item is one page of a crawl: a URL to run through a stage's steps. A plain value: safe for
// concurrent use.
type Item struct {
	Stage  string
	URL    string // normalised
	Parent string // the page it was found on; "" for a start URL
	Depth  int    // 0 for a start URL, the parent's depth + 1 otherwise
}

// Key identifies the item in results and queues: "STAGE URL" (a normalised URL has no space).
func (it Item) Key() string { return it.Stage + " " + it.URL }

// Limits bound a crawl or one stage of it; 0 means no limit.
// A plain value: safe for concurrent use.
type Limits struct {
	MaxItems int // items accepted (start URLs included)
	MaxDepth int // links followed from a start URL
}

// StageStats counts one stage. A plain value once returned: safe for concurrent use.
type StageStats struct {
	Stage   string
	Found   int            // items accepted into the stage (start URLs included)
	Done    int            // ended ok
	Failed  int            // ended failed
	Skipped map[string]int // by reason (Reason...)
}

// Frontier is the crawl's to-do list: each (stage, URL) at most once, within the limits, in the
// order found (breadth first) within a stage rank (SetRanks: a crawl's listing pages before the
// product pages they find). It knows when the crawl is over: nothing queued and nothing running,
// so nothing more can be found.
//
// A Frontier is safe for concurrent use.
type Frontier struct {
	mu       sync.Mutex
	overall  Limits
	stages   map[string]*stageState
	order    []string
	accepted int
	queues   [][]Item       // by rank: the lowest non-empty one is handed out first
	ranks    map[string]int // stage → rank (0 when not set)
	running  int
	wake     chan struct{}
}

type stageState struct {
	limits Limits
	seen   map[string]bool
	stats  StageStats
}

// NewFrontier makes a Frontier for the stages (in the order given, for Stats) with their limits,
// and the overall limits.
func NewFrontier(overall Limits, stages []string, limits map[string]Limits) *Frontier {
	f := &Frontier{overall: overall, stages: map[string]*stageState{}, wake: make(chan struct{})}
	for _, s := range stages {
		f.stages[s] = &stageState{limits: limits[s], seen: map[string]bool{}, stats: StageStats{Stage: s, Skipped: map[string]int{}}}
		f.order = append(f.order, s)
	}
	return f
}

// SetRanks orders the stages: Next hands out the items of a lower rank first (in the order
// found among themselves); a stage not named has rank 0. A crawl ranks its stages by how far
// they are from the start URLs, so its listing pages, which find the rest, are read while the
// pages they found load, and the slots never wait for the next listing behind its products.
// Call it before the first item is queued.
func (f *Frontier) SetRanks(ranks map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ranks = map[string]int{}
	for s, r := range ranks {
		f.ranks[s] = max(r, 0)
	}
}

// enqueue puts an item in its rank's line. Called with mu held.
func (f *Frontier) enqueue(it Item) {
	r := f.ranks[it.Stage]
	for len(f.queues) <= r {
		f.queues = append(f.queues, nil)
	}
	f.queues[r] = append(f.queues[r], it)
}

func (f *Frontier) stage(name string) *stageState {
	st := f.stages[name]
	if st == nil {
		st = &stageState{seen: map[string]bool{}, stats: StageStats{Stage: name, Skipped: map[string]int{}}}
		f.stages[name] = st
		f.order = append(f.order, name)
	}
	return st
}

// Restore puts back an item a previous run accepted (resume): it counts as found and seen, and
// is queued unless done.
func (f *Frontier) Restore(it Item, done bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.stage(it.Stage)
	if st.seen[it.URL] {
		return
	}
	st.seen[it.URL] = true
	st.stats.Found++
	f.accepted++
	if done {
		st.stats.Done++
		return
	}
	f.enqueue(it)
	f.signal()
}

// Seen reports whether the stage already has the URL.
func (f *Frontier) Seen(stage, u string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stage(stage).seen[u]
}

// Admit decides which candidates are new and within the limits, marks them seen and returns
// them (the rest are counted as skipped). They are not queued yet: write them down, then Push
// them — or Forget them if writing failed.
func (f *Frontier) Admit(cands []Item) []Item {
	out, _ := f.AdmitCounted(cands)
	return out
}

// AdmitCounted is Admit that also returns what it skipped: stage → reason → count.
func (f *Frontier) AdmitCounted(cands []Item) ([]Item, map[string]map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Item
	var skipped map[string]map[string]int
	count := func(stage, reason string) {
		if skipped == nil {
			skipped = map[string]map[string]int{}
		}
		if skipped[stage] == nil {
			skipped[stage] = map[string]int{}
		}
		skipped[stage][reason]++
	}
	for _, it := range cands {
		st := f.stage(it.Stage)
		switch {
		case st.seen[it.URL]:
			st.stats.Skipped[ReasonDuplicate]++
			count(it.Stage, ReasonDuplicate)
		case over(it.Depth, st.limits.MaxDepth) || over(it.Depth, f.overall.MaxDepth) ||
			reached(st.stats.Found, st.limits.MaxItems) || reached(f.accepted, f.overall.MaxItems):
			st.stats.Skipped[ReasonLimit]++
			count(it.Stage, ReasonLimit)
		default:
			st.seen[it.URL] = true
			st.stats.Found++
			f.accepted++
			out = append(out, it)
		}
	}
	return out, skipped
}

func over(v, limit int) bool    { return limit > 0 && v > limit }
func reached(n, limit int) bool { return limit > 0 && n >= limit }

// Forget undoes Admit for items that could not be written down.
func (f *Frontier) Forget(items []Item) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, it := range items {
		st := f.stage(it.Stage)
		if st.seen[it.URL] {
			delete(st.seen, it.URL)
			st.stats.Found--
			f.accepted--
		}
	}
}

// Push queues admitted items.
func (f *Frontier) Push(items []Item) {
	if len(items) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, it := range items {
		f.enqueue(it)
	}
	f.signal()
}

// Skip counts a candidate dropped before Admit (out of scope, robots, invalid).
func (f *Frontier) Skip(stage, reason string) { f.SkipN(stage, reason, 1) }

// SkipN counts n candidates dropped (before Admit, or by a previous run: resume).
func (f *Frontier) SkipN(stage, reason string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stage(stage).stats.Skipped[reason] += n
}

func (f *Frontier) signal() {
	close(f.wake)
	f.wake = make(chan struct{})
}

// Next waits for an item to run. ok is false when the crawl is over (nothing queued, nothing
// running) or ctx ended. Every item Next returns must be given back to Finish.
func (f *Frontier) Next(ctx context.Context) (it Item, ok bool) {
	for {
		f.mu.Lock()
		if q := f.next(); q != nil {
			it = (*q)[0]
			*q = (*q)[1:]
			f.running++
			f.mu.Unlock()
			return it, true
		}
		if f.running == 0 {
			f.signal() // wake the other waiters: it is over for them too
			f.mu.Unlock()
			return Item{}, false
		}
		ch := f.wake
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Item{}, false
		}
	}
}

// next is the line to take from: the lowest rank's with items. Called with mu held.
func (f *Frontier) next() *[]Item {
	for i := range f.queues {
		if len(f.queues[i]) > 0 {
			return &f.queues[i]
		}
	}
	return nil
}

// Finish ends an item Next gave: ok (done) or failed for good; interrupted items (the run is
// stopping) are neither.
func (f *Frontier) Finish(it Item, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.running--
	st := f.stage(it.Stage)
	switch status {
	case "ok":
		st.stats.Done++
	case "failed":
		st.stats.Failed++
	}
	f.signal()
}

// Queued is how many items wait.
func (f *Frontier) Queued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, q := range f.queues {
		n += len(q)
	}
	return n
}

// Stats returns the counts per stage, in stage order.
func (f *Frontier) Stats() []StageStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]StageStats, 0, len(f.order))
	for _, name := range f.order {
		s := f.stages[name].stats
		sk := make(map[string]int, len(s.Skipped))
		for k, v := range s.Skipped {
			sk[k] = v
		}
		s.Skipped = sk
		out = append(out, s)
	}
	return out
}

// SkippedLine renders skip counts as "duplicate 3, robots 1" (sorted by reason).
func SkippedLine(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := ""
	for i, k := range keys {
		if i > 0 {
			out += ", "
		}
		out += k + " " + strconv.Itoa(m[k])
	}
	return out
}
