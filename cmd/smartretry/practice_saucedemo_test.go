package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/practice"
	"github.com/smartretry/smartretry/internal/results"
)

// Swag Labs (saucedemo.com's replica) through the binary with its defaults, as a new user writes
// the flow from the README: the login with a secret password (FillSecret), the sort, the
// products' names and prices. Two users as two items, each isolated (their own cookie, their
// own cart): standard_user, and performance_glitch_user whose inventory blocks the page for 5 s
// after the login and after the sort.
func TestRunSauceDemoFlow(t *testing.T) {
	sauce := httptest.NewServer(practice.SauceDemo())
	t.Cleanup(sauce.Close)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "saucedemo.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`name: saucedemo
start_url: ${SAUCE}/
variables:
  password: {value: "${SAUCE_PASSWORD}", secret: true}
items:
  - {id: standard_user}
  - {id: performance_glitch_user}
steps:
  - fill: {selector: "#user-name", value: "${item.id}"}
  - fill: {selector: "#password", value: "${password}"}
  - click: "#login-button"
  - assert_text: {selector: '[data-test="title"]', equals: Products}
  - select: {selector: '[data-test="product-sort-container"]', value: "Price (high to low)"}
  - extract:
      container: '[data-test="inventory-item"]'
      fields:
        name: '[data-test="inventory-item-name"]'
        price: '[data-test="inventory-item-price"]'
        picture: {selector: img, attr: src}
`), 0o644))
	out := filepath.Join(dir, "out.jsonl")
	r := run(t, dir, []string{"SAUCE=" + sauce.URL, "SAUCE_PASSWORD=" + practice.SauceDemoPassword}, "run", "--out", out, flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	type product struct {
		name  string
		price float64
	}
	got := map[string][]product{}
	items := 0
	for _, l := range readResults(t, out) {
		if l.Kind != results.KindRecord {
			assert.Equal(t, results.StatusOK, l.Status, l.Error)
			t.Logf("%s: %d ms", l.Item, l.DurationMS)
			items++
			continue
		}
		name, _ := l.Data["name"].(string)
		price, _ := l.Data["price"].(string)
		p, err := strconv.ParseFloat(strings.TrimPrefix(price, "$"), 64)
		require.NoError(t, err, price)
		picture, _ := l.Data["picture"].(string)
		assert.True(t, strings.HasPrefix(picture, sauce.URL+"/static/media/"), "absolute: %s", picture)
		got[l.Item] = append(got[l.Item], product{name, p})
	}
	assert.Equal(t, 2, items)
	want := make([]product, 0, len(practice.SauceDemoProducts))
	for _, p := range practice.SauceDemoProducts {
		want = append(want, product{p.Name, p.Price})
	}
	for _, user := range []string{"standard_user", "performance_glitch_user"} {
		list := got[user]
		require.Len(t, list, 6, user)
		assert.True(t, sort.SliceIsSorted(list, func(i, j int) bool { return list[i].price > list[j].price }), "%s: %v", user, list)
		assert.ElementsMatch(t, want, list, user)
		assert.Equal(t, product{"Sauce Labs Fleece Jacket", 49.99}, list[0], user)
	}
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.NotContains(t, string(data)+r.stderr+r.stdout, practice.SauceDemoPassword)
}
