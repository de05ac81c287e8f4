package actions_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/testpages"
)

// A button that appears late, a page that erases what is typed, and a 404: the session waits,
// types again, and fails at once where retrying cannot help.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	site, err := testpages.Start()
	if err != nil {
		panic(err)
	}
	defer site.Close()
	b, err := browser.Launch(ctx)
	if err != nil {
		panic(err)
	}
	defer b.Close()

	s, err := actions.NewSession(b, actions.WithTimeout(5*time.Second))
	if err != nil {
		panic(err)
	}
	defer s.Close()

	res, _ := s.Navigate(ctx, site.URL("/late?ms=300"))
	fmt.Println("status:", res.Status)
	_ = s.Click(ctx, "#target") // inserted 300ms after load
	text, _ := s.Text(ctx, "#result")
	fmt.Println(text)

	_, _ = s.Navigate(ctx, site.URL("/fill-erase"))
	_ = s.Fill(ctx, "#name", "Ada") // the page erases it once; Fill types it again
	_ = s.Click(ctx, "#submit")
	text, _ = s.Text(ctx, "#result")
	fmt.Println(text)

	_, err = s.Navigate(ctx, site.URL("/notfound"))
	var ae *actions.ActionError
	if errors.As(err, &ae) {
		fmt.Println(ae.Type(), "after", ae.Attempts(), "attempt")
	}
	// Output:
	// status: 200
	// clicked 1
	// submitted 1: name=Ada, secret empty
	// not_found after 1 attempt
}
