package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Discoverer is a Queue that carries a crawl: what each item finds goes into the job, each URL
// once per stage, within the crawl's limits counted job-wide. queue.Redis is one; the crawl of a
// single process keeps its own frontier instead.
type Discoverer interface {
	Queue
	// Discover adds what one item found and returns the candidates that are now the parent's
	// (see Discovery): the ones to list in its result line.
	Discover(ctx context.Context, d Discovery) ([]Item, error)
}

// Pacer spaces the page loads of a domain across every worker of a job: Pace books the next
// load of domain at least interval after the last one booked by any worker and returns how long
// the caller waits before it loads. queue.Redis is one.
type Pacer interface {
	Pace(ctx context.Context, domain string, interval time.Duration) (time.Duration, error)
}

// Pace implements Pacer with one script call (Redis's clock, not the workers').
func (q *Redis) Pace(ctx context.Context, domain string, interval time.Duration) (time.Duration, error) {
	var ms int64
	err := q.retry(ctx, func(ctx context.Context) error {
		var err error
		ms, err = paceScript.Run(ctx, q.c, q.keys[:1], q.argv(domain, interval.Milliseconds())...).Int64()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("pace %s in job %q: %w", domain, q.cfg.Job, err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Discovery is what one crawl item found. A plain value: safe for concurrent use once built.
type Discovery struct {
	// Parent is the key of the item that found them; "" for a crawl's start URLs (a start URL
	// another worker added already is then not counted as a duplicate).
	Parent string
	// Items are the candidates (Key "STAGE URL", Stage set, keys unique), in the order found.
	Items []Item
	// MaxItems is the crawl's max_items (0: none); StageMax each stage's.
	MaxItems int
	StageMax map[string]int
	// Skipped counts candidates the worker dropped (out of scope, robots, depth…): stage →
	// reason → count, added to the job's counts in the same step.
	Skipped map[string]map[string]int
}

// StageTotals is one crawl stage of a job. A plain value: safe for concurrent use.
type StageTotals struct {
	Found   int            `json:"found"`
	OK      int            `json:"ok"`
	Failed  int            `json:"failed"`
	Skipped map[string]int `json:"skipped,omitempty"`
}

// Discover implements Discoverer: one atomic script per 250 candidates checks each key against
// the job (duplicate, or the parent's own from an earlier delivery), the limits against the
// job's counts, and queues the new ones. A parent's skips and duplicates are counted by its
// first delivery only, so a crawl's counts stay exact when a killed worker's item runs again.
func (q *Redis) Discover(ctx context.Context, d Discovery) ([]Item, error) {
	byKey := make(map[string]Item, len(d.Items))
	var out []Item
	skips := skipArgs(d.Skipped)
	items := d.Items
	if len(items) == 0 && len(skips) == 0 {
		return nil, nil
	}
	count := "first"
	for first := true; first || len(items) > 0; first = false {
		n := min(len(items), 250)
		args := []any{d.Parent, d.MaxItems, count}
		if first {
			args = append(args, len(skips)/3)
			args = append(args, skips...)
		} else {
			args = append(args, 0)
		}
		for _, it := range items[:n] {
			b, err := json.Marshal(it)
			if err != nil {
				return out, fmt.Errorf("add %q: %w", it.Key, err)
			}
			byKey[it.Key] = it
			args = append(args, it.Key, it.Stage, d.StageMax[it.Stage], b)
		}
		var res []any
		err := q.retry(ctx, func(ctx context.Context) error {
			var err error
			res, err = discoverScript.Run(ctx, q.c, q.keys, q.argv(args...)...).Slice()
			return err
		})
		if err != nil {
			return out, fmt.Errorf("add found items to job %q: %w", q.cfg.Job, err)
		}
		if len(res) > 0 {
			if c, _ := res[0].(int64); c == 1 {
				count = "1"
			} else {
				count = "0"
			}
			for _, k := range res[1:] {
				out = append(out, byKey[str(k)])
			}
		}
		items = items[n:]
	}
	return out, nil
}

// skipArgs flattens skip counts into (stage, reason, count) triples, in a stable order.
func skipArgs(m map[string]map[string]int) []any {
	var out []any
	stages := make([]string, 0, len(m))
	for s := range m {
		stages = append(stages, s)
	}
	sort.Strings(stages)
	for _, s := range stages {
		reasons := make([]string, 0, len(m[s]))
		for r, n := range m[s] {
			if n > 0 {
				reasons = append(reasons, r)
			}
		}
		sort.Strings(reasons)
		for _, r := range reasons {
			out = append(out, s, r, m[s][r])
		}
	}
	return out
}

// stagesOf reads the per-stage counts of a crawl from the job's meta hash ("st:STAGE:found",
// "st:STAGE:ok", "st:STAGE:failed", "st:STAGE:skip:REASON"); nil when there are none.
func stagesOf(meta map[string]string) map[string]StageTotals {
	var out map[string]StageTotals
	for k, v := range meta {
		rest, ok := strings.CutPrefix(k, "st:")
		if !ok {
			continue
		}
		stage, what, ok := strings.Cut(rest, ":")
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(v)
		if out == nil {
			out = map[string]StageTotals{}
		}
		st := out[stage]
		switch {
		case what == "found":
			st.Found = n
		case what == "ok":
			st.OK = n
		case what == "failed":
			st.Failed = n
		case strings.HasPrefix(what, "skip:"):
			if st.Skipped == nil {
				st.Skipped = map[string]int{}
			}
			st.Skipped[strings.TrimPrefix(what, "skip:")] = n
		}
		out[stage] = st
	}
	return out
}
