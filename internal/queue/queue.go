package queue

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"time"

	"github.com/smartretry/smartretry/internal/results"
)

// ErrDrained is returned by Next when no item is queued or pending anywhere in the job.
var ErrDrained = errors.New("queue: no item queued or pending")

// Item is one unit of work: its key (unique in a job; the key of its results lines) and the
// fields its steps read as ${item.FIELD}. Safe for concurrent use once built (read-only).
type Item struct {
	Key    string            `json:"key"`
	Fields map[string]string `json:"fields,omitempty"`
	// Stage names the flow stage that runs the item ("" for a single-stage flow).
	Stage string `json:"stage,omitempty"`
}

// Lease is one delivery of an item to this worker. It must end with Done (the item has its
// result) or Release (it did not finish: another run or worker does it). A Lease is used by one
// goroutine at a time.
type Lease struct {
	Item Item
	// Deliveries counts how many times the item was handed out, this time included.
	Deliveries int
	// GiveUp is set when the item must not run again (delivered more than MaxDeliveries times):
	// the caller records it failed with this reason.
	GiveUp string

	id string // the stream entry (Redis)
}

// Queue is the source of a job's items and the sink of their results. Implementations are safe
// for concurrent use: one Queue serves every worker goroutine of a process.
type Queue interface {
	// Add queues the items whose key the job has never seen; a key seen before (queued, running
	// or done) adds nothing. It returns how many were new.
	Add(ctx context.Context, items ...Item) (int, error)
	// Next waits for an item and leases it to the caller. It returns ErrDrained when nothing is
	// queued or pending anywhere, or ctx's error.
	Next(ctx context.Context) (*Lease, error)
	// Done stores the item's result (its item line and records, written as by results.Writer) if
	// the item has none yet, and ends the lease, in one step. stored is false when another
	// delivery of the item got there first (its result stands).
	Done(ctx context.Context, l *Lease, line results.Line, records []map[string]any) (stored bool, err error)
	// Release ends a lease without a result: the item was interrupted. It stays to do (the
	// results file's --resume, or another worker after ClaimAfter).
	Release(l *Lease)
	// Totals counts the job's items.
	Totals(ctx context.Context) (Totals, error)
	// Close releases what the queue holds (not the Redis client it was given).
	Close() error
}

// Totals is the state of a job. Safe for concurrent use (a value).
type Totals struct {
	Job string `json:"job"`
	// Items is every item the job has (queued, pending and done).
	Items int `json:"items"`
	// Queued have not been handed out yet; Pending are out with a worker (running, or with a
	// worker that died, until another claims them).
	Queued  int `json:"queued"`
	Pending int `json:"pending"`
	OK      int `json:"ok"`
	Failed  int `json:"failed"`
	// PendingByWorker is Pending per worker name (Redis only).
	PendingByWorker map[string]int `json:"pending_by_worker,omitempty"`
	// Workers were seen in the last minute (Redis only).
	Workers []string `json:"workers,omitempty"`
	// Stages counts a crawl's items per stage, job-wide (Redis only; nil outside a crawl).
	Stages map[string]StageTotals `json:"stages,omitempty"`
	// Counters add up what every worker's engine did (Redis only): attempts, retries, errors by
	// type.
	Counters Counters `json:"counters,omitzero"`
	// Flow is the flow the job was created with (Redis only).
	Flow FlowID `json:"flow,omitzero"`
	// LastActivity is when a worker last wrote to the job; the job expires TTL after it.
	LastActivity time.Time `json:"last_activity,omitzero"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
}

// Finished reports whether every item has its result.
func (t Totals) Finished() bool { return t.OK+t.Failed >= t.Items }

// FlowID identifies the flow of a job: a job refuses workers that run another flow.
// Safe for concurrent use (a value).
type FlowID struct {
	Name string `json:"name,omitempty"`
	Path string `json:"path,omitempty"`
	// Hash is the hex SHA-256 of the flow's definition (see HashFlow).
	Hash string `json:"hash,omitempty"`
}

// GiveUpLine is the failed item line of a lease that was delivered too often.
func GiveUpLine(l *Lease) results.Line {
	return results.Line{Item: l.Item.Key, Status: results.StatusFail, URL: l.Item.Fields["url"],
		ErrorType: "unknown", ItemAttempts: l.Deliveries - 1, Reason: l.GiveUp, Error: l.GiveUp}
}

// HashFlow is the identity of a flow's definition: the hex SHA-256 of the given parts (the flow
// file, its items file), each length-prefixed.
func HashFlow(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}
