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

// A flow a new user writes for pages they have not seen, through the binary with its defaults:
// DemoQA's practice form (React-controlled inputs, custom radios and checkboxes clicked through
// their labels, a date picker, react-select dropdowns typed into and chosen with Enter, a file),
// then quotes.toscrape's CSRF login with a secret password, its ViewState search form and its
// infinite list. The record holds what the pages showed back.
func TestRunPracticeSitesFlow(t *testing.T) {
	demoqa := httptest.NewServer(practice.DemoQA())
	t.Cleanup(demoqa.Close)
	quotes := httptest.NewServer(practice.Quotes())
	t.Cleanup(quotes.Close)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "photo.jpg"), practice.SampleJPEG, 0o644))
	flowFile := filepath.Join(dir, "practice.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`name: practice
start_url: ${DEMOQA}/automation-practice-form
variables:
  password: {value: "${QUOTES_PASSWORD}", secret: true}
steps:
  - fill: {selector: "#firstName", value: Ada}
  - fill: {selector: "#lastName", value: Lovelace}
  - fill: {selector: "#userEmail", value: ada@example.com}
  - check: "text=Female"
  - fill: {selector: "#userNumber", value: "0123456789"}
  - fill: {selector: "#dateOfBirthInput", value: "10 Dec 1815"}
  - press: {selector: "#dateOfBirthInput", key: Enter}
  - fill: {selector: "#subjectsInput", value: Math}
  - press: Enter
  - check: "text=Reading"
  - upload: {selector: "#uploadPicture", files: photo.jpg}
  - click: "#state"
  - fill: {selector: "#react-select-3-input", value: NCR}
  - press: Enter
  - click: "#city"
  - click: "text=Noida"
  - click: "#submit"
  - text: {selector: "xpath=//td[.='Student Name']/following-sibling::td", as: student}
  - text: {selector: "xpath=//td[.='Date of Birth']/following-sibling::td", as: born}
  - text: {selector: "xpath=//td[.='Subjects']/following-sibling::td", as: subjects}
  - text: {selector: "xpath=//td[.='State and City']/following-sibling::td", as: state_city}

  - navigate: ${QUOTES}/login
  - fill: {selector: "#username", value: ada}
  - fill: {selector: "#password", value: "${password}"}
  - click: 'role=button[name="Login"]'
  - count: {selector: "text=(Goodreads page)", as: goodreads}
  - navigate: ${QUOTES}/search.aspx
  - select: {selector: "#author", value: Albert Einstein}
  - select: {selector: "#tag", value: deep-thoughts}
  - click: 'role=button[name="Search"]'
  - count: {selector: ".results .quote", as: einstein}
  - navigate: ${QUOTES}/scroll
  - scroll_until: {selector: ".quote", count: 100}
  - count: {selector: ".quote", as: scrolled}
  - text: {selector: ".quote .text", nth: 99, as: last}
`), 0o644))
	out := filepath.Join(dir, "out.jsonl")
	const password = "analytical-engine-1843"
	r := run(t, dir, []string{"DEMOQA=" + demoqa.URL, "QUOTES=" + quotes.URL, "QUOTES_PASSWORD=" + password}, "run", "--out", out, flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	var rec map[string]any
	for _, l := range readResults(t, out) {
		if l.Kind == results.KindRecord {
			rec = l.Data
		} else {
			assert.Equal(t, results.StatusOK, l.Status, l.Error)
		}
	}
	require.NotNil(t, rec)
	assert.Equal(t, "Ada Lovelace", rec["student"])
	assert.Equal(t, "10 December,1815", rec["born"])
	assert.Equal(t, "Maths", rec["subjects"])
	assert.Equal(t, "NCR Noida", rec["state_city"])
	assert.EqualValues(t, 10, rec["goodreads"], "logged in: every quote has its Goodreads link")
	assert.EqualValues(t, 10, rec["einstein"])
	assert.EqualValues(t, 100, rec["scrolled"])
	assert.Equal(t, practice.AllQuotes[99].Text, rec["last"])
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.NotContains(t, string(data)+r.stderr+r.stdout, password)
}

// quotes.toscrape's "Next →" pagination as a crawl a new user writes without knowing how many
// pages there are: every quote once, in ten pages.
func TestRunQuotesCrawl(t *testing.T) {
	quotes := httptest.NewServer(practice.Quotes())
	t.Cleanup(quotes.Close)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "quotes.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`name: quotes
crawl: {max_items: 50}      # a stage that enqueues itself needs a limit (the flow says so when it has none)
stages:
  pages:
    start: ["${QUOTES}/"]
    steps:
      - extract:
          container: .quote
          fields:
            text: .text
            author: .author
            tags: {selector: .keywords, attr: content}
      - enqueue: {links: "li.next a"}
`), 0o644))
	out := filepath.Join(dir, "out.jsonl")
	r := run(t, dir, []string{"QUOTES=" + quotes.URL}, "run", "--out", out, flowFile)
	require.Equal(t, 0, r.code, r.stderr)
	seen := map[string]bool{}
	items := 0
	for _, l := range readResults(t, out) {
		if l.Kind != results.KindRecord {
			assert.Equal(t, results.StatusOK, l.Status, l.Error)
			items++
			continue
		}
		text, _ := l.Data["text"].(string)
		assert.False(t, seen[text], "twice: %s", text)
		seen[text] = true
	}
	assert.Equal(t, 10, items, "ten pages")
	require.Len(t, seen, len(practice.AllQuotes))
	for _, q := range practice.AllQuotes {
		assert.True(t, seen[q.Text], q.Text)
	}
}
