package queue

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/internal/results"
)

// Defaults of RedisConfig.
const (
	DefaultClaimAfter    = 2 * time.Minute
	DefaultMaxDeliveries = 3
	DefaultTTL           = 7 * 24 * time.Hour
)

const group = "workers"

// RedisConfig says which job a Redis queue serves and how. Zero fields take the defaults
// above. Safe for concurrent use once given to OpenRedis (read-only).
type RedisConfig struct {
	// Job names the job (required): every worker with the same name shares its items.
	Job string
	// Flow identifies the flow: a job created by another flow refuses this worker
	// (*FlowMismatchError).
	Flow FlowID
	// Worker names this process in the job (default host-PID-random).
	Worker string
	// ClaimAfter is how long an item may stay with a worker that gives no sign of life before
	// another worker takes it (default 2m). A live worker keeps its running items.
	ClaimAfter time.Duration
	// MaxDeliveries is how many times an item may be handed out; one delivered more often is
	// recorded failed (default 3).
	MaxDeliveries int
	// TTL is how long the job's keys live after its last activity (default 7 days).
	TTL time.Duration
	// Copy, when set, also gets the result of every item this worker finished (--out).
	Copy *results.Writer
	// Redact lists secret values replaced by "[redacted]" in every result stored.
	Redact []string
	// Logger gets one warning when Redis stops answering and one line when it is back.
	Logger *zap.Logger
	// StoreTimeout bounds each call of the job's crawl Coordinator (a page's slot and delay):
	// one not answered within it is decided with the worker's own limits (default 50ms, as
	// --store-timeout).
	StoreTimeout time.Duration
	// SlotLease is how long a domain slot taken by this worker stays held without renewal
	// (default 15s): the worker renews its slots every SlotLease/3 while their pages load, so
	// only a dead or cut-off worker's slot expires.
	SlotLease time.Duration
}

// Redis is a job in Redis. Safe for concurrent use.
type Redis struct {
	c    *redis.Client
	cfg  RedisConfig
	keys []string
	log  *zap.Logger

	mu       sync.Mutex
	inflight map[string]bool  // stream entry ids leased here
	buffered []*Lease         // claimed, not handed out yet
	nextScan time.Time        // when to look for items to claim next
	tally    map[string]int64 // engine counts not in the job yet (counters.go)
	unsent   *countBatch      // counts a call carried that the job may not have: sent again
	carrying bool             // a call carries counts now
	seq      int64            // the last batch's number
	countsID string           // names this process's batches in the job (with the worker's name)

	slots  *slots // the crawl Coordinator (politeness.go)
	outage outage
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
}

// Keys returns the Redis keys of a job.
func Keys(job string) []string {
	p := "smartretry:{" + job + "}:"
	return []string{p + "meta", p + "items", p + "stream", p + "results", p + "workers", p + "parents"}
}

// ValidateJob checks a job name: 1 to 200 printable characters, no braces.
func ValidateJob(job string) error {
	if job == "" || len(job) > 200 {
		return fmt.Errorf("job name: want 1 to 200 characters, got %d", len(job))
	}
	for _, r := range job {
		if !unicode.IsPrint(r) || r == '{' || r == '}' {
			return fmt.Errorf("job name %q: only printable characters, no braces", job)
		}
	}
	return nil
}

// OpenRedis joins (or creates) the job cfg.Job on c. It fails with *FlowMismatchError when the
// job exists with another flow, and starts this worker's heartbeat (Close stops it).
func OpenRedis(ctx context.Context, c *redis.Client, cfg RedisConfig) (*Redis, error) {
	if err := ValidateJob(cfg.Job); err != nil {
		return nil, err
	}
	if cfg.Worker == "" {
		cfg.Worker = WorkerName()
	}
	if cfg.ClaimAfter <= 0 {
		cfg.ClaimAfter = DefaultClaimAfter
	}
	if cfg.MaxDeliveries <= 0 {
		cfg.MaxDeliveries = DefaultMaxDeliveries
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.StoreTimeout <= 0 {
		cfg.StoreTimeout = DefaultStoreTimeout
	}
	if cfg.SlotLease <= 0 {
		cfg.SlotLease = DefaultSlotLease
	}
	var id [4]byte
	_, _ = rand.Read(id[:])
	q := &Redis{c: c, cfg: cfg, keys: Keys(cfg.Job), log: cfg.Logger, inflight: map[string]bool{}, tally: map[string]int64{},
		countsID: hex.EncodeToString(id[:]), stop: make(chan struct{}), done: make(chan struct{})}
	q.outage.log = q.log
	q.slots = newSlots(q)
	res, err := openScript.Run(ctx, c, q.keys, q.argv(cfg.Flow.Hash, cfg.Flow.Name, cfg.Flow.Path, group)...).Slice()
	if err != nil {
		return nil, fmt.Errorf("open job %q: %w", cfg.Job, err)
	}
	if n, _ := res[0].(int64); n == 0 {
		have := FlowID{Hash: str(res[1]), Name: str(res[2]), Path: str(res[3])}
		return nil, &FlowMismatchError{Job: cfg.Job, Have: have, Want: cfg.Flow}
	}
	if err := q.heartbeat(ctx); err != nil {
		return nil, fmt.Errorf("open job %q: %w", cfg.Job, err)
	}
	go q.beat()
	return q, nil
}

// Worker is this worker's name in the job.
func (q *Redis) Worker() string { return q.cfg.Worker }

// WorkerName is a name for this process: host-PID-random.
func WorkerName() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "worker"
	}
	var b [2]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// FlowMismatchError is a job that exists with another flow than this worker's.
// Safe for concurrent use (a value).
type FlowMismatchError struct {
	Job        string
	Have, Want FlowID
}

func (e *FlowMismatchError) Error() string {
	return fmt.Sprintf("job %q belongs to another flow: it was created by %s, this run's flow is %s; "+
		"use another --job name, or remove the old job with: smartretry status --delete --queue URL --job %s",
		e.Job, describe(e.Have), describe(e.Want), e.Job)
}

func describe(f FlowID) string {
	name := f.Name
	if f.Path != "" {
		name = fmt.Sprintf("%s (%s)", f.Name, f.Path)
	}
	h := f.Hash
	if len(h) > 12 {
		h = h[:12]
	}
	return fmt.Sprintf("flow %s sha256 %s", name, h)
}

func str(v any) string { s, _ := v.(string); return s }

// argv prepends the TTL and the time now to a script's arguments.
func (q *Redis) argv(args ...any) []any {
	return append([]any{q.cfg.TTL.Milliseconds(), time.Now().UnixMilli()}, args...)
}

// Add implements Queue, in batches of 500 (each batch one atomic script).
func (q *Redis) Add(ctx context.Context, items ...Item) (int, error) {
	total := 0
	for len(items) > 0 {
		n := min(len(items), 500)
		args := make([]any, 0, 2*n)
		for _, it := range items[:n] {
			b, err := json.Marshal(it)
			if err != nil {
				return total, fmt.Errorf("add %q: %w", it.Key, err)
			}
			args = append(args, it.Key, b)
		}
		var added int64
		err := q.retry(ctx, func(ctx context.Context) error {
			var err error
			added, err = addScript.Run(ctx, q.c, q.keys, q.argv(args...)...).Int64()
			return err
		})
		if err != nil {
			return total, fmt.Errorf("add items to job %q: %w", q.cfg.Job, err)
		}
		total += int(added)
		items = items[n:]
	}
	return total, nil
}

// block is how long one read waits for new entries before the job is checked for its end.
const block = 200 * time.Millisecond

// Next implements Queue: new entries first, and every little while entries that a dead worker
// left (after ClaimAfter).
func (q *Redis) Next(ctx context.Context) (*Lease, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if l := q.claimed(ctx); l != nil {
			return q.lease(l), nil
		}
		var streams []redis.XStream
		err := q.retry(ctx, func(ctx context.Context) error {
			var err error
			streams, err = q.c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: group, Consumer: q.cfg.Worker,
				Streams: []string{q.keys[2], ">"}, Count: 1, Block: block}).Result()
			if errors.Is(err, redis.Nil) {
				streams, err = nil, nil
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, s := range streams {
			for _, m := range s.Messages {
				l, err := decode(m.ID, m.Values, 1)
				if err != nil {
					q.log.Warn("skip a malformed queue entry", zap.String("id", m.ID), zap.Error(err))
					continue
				}
				return q.lease(l), nil
			}
		}
		t, err := q.counts(ctx)
		if err != nil {
			return nil, err
		}
		if t.Finished() {
			return nil, ErrDrained
		}
	}
}

func (q *Redis) lease(l *Lease) *Lease {
	if l.Deliveries > q.cfg.MaxDeliveries {
		l.GiveUp = fmt.Sprintf("delivered %d times, more than --max-deliveries %d: every worker that took it died or stalled before it ended",
			l.Deliveries, q.cfg.MaxDeliveries)
	}
	q.mu.Lock()
	q.inflight[l.id] = true
	q.mu.Unlock()
	return l
}

// claimed returns an entry taken over from a dead worker, when one is there.
func (q *Redis) claimed(ctx context.Context) *Lease {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.buffered) > 0 {
		l := q.buffered[0]
		q.buffered = q.buffered[1:]
		return l
	}
	now := time.Now()
	if now.Before(q.nextScan) {
		return nil
	}
	q.nextScan = now.Add(min(max(q.cfg.ClaimAfter/4, 50*time.Millisecond), 10*time.Second))
	res, err := claimScript.Run(ctx, q.c, q.keys, q.argv(group, q.cfg.Worker, q.cfg.ClaimAfter.Milliseconds(), 10)...).Slice()
	if err != nil {
		q.outage.failed(err)
		return nil
	}
	for _, r := range res {
		e, _ := r.([]any)
		if len(e) < 3 {
			continue
		}
		n, _ := e[1].(int64)
		fields, _ := e[2].([]any)
		vals := map[string]any{}
		for i := 0; i+1 < len(fields); i += 2 {
			vals[str(fields[i])] = fields[i+1]
		}
		l, err := decode(str(e[0]), vals, int(n))
		if err != nil {
			q.log.Warn("skip a malformed queue entry", zap.String("id", str(e[0])), zap.Error(err))
			continue
		}
		q.buffered = append(q.buffered, l)
	}
	if len(q.buffered) > 0 {
		q.nextScan = now // there may be more
		l := q.buffered[0]
		q.buffered = q.buffered[1:]
		return l
	}
	return nil
}

func decode(id string, vals map[string]any, deliveries int) (*Lease, error) {
	raw, _ := vals["item"].(string)
	var it Item
	if err := json.Unmarshal([]byte(raw), &it); err != nil {
		return nil, err
	}
	if it.Key == "" {
		return nil, errors.New("item without a key")
	}
	return &Lease{Item: it, Deliveries: deliveries, id: id}, nil
}

// Done implements Queue: the result and the acknowledgement are one script. It retries while
// Redis is unreachable, until ctx ends (then once more, briefly: the item is finished).
func (q *Redis) Done(ctx context.Context, l *Lease, line results.Line, records []map[string]any) (bool, error) {
	var buf bytes.Buffer
	w := results.NewWriter(&buf, results.Redact(q.cfg.Redact...))
	if err := w.WriteItem(line, records); err != nil {
		return false, err
	}
	status := results.StatusOK
	if line.Status != results.StatusOK {
		status = results.StatusFail
	}
	errType := ""
	if status == results.StatusFail {
		errType = line.ErrorType
	}
	counts, settle := q.takeCounts()
	args := q.argv(append([]any{group, l.id, l.Item.Key, status, buf.String(), len(records), l.Item.Stage, errType}, counts...)...)
	var stored int64
	run := func(ctx context.Context) error {
		var err error
		stored, err = doneScript.Run(ctx, q.c, q.keys, args...).Int64()
		return err
	}
	err := q.retry(ctx, run)
	if err != nil && ctx.Err() != nil {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		err = run(lctx)
		cancel()
	}
	settle(err == nil)
	if err != nil {
		return false, fmt.Errorf("store the result of %q: %w", l.Item.Key, err)
	}
	q.mu.Lock()
	delete(q.inflight, l.id)
	q.mu.Unlock()
	if stored == 1 && q.cfg.Copy != nil {
		if err := q.cfg.Copy.WriteItem(line, records); err != nil {
			q.log.Warn("local copy of a result", zap.String("item", l.Item.Key), zap.Error(err))
		}
	}
	return stored == 1, nil
}

// Release implements Queue: the entry is made claimable at once, so another worker need not
// wait ClaimAfter for an item this one gave back.
func (q *Redis) Release(l *Lease) {
	q.mu.Lock()
	delete(q.inflight, l.id)
	q.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// XCLAIM's IDLE option (not in go-redis's XClaimArgs) backdates the entry's last delivery.
	err := q.c.Do(ctx, "XCLAIM", q.keys[2], group, q.cfg.Worker, 0, l.id, "IDLE", q.cfg.ClaimAfter.Milliseconds(), "JUSTID").Err()
	if err != nil {
		q.log.Debug("give back an item", zap.String("item", l.Item.Key), zap.Error(err))
	}
}

// Totals implements Queue.
func (q *Redis) Totals(ctx context.Context) (Totals, error) { return Inspect(ctx, q.c, q.cfg.Job) }

// counts reads what the end of the job depends on: items, ok, failed.
func (q *Redis) counts(ctx context.Context) (Totals, error) {
	var t Totals
	err := q.retry(ctx, func(ctx context.Context) error {
		p := q.c.Pipeline()
		n := p.HLen(ctx, q.keys[1])
		m := p.HMGet(ctx, q.keys[0], "ok", "failed")
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
		t.Items = int(n.Val())
		v := m.Val()
		t.OK, t.Failed = atoi(v[0]), atoi(v[1])
		return nil
	})
	return t, err
}

func atoi(v any) int {
	n, _ := strconv.Atoi(str(v))
	return n
}

// Close implements Queue: it stops the heartbeat and adds the engine counts still with it to the
// job. The client stays open (it is the caller's).
func (q *Redis) Close() error {
	q.once.Do(func() {
		close(q.stop)
		<-q.done
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := q.Flush(ctx); err != nil {
			q.log.Warn("engine counts not added to the job", zap.Error(err))
		}
	})
	return nil
}

// beat renews this worker's presence and its running items every ClaimAfter/3, and the domain
// slots its pages hold every SlotLease/3.
func (q *Redis) beat() {
	defer close(q.done)
	t := time.NewTicker(min(max(q.cfg.ClaimAfter/3, 50*time.Millisecond), 20*time.Second))
	defer t.Stop()
	st := time.NewTicker(q.slots.renewEvery())
	defer st.Stop()
	for {
		select {
		case <-q.stop:
			return
		case <-st.C:
			ctx, cancel := context.WithTimeout(context.Background(), max(q.slots.renewEvery(), time.Second))
			if err := q.slots.renew(ctx); err != nil {
				q.log.Debug("renew domain slots", zap.Error(err))
			}
			cancel()
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := q.heartbeat(ctx); err != nil {
				q.outage.failed(err)
			}
			cancel()
		}
	}
}

func (q *Redis) heartbeat(ctx context.Context) error {
	counts, settle := q.takeCounts()
	q.mu.Lock()
	args := q.argv(append([]any{group, q.cfg.Worker, len(counts)}, counts...)...)
	for id := range q.inflight {
		args = append(args, id)
	}
	for _, l := range q.buffered {
		args = append(args, l.id)
	}
	q.mu.Unlock()
	err := heartbeatScript.Run(ctx, q.c, q.keys, args...).Err()
	settle(err == nil)
	return err
}

// retry runs fn until it succeeds or ctx ends, backing off from 50ms to 2s while Redis does not
// answer (a restart, a network cut). Errors that are not about the connection end it at once.
func (q *Redis) retry(ctx context.Context, fn func(ctx context.Context) error) error {
	wait := 50 * time.Millisecond
	for {
		err := fn(ctx)
		if err == nil {
			q.outage.ok()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !transient(err) {
			return err
		}
		q.outage.failed(err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// transient reports errors a restarted or briefly unreachable Redis gives.
func transient(err error) bool {
	var re redis.Error
	if errors.As(err, &re) {
		msg := re.Error()
		// A server still loading its data, or a read-only replica during a failover.
		return strings.HasPrefix(msg, "LOADING") || strings.HasPrefix(msg, "READONLY") ||
			strings.HasPrefix(msg, "TRYAGAIN") || strings.HasPrefix(msg, "MASTERDOWN")
	}
	return true // network errors, closed connections, timeouts
}

// outage logs once when Redis stops answering and once when it answers again.
type outage struct {
	log  *zap.Logger
	mu   sync.Mutex
	down bool
}

func (o *outage) failed(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.down {
		o.down = true
		o.log.Warn("Redis does not answer; retrying with backoff", zap.String("error", err.Error()))
	}
}

func (o *outage) ok() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.down {
		o.down = false
		o.log.Warn("Redis answers again")
	}
}
