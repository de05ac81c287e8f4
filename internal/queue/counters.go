package queue

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/smartretry/smartretry/retry"
)

// Counters are what the engines of every worker of a job did, added up in the job: a worker's
// summary and `status` show the job's, not only its own. A worker's counts reach the job with
// the calls it makes anyway (each item's result, its heartbeat) and when it stops, never with a
// call of their own. Each batch counts once, though its call runs twice (a lost reply) or it
// is sent again after a call that failed. A worker killed (SIGKILL, its machine lost) loses
// the counts not yet in the job: those since the last result or heartbeat Redis answered,
// at most a heartbeat period (--claim-after/3, up to 20 s) of its work and its running items'
// attempts; a stopped worker (SIGINT, SIGTERM, the end of the job) adds all of its own. The
// results and the per-item failure counts (FailuresByType) are exact whatever dies. A plain
// value: safe for concurrent use.
type Counters struct {
	// Attempts counts the actions' attempts that ended (succeeded, failed, or went to a person).
	Attempts int `json:"attempts"`
	// Retries counts failed attempts that another attempt followed.
	Retries int `json:"retries"`
	// Escalations counts captchas and login walls handed to a person.
	Escalations int `json:"escalations"`
	// ErrorsByType counts failed attempts by their error type (retried or not).
	ErrorsByType map[string]int `json:"errors_by_type,omitempty"`
	// FailuresByType counts failed items by the type of the error that failed them.
	FailuresByType map[string]int `json:"failures_by_type,omitempty"`
}

// IsZero reports whether nothing was counted.
func (c Counters) IsZero() bool {
	return c.Attempts == 0 && c.Retries == 0 && c.Escalations == 0 && len(c.ErrorsByType) == 0 && len(c.FailuresByType) == 0
}

// String is "42 attempts, 3 retries, 0 escalations; errors by type: server_error 3; failed items
// by type: not_found 1".
func (c Counters) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d attempts, %d retries, %d escalations", c.Attempts, c.Retries, c.Escalations)
	if s := byType(c.ErrorsByType); s != "" {
		fmt.Fprintf(&b, "; errors by type: %s", s)
	}
	if s := byType(c.FailuresByType); s != "" {
		fmt.Fprintf(&b, "; failed items by type: %s", s)
	}
	return b.String()
}

func byType(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// countersOf reads the job's counters from its meta hash ("c:attempts", "c:retries",
// "c:escalations", "c:err:TYPE", "c:fail:TYPE").
func countersOf(meta map[string]string) Counters {
	var c Counters
	for k, v := range meta {
		name, ok := strings.CutPrefix(k, "c:")
		if !ok {
			continue
		}
		n := atoi(v)
		switch {
		case name == "attempts":
			c.Attempts = n
		case name == "retries":
			c.Retries = n
		case name == "escalations":
			c.Escalations = n
		case strings.HasPrefix(name, "err:"):
			if c.ErrorsByType == nil {
				c.ErrorsByType = map[string]int{}
			}
			c.ErrorsByType[strings.TrimPrefix(name, "err:")] = n
		case strings.HasPrefix(name, "fail:"):
			if c.FailuresByType == nil {
				c.FailuresByType = map[string]int{}
			}
			c.FailuresByType[strings.TrimPrefix(name, "fail:")] = n
		}
	}
	return c
}

// Observe counts an engine event for the job (a retry.WithObserver function, beside the
// worker's own progress tracker). It only adds to this worker's counts in memory.
func (q *Redis) Observe(ev retry.Event) {
	switch ev.Kind {
	case retry.EventSuccess:
		q.count("attempts", 1)
	case retry.EventRetry:
		q.count("attempts", 1)
		q.count("retries", 1)
		q.count("err:"+ev.Type.String(), 1)
	case retry.EventGiveUp:
		if ev.Type == retry.CircuitOpen { // refused before an attempt
			return
		}
		q.count("attempts", 1)
		q.count("err:"+ev.Type.String(), 1)
	case retry.EventEscalate:
		q.count("escalations", 1)
	}
}

func (q *Redis) count(name string, n int64) {
	q.mu.Lock()
	q.tally[name] += n
	q.mu.Unlock()
}

// countBatch is a worker's counts handed to one call: its number (seq, from 1 in this process)
// makes it count once in the job, however often it is sent (a call run again after a lost
// reply, a batch sent again after a call failed that Redis may have run).
type countBatch struct {
	seq    int64
	counts map[string]int64
}

// takeCounts hands out the worker's next batch of counts as script arguments (this process's
// name in the job, the batch's number, then name and amount pairs): the batch a failed call
// carried, else the counts not in the job yet. One call carries counts at a time, so the job
// applies a process's batches in order and needs only the last number it applied (meta
// "cseq:WORKER:ID"). settle says whether the call succeeded: a failed call's batch goes with
// the next one, unchanged. No args: nothing to carry (or another call carries it); settle then
// does nothing.
func (q *Redis) takeCounts() (args []any, settle func(ok bool)) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.carrying {
		return nil, func(bool) {}
	}
	if q.unsent == nil {
		if len(q.tally) == 0 {
			return nil, func(bool) {}
		}
		q.seq++
		q.unsent = &countBatch{seq: q.seq, counts: q.tally}
		q.tally = map[string]int64{}
	}
	b := q.unsent
	q.carrying = true
	args = []any{q.cfg.Worker + ":" + q.countsID, b.seq}
	for k, v := range b.counts {
		args = append(args, k, v)
	}
	return args, func(ok bool) {
		q.mu.Lock()
		defer q.mu.Unlock()
		q.carrying = false
		if ok && q.unsent == b {
			q.unsent = nil
		}
	}
}

// Flush adds this worker's counts to the job now (a summary reads them next). Nothing to add:
// no call.
func (q *Redis) Flush(ctx context.Context) error {
	for range 2 { // a batch a failed call left, then the counts since
		args, settle := q.takeCounts()
		if len(args) == 0 {
			return nil
		}
		err := countScript.Run(ctx, q.c, q.keys, q.argv(args...)...).Err()
		settle(err == nil)
		if err != nil {
			return fmt.Errorf("add the engine's counts to job %q: %w", q.cfg.Job, err)
		}
	}
	return nil
}
