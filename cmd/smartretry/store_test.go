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

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/testpages"
)

// timedSite is the test site behind a recorder of when each request for a route arrived, and a
// gate: /gate answers (the page of /flaky?id=gate&fail=0) only once the test opens it.
type timedSite struct {
	*httptest.Server
	port string
	gate chan struct{}
	mu   sync.Mutex
	hits map[string][]time.Time // "route?id" → arrival times
}

func startTimedSite(t *testing.T) (*timedSite, string) {
	t.Helper()
	s := &timedSite{hits: map[string][]time.Time{}, gate: make(chan struct{})}
	site := testpages.Handler()
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		k := r.URL.Path + "?" + r.URL.Query().Get("id")
		s.hits[k] = append(s.hits[k], time.Now())
		s.mu.Unlock()
		if r.URL.Path == "/gate" {
			select {
			case <-s.gate:
			case <-r.Context().Done():
				return
			}
			r.URL.Path, r.URL.RawQuery = "/flaky", "id=gate&fail=0"
		}
		site.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	s.port = s.URL[strings.LastIndex(s.URL, ":")+1:]
	return s, "SITE=" + s.URL
}

func (s *timedSite) times(route, id string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.hits[route+"?"+id]...)
}

// gatedFlow is the second process's flow: its first item waits at the gate on the site's other
// host name (localhost: another domain), so that its Chromium is up when the gate opens; then
// its items go to /flaky?id=b&fail=0 on 127.0.0.1, the domain the first process learnt about.
func (s *timedSite) gatedFlow(t *testing.T, dir string, items int, engine string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: second\ntimeout: 2m\nstart_url: http://${item.host}:%s${item.path}\n%sitems:\n", s.port, engine)
	b.WriteString("  - {id: gate, host: localhost, path: /gate}\n")
	for i := range items {
		fmt.Fprintf(&b, "  - {id: b%d, host: 127.0.0.1, path: \"/flaky?id=b&fail=0&n=%d\"}\n", i, i)
	}
	b.WriteString("steps:\n  - wait_for: \"#content\"\n")
	return storeFlow(t, dir, "second", b.String())
}

func storeFlow(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name+".yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

// rateLimitedFlow writes a flow named name whose one page (the site's /ratelimit, counted under
// id) answers its first request with a 429 and Retry-After: ra seconds.
func rateLimitedFlow(t *testing.T, dir, name, id string, ra int) string {
	t.Helper()
	return storeFlow(t, dir, name, fmt.Sprintf(`name: %s
start_url: ${SITE}/ratelimit?id=%s&fail=1&ra=%d
steps:
  - wait_for: "#content"
`, name, id, ra))
}

// Two `run --store` processes share one Redis: a 429 with Retry-After seen by the first pauses
// the site for the second, which sends no request to it until the cooloff ends, then goes on.
func TestStoreCooloffIsSharedBetweenProcesses(t *testing.T) {
	site, env := startTimedSite(t)
	r := testenv.StartRedis(t, testenv.RedisPassword(redisPass))
	c := jobClient(t, r)
	dir := t.TempDir()
	first := rateLimitedFlow(t, dir, "first", "a", 5)
	second := site.gatedFlow(t, dir, 2, "")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A generous --store-timeout: on a loaded machine a call may take over 50ms, and then that
	// process decides alone (what the outage test checks); here they must share.
	b := startWorker(t, ctx, dir, []string{env}, "run", "-vv", "--store", r.URL(0), "--store-timeout", "5s", "--out", filepath.Join(dir, "b.jsonl"), second)
	a := startWorker(t, ctx, dir, []string{env, "SMARTRETRY_STORE=" + r.URL(0)}, "run", "--store-timeout", "5s", first) // the variable, not the flag

	// The first process met the 429: the cooloff is in Redis, shared. Then the second one goes.
	until := engineField(t, ctx, c, a, "cu", "")
	close(site.gate)
	for _, w := range []*worker{a, b} {
		select {
		case <-w.done:
		case <-ctx.Done():
			t.Fatalf("a run did not finish: %s", w.errb.String())
		}
		assert.Equal(t, 0, w.c.ProcessState.ExitCode(), w.errb.String())
		assert.NotContains(t, w.errb.String(), redisPass)
	}
	assert.Contains(t, b.errb.String(), "in cooloff", "the second process waited for the cooloff")
	assert.NotContains(t, a.errb.String()+b.errb.String(), "deciding with local state")
	hitsA, hitsB := site.times("/ratelimit", "a"), site.times("/flaky", "b")
	// The 429, then the retry (a loaded machine may need more than one attempt for the retry's
	// page: what counts is that none of them came inside the cooloff).
	require.GreaterOrEqual(t, len(hitsA), 2, "the 429, then the retry")
	require.GreaterOrEqual(t, len(hitsB), 2)
	for _, h := range append(hitsA[1:], hitsB...) {
		assert.False(t, h.Before(until), "a request at %s, inside the cooloff (until %s)", h.Format(time.StampMilli), until.Format(time.StampMilli))
	}
	assert.Len(t, readResults(t, filepath.Join(dir, "b.jsonl")), 3)
}

// engineField polls the shared store until a domain's hash has field f (want: its value, if
// given) and returns the field as a time (Unix ms).
func engineField(t *testing.T, ctx context.Context, c *redis.Client, w *worker, f, want string) time.Time {
	t.Helper()
	for {
		doms, _ := c.ZRange(ctx, "smartretry:{default}:engine:domains", 0, -1).Result()
		for _, d := range doms {
			h, err := c.HGetAll(ctx, "smartretry:{default}:engine:d:"+d).Result()
			if v, ok := h[f]; err == nil && ok && (want == "" || v == want) {
				if f == "st" {
					v = h["ou"]
				}
				ms, err := strconv.ParseInt(v, 10, 64)
				require.NoError(t, err)
				return time.UnixMilli(ms)
			}
		}
		require.NoError(t, ctx.Err(), "the shared store never had %s: %s", f, w.errb.String())
		time.Sleep(20 * time.Millisecond) // polling Redis: nothing to subscribe to
	}
}

// Two `run --store` processes share one Redis: the first opens the site's breaker (503 on three
// pages); the second sends nothing to the site until the cooloff has passed, then its request is
// the half-open probe and closes it.
func TestStoreBreakerIsSharedBetweenProcesses(t *testing.T) {
	site, env := startTimedSite(t)
	r := testenv.StartRedis(t)
	c := jobClient(t, r)
	dir := t.TempDir()
	engine := `engine:
  errors:
    server_error: {max_attempts: 1}
  circuit_breaker: {threshold: 3, window: 1m, cooloff: 5s}
`
	first := storeFlow(t, dir, "first", `name: first
start_url: ${SITE}/flaky?id=a${item.n}&fail=1
items: [{n: 1}, {n: 2}, {n: 3}]
`+engine+`steps:
  - wait_for: "#content"
`)
	second := site.gatedFlow(t, dir, 1, engine)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b := startWorker(t, ctx, dir, []string{env}, "run", "-vv", "--store", r.URL(0), "--store-timeout", "5s", "--out", filepath.Join(dir, "b.jsonl"), second)
	a := startWorker(t, ctx, dir, []string{env}, "run", "--item-attempts", "1", "--store", r.URL(0), "--store-timeout", "5s", first)
	until := engineField(t, ctx, c, a, "st", "1")
	close(site.gate)
	for _, w := range []*worker{a, b} {
		select {
		case <-w.done:
		case <-ctx.Done():
			t.Fatalf("a run did not finish: %s", w.errb.String())
		}
	}
	assert.Equal(t, 1, a.c.ProcessState.ExitCode(), "its three items failed: %s", a.errb.String())
	assert.Equal(t, 0, b.c.ProcessState.ExitCode(), b.errb.String())
	assert.Contains(t, b.errb.String(), "in cooloff", "the second process met the open breaker and waited")
	assert.NotContains(t, a.errb.String()+b.errb.String(), "deciding with local state")
	hits := site.times("/flaky", "b")
	require.Len(t, hits, 1)
	assert.False(t, hits[0].Before(until), "a request at %s, while the breaker was open (until %s)", hits[0].Format(time.StampMilli), until.Format(time.StampMilli))
	st, err := c.HGet(ctx, "smartretry:{default}:engine:d:"+strings.TrimPrefix(site.URL, "http://"), "st").Result()
	require.NoError(t, err)
	assert.Equal(t, "0", st, "the probe's success closed the shared breaker")
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
	// --store-timeout 5s: only the stop may count as an outage, not a call slowed by a loaded
	// machine (a stopped Redis refuses connections at once).
	w := startWorker(t, ctx, dir, []string{env}, "run", "--store", r.URL(0), "--store-timeout", "5s", "--out", filepath.Join(dir, "out.jsonl"), flowFile)
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
		{"timeout", []string{"run", "--store", "redis://127.0.0.1:1/0", "--store-timeout", "0s", flowFile}, nil, 2, "--store-timeout: want 1ms to 1m"},
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
	flowFile := rateLimitedFlow(t, dir, "limited", "q", 1)
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
