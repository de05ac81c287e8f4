package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/smartretry/smartretry/internal/queue"
)

// A crawl's job-wide stage counts are in the text status too, not only in --json: stages by
// name, the reasons a stage skipped URLs by name.
func TestStatusTextShowsStages(t *testing.T) {
	txt := statusText(queue.Totals{Job: "shop", Items: 53, OK: 52, Failed: 1, Stages: map[string]queue.StageTotals{
		"product": {Found: 50, OK: 49, Failed: 1, Skipped: map[string]int{"robots": 1, "duplicate": 12}},
		"listing": {Found: 3, OK: 3},
	}})
	assert.Contains(t, txt, "stages:\n  listing      3 found, 3 ok, 0 failed\n  product      50 found, 49 ok, 1 failed, skipped: 12 duplicate, 1 robots\n")
	assert.NotContains(t, statusText(queue.Totals{Job: "list", Items: 3}), "stages:", "a fixed list has no stages")
}

// The job's engine counts are in the text status: attempts, retries, errors by type.
func TestStatusTextShowsCounters(t *testing.T) {
	txt := statusText(queue.Totals{Job: "shop", Items: 3, Counters: queue.Counters{Attempts: 9, Retries: 2,
		ErrorsByType: map[string]int{"server_error": 2}}})
	assert.Contains(t, txt, "engine:   9 attempts, 2 retries, 0 escalations; errors by type: server_error 2\n")
	assert.NotContains(t, statusText(queue.Totals{Job: "new"}), "engine:", "nothing counted yet")
}
