package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/retry/redisstore"
	"github.com/smartretry/smartretry/testpages"
)

const redisPass = "Rp-91x-secret"

func jobClient(t *testing.T, r *testenv.Redis) *redis.Client {
	t.Helper()
	c, err := queue.Dial(context.Background(), r.URL(0), 4, 10*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// shopFlow writes a flow of 300 items: the 20 catalogue pages (3 and 7 answer 503 at first) and
// 280 product pages (every 7th answers 503 at first), all with the same steps.
func shopFlow(t *testing.T, dir string) string {
	var b strings.Builder
	b.WriteString(`name: shop
concurrency: 3
timeout: 15s
start_url: ${SITE}${item.path}
engine:
  errors:
    server_error: {max_attempts: 4, strategy: exponential_jitter, base_delay: 200ms, max_delay: 2s}
items:
`)
	for p := 1; p <= 20; p++ {
		fmt.Fprintf(&b, "  - {id: cat-%d, path: \"/catalog?page=%d&id=q&flaky=3,7&fail=1\"}\n", p, p)
	}
	for i := 0; i < 280; i++ {
		n, shop := i%200+1, "q"
		if i >= 200 {
			shop = "r"
		}
		fail := 0
		if n%7 == 0 {
			fail = 1
		}
		fmt.Fprintf(&b, "  - {id: p-%s-%d, n: \"%d\", path: \"/product/%d?id=%s&fail=%d\"}\n", shop, n, n, n, shop, fail)
	}
	b.WriteString(`steps:
  - wait_for: "#products .product, article.product-page"
  - extract:
      container: "#products .product, article.product-page"
      fields: {name: .name, price: .price}
`)
	path := filepath.Join(dir, "shop.yaml")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

type worker struct {
	c    *exec.Cmd
	errb testenv.LockedBuffer // read by the test (in failure messages, polls) while the process writes
	done chan struct{}
}

func startWorker(t *testing.T, ctx context.Context, dir string, env []string, args ...string) *worker {
	w := &worker{c: cmd(ctx, dir, env, args...), done: make(chan struct{})}
	w.c.Stdout, w.c.Stderr = io.Discard, &w.errb
	require.NoError(t, w.c.Start())
	go func() {
		_ = w.c.Wait()
		close(w.done)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-w.c.Process.Pid, syscall.SIGKILL)
		<-w.done
	})
	return w
}

// waitDone waits until the job has at least n items with a result.
func waitDone(t *testing.T, ctx context.Context, c *redis.Client, job string, n int) {
	t.Helper()
	for {
		tot, err := queue.Inspect(ctx, c, job)
		if err == nil && tot.OK+tot.Failed >= n {
			return
		}
		require.NoError(t, ctx.Err(), "the job never reached %d items with a result", n)
		time.Sleep(50 * time.Millisecond) // polling Redis for a count: nothing to subscribe to
	}
}

// Three workers share a job of 300 items; one is killed (SIGKILL, its Chromium too) and Redis is
// killed and restarted while they run. Every item ends exactly once, with exactly its records.
func TestQueueThreeWorkersSurviveAKilledWorkerAndARedisRestart(t *testing.T) {
	_, site := startSite(t)
	r := testenv.StartRedis(t, testenv.RedisPassword(redisPass))
	c := jobClient(t, r)
	dir := t.TempDir()
	flowFile := shopFlow(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	args := func(n int) []string {
		return []string{"run", "--claim-after", "3s", "--progress-every", "1s", "--out", filepath.Join(dir, fmt.Sprintf("w%d.jsonl", n)), flowFile}
	}
	w1 := startWorker(t, ctx, dir, []string{site}, append([]string{"--queue", r.URL(0)}, args(1)...)...)
	w2 := startWorker(t, ctx, dir, []string{site}, append([]string{"--queue", r.URL(0)}, args(2)...)...)
	w3 := startWorker(t, ctx, dir, []string{site, "SMARTRETRY_QUEUE=" + r.URL(0)}, args(3)...) // the variable, not the flag

	waitDone(t, ctx, c, "shop", 40)
	require.NoError(t, syscall.Kill(-w1.c.Process.Pid, syscall.SIGKILL))
	<-w1.done
	waitDone(t, ctx, c, "shop", 120)
	r.Restart()

	for _, w := range []*worker{w2, w3} {
		select {
		case <-w.done:
		case <-ctx.Done():
			t.Fatalf("a worker did not finish: %s", w.errb.String())
		}
		assert.Equal(t, 0, w.c.ProcessState.ExitCode(), w.errb.String())
		assert.Contains(t, w.errb.String(), "job shop")
		assert.NotContains(t, w.errb.String(), redisPass)
	}

	res := run(t, dir, nil, "results", "--queue", r.URL(0), "--job", "shop", "-o", filepath.Join(dir, "all.jsonl"))
	require.Equal(t, 0, res.code, res.stderr)
	data, err := os.ReadFile(filepath.Join(dir, "all.jsonl"))
	require.NoError(t, err)
	assert.NotContains(t, string(data), redisPass)
	checkShopResults(t, readResults(t, filepath.Join(dir, "all.jsonl")))
	st, err := results.ReadState(bytes.NewReader(data)) // what --resume reads
	require.NoError(t, err)
	assert.Len(t, st.Done, 300)
	assert.Zero(t, st.CutBytes)

	status := run(t, dir, nil, "status", "--queue", r.URL(0), "--job", "shop", "--json")
	require.Equal(t, 0, status.code, status.stderr)
	assert.Contains(t, status.stdout, `"ok": 300`)
	assert.Contains(t, status.stdout, `"pending": 0`)
	assert.NotContains(t, status.stdout+status.stderr, redisPass)
}

// checkShopResults: every item once and ok; the catalogue items hold the 200 products once
// each; every product item holds its own product once.
func checkShopResults(t *testing.T, lines []results.Line) {
	cat := testpages.Catalog()
	items := map[string]int{}
	catNames := map[string]int{}
	productRecs := map[string][]string{}
	for _, l := range lines {
		switch {
		case l.Kind == results.KindItem:
			items[l.Item]++
			assert.Equal(t, results.StatusOK, l.Status, "%+v", l)
		case strings.HasPrefix(l.Item, "cat-"):
			catNames[fmt.Sprint(l.Data["name"])]++
		default:
			productRecs[l.Item] = append(productRecs[l.Item], fmt.Sprint(l.Data["name"]))
		}
	}
	assert.Len(t, items, 300)
	for k, n := range items {
		assert.Equal(t, 1, n, "item %s", k)
	}
	assert.Len(t, catNames, 200)
	for _, p := range cat {
		assert.Equal(t, 1, catNames[p.Name], "catalogue record %s", p.Name)
	}
	assert.Len(t, productRecs, 280)
	for key, names := range productRecs {
		var n int
		_, err := fmt.Sscanf(key[strings.LastIndex(key, "-")+1:], "%d", &n)
		require.NoError(t, err)
		assert.Equal(t, []string{cat[n-1].Name}, names, "item %s", key)
	}
}

func TestQueueBadInput(t *testing.T) {
	r := testenv.StartRedis(t, testenv.RedisPassword(redisPass))
	c := jobClient(t, r)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "one.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte("name: one\nstart_url: http://127.0.0.1:1/\nitems: [{id: a}, {id: b}]\nsteps:\n  - wait_for: h1\n"), 0o644))
	// A job "taken" already exists, made by another flow.
	ctx := context.Background()
	q, err := queue.OpenRedis(ctx, c, queue.RedisConfig{Job: "taken", Flow: queue.FlowID{Name: "other", Path: "/srv/other.yaml", Hash: queue.HashFlow([]byte("x"))}})
	require.NoError(t, err)
	_, err = q.Add(ctx, queue.Item{Key: "x1"}, queue.Item{Key: "x2"}, queue.Item{Key: "x3"})
	require.NoError(t, err)
	require.NoError(t, q.Close())
	noBrowser := []string{"SMARTRETRY_BROWSER=/nonexistent/chromium"}
	wrongPass := strings.Replace(r.URL(0), redisPass, redisPass+"-wrong", 1)

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"scheme", []string{"run", "--queue", "http://" + r.Addr + "/0", flowFile}, 2, `scheme "http" is not redis://`},
		{"database", []string{"run", "--queue", "redis://:" + redisPass + "@" + r.Addr + "/x", flowFile}, 2, "bad Redis URL"},
		{"unreachable", []string{"run", "--queue", "redis://:" + redisPass + "@127.0.0.1:1/0", flowFile}, 3, "Redis unreachable"},
		{"wrong password", []string{"run", "--queue", wrongPass, flowFile}, 3, "Redis unreachable"},
		{"no password", []string{"run", "--queue", "redis://" + r.Addr + "/0", flowFile}, 3, "NOAUTH"},
		{"job without queue", []string{"run", "--job", "x", flowFile}, 2, "--job needs --queue"},
		{"resume with queue", []string{"run", "--queue", r.URL(0), "--resume", "--out", filepath.Join(dir, "o.jsonl"), flowFile}, 2, "--resume does not go with --queue"},
		{"claim-after", []string{"run", "--queue", r.URL(0), "--claim-after", "10ms", flowFile}, 2, "--claim-after"},
		{"other flow", []string{"run", "--queue", r.URL(0), "--job", "taken", flowFile}, 2, `job "taken" belongs to another flow: it was created by flow other (/srv/other.yaml)`},
		{"results without job", []string{"results", "--queue", r.URL(0)}, 2, "--job is required"},
		{"results of no job", []string{"results", "--queue", r.URL(0), "--job", "nope"}, 1, "no such job"},
		{"status of no job", []string{"status", "--queue", r.URL(0), "--job", "nope"}, 1, "no such job"},
		{"status wrong password", []string{"status", "--queue", wrongPass, "--job", "taken"}, 3, "Redis unreachable"},
		{"delete unfinished", []string{"status", "--queue", r.URL(0), "--job", "taken", "--delete"}, 1, "not finished"},
		{"browser-url unreachable", []string{"run", "--browser-url", "http://127.0.0.1:1", flowFile}, 3, "connect to the browser at http://127.0.0.1:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, dir, noBrowser, tc.args...)
			assert.Equal(t, tc.code, res.code, res.stderr)
			assert.Contains(t, res.stdout+res.stderr, tc.want)
			assert.NotContains(t, res.stdout+res.stderr, redisPass)
		})
	}
	// Nothing was added to the job of the other flow, and it still belongs to it.
	tot, err := queue.Inspect(ctx, c, "taken")
	require.NoError(t, err)
	assert.Equal(t, 3, tot.Items)
	assert.Equal(t, "other", tot.Flow.Name)
	st := run(t, dir, nil, "status", "--queue", r.URL(0), "--job", "taken")
	require.Equal(t, 0, st.code, st.stderr)
	assert.Contains(t, st.stdout, "3 total, 3 queued, 0 pending, 0 ok, 0 failed")
	assert.NotContains(t, st.stdout, redisPass)
	// What the engines of the job's workers learnt is under the job's name; another job's is not.
	engineKeys := func(job string) []string {
		keys, err := c.Keys(ctx, "smartretry:{"+job+"}:engine:*").Result()
		require.NoError(t, err)
		return keys
	}
	for _, job := range []string{"taken", "taken2"} {
		s := redisstore.New(c, redisstore.Prefix(job), redisstore.Timeout(5*time.Second))
		u := "https://shop.example/p/1"
		retry.NewManager(retry.WithStore(s)).RecordAttempt(retry.Record{Action: "navigate", Args: retry.Info{"url": u}, Err: &retry.HTTPError{StatusCode: 503, URL: u}})
		require.True(t, s.Shared())
		require.NoError(t, s.Close())
		require.NotEmpty(t, engineKeys(job))
	}
	del := run(t, dir, nil, "status", "--queue", r.URL(0), "--job", "taken", "--delete", "--force")
	require.Equal(t, 0, del.code, del.stderr)
	n, err := c.Exists(ctx, queue.Keys("taken")...).Result()
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Empty(t, engineKeys("taken"), "the job's engine state is deleted with it")
	assert.NotEmpty(t, engineKeys("taken2"), "another job's is not")
}
