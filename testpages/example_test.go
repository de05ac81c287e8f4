package testpages_test

import (
	"fmt"
	"net/http"

	"github.com/smartretry/smartretry/testpages"
)

// A flapping server: the first request for id "example" gets 503, the second 200.
func Example() {
	srv, err := testpages.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	for range 2 {
		resp, err := http.Get(srv.URL("/flaky?id=example&fail=1&code=503"))
		if err != nil {
			fmt.Println(err)
			return
		}
		_ = resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Println("hits:", srv.Hits("/flaky", "example"))
	// Output:
	// 503
	// 200
	// hits: 2
}
