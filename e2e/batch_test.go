package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// A catalogue of 200 products over 20 pages, two of them flaky (503 on their first request).
// Each page is one batch item; a page's own attempts are limited to one, so the flaky pages fail
// their first pass and PartialRetry retries just those. Every product ends up exactly once.
func TestScenario_CatalogBatch(t *testing.T) {
	t.Parallel()
	const workers = 3
	id := uniqueID(t)
	serverOnce := retry.Config{MaxAttempts: 1, Strategy: retry.Immediate}
	first := newFixture(t, fixtureConfig{managerOpts: []retry.Option{
		retry.WithConfig(retry.ServerError, serverOnce),
		retry.WithCircuitBreaker(false),
	}})
	pool := make(chan *actions.Session, workers)
	pool <- first.s
	for range workers - 1 {
		s, err := actions.NewSession(env.b, actions.WithManager(first.m))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		pool <- s
	}

	pages := make([]int, 20)
	for i := range pages {
		pages[i] = i + 1
	}
	var (
		mu       sync.Mutex
		products = map[string]int{} // name → times recorded
		tries    = map[int]int{}    // page → calls
	)
	scrape := func(ctx context.Context, page int) error {
		s := <-pool
		defer func() { pool <- s }()
		mu.Lock()
		tries[page]++
		mu.Unlock()
		_, err := s.Navigate(ctx, url(fmt.Sprintf("/catalog?page=%d&flaky=3,7&fail=1&id=%s", page, id)))
		if err != nil {
			return err
		}
		recs, err := s.Extract(ctx, ".product", map[string]string{"name": ".name", "price": ".price"})
		if err != nil {
			return err
		}
		if len(recs) != 10 {
			return fmt.Errorf("page %d: %d products, want 10", page, len(recs))
		}
		// Commit the page's records only once the item succeeded: a retried item adds none twice.
		mu.Lock()
		defer mu.Unlock()
		for _, r := range recs {
			products[strings.TrimSpace(r["name"])]++
		}
		return nil
	}

	ok, failed := retry.PartialRetry(first.ctx, first.m, pages, scrape,
		retry.Concurrency(workers), retry.MaxAttempts(3))

	require.Empty(t, failed)
	assert.Equal(t, pages, ok, "successful keeps the input order")
	assert.Len(t, products, 200)
	for name, n := range products {
		assert.Equal(t, 1, n, "product %q recorded %d times", name, n)
	}
	assert.Equal(t, 2, tries[3], "flaky page 3: failed once, retried once")
	assert.Equal(t, 2, tries[7], "flaky page 7: failed once, retried once")
	assert.Equal(t, 1, tries[1])
	assert.Equal(t, 1, tries[20])
}
