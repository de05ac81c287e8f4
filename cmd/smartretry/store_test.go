package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/testpages"
)

// timedSite is the test site behind a recorder of when each request for a route arrived.
type timedSite struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string][]time.Time // "route?id" → arrival times
}

func startTimedSite(t *testing.T) (*timedSite, string) {
	t.Helper()
	s := &timedSite{hits: map[string][]time.Time{}}
	site := testpages.Handler()
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		k := r.URL.Path + "?" + r.URL.Query().Get("id")
		s.hits[k] = append(s.hits[k], time.Now())
		s.mu.Unlock()
		site.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s, "SITE=" + s.URL
}

func (s *timedSite) times(route, id string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.hits[route+"?"+id]...)
}

func storeFlow(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name+".yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

// Two `run --store` processes share one Redis: a 429 with Retry-After seen by the first pauses
// the site for the second, which sends no request to it until the cooloff ends, then goes on.
func TestStoreCooloffIsSharedBetweenProcesses(t *testing.T) {
	site, env := startTimedSite(t)
	r := testenv.StartRedis(t, testenv.RedisPassword(redisPass))
	c := jobClient(t, r)
	dir := t.TempDir()
	const ra = 10 // seconds: long enough for the second process to start inside the cooloff
	first := storeFlow(t, dir, "first", fmt.Sprintf(`name: first
start_url: ${SITE}/ratelimit?id=a&fail=1&ra=%d
steps:
  - wait_for: "#content"
`, ra))
	second := storeFlow(t, dir, "second", `name: second
start_url: ${SITE}/flaky?id=b&fail=0
items: [{n: 1}, {n: 2}]
steps:
  - wait_for: "#content"
`)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	envs := []string{env, "SMARTRETRY_STORE=" + r.URL(0)}
	a := startWorker(t, ctx, dir, envs, "run", "-v", first) // the variable, not the flag

	// The first process met the 429: the cooloff is in Redis, shared.
	var until time.Time
	for until.IsZero() {
		doms, _ := c.ZRange(ctx, "smartretry:{default}:engine:domains", 0, -1).Result()
		for _, d := range doms {
			if v, err := c.HGet(ctx, "smartretry:{default}:engine:d:"+d, "cu").Result(); err == nil {
				ms, err := strconv.ParseInt(v, 10, 64)
				require.NoError(t, err)
				until = time.UnixMilli(ms)
			}
		}
		require.NoError(t, ctx.Err(), "the cooloff never reached Redis: %s", a.errb.String())
		time.Sleep(20 * time.Millisecond) // polling Redis: nothing to subscribe to
	}
	b := startWorker(t, ctx, dir, []string{env}, "run", "-vv", "--store", r.URL(0), "--out", filepath.Join(dir, "b.jsonl"), second)
	for _, w := range []*worker{a, b} {
		select {
		case <-w.done:
		case <-ctx.Done():
			t.Fatalf("a run did not finish: %s", w.errb.String())
		}
		assert.Equal(t, 0, w.c.ProcessState.ExitCode(), w.errb.String())
		assert.NotContains(t, w.errb.String(), redisPass)
	}
	assert.Contains(t, b.errb.String(), "in cooloff", "the second process started while the cooloff ran and waited for it")
	hitsA, hitsB := site.times("/ratelimit", "a"), site.times("/flaky", "b")
	require.Len(t, hitsA, 2, "the 429, then the retry")
	require.Len(t, hitsB, 2)
	for _, h := range append(hitsA[1:], hitsB...) {
		assert.False(t, h.Before(until), "a request at %s, inside the cooloff (until %s)", h.Format(time.StampMilli), until.Format(time.StampMilli))
	}
	lines := readResults(t, filepath.Join(dir, "b.jsonl"))
	assert.Len(t, lines, 2)
}

// Redis stops while a single-machine run uses it as its store: the run goes on with local
// state, one log line says so, every item is ok.
func TestStoreRedisStoppedMidRun(t *testing.T) {
	site, env := startSite(t)
	r := testenv.StartRedis(t)
	dir := t.TempDir()
	var items strings.Builder
	for i := range 6 {
		fmt.Fprintf(&items, "  - {n: %d}\n", i)
	}
	flowFile := storeFlow(t, dir, "slow", `name: slow
start_url: ${SITE}/slow?id=s${item.n}&ms=300
items:
`+items.String()+`steps:
  - wait_for: "#content"
`)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w := startWorker(t, ctx, dir, []string{env}, "run", "--store", r.URL(0), "--out", filepath.Join(dir, "out.jsonl"), flowFile)
	for site.Hits("/slow", "s1") == 0 {
		require.NoError(t, ctx.Err(), w.errb.String())
		time.Sleep(20 * time.Millisecond) // polling the site's counter: nothing to subscribe to
	}
	r.Stop()
	select {
	case <-w.done:
	case <-ctx.Done():
		t.Fatalf("the run did not finish: %s", w.errb.String())
	}
	assert.Equal(t, 0, w.c.ProcessState.ExitCode(), w.errb.String())
	assert.Equal(t, 1, strings.Count(w.errb.String(), "Redis does not answer"), w.errb.String())
	oks := 0
	for _, l := range readResults(t, filepath.Join(dir, "out.jsonl")) {
		if l.Kind == "item" && l.Status == "ok" {
			oks++
		}
	}
	assert.Equal(t, 6, oks)
}

// --store mistakes are found before anything starts.
func TestStoreBadInput(t *testing.T) {
	dir := t.TempDir()
	flowFile := storeFlow(t, dir, "one", "name: one\nstart_url: http://127.0.0.1:1/\nsteps:\n  - wait_for: h1\n")
	noBrowser := []string{"SMARTRETRY_BROWSER=/nonexistent/chromium"}
	for _, tc := range []struct {
		name string
		args []string
		env  []string
		code int
		want string
	}{
		{"scheme", []string{"run", "--store", "http://127.0.0.1:1/0", flowFile}, nil, 2, `--store: bad Redis URL`},
		{"variable", []string{"run", flowFile}, []string{"SMARTRETRY_STORE=mysql://u:" + redisPass + "@h/0"}, 2, `scheme "mysql"`},
		{"unreachable", []string{"run", "--store", "redis://:" + redisPass + "@127.0.0.1:1/0", flowFile}, nil, 3, "Redis unreachable"},
		{"with queue", []string{"run", "--queue", "redis://127.0.0.1:1/0", "--store", "redis://127.0.0.1:1/0", flowFile}, nil, 2, "--store goes without --queue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, dir, append(noBrowser, tc.env...), tc.args...)
			assert.Equal(t, tc.code, res.code, res.stderr)
			assert.Contains(t, res.stderr, tc.want)
			assert.NotContains(t, res.stdout+res.stderr, redisPass)
		})
	}
}

// Under --queue the engine's state lives in the job's own Redis, under the job's name.
func TestStoreUnderQueueIsTheJobsRedis(t *testing.T) {
	_, env := startSite(t)
	r := testenv.StartRedis(t, testenv.RedisPassword(redisPass))
	c := jobClient(t, r)
	dir := t.TempDir()
	flowFile := storeFlow(t, dir, "limited", `name: limited
start_url: ${SITE}/ratelimit?id=q&fail=1&ra=1
steps:
  - wait_for: "#content"
`)
	res := run(t, dir, []string{env}, "run", "--queue", r.URL(0), "--job", "lim", flowFile)
	require.Equal(t, 0, res.code, res.stderr)
	assert.NotContains(t, res.stderr, redisPass)
	doms, err := c.ZRange(context.Background(), "smartretry:{lim}:engine:domains", 0, -1).Result()
	require.NoError(t, err)
	require.Len(t, doms, 1, "the 429's cooloff was kept in the job's Redis")
	ttl, err := c.PTTL(context.Background(), "smartretry:{lim}:engine:d:"+doms[0]).Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, 24*time.Hour, "the engine's keys expire with the job (--job-ttl, 7 days)")
}
