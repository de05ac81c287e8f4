package runner

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"

	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/retry"
)

// queueItems turns flow items into queue items.
func queueItems(items []flow.Item) []queue.Item {
	out := make([]queue.Item, len(items))
	for i, it := range items {
		out[i] = queue.Item{Key: it.Key, Fields: it.Fields}
	}
	return out
}

// work runs Concurrency workers, each taking items from q until it is drained (or ctx ends, or
// a result cannot be stored), and adds their outcomes to sum.
func (r *run) work(ctx context.Context, q queue.Queue, sum *Summary) {
	var wg sync.WaitGroup
	for range r.c.Concurrency {
		wg.Go(func() {
			for !r.stopped() {
				l, err := q.Next(ctx)
				if err != nil {
					if !errors.Is(err, queue.ErrDrained) && ctx.Err() == nil {
						r.setWriteErr(err)
					}
					return
				}
				r.lease(ctx, q, l, sum)
			}
		})
	}
	wg.Wait()
}

func (r *run) stopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.writeErr != nil
}

// setWriteErr stops the run: a result could not be stored. A result that could not be stored
// because the run is ending (ctx) only leaves its item to do.
func (r *run) setWriteErr(err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return
	}
	r.mu.Lock()
	if r.writeErr == nil {
		r.writeErr = err
	}
	r.mu.Unlock()
}

// lease runs one leased item to its end: ok or failed (its result stored through the queue), or
// interrupted (given back). An item refused by its domain's open breaker waits for the cooloff
// and runs again, up to MaxDeferrals times: it did nothing wrong.
func (r *run) lease(ctx context.Context, q queue.Queue, l *queue.Lease, sum *Summary) {
	c := r.c
	if l.GiveUp != "" {
		r.failed(ctx, q, l, queue.GiveUpLine(l), sum)
		return
	}
	it := flow.Item{Key: l.Item.Key, Fields: l.Item.Fields}
	r.leases.Store(it.Key, l)
	defer r.leases.Delete(it.Key)
	for deferrals := 0; ; deferrals++ {
		_, fails := retry.PartialRetry(ctx, c.Manager, []flow.Item{it}, func(ctx context.Context, it flow.Item) error {
			n, err := r.item(ctx, it)
			if err == nil {
				r.mu.Lock()
				sum.OK++
				sum.Records += n
				r.mu.Unlock()
			}
			return err
		}, retry.MaxAttempts(c.ItemAttempts), retry.ActionName("item"))
		if len(fails) == 0 {
			return
		}
		fl := fails[0]
		if r.stopped() || ctx.Err() != nil {
			// Whatever it failed with, the run is ending: the item is given back, not failed.
			r.interrupted(q, l, sum)
			return
		}
		at, ok := r.deferUntil(fl, deferrals, c.MaxDeferrals)
		if !ok {
			r.failed(ctx, q, l, r.failureLine(fl), sum)
			return
		}
		r.mu.Lock()
		sum.Deferred++
		r.mu.Unlock()
		c.Logger.Info("item deferred: its domain refused it", zap.String("item", it.Key),
			zap.Int("deferral", deferrals+1), zap.Time("until", at))
		if c.Tracker != nil {
			c.Tracker.ItemDeferred(r.domainOf(it), at)
		}
		if err := sleepUntil(ctx, at); err != nil {
			r.interrupted(q, l, sum)
			return
		}
	}
}

func (r *run) interrupted(q queue.Queue, l *queue.Lease, sum *Summary) {
	q.Release(l)
	r.mu.Lock()
	sum.Interrupted++
	r.mu.Unlock()
}

// failed stores a failed item's line.
func (r *run) failed(ctx context.Context, q queue.Queue, l *queue.Lease, line results.Line, sum *Summary) {
	c := r.c
	if _, err := q.Done(ctx, l, line, nil); err != nil {
		r.setWriteErr(err)
		return
	}
	if c.Tracker != nil {
		c.Tracker.ItemFailed(line.ErrorType)
	}
	if c.OnItem != nil {
		c.OnItem(line)
	}
	r.mu.Lock()
	sum.Failed++
	sum.Failures = append(sum.Failures, line)
	r.mu.Unlock()
}

// deliver stores a finished item's result through its lease.
func (r *run) deliver(ctx context.Context, key string, line results.Line, records []map[string]any) error {
	v, ok := r.leases.Load(key)
	if !ok {
		return errors.New("no lease for item " + key)
	}
	_, err := r.q.Done(ctx, v.(*queue.Lease), line, records)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w: %v", ctx.Err(), err)
	}
	return err
}
