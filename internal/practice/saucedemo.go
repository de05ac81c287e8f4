package practice

import (
	"embed"
	"net/http"
	"strings"
)

//go:embed saucedemo
var saucedemoFS embed.FS

// SauceDemoUsers are the users the SauceDemo replica accepts, all with SauceDemoPassword, as
// saucedemo.com's login page lists them.
var SauceDemoUsers = []string{"standard_user", "locked_out_user", "problem_user", "performance_glitch_user", "error_user", "visual_user"}

// SauceDemoPassword is every SauceDemo user's password.
const SauceDemoPassword = "secret_sauce"

// SauceDemoProduct is one of the SauceDemo replica's six products.
type SauceDemoProduct struct {
	ID    int
	Name  string
	Price float64
}

// SauceDemoProducts are the replica's products, by id; the inventory lists them by name (A to Z)
// at first.
var SauceDemoProducts = []SauceDemoProduct{
	{0, "Sauce Labs Bike Light", 9.99},
	{1, "Sauce Labs Bolt T-Shirt", 15.99},
	{2, "Sauce Labs Onesie", 7.99},
	{3, "Test.allTheThings() T-Shirt (Red)", 15.99},
	{4, "Sauce Labs Backpack", 29.99},
	{5, "Sauce Labs Fleece Jacket", 49.99},
}

// sauceDemoRoutes are the paths the single-page app answers (with the same shell) and routes on
// the client.
var sauceDemoRoutes = []string{"/", "/inventory.html", "/inventory-item.html", "/cart.html",
	"/checkout-step-one.html", "/checkout-step-two.html", "/checkout-complete.html"}

// SauceDemo serves a replica of Sauce Labs' saucedemo.com (Swag Labs), a React single-page app:
// every route answers the same shell and a script renders the page, routing with pushState
// (no page load between pages).
//
//	/                        login: #user-name, #password, #login-button (data-test attributes
//	                         too), React-controlled inputs (a value set from script without typing
//	                         is put back), an error banner "Epic sadface: …" whose close button
//	                         (data-test=error-button) has no text
//	/inventory.html          six products, a sort <select data-test="product-sort-container">
//	                         (opacity 0.001 over its label), "Add to cart" buttons replaced on
//	                         click by a "Remove" button (another element, id and data-test), the
//	                         cart badge, the burger menu (#react-burger-menu-btn) sliding in over
//	                         0.5 s with All Items, About, Logout and Reset App State
//	/inventory-item.html?id= a product
//	/cart.html               the cart, Continue Shopping, Checkout
//	/checkout-step-one.html  first name, last name, postal code; "Error: First Name is required"…
//	/checkout-step-two.html  the items, "Item total: $…", "Tax: $…" (8 %), "Total: $…", Finish
//	/checkout-complete.html  "Thank you for your order!"
//
// The login is the cookie session-username, set by the page's script (10 minutes), the cart is
// localStorage's cart-contents: the server keeps no state. A private page without the cookie
// puts the login page in its place, with "Epic sadface: You can only access '/inventory.html'
// when you are logged in.". The users behave as on the real site: locked_out_user is refused
// ("Sorry, this user has been locked out."); problem_user sees every product with the same
// (wrong) picture, the sort does nothing, odd products are not added and even ones not removed,
// the last name field writes the first name instead and keeps nothing; performance_glitch_user's
// inventory takes 5 s of blocked script to render (after the login and after each sort);
// error_user's sort opens an alert, odd products throw instead of being added, the last name
// keeps nothing (it throws) and Finish throws; visual_user sees random prices and a misplaced
// button.
//
// It serves loopback tests only and needs nothing from the network. Safe for concurrent use.
func SauceDemo() http.Handler {
	read := func(name string) []byte {
		b, err := saucedemoFS.ReadFile("saucedemo/" + name)
		if err != nil {
			panic("practice: " + err.Error())
		}
		return b
	}
	js, css := read("app.js"), read("app.css")
	mux := http.NewServeMux()
	for _, route := range sauceDemoRoutes {
		mux.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != route {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(sauceDemoShell))
		})
	}
	static := func(path, ctype string, body []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			_, _ = w.Write(body)
		})
	}
	static("/static/js/main.js", "text/javascript; charset=utf-8", js)
	static("/static/css/main.css", "text/css; charset=utf-8", css)
	mux.HandleFunc("/static/media/", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/media/")
		switch {
		case strings.HasSuffix(name, ".jpg"):
			w.Header().Set("Content-Type", "image/gif") // a picture's stand-in
			_, _ = w.Write(sauceDemoPicture)
		case strings.HasSuffix(name, ".svg"):
			w.Header().Set("Content-Type", "image/svg+xml")
			_, _ = w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20"><rect x="2" y="4" width="16" height="2"/><rect x="2" y="9" width="16" height="2"/><rect x="2" y="14" width="16" height="2"/></svg>`))
		default:
			http.NotFound(w, r)
		}
	})
	return mux
}

const sauceDemoShell = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="theme-color" content="#000000"><meta name="description" content="Sauce Labs Swag Labs app"><title>Swag Labs</title>
<link href="/static/css/main.css" rel="stylesheet"></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div><script defer src="/static/js/main.js"></script></body></html>`

// sauceDemoPicture is a 1×1 GIF, every product picture's stand-in.
var sauceDemoPicture = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
