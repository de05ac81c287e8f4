package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	replica "github.com/smartretry/smartretry/internal/practice"
)

// DemoBlaze's PRODUCT STORE (www.demoblaze.com, internal/practice's replica), driven as a new user
// would: a default Session, the selectors its tutorials use (#login2, #loginusername, text=…,
// the Delete link of a row), and nothing tuned for the page. Everything on it arrives by a
// request after the load: the grid, a product's details, the cart's rows, "Welcome <user>".

// demoBlaze opens a default Session on a fresh DemoBlaze replica's home page.
func demoBlaze(t *testing.T) (context.Context, *actions.Session, string) {
	t.Helper()
	ctx, s, base := replicaSession(t, replica.DemoBlaze())
	res, err := s.Navigate(ctx, base+"/")
	require.NoError(t, err)
	require.Equal(t, 200, res.Status)
	return ctx, s, base
}

type blazeCard struct {
	name  string
	price int
}

// blazeCards are the grid's products as the page shows them.
func blazeCards(t *testing.T, ctx context.Context, s *actions.Session) []blazeCard {
	t.Helper()
	recs, err := s.Extract(ctx, "#tbodyid .card", map[string]string{"name": ".card-title", "price": "h5"})
	require.NoError(t, err)
	var out []blazeCard
	for _, r := range recs {
		p, err := strconv.Atoi(strings.TrimPrefix(r["price"], "$"))
		require.NoError(t, err, r["price"])
		out = append(out, blazeCard{r["name"], p})
	}
	return out
}

func blazeWant(cat string, from, to int) []blazeCard {
	var out []blazeCard
	for _, p := range replica.DemoBlazeProducts[from:to] {
		if cat == "" || p.Category == cat {
			out = append(out, blazeCard{p.Title, p.Price})
		}
	}
	return out
}

// The grid filled by a request 0.7 s after the load, the categories that empty and re-fill it
// by a request (the URL unchanged), the pager, and a product opened from a re-filled grid; the
// carousel slides above it all the while.
func TestPractice_DemoBlaze_Browse(t *testing.T) {
	t.Parallel()
	ctx, s, base := demoBlaze(t)
	assert.Equal(t, blazeWant("", 0, replica.DemoBlazePerPage), blazeCards(t, ctx, s))

	for _, c := range []struct{ link, cat string }{{"Laptops", "notebook"}, {"Monitors", "monitor"}, {"Phones", "phone"}} {
		require.NoError(t, s.Click(ctx, "text="+c.link))
		assert.Equal(t, blazeWant(c.cat, 0, len(replica.DemoBlazeProducts)), blazeCards(t, ctx, s), c.link)
	}
	require.NoError(t, s.Click(ctx, "text=Laptops"))
	require.NoError(t, s.Click(ctx, "text=MacBook air")) // only in the re-filled grid
	assert.Equal(t, base+"/prod.html?idp_=11", s.URL())
	assert.Equal(t, "MacBook air", text(t, ctx, s, "h2.name"))

	// Every product once through the pager (#next2 is hidden on the last page). "text=Next" is
	// the pager's button: the carousel's control says "Next" to screen readers only.
	navigate(t, ctx, s, base+"/")
	var seen []blazeCard
	pages, err := s.Paginate(ctx, "text=Next", 0, func(ctx context.Context, page int) error {
		seen = append(seen, blazeCards(t, ctx, s)...)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2, pages)
	assert.Equal(t, blazeWant("", 0, len(replica.DemoBlazeProducts)), seen)
}

// A product's details by a request, "Add to cart" whose alert "Product added." comes after a slow
// request (answered by the default policy; its message is the Session's LastDialog), the cart's
// rows arriving one by one, a Delete and the total recomputed, the order's modal and the
// SweetAlert box whose OK goes home.
func TestPractice_DemoBlaze_CartAndOrder(t *testing.T) {
	t.Parallel()
	ctx, s, base := demoBlaze(t)
	require.NoError(t, s.Click(ctx, "text=Samsung galaxy s6"))
	assert.Equal(t, base+"/prod.html?idp_=1", s.URL())
	assert.Equal(t, "Samsung galaxy s6", text(t, ctx, s, "h2.name"))
	assert.Equal(t, "$360 *includes tax", text(t, ctx, s, ".price-container"))
	_, _, ok := s.LastDialog()
	assert.False(t, ok)
	require.NoError(t, s.Click(ctx, "text=Add to cart"))
	d, accepted, ok := s.LastDialog()
	require.True(t, ok, "the alert opened within the click")
	assert.Equal(t, "alert", d.Type)
	assert.Equal(t, "Product added.", d.Message)
	assert.True(t, accepted)

	navigate(t, ctx, s, base+"/prod.html?idp_=2")
	require.NoError(t, s.Click(ctx, "text=Add to cart"))
	d, _, err := s.WaitForDialog(ctx) // this click's, however late its request answers
	require.NoError(t, err)
	assert.Equal(t, "Product added.", d.Message)
	assert.Equal(t, 2, s.Dialogs())

	require.NoError(t, s.Click(ctx, "#cartur"))
	assert.Equal(t, base+"/cart.html", s.URL())
	rows, err := s.Extract(ctx, "#tbodyid tr", map[string]string{"title": "td:nth-child(2)", "price": "td:nth-child(3)"})
	require.NoError(t, err)
	assert.ElementsMatch(t, []map[string]string{{"title": "Samsung galaxy s6", "price": "360"}, {"title": "Nokia lumia 1520", "price": "820"}}, rows)
	assert.Equal(t, replica.DemoBlazeCartTotal(1, 2), text(t, ctx, s, "#totalp"))

	require.NoError(t, s.Click(ctx, "xpath=//tr[td[2]='Nokia lumia 1520']//a[text()='Delete']"))
	rows, err = s.Extract(ctx, "#tbodyid tr", map[string]string{"title": "td:nth-child(2)"})
	require.NoError(t, err)
	assert.Equal(t, []map[string]string{{"title": "Samsung galaxy s6"}}, rows)
	assert.Equal(t, replica.DemoBlazeCartTotal(1), text(t, ctx, s, "#totalp"))

	// The modal fades in while the fields are filled.
	require.NoError(t, s.Click(ctx, "text=Place Order"))
	require.NoError(t, s.Click(ctx, "text=Purchase"))
	d, _, _ = s.LastDialog()
	assert.Equal(t, "Please fill out Name and Creditcard.", d.Message)
	require.NoError(t, s.Fill(ctx, "#name", "Ada Lovelace"))
	require.NoError(t, s.Fill(ctx, "#country", "UK"))
	require.NoError(t, s.Fill(ctx, "#card", "4111 1111 1111 1111"))
	require.NoError(t, s.Click(ctx, "text=Purchase"))
	assert.Equal(t, "Thank you for your purchase!", text(t, ctx, s, ".sweet-alert h2"))
	lead := text(t, ctx, s, ".sweet-alert .lead")
	assert.Contains(t, lead, "Amount: 360 USD")
	assert.Contains(t, lead, "Name: Ada Lovelace")
	require.NoError(t, s.Click(ctx, "text=OK"))
	assert.Equal(t, base+"/index.html", s.URL())

	navigate(t, ctx, s, base+"/cart.html")
	assert.Equal(t, "", text(t, ctx, s, "#totalp"), "the order emptied the cart")
	n, err := s.Count(ctx, "#tbodyid tr")
	require.NoError(t, err)
	assert.Zero(t, n)
}

// Sign up and log in through the modals, each filled while it fades in; the answers are alerts
// ("Sign up successful.", "This user already exist.", "Wrong password."); a login reloads the
// page, whose navbar then says "Welcome <user>" after a request.
func TestPractice_DemoBlaze_SignUpAndLogIn(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoBlaze(t)
	user := "ada" + uniqueID(t)
	require.NoError(t, s.Click(ctx, "text=Sign up")) // the navbar's: the modal's title and button are hidden
	require.NoError(t, s.Fill(ctx, "#sign-username", user))
	require.NoError(t, s.FillSecret(ctx, "#sign-password", "s3cret"))
	require.NoError(t, s.Click(ctx, `role=button[name="Sign up"]`))
	d, _, _ := s.LastDialog()
	assert.Equal(t, "Sign up successful.", d.Message)
	require.NoError(t, s.WaitForState(ctx, "#signInModal", actions.Hidden))

	require.NoError(t, s.Click(ctx, "#signin2"))
	require.NoError(t, s.Fill(ctx, "#sign-username", user))
	require.NoError(t, s.FillSecret(ctx, "#sign-password", "other"))
	require.NoError(t, s.Click(ctx, `role=button[name="Sign up"]`))
	d, _, _ = s.LastDialog()
	assert.Equal(t, "This user already exist.", d.Message)
	require.NoError(t, s.Click(ctx, "#signInModal >>> text=Close")) // the × is named Close too (aria-label)
	require.NoError(t, s.WaitForState(ctx, "#signInModal", actions.Hidden))

	require.NoError(t, s.Click(ctx, "text=Log in"))
	require.NoError(t, s.Fill(ctx, "#loginusername", user))
	require.NoError(t, s.FillSecret(ctx, "#loginpassword", "wrong"))
	require.NoError(t, s.Click(ctx, "//button[text()='Log in']"))
	d, _, _ = s.LastDialog()
	assert.Equal(t, "Wrong password.", d.Message)
	require.NoError(t, s.FillSecret(ctx, "#loginpassword", "s3cret"))
	require.NoError(t, s.Click(ctx, `role=button[name="Log in"]`))
	assert.Equal(t, "Welcome "+user, text(t, ctx, s, "#nameofuser"))
	assert.Equal(t, 3, s.Dialogs())
}
