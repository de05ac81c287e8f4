package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/progress"
	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/retry"
)

// jobOpts are run's flags for a job shared through Redis and for remote browsers.
type jobOpts struct {
	queue         string
	job           string
	claimAfter    time.Duration
	maxDeliveries int
	ttl           time.Duration
	store         string
	storeTimeout  time.Duration
	browserURL    string
}

func addJobFlags(f *pflag.FlagSet, o *jobOpts) {
	f.StringVar(&o.queue, "queue", "", "join the job in this Redis (redis://[:PASSWORD@]HOST:PORT/DB; default $"+queue.EnvQueue+"): many workers share its items")
	f.StringVar(&o.job, "job", "", "name of the job in --queue (default: the flow's name)")
	f.DurationVar(&o.claimAfter, "claim-after", queue.DefaultClaimAfter, "with --queue: take over the items of a worker silent this long")
	f.IntVar(&o.maxDeliveries, "max-deliveries", queue.DefaultMaxDeliveries, "with --queue: an item handed out more often than this is recorded failed")
	f.DurationVar(&o.ttl, "job-ttl", queue.DefaultTTL, "with --queue: the job's data expires this long after its last activity")
	addStoreFlags(f, o)
	addBrowserURLFlag(f, &o.browserURL)
}

// queueURL is --queue, else $SMARTRETRY_QUEUE.
func (o *jobOpts) queueURL() string {
	if o.queue != "" {
		return o.queue
	}
	return os.Getenv(queue.EnvQueue)
}

// job is this process's part in a shared job (run --queue), or nothing (nil).
type job struct {
	name   string
	url    string // redacted
	client *redis.Client
	q      *queue.Redis
	total  int
	stop   chan struct{}
	done   chan struct{}
}

// validateJob checks the job flags before anything starts (exit 2 on a mistake).
func validateJob(o *jobOpts, resume bool) error {
	if o.storeTimeout < time.Millisecond || o.storeTimeout > time.Minute {
		return fmt.Errorf("--store-timeout: want 1ms to 1m, got %s", o.storeTimeout)
	}
	url := o.queueURL()
	if url == "" {
		if o.job != "" {
			return fmt.Errorf("--job needs --queue (or $%s)", queue.EnvQueue)
		}
		if url := o.storeURL(); url != "" {
			if _, err := queue.ParseURL(url); err != nil {
				return fmt.Errorf("--store: %w", err)
			}
		}
		return nil
	}
	if _, err := queue.ParseURL(url); err != nil {
		return fmt.Errorf("--queue: %w", err)
	}
	if o.store != "" {
		return errors.New("--store goes without --queue: a job shares the engine's state through its own Redis")
	}
	if resume {
		return errors.New("--resume does not go with --queue: the job in Redis knows what is done; run the same command again to go on")
	}
	if o.job != "" {
		if err := queue.ValidateJob(o.job); err != nil {
			return fmt.Errorf("--job: %w", err)
		}
	}
	if o.claimAfter < time.Second {
		return fmt.Errorf("--claim-after: want at least 1s, got %s", o.claimAfter)
	}
	if o.maxDeliveries < 1 || o.maxDeliveries > 100 {
		return fmt.Errorf("--max-deliveries: want 1 to 100, got %d", o.maxDeliveries)
	}
	if o.ttl < time.Minute {
		return fmt.Errorf("--job-ttl: want at least 1m, got %s", o.ttl)
	}
	return nil
}

// jobName is --job, else the flow's name, else its file name without the extension.
func jobName(o *jobOpts, fl *flow.Flow, path string) string {
	if o.job != "" {
		return o.job
	}
	if fl.Name != "" {
		return fl.Name
	}
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

// flowID identifies the flow by its file and its items file.
func flowID(fl *flow.Flow, path string) (queue.FlowID, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return queue.FlowID{}, err
	}
	parts := [][]byte{data}
	if fl.ItemsFile != "" {
		p := fl.ItemsFile
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(path), p)
		}
		items, err := os.ReadFile(p)
		if err != nil {
			return queue.FlowID{}, err
		}
		parts = append(parts, items)
	}
	abs, _ := filepath.Abs(path)
	return queue.FlowID{Name: fl.Name, Path: abs, Hash: queue.HashFlow(parts...)}, nil
}

// dialRedis connects for --queue or --store: a bad URL is a usage error (2), a Redis that does
// not answer or refuses the password cannot start the run (3).
func dialRedis(ctx context.Context, url string, pool int) (*redis.Client, error) {
	c, err := queue.Dial(ctx, url, pool, 5*time.Second)
	switch {
	case err == nil:
		return c, nil
	case ctx.Err() != nil:
		return nil, exitWith(exitInterrupted, errors.New("interrupted"))
	case errors.Is(err, queue.ErrBadURL):
		return nil, exitWith(exitUsage, err)
	default:
		return nil, exitWith(exitBrowser, err)
	}
}

// joinJob connects to the job's Redis, joins (or creates) the job and queues the flow's items
// (each key once per job, whoever adds it). copyTo gets this worker's results too (nil: none).
func joinJob(ctx context.Context, o *jobOpts, fl *flow.Flow, path string, concurrency int,
	copyTo *results.Writer, log *zap.Logger) (*job, error) {
	url := o.queueURL()
	id, err := flowID(fl, path)
	if err != nil {
		return nil, exitWith(exitUsage, err)
	}
	c, err := dialRedis(ctx, url, concurrency+8)
	if err != nil {
		return nil, err
	}
	j := &job{name: jobName(o, fl, path), url: queue.RedactURL(url), client: c}
	j.q, err = queue.OpenRedis(ctx, c, queue.RedisConfig{
		Job: j.name, Flow: id, ClaimAfter: o.claimAfter, MaxDeliveries: o.maxDeliveries, TTL: o.ttl,
		Copy: copyTo, Redact: fl.Secrets(), Logger: log.Named("queue"), StoreTimeout: o.storeTimeout,
	})
	if err != nil {
		_ = c.Close()
		var me *queue.FlowMismatchError
		if errors.As(err, &me) {
			return nil, exitWith(exitUsage, err)
		}
		return nil, exitWith(exitBrowser, fmt.Errorf("--queue %s: %w", j.url, err))
	}
	var items []queue.Item
	if !fl.IsCrawl() { // a crawl's runner adds its start URLs and what its pages find
		for _, it := range fl.Batch() {
			items = append(items, queue.Item{Key: it.Key, Fields: it.Fields})
		}
	}
	added, err := j.q.Add(ctx, items...)
	if err != nil {
		j.close()
		return nil, exitWith(exitBrowser, fmt.Errorf("--queue %s: %w", j.url, err))
	}
	t, err := j.q.Totals(ctx)
	if err != nil {
		j.close()
		return nil, exitWith(exitBrowser, fmt.Errorf("--queue %s: %w", j.url, err))
	}
	j.total = t.Items
	log.Info("joined job", zap.String("job", j.name), zap.String("queue", j.url), zap.String("worker", j.q.Worker()),
		zap.Int("added", added), zap.Int("items", t.Items))
	return j, nil
}

// watch shows the job's totals on the progress line until close.
func (j *job) watch(t *progress.Tracker, every time.Duration) {
	j.stop, j.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(j.done)
		tick := time.NewTicker(min(every, time.Second))
		defer tick.Stop()
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			if tot, err := j.q.Totals(ctx); err == nil {
				t.SetJob(jobLine(tot))
			}
			cancel()
			select {
			case <-j.stop:
				return
			case <-tick.C:
			}
		}
	}()
}

// jobLine is "job catalog 150/300 done (2 failed) · 3 workers".
func jobLine(t queue.Totals) string {
	return fmt.Sprintf("job %s %d/%d done (%d failed) · %d workers", t.Job, t.OK+t.Failed, t.Items, t.Failed, len(t.Workers))
}

// observer is the run's engine observer: the worker's progress tracker, and in a job the job's
// counters too.
func observer(t *progress.Tracker, j *job) func(retry.Event) {
	if j == nil {
		return t.Observe
	}
	return func(ev retry.Event) {
		t.Observe(ev)
		j.q.Observe(ev)
	}
}

// summary prints the job's totals after this worker's own, and returns them.
func (j *job) summary(w io.Writer) (queue.Totals, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := j.q.Flush(ctx); err != nil { // this worker's last counts, before the job's are read
		fmt.Fprintf(w, "job %s: %v\n", j.name, err)
	}
	t, err := j.q.Totals(ctx)
	if err != nil {
		fmt.Fprintf(w, "job %s: totals not readable: %v\n", j.name, err)
		return t, err
	}
	fmt.Fprintf(w, "job %s (%s): %d items, %d ok, %d failed, %d queued, %d pending\n",
		t.Job, j.url, t.Items, t.OK, t.Failed, t.Queued, t.Pending)
	fmt.Fprintf(w, "job %s engine: %s\n", t.Job, t.Counters)
	fmt.Fprintf(w, "results: smartretry results --queue %s --job %s -o FILE\n", j.url, shellQuote(j.name))
	return t, nil
}

func (j *job) close() {
	if j == nil {
		return
	}
	if j.stop != nil {
		close(j.stop)
		<-j.done
		j.stop = nil
	}
	_ = j.q.Close()
	_ = j.client.Close()
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == ':' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// go-redis logs dial failures on its own to stderr, once per try: the queue logs an outage once.
type silentRedisLog struct{}

func (silentRedisLog) Printf(context.Context, string, ...any) {}

func init() { redis.SetLogger(silentRedisLog{}) }
