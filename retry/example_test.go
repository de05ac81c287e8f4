package retry_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/retrytest"
)

func ExampleDo() {
	clock := retrytest.NewFakeClock(time.Unix(0, 0)) // virtual time: the example does not wait
	m := retry.NewManager(retry.WithClock(clock))

	calls := 0
	err := retry.Do(context.Background(), func(ctx context.Context) error {
		calls++
		if calls < 3 {
			return errors.New("net::ERR_CONNECTION_RESET")
		}
		return nil
	}, retry.UsingManager(m), retry.UseStrategy(retry.Exponential))

	fmt.Println(err, calls, clock.Sleeps())
	// Output: <nil> 3 [1s 2s]
}

func ExampleDo_giveUp() {
	err := retry.Do(context.Background(), func(ctx context.Context) error {
		return &retry.HTTPError{StatusCode: 404, URL: "https://example.com/gone"}
	}, retry.ActionName("fetch"), retry.UsingManager(retry.NewManager()))

	fmt.Println(err)
	fmt.Println(errors.Is(err, retry.ErrPermanent))
	// Output:
	// fetch: not_found after 1 attempt: not_found is not retryable: HTTP 404 Not Found from https://example.com/gone
	// true
}

func ExampleManager_ShouldRetry() {
	m := retry.NewManager()
	info := retry.Info{"url": "https://example.com"}

	for _, msg := range []string{"404 Not Found", "Network timeout"} {
		d := m.ShouldRetry(errors.New(msg), 0, info)
		fmt.Println(d.Retry, d.Reason)
	}
	for range 3 {
		m.RecordAttempt(retry.Record{Action: "fetch_data", Args: info, Err: errors.New("Connection timeout")})
	}
	fmt.Println(m.ShouldRetry(errors.New("timeout"), 0, info).Reason)
	// Output:
	// false not_found is not retryable
	// true Retry #1 with immediate backoff (0ms delay)
	// Domain example.com in cooloff for 60.0s
}

func ExamplePartialRetry() {
	m := retry.NewManager(retry.WithClock(retrytest.NewFakeClock(time.Unix(0, 0))))
	pages := []string{"/1", "/2", "/3"}
	tries := map[string]int{}

	ok, failed := retry.PartialRetry(context.Background(), m, pages, func(ctx context.Context, page string) error {
		tries[page]++
		switch {
		case page == "/2":
			return errors.New("404 Not Found")
		case page == "/3" && tries[page] == 1:
			return errors.New("503 Service Unavailable")
		}
		return nil
	}, retry.MaxAttempts(3))

	fmt.Println("Successful:", ok)
	for _, f := range failed {
		fmt.Printf("Failed: %s after %d attempt(s): %v\n", f.Item, f.Attempts, f.Type)
	}
	fmt.Println("tries:", tries)
	// Output:
	// Successful: [/1 /3]
	// Failed: /2 after 1 attempt(s): not_found
	// tries: map[/1:1 /2:1 /3:2]
}

func ExampleManager_Recommend() {
	m := retry.NewManager()
	r := m.Recommend("login", retry.Info{"url": "https://example.com"}, errors.New("CAPTCHA detected"))
	fmt.Println(r.Action, r.Reason)
	// Output: escalate captcha: a person must solve it
}

// A page that meets its site's open breaker is not failed: it waits for the cooloff, then goes
// through as the half-open probe.
func ExampleRun_waitForBreaker() {
	clock := retrytest.NewFakeClock(time.Unix(0, 0)) // virtual time: the example does not wait
	m := retry.NewManager(retry.WithClock(clock), retry.WithObserver(func(e retry.Event) {
		if e.Kind == retry.EventBreakerWait {
			fmt.Println("waiting:", e.Reason)
		}
	}))
	// One page answering 503 again and again counts once: the site is not failing…
	for range 5 {
		m.RecordAttempt(retry.Record{Args: retry.Info{"url": "https://shop.example/broken"}, Err: errors.New("503 Service Unavailable")})
	}
	fmt.Println(m.Stats().CircuitBreakerStates["shop.example"].State)
	// …three pages answering 503 say it is: its breaker opens for 60s.
	for _, page := range []string{"/a", "/b"} {
		m.RecordAttempt(retry.Record{Args: retry.Info{"url": "https://shop.example" + page}, Err: errors.New("503 Service Unavailable")})
	}
	fmt.Println(m.Stats().CircuitBreakerStates["shop.example"].State)

	err := retry.Run(context.Background(), "scrape", retry.Info{"url": "https://shop.example/c"},
		func(ctx context.Context, a *retry.Attempt) error { return nil }, retry.UsingManager(m))
	fmt.Println(err, m.Stats().CircuitBreakerStates["shop.example"].State)
	// Output:
	// closed
	// open
	// waiting: Domain shop.example in cooloff for 60.0s
	// <nil> closed
}

// A call that may not wait for an open breaker gives up typed circuit_open, with the time left:
// the caller can run the item again later.
func ExampleMaxBreakerWait() {
	m := retry.NewManager(retry.WithClock(retrytest.NewFakeClock(time.Unix(0, 0))))
	for _, page := range []string{"/a", "/b", "/c"} {
		m.RecordAttempt(retry.Record{Args: retry.Info{"url": "https://shop.example" + page}, Err: errors.New("connection reset")})
	}
	err := retry.Do(context.Background(), func(ctx context.Context) error { return nil },
		retry.UsingManager(m), retry.WithInfo(retry.Info{"url": "https://shop.example/d"}), retry.MaxBreakerWait(-1))
	after, _ := retry.RetryAfterOf(err)
	fmt.Println(err)
	fmt.Println(errors.Is(err, retry.ErrCircuitOpen), after)
	// Output:
	// do: circuit_open: Domain shop.example in cooloff for 60.0s
	// true 1m0s
}

// The failure-ratio form of the breaker: it opens when half the attempts of the last 30s
// failed, once at least 10 were seen.
func ExampleBreakerPolicy() {
	m := retry.NewManager(retry.WithClock(retrytest.NewFakeClock(time.Unix(0, 0))),
		retry.WithBreaker(retry.BreakerPolicy{FailureRatio: 0.5, MinThroughput: 10, Window: 30 * time.Second, Cooloff: time.Minute}))
	info := retry.Info{"domain": "api.example"}
	for i := range 10 {
		if i%2 == 0 {
			m.RecordAttempt(retry.Record{Args: info, Success: true})
		} else {
			m.RecordAttempt(retry.Record{Args: info, Err: errors.New("Connection timeout")})
		}
		if i == 8 || i == 9 {
			fmt.Println(i+1, "attempts:", m.Stats().CircuitBreakerStates["api.example"].State)
		}
	}
	// Output:
	// 9 attempts: closed
	// 10 attempts: open
}
