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
