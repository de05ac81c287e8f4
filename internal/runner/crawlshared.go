package runner

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/smartretry/smartretry/internal/crawl"
	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/retry"
)

// runShared is a crawl on a job shared by many workers (run --queue): the job, not a frontier,
// holds the items to do. Every worker adds the start URLs (the job keeps each key once), then
// each slot takes items from the job until none is queued or pending anywhere; what an item
// finds goes into the job (queue.Discoverer: each URL once per stage, max_items counted
// job-wide, in one atomic step) before its result is stored, so a worker killed at any moment
// loses nothing: its items are claimed by another worker and run again, and find the same
// items. max_depth, the scope and robots.txt are checked by each worker (the same flow, the
// same answers). The summary's stage counts are the job's.
func (cr *crawler) runShared(ctx context.Context, starts []crawl.Item) (Summary, error) {
	c := cr.c
	added, err := cr.discover(ctx, "", cr.allowed(ctx, starts, nil), nil)
	if err != nil {
		return cr.sum, err
	}
	more, err := cr.discoverSitemaps(ctx, cr.sitemaps) // sitemap.go
	if err != nil {
		return cr.sum, err
	}
	added = append(added, more...)
	if c.Tracker != nil && len(added) > 0 {
		c.Tracker.AddTotal(len(added))
	}
	var wg sync.WaitGroup
	for range c.Concurrency {
		wg.Go(func() {
			for !cr.r.stopped() {
				l, err := cr.shared.Next(ctx)
				if err != nil {
					if !errors.Is(err, queue.ErrDrained) && ctx.Err() == nil {
						cr.writeErr(err)
					}
					return
				}
				cr.lease(ctx, l)
			}
		})
	}
	wg.Wait()

	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if t, err := cr.shared.Totals(tctx); err == nil {
		lastCrawl.Store(c.Results, cr.jobStages(t))
		cr.mu.Lock()
		cr.sum.Items = t.Items
		cr.mu.Unlock()
	}
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if cr.r.writeErr != nil {
		return cr.sum, fmt.Errorf("store results in the job: %w", cr.r.writeErr)
	}
	return cr.sum, ctx.Err()
}

// lease runs one item the job handed out.
func (cr *crawler) lease(ctx context.Context, l *queue.Lease) {
	it := crawlItem(l.Item)
	if l.GiveUp == "" {
		cr.item(ctx, it, l)
		return
	}
	line := queue.GiveUpLine(l)
	line.Stage, line.Parent, line.Depth = it.Stage, it.Parent, it.Depth
	if _, err := cr.shared.Done(ctx, l, line, nil); err != nil {
		cr.notStored(ctx, l, err)
		return
	}
	if cr.c.Tracker != nil {
		cr.c.Tracker.ItemFailed(line.ErrorType)
	}
	if cr.c.OnItem != nil {
		cr.c.OnItem(line)
	}
	cr.mu.Lock()
	cr.sum.Failed++
	cr.sum.Failures = append(cr.sum.Failures, line)
	cr.mu.Unlock()
}

// discover puts what one item (parent; "" for the start URLs) found into the job: the depth
// limits and duplicates within the item are settled here, the rest (duplicates job-wide,
// max_items) by the job. It returns the items that are the parent's.
func (cr *crawler) discover(ctx context.Context, parent string, cands []crawl.Item, sk skips) ([]crawl.Item, error) {
	d := queue.Discovery{Parent: parent, MaxItems: cr.overall.MaxItems, StageMax: map[string]int{}, Skipped: sk}
	for name, lim := range cr.limits {
		if lim.MaxItems > 0 {
			d.StageMax[name] = lim.MaxItems
		}
	}
	seen := map[string]bool{}
	for _, it := range cands {
		switch {
		case seen[it.Key()]:
			if parent != "" {
				cr.skip(d.Skipped, it.Stage, crawl.ReasonDuplicate)
			}
		case over(it.Depth, cr.limits[it.Stage].MaxDepth) || over(it.Depth, cr.overall.MaxDepth):
			cr.skip(d.Skipped, it.Stage, crawl.ReasonLimit)
		default:
			seen[it.Key()] = true
			d.Items = append(d.Items, queueItem(it))
		}
	}
	got, err := cr.shared.Discover(ctx, d)
	out := make([]crawl.Item, len(got))
	for i, q := range got {
		out[i] = crawlItem(q)
	}
	return out, err
}

func over(v, limit int) bool { return limit > 0 && v > limit }

// queueItem and crawlItem convert a crawl item to the job's form and back.
func queueItem(it crawl.Item) queue.Item {
	return queue.Item{Key: it.Key(), Stage: it.Stage,
		Fields: map[string]string{"url": it.URL, "parent": it.Parent, "depth": strconv.Itoa(it.Depth)}}
}

func crawlItem(q queue.Item) crawl.Item {
	depth, _ := strconv.Atoi(q.Fields["depth"])
	return crawl.Item{Stage: q.Stage, URL: q.Fields["url"], Parent: q.Fields["parent"], Depth: depth}
}

// jobStages turns the job's stage counts into the summary's, in the flow's stage order.
func (cr *crawler) jobStages(t queue.Totals) []crawl.StageStats {
	var out []crawl.StageStats
	for _, st := range cr.c.Flow.Stages() {
		js := t.Stages[st.Name]
		sk := map[string]int{}
		for k, v := range js.Skipped {
			sk[k] = v
		}
		out = append(out, crawl.StageStats{Stage: st.Name, Found: js.Found, Done: js.OK, Failed: js.Failed, Skipped: sk})
	}
	return out
}

// pace spaces the domain's page loads across the job's workers (a shared crawl whose domain has
// a delay: min_delay, Crawl-delay, or the adaptive delay after a back-off): the job books the
// load at least the delay after the last one any worker booked, and this one waits until then.
// A crawl in one process, or a domain without a delay, has nothing to do here; nor has a limiter
// with the job's Coordinator, which books each start with the page's slot.
func (cr *crawler) pace(ctx context.Context, domain string) error {
	p, ok := cr.shared.(queue.Pacer)
	if !ok || cr.limiter.Coordinated() {
		return nil
	}
	iv := cr.limiter.Stats(domain).Delay
	if iv <= 0 {
		return nil
	}
	wait, err := p.Pace(ctx, domain, iv)
	if err != nil || wait <= 0 {
		return err
	}
	return retry.RealClock().Sleep(ctx, wait)
}
