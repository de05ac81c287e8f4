package queue

import (
	"context"
	"sync"

	"github.com/smartretry/smartretry/internal/results"
)

// Local is the queue of one process: items in memory, in the order added, results written to a
// results.Writer (the run's --out file). What the file already holds is what --resume skips:
// pass those keys to NewLocal and Add ignores them. Safe for concurrent use.
type Local struct {
	w *results.Writer

	mu       sync.Mutex
	todo     []Item
	seen     map[string]bool
	inflight int
	ok, fail int
	changed  chan struct{} // closed and replaced whenever todo or inflight changes
}

// NewLocal returns a queue whose results go to w; items with a key in done (already done in a
// previous run) are never queued.
func NewLocal(w *results.Writer, done map[string]bool) *Local {
	seen := make(map[string]bool, len(done))
	for k := range done {
		seen[k] = true
	}
	return &Local{w: w, seen: seen, ok: len(done), changed: make(chan struct{})}
}

// Add implements Queue.
func (q *Local) Add(ctx context.Context, items ...Item) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, it := range items {
		if q.seen[it.Key] {
			continue
		}
		q.seen[it.Key] = true
		q.todo = append(q.todo, it)
		n++
	}
	if n > 0 {
		q.signal()
	}
	return n, nil
}

// Next implements Queue: an item in the order added; ErrDrained when none is left and none is
// running (a running item may still add more).
func (q *Local) Next(ctx context.Context) (*Lease, error) {
	for {
		q.mu.Lock()
		if len(q.todo) > 0 {
			it := q.todo[0]
			q.todo[0] = Item{}
			q.todo = q.todo[1:]
			q.inflight++
			q.mu.Unlock()
			return &Lease{Item: it, Deliveries: 1}, nil
		}
		if q.inflight == 0 {
			q.mu.Unlock()
			return nil, ErrDrained
		}
		ch := q.changed
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ch:
		}
	}
}

// Done implements Queue: the item's lines go to the results file (written and fsynced).
func (q *Local) Done(ctx context.Context, l *Lease, line results.Line, records []map[string]any) (bool, error) {
	err := q.w.WriteItem(line, records)
	q.mu.Lock()
	defer q.mu.Unlock()
	q.inflight--
	if err == nil {
		if line.Status == results.StatusOK {
			q.ok++
		} else {
			q.fail++
		}
	}
	q.signal()
	return err == nil, err
}

// Release implements Queue: nothing is written, so a --resume run does the item.
func (q *Local) Release(l *Lease) {
	q.mu.Lock()
	q.inflight--
	q.signal()
	q.mu.Unlock()
}

// Totals implements Queue. Items and OK count the items done in a previous run too.
func (q *Local) Totals(ctx context.Context) (Totals, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return Totals{Items: len(q.seen), Queued: len(q.todo), Pending: q.inflight, OK: q.ok, Failed: q.fail}, nil
}

// Close implements Queue. The results writer stays open: it is the caller's.
func (q *Local) Close() error { return nil }

// signal wakes every Next waiting for a change. Called with mu held.
func (q *Local) signal() {
	close(q.changed)
	q.changed = make(chan struct{})
}
