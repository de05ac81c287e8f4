package queue_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/crawl"
	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/testenv"
)

// slowRedis is a store timeout that a loaded test machine (-race, two cores) always meets.
const slowRedis = 2 * time.Second

func acquire(t testing.TB, co crawl.Coordinator, domain string, limit int) crawl.Slot {
	t.Helper()
	s, err := co.Acquire(context.Background(), domain, crawl.SlotRequest{Limit: limit})
	require.NoError(t, err)
	return s
}

// The slots of a domain are the job's: two workers hold at most the limit between them, a
// freed slot is anyone's, another domain has its own.
func TestSlotsAreJobWide(t *testing.T) {
	c := dial(t, testenv.StartRedis(t))
	a := open(t, c, queue.RedisConfig{Worker: "a", StoreTimeout: slowRedis}).Coordinator()
	b := open(t, c, queue.RedisConfig{Worker: "b", StoreTimeout: slowRedis}).Coordinator()

	s1 := acquire(t, a, "shop.test", 2)
	s2 := acquire(t, b, "shop.test", 2)
	require.True(t, s1.Granted)
	require.True(t, s2.Granted)
	assert.NotEqual(t, s1.Token, s2.Token)
	full := acquire(t, a, "shop.test", 2)
	assert.False(t, full.Granted, "a third page of the domain while two load")
	assert.Positive(t, full.Wait, "told when the first lease ends at the latest")
	assert.LessOrEqual(t, full.Wait, queue.DefaultSlotLease)
	assert.True(t, acquire(t, b, "other.test", 2).Granted, "another domain has its own slots")

	_, _, err := a.Release(s1, crawl.SlotReport{Outcome: crawl.Outcome{Status: 200}})
	require.NoError(t, err)
	assert.True(t, acquire(t, b, "shop.test", 2).Granted, "the slot a freed is b's to take")
	assert.False(t, acquire(t, a, "shop.test", 2).Granted)

	require.NoError(t, queue.Delete(context.Background(), c, "job"))
	keys, err := c.Keys(context.Background(), "smartretry:{job}:*").Result()
	require.NoError(t, err)
	assert.Empty(t, keys, "status --delete removes the domains' keys too")
}

// A 429 one worker meets sets the domain's delay for the job: the other worker's next page is
// booked that delay after the last start, and its slot says the delay. Healthy answers then
// bring the rate back.
func TestBackoffIsJobWide(t *testing.T) {
	c := dial(t, testenv.StartRedis(t))
	a := open(t, c, queue.RedisConfig{Worker: "a", StoreTimeout: slowRedis}).Coordinator()
	b := open(t, c, queue.RedisConfig{Worker: "b", StoreTimeout: slowRedis}).Coordinator()
	rep := func(status int) crawl.SlotReport {
		return crawl.SlotReport{Outcome: crawl.Outcome{Status: status, Latency: 20 * time.Millisecond},
			MaxDelay: 30 * time.Second, Increase: 0.5}
	}

	s1, s2 := acquire(t, a, "shop.test", 2), acquire(t, a, "shop.test", 2)
	require.True(t, s1.Granted)
	require.True(t, s2.Granted)
	assert.Zero(t, s1.Delay, "no delay before any back-off")
	delay, cut, err := a.Release(s1, rep(429))
	require.NoError(t, err)
	assert.True(t, cut)
	// Two starts in the last second: the rate was 2 pages/s, halved.
	assert.Equal(t, time.Second, delay)
	delay, cut, err = a.Release(s2, rep(429))
	require.NoError(t, err)
	assert.False(t, cut, "an answer to a page booked before the cut does not cut again")
	assert.Equal(t, time.Second, delay)

	s := acquire(t, b, "shop.test", 2)
	require.True(t, s.Granted)
	assert.Equal(t, time.Second, s.Delay, "b loads at the job's delay")
	assert.Greater(t, s.Wait, 500*time.Millisecond, "b's page is booked after a's back-off")

	// Healthy answers add rate back: the job's delay shrinks, for both workers.
	delay, cut, err = b.Release(s, rep(200))
	require.NoError(t, err)
	assert.False(t, cut)
	assert.Less(t, delay, time.Second)
	s = acquire(t, a, "shop.test", 2)
	assert.Equal(t, delay, s.Delay)
}

// A worker killed (SIGKILL) while its page holds the domain's only slot: the slot stays held
// while the lease runs, and is free again once it ended. A live worker's slot is renewed and
// outlives many leases.
func TestSlotOfKilledWorkerComesBack(t *testing.T) {
	r := testenv.StartRedis(t)
	c := dial(t, r)
	const lease = 600 * time.Millisecond
	co := open(t, c, queue.RedisConfig{Worker: "live", StoreTimeout: slowRedis, SlotLease: lease}).Coordinator()

	// A live holder keeps its slot across three leases (renewed every lease/3).
	held := acquire(t, co, "live.test", 1)
	require.True(t, held.Granted)
	other := open(t, c, queue.RedisConfig{Worker: "other", StoreTimeout: slowRedis}).Coordinator()
	assert.Never(t, func() bool { return acquire(t, other, "live.test", 1).Granted }, 3*lease, 20*time.Millisecond,
		"a live worker's slot was taken")

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldSlot$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SMARTRETRY_HOLD_SLOT="+r.URL(0))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "held\n", line)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	killed := time.Now()

	s := acquire(t, co, "dead.test", 1)
	require.False(t, s.Granted, "the killed worker's slot is still held right after its death")
	require.Eventually(t, func() bool {
		s = acquire(t, co, "dead.test", 1)
		return s.Granted
	}, 10*time.Second, 20*time.Millisecond, "the slot never came back")
	// It came back after the lease (renewed every 200ms by the helper: ≥ ~400ms of it were left).
	assert.GreaterOrEqual(t, time.Since(killed), lease/2)
}

// TestHelperHoldSlot is the worker TestSlotOfKilledWorkerComesBack kills: it takes the only slot
// of dead.test, says "held", and waits to die.
func TestHelperHoldSlot(t *testing.T) {
	url := os.Getenv("SMARTRETRY_HOLD_SLOT")
	if url == "" {
		t.Skip("the helper process of TestSlotOfKilledWorkerComesBack")
	}
	c, err := queue.Dial(context.Background(), url, 4, 5*time.Second)
	require.NoError(t, err)
	q, err := queue.OpenRedis(context.Background(), c, queue.RedisConfig{Job: "job", Flow: flowA, Worker: "doomed",
		StoreTimeout: slowRedis, SlotLease: 600 * time.Millisecond})
	require.NoError(t, err)
	s := acquire(t, q.Coordinator(), "dead.test", 1)
	require.True(t, s.Granted)
	fmt.Println("held")
	select {} // renewing until SIGKILL
}

// A Redis that is gone makes each call fail within the store timeout, never block.
func TestSlotsFailFastWithoutRedis(t *testing.T) {
	r := testenv.StartRedis(t)
	c := dial(t, r)
	co := open(t, c, queue.RedisConfig{Worker: "a", StoreTimeout: 100 * time.Millisecond}).Coordinator()
	r.Stop()
	t0 := time.Now()
	_, err := co.Acquire(context.Background(), "shop.test", crawl.SlotRequest{Limit: 2})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "shop.test"), err.Error())
	assert.Less(t, time.Since(t0), 2*time.Second)
}
