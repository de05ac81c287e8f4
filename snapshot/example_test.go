package snapshot_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/smartretry/smartretry/snapshot"
)

// A response's headers are enough to see most bot walls before looking at the page.
func ExampleChallengeFromResponse() {
	h := http.Header{}
	h.Set("Cf-Mitigated", "challenge")
	c := snapshot.ChallengeFromResponse(403, h)
	fmt.Println(c.Vendor, c.Kind)

	h = http.Header{}
	h.Set("X-Amzn-Waf-Action", "captcha")
	fmt.Println(snapshot.ChallengeFromResponse(405, h))

	fmt.Println(snapshot.ChallengeFromResponse(200, http.Header{"Server": {"nginx"}}))
	// Output:
	// cloudflare interstitial
	// aws_waf/captcha
	// none
}

// The text form is what an agent reads: one line per element, with the selector to act on.
func ExampleSnapshot_String() {
	s := &snapshot.Snapshot{
		URL: "https://shop.example/cart", Title: "Cart", Status: 200, TakenAt: time.Now(),
		Elements: []snapshot.Element{
			{Ref: "e1", Role: "link", Name: "Home", Selector: `a[href="/"]`, Visible: true, Enabled: true, Tag: "a"},
			{Ref: "e2", Role: "textbox", Name: "Coupon", Selector: `input[name="coupon"]`, Visible: true, Enabled: true, Tag: "input", Type: "text"},
			{Ref: "e3", Role: "button", Name: "Add to cart", Selector: `[data-testid="add-to-cart"]`, Visible: true, Enabled: true, Tag: "button"},
			{Ref: "e4", Role: "button", Name: "Checkout", Selector: "#checkout", Visible: true, Enabled: false, Tag: "button"},
		},
	}
	fmt.Print(s)
	e, _ := s.Find("e3")
	fmt.Println(e.Selector)
	// Output:
	// https://shop.example/cart · 200 · "Cart"
	// e1 link "Home" a[href="/"]
	// e2 textbox "Coupon" input[name="coupon"]
	// e3 button "Add to cart" [data-testid="add-to-cart"]
	// e4 button "Checkout" #checkout disabled
	// [data-testid="add-to-cart"]
}
