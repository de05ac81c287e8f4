package main

import (
	"context"
	"os"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/redisstore"
)

// envStore names the environment variable read when --store is not given.
const envStore = "SMARTRETRY_STORE"

func addStoreFlags(f *pflag.FlagSet, o *jobOpts) {
	f.StringVar(&o.store, "store", "", "share the engine's state (breakers, cooloffs, patterns) through this Redis (redis://[:PASSWORD@]HOST:PORT/DB; default $"+envStore+"); --queue does it on its own Redis")
	f.DurationVar(&o.storeTimeout, "store-timeout", redisstore.DefaultTimeout, "with --store or --queue: a decision (or a crawl page's domain slot) Redis does not answer within this is made with local state")
}

// storeURL is --store, else $SMARTRETRY_STORE.
func (o *jobOpts) storeURL() string {
	if o.store != "" {
		return o.store
	}
	return os.Getenv(envStore)
}

// engineStore is where the run's Manager keeps what it learns (breakers, cooloffs, patterns,
// stuck counters): under --queue the job's own Redis (keys under the job's name, expiring with
// it), with --store URL that Redis, else the Manager's own memory (no option). close releases
// it after the run. A --store Redis that does not answer at the start stops the run (exit 3):
// the user asked for shared state; once running, an outage is decided with local state.
func engineStore(ctx context.Context, o *jobOpts, jb *job, log *zap.Logger) (opt retry.Option, close func(), err error) {
	log = log.Named("store")
	if jb != nil {
		s := redisstore.New(jb.client, redisstore.Prefix(jb.name), redisstore.TTL(o.ttl), redisstore.Timeout(o.storeTimeout), redisstore.Logger(log))
		return retry.WithStore(s), func() { _ = s.Close() }, nil
	}
	url := o.storeURL()
	if url == "" {
		return nil, func() {}, nil
	}
	var c *redis.Client
	if c, err = dialRedis(ctx, url, 4); err != nil {
		return nil, nil, err
	}
	s := redisstore.New(c, redisstore.Timeout(o.storeTimeout), redisstore.Logger(log))
	log.Info("shared engine state", zap.String("store", queue.RedactURL(url)))
	return retry.WithStore(s), func() { _ = s.Close(); _ = c.Close() }, nil
}
