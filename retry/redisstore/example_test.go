package redisstore_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/redisstore"
)

// Two workers (two processes, or two machines) share one Redis: what one learns, the other
// knows. Here the first meets a 429 with Retry-After: 30; the second refuses the domain at once.
func Example() {
	client := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")}) // e.g. 127.0.0.1:6379
	defer client.Close()

	first := redisstore.New(client, redisstore.Prefix("catalog"))
	defer first.Close()
	second := redisstore.New(client, redisstore.Prefix("catalog"))
	defer second.Close()
	a := retry.NewManager(retry.WithStore(first))
	b := retry.NewManager(retry.WithStore(second))

	_ = retry.Do(context.Background(), func(context.Context) error {
		return &retry.HTTPError{StatusCode: 429, URL: "https://shop.example/p/1", RetryAfter: 30 * time.Second}
	}, retry.UsingManager(a), retry.MaxAttempts(1))

	fmt.Println(b.CheckDomainCircuitBreaker("shop.example"))
	fmt.Println(first.Shared(), second.Shared()) // false while Redis does not answer: local state
}
