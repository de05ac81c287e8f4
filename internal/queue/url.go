package queue

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// EnvQueue names the environment variable read when --queue is not given.
const EnvQueue = "SMARTRETRY_QUEUE"

// ErrBadURL is a --queue URL that cannot be used as written (scheme, form, database).
var ErrBadURL = errors.New("bad Redis URL")

// ErrUnreachable is a Redis that does not answer, or refuses our password.
var ErrUnreachable = errors.New("Redis unreachable")

// ParseURL checks a redis:// (or rediss://, TLS) URL and returns the client options for it. Its
// errors never contain the password.
func ParseURL(raw string) (*redis.Options, error) {
	safe := RedactURL(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w %q: not a URL (want redis://[:PASSWORD@]HOST:PORT/DB)", ErrBadURL, safe)
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, fmt.Errorf("%w %q: scheme %q is not redis:// or rediss://", ErrBadURL, safe, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%w %q: no host (want redis://HOST:PORT/DB)", ErrBadURL, safe)
	}
	o, err := redis.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %s", ErrBadURL, safe, redactText(err.Error(), raw))
	}
	return o, nil
}

// RedactURL returns the URL with its password replaced by "xxxxx", for printing.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// Not parseable: hide anything between "://" and "@", where a password would be.
		if i := strings.Index(raw, "://"); i >= 0 {
			if j := strings.LastIndex(raw, "@"); j > i {
				return raw[:i+3] + "xxxxx" + raw[j:]
			}
		}
		return raw
	}
	return u.Redacted()
}

// redactText removes the URL's password (and the raw URL) from a message.
func redactText(msg, raw string) string {
	msg = strings.ReplaceAll(msg, raw, RedactURL(raw))
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}

// Dial connects to the Redis at raw and checks that it answers (PING, within timeout). poolSize
// is the connections the process may use at once (0: go-redis's default). The client retries a
// failed command a few times with backoff; the queue's own loops go on retrying after that, so a
// restarted Redis is picked up again.
func Dial(ctx context.Context, raw string, poolSize int, timeout time.Duration) (*redis.Client, error) {
	o, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	o.DisableIdentity = true
	o.MaxRetries = 5
	o.MinRetryBackoff = 20 * time.Millisecond
	o.MaxRetryBackoff = time.Second
	o.DialTimeout = 3 * time.Second
	if poolSize > 0 {
		o.PoolSize = poolSize
	}
	c := redis.NewClient(o)
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := c.Ping(pctx).Err(); err != nil {
		_ = c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w at %s: %s", ErrUnreachable, RedactURL(raw), redactText(err.Error(), raw))
	}
	return c, nil
}
