package queue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrNoJob is a job name with nothing in Redis (never created, expired, or deleted).
var ErrNoJob = errors.New("no such job")

// Inspect reads a job's totals: items, queued, pending per worker, ok, failed, the workers seen
// in the last minute, its flow and when it expires.
func Inspect(ctx context.Context, c *redis.Client, job string) (Totals, error) {
	if err := ValidateJob(job); err != nil {
		return Totals{}, err
	}
	k := Keys(job)
	p := c.Pipeline()
	meta := p.HGetAll(ctx, k[0])
	items := p.HLen(ctx, k[1])
	ttl := p.PTTL(ctx, k[0])
	since := strconv.FormatInt(time.Now().Add(-time.Minute).UnixMilli(), 10)
	workers := p.ZRangeByScore(ctx, k[4], &redis.ZRangeBy{Min: since, Max: "+inf"})
	if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return Totals{}, fmt.Errorf("read job %q: %w", job, err)
	}
	m := meta.Val()
	if len(m) == 0 {
		return Totals{}, fmt.Errorf("job %q: %w", job, ErrNoJob)
	}
	t := Totals{Job: job, Items: int(items.Val()), OK: atoi(m["ok"]), Failed: atoi(m["failed"]),
		Workers: workers.Val(), Flow: FlowID{Name: m["flow_name"], Path: m["flow_path"], Hash: m["flow_hash"]},
		Stages: stagesOf(m), Counters: countersOf(m)}
	if ms, err := strconv.ParseInt(m["active"], 10, 64); err == nil {
		t.LastActivity = time.UnixMilli(ms).UTC()
	}
	if d := ttl.Val(); d > 0 {
		t.ExpiresAt = time.Now().Add(d).UTC().Truncate(time.Second)
	}
	pend, err := c.XPending(ctx, k[2], group).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return Totals{}, fmt.Errorf("read job %q: %w", job, err)
	}
	if pend != nil {
		t.Pending = int(pend.Count)
		if len(pend.Consumers) > 0 {
			t.PendingByWorker = map[string]int{}
			for name, n := range pend.Consumers {
				t.PendingByWorker[name] = int(n)
			}
		}
	}
	t.Queued = max(t.Items-t.OK-t.Failed-t.Pending, 0)
	return t, nil
}

// Export writes every result of the job to w, each item exactly once, in the order they were
// stored: the same JSON Lines as `run --out` (so a file made of it works with --resume).
// It returns how many items it wrote.
func Export(ctx context.Context, c *redis.Client, job string, w io.Writer) (int, error) {
	if err := ValidateJob(job); err != nil {
		return 0, err
	}
	k := Keys(job)
	n, err := c.Exists(ctx, k[0]).Result()
	if err != nil {
		return 0, fmt.Errorf("read job %q: %w", job, err)
	}
	if n == 0 {
		return 0, fmt.Errorf("job %q: %w", job, ErrNoJob)
	}
	count, start := 0, "-"
	for {
		msgs, err := c.XRangeN(ctx, k[3], start, "+", 1000).Result()
		if err != nil {
			return count, fmt.Errorf("read the results of job %q: %w", job, err)
		}
		for _, m := range msgs {
			lines, _ := m.Values["lines"].(string)
			if _, err := io.WriteString(w, lines); err != nil {
				return count, err
			}
			count++
		}
		if len(msgs) < 1000 {
			return count, nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}

// Delete removes every key of the job (a crawl's domain slots included).
func Delete(ctx context.Context, c *redis.Client, job string) error {
	if err := ValidateJob(job); err != nil {
		return err
	}
	keys := Keys(job)
	dk := domainKeys(job, "")[3]
	domains, err := c.SMembers(ctx, dk).Result()
	if err != nil {
		return fmt.Errorf("delete job %q: %w", job, err)
	}
	keys = append(keys, dk)
	for _, d := range domains {
		k := domainKeys(job, d)
		keys = append(keys, k[1], k[2])
	}
	if err := c.Del(ctx, keys...).Err(); err != nil {
		return fmt.Errorf("delete job %q: %w", job, err)
	}
	return nil
}
