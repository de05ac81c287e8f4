package e2e

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	replica "github.com/smartretry/smartretry/internal/practice"
)

// Swag Labs (saucedemo.com, internal/practice's replica), driven as a new user would: a default
// Session (Isolated: the login is a cookie), the selectors its tutorials use (#user-name,
// data-test attributes), and nothing tuned for the page.

// sauce opens a default Session on a fresh SauceDemo replica's login page.
func sauce(t *testing.T) (context.Context, *actions.Session, string) {
	t.Helper()
	ctx, s, base := replicaSession(t, replica.SauceDemo())
	res, err := s.Navigate(ctx, base+"/")
	require.NoError(t, err)
	require.Equal(t, 200, res.Status)
	return ctx, s, base
}

// sauceLogin logs user in and returns how long the login's Click took.
func sauceLogin(t *testing.T, ctx context.Context, s *actions.Session, user string) time.Duration {
	t.Helper()
	require.NoError(t, s.Fill(ctx, "#user-name", user))
	require.NoError(t, s.FillSecret(ctx, "#password", replica.SauceDemoPassword))
	start := time.Now()
	require.NoError(t, s.Click(ctx, "#login-button"))
	return time.Since(start)
}

type sauceProduct struct {
	name  string
	price float64
}

// products are the inventory's products as the page lists them.
func products(t *testing.T, ctx context.Context, s *actions.Session) []sauceProduct {
	t.Helper()
	recs, err := s.Extract(ctx, `[data-test="inventory-item"]`, map[string]string{
		"name": `[data-test="inventory-item-name"]`, "price": `[data-test="inventory-item-price"]`})
	require.NoError(t, err)
	var out []sauceProduct
	for _, r := range recs {
		p, err := strconv.ParseFloat(strings.TrimPrefix(r["price"], "$"), 64)
		require.NoError(t, err, r["price"])
		out = append(out, sauceProduct{r["name"], p})
	}
	return out
}

// The whole purchase: login, a sort, two products added (their buttons turn into Remove
// buttons, the badge counts), the cart, the checkout form, the totals, the order.
func TestPractice_SauceDemo_Checkout(t *testing.T) {
	t.Parallel()
	ctx, s, url := sauce(t)
	sauceLogin(t, ctx, s, "standard_user")
	assert.Equal(t, url+"/inventory.html", s.URL())
	assert.Equal(t, "Products", text(t, ctx, s, `[data-test="title"]`))
	list := products(t, ctx, s)
	require.Len(t, list, 6)
	assert.True(t, sort.SliceIsSorted(list, func(i, j int) bool { return list[i].name < list[j].name }), "%v", list)

	// The <select> is all but transparent over its label, as on the real page.
	require.NoError(t, s.Select(ctx, `[data-test="product-sort-container"]`, "Price (low to high)"))
	assert.Equal(t, "Price (low to high)", text(t, ctx, s, `[data-test="active-option"]`))
	list = products(t, ctx, s)
	require.Len(t, list, 6)
	assert.True(t, sort.SliceIsSorted(list, func(i, j int) bool { return list[i].price < list[j].price }), "%v", list)
	assert.Equal(t, "Sauce Labs Onesie", list[0].name)
	assert.Equal(t, 49.99, list[5].price)

	require.NoError(t, s.Click(ctx, `[data-test="add-to-cart-sauce-labs-backpack"]`))
	require.NoError(t, s.Click(ctx, "#add-to-cart-sauce-labs-bolt-t-shirt"))
	assert.Equal(t, "Remove", text(t, ctx, s, `[data-test="remove-sauce-labs-backpack"]`))
	assert.Equal(t, "2", text(t, ctx, s, ".shopping_cart_badge"))
	n, err := s.Count(ctx, `[data-test="add-to-cart-sauce-labs-backpack"]`)
	require.NoError(t, err)
	assert.Zero(t, n, "the Add to cart button was replaced")

	require.NoError(t, s.Click(ctx, ".shopping_cart_link"))
	assert.Equal(t, "Your Cart", text(t, ctx, s, `[data-test="title"]`))
	recs, err := s.Extract(ctx, ".cart_item", map[string]string{"name": ".inventory_item_name", "qty": ".cart_quantity"})
	require.NoError(t, err)
	assert.Equal(t, []map[string]string{{"name": "Sauce Labs Backpack", "qty": "1"}, {"name": "Sauce Labs Bolt T-Shirt", "qty": "1"}}, recs)

	require.NoError(t, s.Click(ctx, `role=button[name="Checkout"]`))
	require.NoError(t, s.Click(ctx, "#continue"))
	assert.Equal(t, "Error: First Name is required", text(t, ctx, s, `[data-test="error"]`))
	require.NoError(t, s.Fill(ctx, "#first-name", "Ada"))
	require.NoError(t, s.Fill(ctx, `[data-test="lastName"]`, "Lovelace"))
	require.NoError(t, s.Fill(ctx, `[placeholder="Zip/Postal Code"]`, "SW1Y 4"))
	require.NoError(t, s.Click(ctx, "#continue"))
	assert.Equal(t, "Checkout: Overview", text(t, ctx, s, `[data-test="title"]`))
	assert.Equal(t, "Item total: $45.98", text(t, ctx, s, `[data-test="subtotal-label"]`))
	assert.Equal(t, "Tax: $3.68", text(t, ctx, s, `[data-test="tax-label"]`))
	assert.Equal(t, "Total: $49.66", text(t, ctx, s, `[data-test="total-label"]`))
	require.NoError(t, s.Click(ctx, "text=Finish"))
	assert.Equal(t, "Thank you for your order!", text(t, ctx, s, `[data-test="complete-header"]`))
	assert.Equal(t, url+"/checkout-complete.html", s.URL())
	n, err = s.Count(ctx, ".shopping_cart_badge")
	require.NoError(t, err)
	assert.Zero(t, n, "the order emptied the cart")
}

// The error banner: what the login refuses, in the page's words, and its close button (an icon
// only) takes it away.
func TestPractice_SauceDemo_LoginErrors(t *testing.T) {
	t.Parallel()
	ctx, s, _ := sauce(t)
	require.NoError(t, s.Click(ctx, "#login-button"))
	assert.Equal(t, "Epic sadface: Username is required", text(t, ctx, s, `[data-test="error"]`))
	require.NoError(t, s.Click(ctx, `[data-test="error-button"]`))
	n, err := s.Count(ctx, `[data-test="error"]`)
	require.NoError(t, err)
	assert.Zero(t, n, "the close button takes the banner away")

	sauceLogin(t, ctx, s, "locked_out_user")
	assert.Equal(t, "Epic sadface: Sorry, this user has been locked out.", text(t, ctx, s, `[data-test="error"]`))
	assert.True(t, strings.HasSuffix(s.URL(), "/"), s.URL())
	class, _, err := s.Attr(ctx, "#user-name", "class")
	require.NoError(t, err)
	assert.Contains(t, class, "error")

	require.NoError(t, s.Fill(ctx, "#user-name", "standard_user"))
	require.NoError(t, s.FillSecret(ctx, "#password", "wrong"))
	require.NoError(t, s.Click(ctx, "#login-button"))
	assert.Equal(t, "Epic sadface: Username and password do not match any user in this service", text(t, ctx, s, `h3[data-test="error"]`))
}

// A private page without the session cookie shows the login, saying why; after Logout (a link
// in the burger menu, clicked while the menu still slides in) too.
func TestPractice_SauceDemo_LogoutAndRedirect(t *testing.T) {
	t.Parallel()
	ctx, s, url := sauce(t)
	_, err := s.Navigate(ctx, url+"/inventory.html")
	require.NoError(t, err)
	assert.Equal(t, "Epic sadface: You can only access '/inventory.html' when you are logged in.", text(t, ctx, s, `[data-test="error"]`))
	assert.Equal(t, url+"/", s.URL())

	sauceLogin(t, ctx, s, "standard_user")
	require.NoError(t, s.Click(ctx, "#add-to-cart-sauce-labs-onesie"))
	assert.Equal(t, "1", text(t, ctx, s, `[data-test="shopping-cart-badge"]`))

	require.NoError(t, s.Click(ctx, "#react-burger-menu-btn"))
	require.NoError(t, s.Click(ctx, "text=Reset App State"))
	n, err := s.Count(ctx, `[data-test="shopping-cart-badge"]`)
	require.NoError(t, err)
	assert.Zero(t, n, "Reset App State empties the cart")
	require.NoError(t, s.Click(ctx, `role=button[name="Close Menu"]`))

	require.NoError(t, s.Click(ctx, `role=button[name="Open Menu"]`))
	start := time.Now()
	require.NoError(t, s.Click(ctx, "#logout_sidebar_link"))
	t.Logf("Logout clicked %v after the menu began to slide in", time.Since(start))
	require.NoError(t, s.WaitFor(ctx, "#login-button"))
	assert.Equal(t, url+"/", s.URL())
	cookies, err := s.Cookies(ctx, url)
	require.NoError(t, err)
	for _, c := range cookies {
		assert.NotEqual(t, "session-username", c.Name, "Logout removes the session cookie")
	}
	_, err = s.Navigate(ctx, url+"/cart.html")
	require.NoError(t, err)
	assert.Equal(t, "Epic sadface: You can only access '/cart.html' when you are logged in.", text(t, ctx, s, `[data-test="error"]`))
}

// performance_glitch_user's inventory blocks the page's script for 5 s as it renders (after the
// login's click, after a sort): the defaults wait it out.
func TestPractice_SauceDemo_PerformanceGlitch(t *testing.T) {
	t.Parallel()
	ctx, s, url := sauce(t)
	took := sauceLogin(t, ctx, s, "performance_glitch_user")
	t.Logf("login click took %v", took)
	assert.GreaterOrEqual(t, took, 4*time.Second, "the click lasts as long as the page's handler")
	assert.Equal(t, "Products", text(t, ctx, s, `[data-test="title"]`))
	assert.Equal(t, url+"/inventory.html", s.URL())
	start := time.Now()
	require.NoError(t, s.Select(ctx, `[data-test="product-sort-container"]`, "za"))
	t.Logf("sort took %v", time.Since(start))
	list := products(t, ctx, s)
	require.Len(t, list, 6)
	assert.Equal(t, "Test.allTheThings() T-Shirt (Red)", list[0].name)
	require.NoError(t, s.Click(ctx, `[data-test="add-to-cart-sauce-labs-fleece-jacket"]`))
	assert.Equal(t, "1", text(t, ctx, s, ".shopping_cart_badge"))
}

// problem_user's page does not do what it is asked: the sort keeps its order, an odd product
// is not added, and the last name field keeps nothing (what is typed there becomes the first
// name). Select and Fill say so at once, naming the element, rather than passing or hanging.
func TestPractice_SauceDemo_ProblemUser(t *testing.T) {
	t.Parallel()
	ctx, s, url := sauce(t)
	sauceLogin(t, ctx, s, "problem_user")
	recs, err := s.Extract(ctx, ".inventory_item img", map[string]string{"src": "@src"})
	require.NoError(t, err)
	require.Len(t, recs, 6)
	for _, r := range recs {
		assert.Equal(t, url+"/static/media/sl-404.jpg", r["src"], "every product shows the same wrong picture")
	}

	before := products(t, ctx, s)
	err = s.Select(ctx, `[data-test="product-sort-container"]`, "Price (high to low)")
	t.Logf("Select on a sort that puts itself back: %v", err)
	var se *actions.SelectError
	require.True(t, errors.As(err, &se), "the page kept 'az': %T %v", err, err)
	assert.Equal(t, []string{"hilo"}, se.Chosen)
	assert.Equal(t, []string{"az"}, se.Kept)
	assert.Equal(t, before, products(t, ctx, s), "the sort does nothing for this user")
	assert.Equal(t, "Name (A to Z)", text(t, ctx, s, `[data-test="active-option"]`))

	require.NoError(t, s.Click(ctx, "#add-to-cart-sauce-labs-bolt-t-shirt"), "the click lands; the page ignores it")
	require.NoError(t, s.Click(ctx, "#add-to-cart-sauce-labs-backpack"))
	assert.Equal(t, "1", text(t, ctx, s, ".shopping_cart_badge"))
	assert.Equal(t, "Add to cart", text(t, ctx, s, "#add-to-cart-sauce-labs-bolt-t-shirt"))

	require.NoError(t, s.Click(ctx, ".shopping_cart_link"))
	require.NoError(t, s.Click(ctx, "#checkout"))
	require.NoError(t, s.Fill(ctx, "#first-name", "Ada"))
	start := time.Now()
	err = s.Fill(ctx, "#last-name", "Lovelace")
	took := time.Since(start)
	t.Logf("Fill of the last name: %v after %v", err, took)
	require.Error(t, err)
	var fe *actions.FillError
	require.True(t, errors.As(err, &fe), "%T: %v", err, err)
	assert.Equal(t, "#last-name", fe.Selector)
	assert.Zero(t, fe.GotLen)
	assert.Contains(t, err.Error(), "#last-name")
	assert.Less(t, took, 20*time.Second, "told at once, not after the retries")
	assert.Equal(t, "e", value(t, ctx, s, "#first-name"), "each key typed there became the whole first name")
	require.NoError(t, s.Fill(ctx, "#postal-code", "SW1Y 4"))
	require.NoError(t, s.Click(ctx, "#continue"))
	assert.Equal(t, "Error: Last Name is required", text(t, ctx, s, `[data-test="error"]`))
}

// error_user's sort opens an alert (the default answers it; the Session remembers it) and keeps
// its order (Select says so), its Finish button throws and goes nowhere.
func TestPractice_SauceDemo_ErrorUser(t *testing.T) {
	t.Parallel()
	ctx, s, url := sauce(t)
	sauceLogin(t, ctx, s, "error_user")
	err := s.Select(ctx, `[data-test="product-sort-container"]`, "za")
	t.Logf("Select whose handler alerts: %v", err)
	var se *actions.SelectError
	require.True(t, errors.As(err, &se), "%T %v", err, err)
	assert.Equal(t, []string{"az"}, se.Kept)
	d, accepted, ok := s.LastDialog()
	require.True(t, ok, "the alert was seen")
	assert.True(t, accepted)
	assert.Equal(t, "Sorting is broken! This error has been reported to Backtrace.", d.Message)
	assert.Equal(t, "Sauce Labs Backpack", products(t, ctx, s)[0].name)

	require.NoError(t, s.Click(ctx, "#add-to-cart-sauce-labs-onesie"))
	require.NoError(t, s.Click(ctx, ".shopping_cart_link"))
	require.NoError(t, s.Click(ctx, "#checkout"))
	require.NoError(t, s.Fill(ctx, "#first-name", "Ada"))
	require.NoError(t, s.Fill(ctx, "#postal-code", "SW1Y 4"))
	require.NoError(t, s.Click(ctx, "#continue"))
	require.NoError(t, s.Click(ctx, "#finish"))
	assert.Equal(t, url+"/checkout-step-two.html", s.URL(), "Finish throws for this user")
}

// The selectors a new user writes first: an id copied from DevTools whose parentheses and dots
// CSS reads as syntax fails at once saying how to write it; the text of a product's name opens
// its page (a pushState route), whose button is another Add to cart.
func TestPractice_SauceDemo_ProductPage(t *testing.T) {
	t.Parallel()
	ctx, s, url := sauce(t)
	sauceLogin(t, ctx, s, "standard_user")
	start := time.Now()
	err := s.Click(ctx, "#add-to-cart-test.allthethings()-t-shirt-(red)")
	require.Error(t, err)
	assert.Less(t, time.Since(start), 10*time.Second, "an invalid selector is not waited for")
	assert.Contains(t, err.Error(), `write [id="add-to-cart-test.allthethings()-t-shirt-(red)"]`)
	require.NoError(t, s.Click(ctx, `[id="add-to-cart-test.allthethings()-t-shirt-(red)"]`))
	assert.Equal(t, "1", text(t, ctx, s, ".shopping_cart_badge"))

	require.NoError(t, s.Click(ctx, "text=Sauce Labs Fleece Jacket"))
	assert.Equal(t, url+"/inventory-item.html?id=5", s.URL())
	assert.Equal(t, "$49.99", text(t, ctx, s, `[data-test="inventory-item-price"]`))
	require.NoError(t, s.Click(ctx, `role=button[name="Add to cart"]`))
	assert.Equal(t, "Remove", text(t, ctx, s, "#remove"))
	assert.Equal(t, "2", text(t, ctx, s, ".shopping_cart_badge"))
	require.NoError(t, s.Click(ctx, "#back-to-products"))
	assert.Equal(t, url+"/inventory.html", s.URL())
	assert.Equal(t, "Remove", text(t, ctx, s, `[data-test="remove-sauce-labs-fleece-jacket"]`))
}
