package runner

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/testpages"
)

// always503 is a page of the test site that answers 503 to every request.
// runIDs numbers the runs of the tests that count a testpages counter: the site is the package's
// and its counters are per id, so with go test -count=N a test named by t.Name() alone read the
// hits of its runs before (6 where it expected 3).
var runIDs atomic.Int64

// runID is a testpages id for this run of the test.
func runID(t *testing.T) string {
	return fmt.Sprintf("%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), runIDs.Add(1))
}

func always503(id string) string {
	return fmt.Sprintf("${SITE}/flaky?id=%s&code=503&fail=%d", id, testpages.MaxFail)
}

// The batch of issue 8: 20 pages on one host, 4 of which always answer 503, max_attempts 2,
// concurrency 2. The 4 broken pages open the host's breaker; the 16 healthy pages wait for its
// cooloff instead of failing, and the batch ends on its first run with 16 ok and 4 failed.
func TestBreakerDoesNotSinkTheBatch(t *testing.T) {
	id := runID(t)
	var items []string
	for i := range 20 {
		if i < 4 {
			items = append(items, fmt.Sprintf("  - {id: bad%d, url: '%s'}", i, always503(fmt.Sprintf("%s-%d", id, i))))
		} else {
			items = append(items, fmt.Sprintf("  - {id: ok%d, url: '${SITE}/product/%d'}", i, i))
		}
	}
	src := waitForH1Flow(`
concurrency: 2
engine:
  circuit_breaker: {threshold: 3, cooloff: 1s}
  errors:
    server_error: {max_attempts: 2, base_delay: 20ms, max_delay: 100ms}`, items)
	var mu sync.Mutex
	opened := 0
	o := runFlow(t, src, func(c *Config) { c.ItemAttempts = 2 }, func(ev retry.Event) {
		if ev.Kind == retry.EventBreakerOpen {
			mu.Lock()
			opened++
			mu.Unlock()
		}
	})
	require.NoError(t, o.err)
	assert.Equal(t, 16, o.sum.OK)
	assert.Equal(t, 4, o.sum.Failed)
	assert.Zero(t, o.sum.Interrupted)
	require.Len(t, o.items, 20)
	for key, l := range o.items {
		if strings.HasPrefix(key, "bad") {
			assert.Equal(t, results.StatusFail, l.Status, key)
			assert.Equal(t, "server_error", l.ErrorType, "%s: %s", key, l.Error)
		} else {
			assert.Equal(t, results.StatusOK, l.Status, "%s: %s %s", key, l.ErrorType, l.Error)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	require.Positive(t, opened, "the broken pages opened the host's breaker")
	snap := o.tracker.Snapshot()
	assert.Positive(t, snap.Deferred, "healthy items met the open breaker and were deferred")
	assert.Contains(t, snap.Summary(), fmt.Sprintf("deferred %d (breaker cooloff)", snap.Deferred))
	assert.Equal(t, map[string]int{"server_error": 4}, snap.FailuresByType)
}

// A host that is really down: every page answers 503. Once its breaker is open, the server sees
// no more than the requests already under way and one half-open probe per cooloff: at most
// threshold + probes requests.
func TestBreakerStopsHammeringADownHost(t *testing.T) {
	id := runID(t)
	const n, threshold = 6, 3
	var items []string
	for i := range n {
		items = append(items, fmt.Sprintf("  - {id: p%d, url: '%s'}", i, always503(fmt.Sprintf("%s-%d", id, i))))
	}
	src := strings.ReplaceAll(fmt.Sprintf(`
concurrency: 2
engine:
  circuit_breaker: {threshold: %d, cooloff: 500ms}
  errors:
    server_error: {max_attempts: 1}
items:
%s
steps:
  - wait_for: h1
`, threshold, strings.Join(items, "\n")), "${SITE}", site())
	hits := func() int {
		total := 0
		for i := range n {
			total += env.srv.Hits("/flaky", fmt.Sprintf("%s-%d", id, i))
		}
		return total
	}
	var mu sync.Mutex
	atOpen, probes, opens := -1, 0, 0
	o := runFlow(t, src, func(c *Config) { c.ItemAttempts = 1 }, func(ev retry.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev.Kind {
		case retry.EventBreakerOpen:
			opens++
			if atOpen < 0 {
				atOpen = hits()
			}
		case retry.EventBreakerHalfOpen:
			probes++
		}
	})
	require.NoError(t, o.err)
	assert.Equal(t, n, o.sum.Failed)
	for key, l := range o.items {
		assert.Equal(t, "server_error", l.ErrorType, "%s: %s", key, l.Error)
	}
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, atOpen, threshold, "the breaker opened after %d failing pages", threshold)
	after := hits() - atOpen
	t.Logf("requests: %d before the breaker opened, %d after (%d probes, %d openings)", atOpen, after, probes, opens)
	assert.LessOrEqual(t, after, threshold+probes, "requests while the breaker was open or half-open")
	assert.LessOrEqual(t, after, probes+1, "at most one request under way when it opened, then one per probe")
}

// With max_wait: 0 an action may not wait for an open breaker: its item fails with
// ErrCircuitOpen, and the runner puts it back to run after the cooloff instead of failing it.
func TestItemsRefusedByTheBreakerAreDeferred(t *testing.T) {
	id := runID(t)
	src := strings.ReplaceAll(`
engine:
  circuit_breaker: {threshold: 1, cooloff: 3s, max_wait: 0}
  errors:
    server_error: {max_attempts: 1}
items:
  - {id: down, url: '`+always503(id)+`'}
  - {id: a, url: '${SITE}/product/1'}
  - {id: b, url: '${SITE}/product/2'}
  - {id: c, url: '${SITE}/product/3'}
steps:
  - text: {selector: h1, as: name}
`, "${SITE}", site())
	o := runFlow(t, src, func(c *Config) { c.ItemAttempts = 1 }, nil)
	require.NoError(t, o.err)
	assert.Equal(t, 3, o.sum.OK)
	assert.Equal(t, 1, o.sum.Failed)
	// a met the breaker that down opened; b and c too, unless they came after the probe closed it.
	assert.GreaterOrEqual(t, o.sum.Deferred, 1)
	assert.LessOrEqual(t, o.sum.Deferred, 3)
	assert.Equal(t, o.sum.Deferred, o.tracker.Snapshot().Deferred)
	assert.Equal(t, "server_error", o.items["down"].ErrorType)
	for _, key := range []string{"a", "b", "c"} {
		assert.Equal(t, results.StatusOK, o.items[key].Status, "%s: %s", key, o.items[key].Error)
	}
	assert.Len(t, o.records, 3)
}

// An item refused again and again is deferred a bounded number of times, then fails typed
// circuit_open (never unknown), with the time left in its error.
func TestDeferralsAreBounded(t *testing.T) {
	id := runID(t)
	src := strings.ReplaceAll(`
engine:
  circuit_breaker: {threshold: 1, cooloff: 2s, max_wait: 0}
  errors:
    server_error: {max_attempts: 1, base_delay: 10ms, max_delay: 10ms}
items:
  - {id: down, url: '`+always503(id)+`'}
steps:
  - wait_for: h1
`, "${SITE}", site())
	o := runFlow(t, src, func(c *Config) {
		c.MaxDeferrals = 2
		c.ItemAttempts = 2
	}, nil)
	require.NoError(t, o.err)
	assert.Equal(t, 1, o.sum.Failed)
	assert.Equal(t, 2, o.sum.Deferred)
	l := o.items["down"]
	assert.Equal(t, results.StatusFail, l.Status)
	assert.Equal(t, "circuit_open", l.ErrorType, l.Error)
	assert.Contains(t, l.Error, "in cooloff for")
	// Its 503 opened the breaker; each deferral ended with one probe: one request per cooloff.
	assert.Equal(t, 3, env.srv.Hits("/flaky", id))
}

// One page whose server drops every connection, among healthy pages of the same host, run twice
// (item attempts 2): its resets count once for the host's breaker (one URL), so the breaker stays
// closed and no healthy page waits for a cooloff; the broken page fails as connection_reset.
func TestOneResettingPageDoesNotOpenTheBreaker(t *testing.T) {
	id := runID(t)
	items := []string{fmt.Sprintf("  - {id: bad, url: '${SITE}/reset?id=%s&fail=%d'}", id, testpages.MaxFail)}
	for i := range 6 {
		items = append(items, fmt.Sprintf("  - {id: ok%d, url: '${SITE}/product/%d'}", i, i+1))
	}
	// One at a time, the broken page first: its attempts follow one another with no success of
	// another page between them (a success resets the count).
	src := waitForH1Flow(`
concurrency: 1
engine:
  circuit_breaker: {cooloff: 2s}
  errors:
    connection_reset: {max_attempts: 3, base_delay: 20ms, max_delay: 100ms}`, items)
	var mu sync.Mutex
	var opened, waits int
	o := runFlow(t, src, func(c *Config) { c.ItemAttempts = 2 }, func(ev retry.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev.Kind {
		case retry.EventBreakerOpen:
			opened++
		case retry.EventBreakerWait:
			waits++
		}
	})
	require.NoError(t, o.err)
	assert.Equal(t, 6, o.sum.OK)
	assert.Equal(t, 1, o.sum.Failed)
	require.Contains(t, o.items, "bad")
	assert.Equal(t, "connection_reset", o.items["bad"].ErrorType, o.items["bad"].Error)
	mu.Lock()
	defer mu.Unlock()
	assert.Zero(t, opened, "one broken URL opened its host's breaker")
	assert.Zero(t, waits, "healthy items waited for a cooloff")
	assert.Zero(t, o.tracker.Snapshot().Deferred)
}

// waitForH1Flow is a flow of head (concurrency, engine…), the items (YAML list lines) and one step,
// wait_for h1. ${SITE} inside items is data, not a template: the site is put in directly.
func waitForH1Flow(head string, items []string) string {
	return strings.ReplaceAll(head+"\nitems:\n"+strings.Join(items, "\n")+"\nsteps:\n  - wait_for: h1\n", "${SITE}", site())
}
