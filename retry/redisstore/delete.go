package redisstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// deleteBatch is how many keys one SCAN asks for and one UNLINK removes at most.
const deleteBatch = 500

// Delete removes every key of prefix's namespace (smartretry:{prefix}:engine:…, DefaultPrefix
// when prefix is empty) from the Redis of client: all that the Stores with that Prefix learnt
// (breakers, cooloffs, patterns, stuck counters). It returns how many keys it removed. The keys
// are found with SCAN MATCH in batches (never KEYS, which blocks the server) and removed with
// UNLINK; other prefixes, and keys written under the prefix while Delete runs, may be left.
// `smartretry status --delete` uses it with the job's name.
//
// Delete is safe for concurrent use; a Store still using the prefix writes new keys as it goes on.
func Delete(ctx context.Context, client *redis.Client, prefix string) (int, error) {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	match := escapeGlob(newKeys(prefix).base) + "*"
	var (
		cursor uint64
		n      int
	)
	for {
		batch, next, err := client.Scan(ctx, cursor, match, deleteBatch).Result()
		if err != nil {
			return n, fmt.Errorf("redisstore: delete the keys of prefix %q: %w", prefix, err)
		}
		if len(batch) > 0 {
			removed, err := client.Unlink(ctx, batch...).Result()
			n += int(removed)
			if err != nil {
				return n, fmt.Errorf("redisstore: delete the keys of prefix %q: %w", prefix, err)
			}
		}
		if cursor = next; cursor == 0 {
			return n, nil
		}
	}
}

// escapeGlob quotes the characters SCAN MATCH treats as a pattern, so that a prefix such as
// "shop[1]*" matches only itself.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\', '^', '-':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
