package queue_test

import (
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
)

// Two workers' engine events add up in the job: carried by the results they store and their
// heartbeats (no call of their own), the rest when a worker stops.
func TestCountersAreJobWide(t *testing.T) {
	ctx := context.Background()
	r := testenv.StartRedis(t)
	c := dial(t, r)
	// ClaimAfter 3s: a heartbeat every second, so b's counts go with one.
	a := open(t, c, queue.RedisConfig{Worker: "a", ClaimAfter: 3 * time.Second})
	b := open(t, c, queue.RedisConfig{Worker: "b", ClaimAfter: 3 * time.Second})
	_, err := a.Add(ctx, items(2)...)
	require.NoError(t, err)

	// a: an item that needed a retry (server_error) and succeeded, one that failed not_found.
	a.Observe(retry.Event{Kind: retry.EventRetry, Type: retry.ServerError})
	a.Observe(retry.Event{Kind: retry.EventSuccess})
	l, err := a.Next(ctx)
	require.NoError(t, err)
	_, err = a.Done(ctx, l, ok(l.Item.Key), nil)
	require.NoError(t, err)
	tot, err := a.Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, queue.Counters{Attempts: 2, Retries: 1, ErrorsByType: map[string]int{"server_error": 1}}, tot.Counters,
		"a's counts went with its result")

	a.Observe(retry.Event{Kind: retry.EventGiveUp, Type: retry.NotFound})
	l, err = a.Next(ctx)
	require.NoError(t, err)
	_, err = a.Done(ctx, l, results.Line{Item: l.Item.Key, Status: results.StatusFail, ErrorType: "not_found"}, nil)
	require.NoError(t, err)

	// b: a retry and an escalation, no item: its heartbeat carries them.
	b.Observe(retry.Event{Kind: retry.EventRetry, Type: retry.RateLimit})
	b.Observe(retry.Event{Kind: retry.EventEscalate, Type: retry.Captcha})
	b.Observe(retry.Event{Kind: retry.EventGiveUp, Type: retry.CircuitOpen}) // no attempt made
	want := queue.Counters{Attempts: 4, Retries: 2, Escalations: 1,
		ErrorsByType:   map[string]int{"server_error": 1, "not_found": 1, "rate_limit": 1},
		FailuresByType: map[string]int{"not_found": 1}}
	require.Eventually(t, func() bool {
		tot, err = a.Totals(ctx)
		return err == nil && tot.Counters.Escalations == 1
	}, 10*time.Second, 20*time.Millisecond, "b's heartbeat never carried its counts")
	assert.Equal(t, want, tot.Counters)
	assert.Equal(t, "4 attempts, 2 retries, 1 escalations; errors by type: not_found 1, rate_limit 1, server_error 1; failed items by type: not_found 1",
		tot.Counters.String())

	// What is left when a worker stops reaches the job with Close.
	b.Observe(retry.Event{Kind: retry.EventSuccess})
	require.NoError(t, b.Close())
	tot, err = a.Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, 5, tot.Counters.Attempts)
}

// Counts a call could not carry (Redis gone) are kept for the next one.
func TestCountersSurviveAnOutage(t *testing.T) {
	ctx := context.Background()
	r := testenv.StartRedis(t)
	c := dial(t, r)
	a := open(t, c, queue.RedisConfig{Worker: "a"})
	a.Observe(retry.Event{Kind: retry.EventSuccess})
	r.Stop()
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	err := a.Flush(short)
	cancel()
	require.Error(t, err)
	r.Restart()
	require.Eventually(t, func() bool { return a.Flush(ctx) == nil }, 10*time.Second, 50*time.Millisecond)
	tot, err := a.Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, tot.Counters.Attempts, "counted once: kept while Redis was gone")
}

// replyCutter forwards connections to Redis. Armed, it lets the next command through, then cuts
// the connection before Redis's reply reaches the client: Redis ran the command, the client saw
// a network error (a lost reply) and sends it again.
type replyCutter struct {
	ln     net.Listener
	target string
	armed  atomic.Bool
	cut    chan struct{}
}

func newReplyCutter(t *testing.T, target string) *replyCutter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &replyCutter{ln: ln, target: target, cut: make(chan struct{}, 8)}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { p.serve(c) })
		}
	})
	return p
}

func (p *replyCutter) serve(c net.Conn) {
	defer c.Close()
	r, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer r.Close()
	go func() { _, _ = io.Copy(r, c); r.Close() }() // the client left: so does Redis's side
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if err != nil {
			return
		}
		if p.armed.CompareAndSwap(true, false) {
			p.cut <- struct{}{}
			return // the reply is lost with the connection
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}

// The counts a call carries are added to the job once, though the call runs twice in Redis (its
// reply was lost and it was sent again) or fails after Redis ran it (they go again with a later
// call): each batch of counts is applied once, whatever carries it.
func TestCountsCountOnceWhenAReplyIsLost(t *testing.T) {
	ctx := context.Background()
	r := testenv.StartRedis(t)
	p := newReplyCutter(t, r.Addr)
	c, err := queue.Dial(ctx, "redis://"+p.ln.Addr().String()+"/0", 4, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	// ClaimAfter 10m: no heartbeat in the test, every call below is the test's own.
	a := open(t, c, queue.RedisConfig{Worker: "a", ClaimAfter: 10 * time.Minute})
	_, err = a.Add(ctx, items(3)...)
	require.NoError(t, err)
	// done stores the next item's result, its reply cut when cut is set.
	done := func(cut bool) {
		l, err := a.Next(ctx)
		require.NoError(t, err)
		p.armed.Store(cut)
		_, err = a.Done(ctx, l, ok(l.Item.Key), nil)
		require.NoError(t, err)
		if cut {
			<-p.cut
		}
	}
	a.Observe(retry.Event{Kind: retry.EventSuccess})
	done(false) // the scripts are loaded: the next result is one EVALSHA

	a.Observe(retry.Event{Kind: retry.EventRetry, Type: retry.ServerError})
	a.Observe(retry.Event{Kind: retry.EventSuccess})
	done(true)
	tot, err := a.Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, queue.Counters{Attempts: 3, Retries: 1, ErrorsByType: map[string]int{"server_error": 1}}, tot.Counters,
		"the result's counts once, though its call ran twice")
	assert.Equal(t, 2, tot.OK)

	// A flush whose reply is lost for good (its context ends first): its counts go again with
	// the next call, and count once.
	a.Observe(retry.Event{Kind: retry.EventSuccess})
	p.armed.Store(true)
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	err = a.Flush(short)
	cancel()
	<-p.cut
	if err == nil {
		t.Log("the flush's second try got through within its time")
	}
	require.NoError(t, a.Flush(ctx))
	done(false)
	tot, err = a.Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, tot.Counters.Attempts, "the flush's count once")
}
