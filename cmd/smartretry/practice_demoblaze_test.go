package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/practice"
	"github.com/smartretry/smartretry/internal/results"
)

// DemoBlaze's PRODUCT STORE (demoblaze.com's replica) through the binary with its defaults, as a
// new user writes the flow: a product from the grid that a request fills after the load, its
// name (a request too), Add to cart and the alert it raises after its slow request (answered by
// the default policy; the dialog step reads its message), the cart's rows and total (a request
// per row), the order modal filled as it fades in, the SweetAlert box and its OK, which goes home
// (where count, which does not wait, needs a wait_for first: the grid comes by a request).
// A second item logs in with a wrong password, reads the alert, and with the right one reads
// "Welcome test".
func TestRunDemoBlazeFlow(t *testing.T) {
	blaze := httptest.NewServer(practice.DemoBlaze())
	t.Cleanup(blaze.Close)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "demoblaze.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`name: demoblaze
start_url: ${BLAZE}/
items:
  - {id: order}
steps:
  - click: "text=Samsung galaxy s6"
  - text: {selector: h2.name, as: product}
  - click: "text=Add to cart"
  - dialog: {as: added}
  - click: "#cartur"
  - extract:
      container: "#tbodyid tr"
      fields:
        title: "td:nth-child(2)"
        price: "td:nth-child(3)"
  - text: {selector: "#totalp", as: total}
  - click: "text=Place Order"
  - fill: {selector: "#name", value: Ada Lovelace}
  - fill: {selector: "#card", value: "4111 1111 1111 1111"}
  - click: "text=Purchase"
  - text: {selector: ".sweet-alert h2", as: thanks}
  - click: "text=OK"
  - wait_for: "#tbodyid .card"
  - count: {selector: "#tbodyid .card", as: home_cards}
`), 0o644))
	loginFile := filepath.Join(dir, "login.yaml")
	require.NoError(t, os.WriteFile(loginFile, []byte(`name: demoblaze-login
start_url: ${BLAZE}/
variables:
  password: {value: "${BLAZE_PASSWORD}", secret: true}
steps:
  - click: "#login2"
  - fill: {selector: "#loginusername", value: test}
  - fill: {selector: "#loginpassword", value: not-the-password}
  - click: "//button[text()='Log in']"
  - dialog: {as: refused}
  - fill: {selector: "#loginpassword", value: "${password}"}
  - click: "//button[text()='Log in']"
  - text: {selector: "#nameofuser", as: welcome}
`), 0o644))
	env := []string{"BLAZE=" + blaze.URL, "BLAZE_PASSWORD=" + practice.DemoBlazePassword}

	out := filepath.Join(dir, "out.jsonl")
	r := run(t, dir, env, "run", "--out", out, flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	var rows, fields []map[string]any
	for _, l := range readResults(t, out) {
		switch {
		case l.Kind != results.KindRecord:
			assert.Equal(t, results.StatusOK, l.Status, l.Error)
			t.Logf("%s: %d ms", l.Item, l.DurationMS)
		case l.Data["title"] != nil:
			rows = append(rows, l.Data)
		default:
			fields = append(fields, l.Data)
		}
	}
	assert.Equal(t, []map[string]any{{"title": "Samsung galaxy s6", "price": "360"}}, rows)
	require.Len(t, fields, 1)
	assert.Equal(t, map[string]any{"product": "Samsung galaxy s6", "added": "Product added.", "total": "360",
		"thanks": "Thank you for your purchase!", "home_cards": float64(practice.DemoBlazePerPage)}, fields[0])

	out = filepath.Join(dir, "login.jsonl")
	r = run(t, dir, env, "run", "--out", out, loginFile)
	require.Equal(t, 0, r.code, r.stderr)
	fields = nil
	for _, l := range readResults(t, out) {
		if l.Kind == results.KindRecord {
			fields = append(fields, l.Data)
		} else {
			assert.Equal(t, results.StatusOK, l.Status, l.Error)
		}
	}
	assert.Equal(t, []map[string]any{{"refused": "Wrong password.", "welcome": "Welcome test"}}, fields)
}
