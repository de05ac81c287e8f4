package queue_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
)

func TestLocalAddsEachKeyOnceAndDrainsAfterTheLastLease(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	q := queue.NewLocal(results.NewWriter(&buf), map[string]bool{"done-before": true})
	n, err := q.Add(ctx, queue.Item{Key: "a"}, queue.Item{Key: "b"}, queue.Item{Key: "a"}, queue.Item{Key: "done-before"})
	require.NoError(t, err)
	assert.Equal(t, 2, n)

	a, err := q.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "a", a.Item.Key)
	b, err := q.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "b", b.Item.Key)

	// While "a" runs it may add items (a crawl): Next waits for it rather than ending.
	got := make(chan *queue.Lease)
	go func() {
		l, err := q.Next(ctx)
		assert.NoError(t, err)
		got <- l
	}()
	n, err = q.Add(ctx, queue.Item{Key: "c"}, queue.Item{Key: "b"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	c := <-got
	assert.Equal(t, "c", c.Item.Key)

	_, err = q.Done(ctx, a, results.Line{Item: "a", Status: results.StatusOK}, []map[string]any{{"x": 1}})
	require.NoError(t, err)
	_, err = q.Done(ctx, c, results.Line{Item: "c", Status: results.StatusFail, Error: "boom"}, nil)
	require.NoError(t, err)
	q.Release(b) // interrupted: nothing written, --resume does it

	_, err = q.Next(ctx)
	assert.True(t, errors.Is(err, queue.ErrDrained), "%v", err)
	st, err := results.ReadState(&buf)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"a": true}, st.Done)
	assert.Contains(t, st.Failed, "c")
	assert.Equal(t, 1, st.Records)
	tot, err := q.Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, queue.Totals{Items: 4, OK: 2, Failed: 1}, tot)
}
