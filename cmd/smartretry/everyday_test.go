package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/testpages"
)

// The batch of issue 8 through the binary: 20 pages on one host, 4 of which always answer 503,
// max_attempts 2, concurrency 2. The first run, without --resume, ends with 16 ok and 4 failed
// (server_error); the healthy items waited for the breaker's cooloff and the summary says so.
func TestRunBreakerBatchFinishesOnTheFirstRun(t *testing.T) {
	srv, site := startSite(t)
	dir := t.TempDir()
	var items []string
	for i := range 20 {
		if i < 4 {
			items = append(items, fmt.Sprintf("  - {id: bad%d, url: '%s'}", i,
				srv.URL(fmt.Sprintf("/flaky?id=cli-bad%d&code=503&fail=%d", i, testpages.MaxFail))))
		} else {
			items = append(items, fmt.Sprintf("  - {id: ok%d, url: '%s'}", i, srv.URL(fmt.Sprintf("/product/%d", i))))
		}
	}
	flowFile := filepath.Join(dir, "batch.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`
concurrency: 2
engine:
  circuit_breaker: {threshold: 3, cooloff: 1s}
  errors:
    server_error: {max_attempts: 2, base_delay: 20ms, max_delay: 100ms}
items:
`+strings.Join(items, "\n")+`
steps:
  - text: {selector: h1, as: title}
`), 0o644))
	out := filepath.Join(dir, "out.jsonl")
	r := run(t, dir, []string{site}, "run", "--out", out, "--item-attempts", "2", "--progress-every", "100ms", flowFile)
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "4 of 20 items failed")
	assert.Contains(t, r.stderr, "items: 20 total, 16 ok, 4 failed, deferred ")
	assert.Contains(t, r.stderr, " (breaker cooloff)")
	assert.Contains(t, r.stderr, "failures by type: server_error 4")
	ok, failed, records := 0, 0, 0
	for _, l := range readResults(t, out) {
		switch {
		case l.Kind == results.KindRecord:
			records++
		case l.Status == results.StatusOK:
			ok++
		default:
			failed++
			assert.True(t, strings.HasPrefix(l.Item, "bad"), l.Item)
			assert.Equal(t, "server_error", l.ErrorType, l.Error)
		}
	}
	assert.Equal(t, 16, ok)
	assert.Equal(t, 4, failed)
	assert.Equal(t, 16, records)
}

// The everyday steps through the binary: the example flow reads a checkbox count, a text that
// changes, an infinite list and a 404 page on purpose into one record.
func TestRunEverydayExample(t *testing.T) {
	_, site := startSite(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	r := run(t, dir, []string{site}, "run", "--out", out, filepath.Join(wd(t), "../../examples/everyday.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	var rec map[string]any
	for _, l := range readResults(t, out) {
		if l.Kind == results.KindRecord {
			require.Nil(t, rec, "one record")
			rec = l.Data
		} else {
			assert.Equal(t, results.StatusOK, l.Status)
			assert.Equal(t, 1, l.Records)
		}
	}
	require.NotNil(t, rec)
	assert.EqualValues(t, 2, rec["ticked"])
	assert.Contains(t, rec["status"], "Done")
	assert.GreaterOrEqual(t, rec["loaded"], float64(40))
	assert.Equal(t, "Item 40", rec["fortieth"])
	assert.NotEmpty(t, rec["not_found_title"])
}

// Bad values of the new steps are flow errors with line and column, before any browser starts.
func TestRunRefusesBadEverydaySteps(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte(`start_url: http://127.0.0.1:1/
steps:
  - navigate: {url: "http://127.0.0.1:1/x", expect_status: [404, 99]}
  - wait_for: {selector: "#a", state: vanished}
  - text: {selector: li, nth: -1}
  - scroll_until: {selector: li, count: 0}
`), 0o644))
	r := run(t, dir, []string{"SMARTRETRY_BROWSER=/nonexistent/chromium"}, "run", bad)
	assert.Equal(t, 2, r.code, r.stderr)
	for _, want := range []string{
		"bad.yaml:3:66: steps[0].navigate.expect_status[1]: want an HTTP status from 100 to 599, got 99",
		`bad.yaml:4:39: steps[1].wait_for.state: unknown state "vanished"`,
		"bad.yaml:5:31: steps[2].text.nth: want an integer from 0 to 100000, got -1",
		"bad.yaml:6:41: steps[3].scroll_until.count: want an integer from 1 to 100000, got 0",
	} {
		assert.Contains(t, r.stderr, want)
	}
	assert.NotContains(t, r.stderr, "browser")
}
