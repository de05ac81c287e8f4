package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/smartretry/smartretry/retry/retrytest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNormalize(t *testing.T) {
	base, _ := url.Parse("http://Shop.Example:80/list/page?x=1")
	n := Normalizer{StripParams: []string{"utm_*", "sid"}}
	for _, tc := range []struct{ in, want string }{
		{"/product/3#reviews", "http://shop.example/product/3"},
		{"HTTP://SHOP.example:80", "http://shop.example/"},
		{"https://shop.example:443/a?b=2&a=1&a=0", "https://shop.example/a?a=1&a=0&b=2"},
		{"../p/./q?utm_source=x&id=4&sid=9", "http://shop.example/p/q?id=4"},
		{"item?", "http://shop.example/list/item"},
		{"http://shop.example:8080/x/", "http://shop.example:8080/x/"},
		{"?q=a%20b&p=1", "http://shop.example/list/page?p=1&q=a%20b"},
	} {
		u, err := n.Normalize(base, tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, u.String(), tc.in)
	}
	keep := Normalizer{KeepQueryOrder: true}
	s, err := keep.String("http://h/a?b=2&a=1")
	require.NoError(t, err)
	assert.Equal(t, "http://h/a?b=2&a=1", s)
	for _, bad := range []string{"mailto:a@b", "javascript:void(0)", "", "/relative"} {
		_, err := n.Normalize(nil, bad)
		assert.Error(t, err, bad)
	}
	_, err = n.Normalize(base, "tel:123")
	assert.ErrorIs(t, err, ErrNotHTTP)
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func TestScope(t *testing.T) {
	s := &Scope{SameDomain: true}
	s.AddStart(mustURL(t, "http://www.shop.example/"))
	assert.Empty(t, s.Check(mustURL(t, "http://shop.example/a")))
	assert.Empty(t, s.Check(mustURL(t, "http://img.shop.example/a")))
	assert.Contains(t, s.Check(mustURL(t, "http://evil.example/a")), "not an allowed domain")
	assert.Contains(t, s.Check(mustURL(t, "http://notshop.example/a")), "not an allowed domain")

	s.Domains = []string{"partner.example"}
	assert.Empty(t, s.Check(mustURL(t, "http://partner.example/a")))

	inc, err := CompilePattern("/product/*")
	require.NoError(t, err)
	exc, err := CompilePattern(`re:\?sort=`)
	require.NoError(t, err)
	s.Include, s.Exclude = []Pattern{inc}, []Pattern{exc}
	assert.Empty(t, s.Check(mustURL(t, "http://shop.example/product/3")))
	assert.Contains(t, s.Check(mustURL(t, "http://shop.example/product/3/x")), "no include")
	assert.Contains(t, s.Check(mustURL(t, "http://shop.example/product/3?sort=asc")), "excluded")

	full, err := CompilePattern("http://shop.example/**")
	require.NoError(t, err)
	assert.True(t, full.Match(mustURL(t, "http://shop.example/a/b/c?x")))
	assert.False(t, full.Match(mustURL(t, "https://shop.example/a")))

	for _, bad := range []string{"re:(", "/a/[x]", "", "a***"} {
		_, err := CompilePattern(bad)
		assert.Error(t, err, bad)
	}
	assert.Empty(t, (&Scope{}).Check(mustURL(t, "http://any.example/")), "the zero Scope allows everything")
}

func TestFrontierDedupeAndLimits(t *testing.T) {
	f := NewFrontier(Limits{MaxItems: 5}, []string{"listing", "product"}, map[string]Limits{"listing": {MaxDepth: 2}})
	got := f.Admit([]Item{{Stage: "listing", URL: "u1"}, {Stage: "listing", URL: "u1"}, {Stage: "product", URL: "u1"}})
	assert.Len(t, got, 2, "one URL per stage")
	f.Push(got)
	got = f.Admit([]Item{{Stage: "listing", URL: "deep", Depth: 3}, {Stage: "product", URL: "a"}, {Stage: "product", URL: "b"}, {Stage: "product", URL: "c"}, {Stage: "product", URL: "d"}})
	assert.Len(t, got, 3, "max_items 5 overall")
	f.Forget(got[2:])
	assert.False(t, f.Seen("product", "c"))
	st := f.Stats()
	assert.Equal(t, 1, st[0].Skipped[ReasonDuplicate])
	assert.Equal(t, 1, st[0].Skipped[ReasonLimit])
	assert.Equal(t, 1, st[1].Skipped[ReasonLimit])
	assert.Equal(t, 1, st[0].Found)
	assert.Equal(t, 3, st[1].Found)

	ctx := context.Background()
	it, ok := f.Next(ctx)
	require.True(t, ok)
	it2, ok := f.Next(ctx)
	require.True(t, ok)
	f.Finish(it, "ok")
	f.Finish(it2, "failed")
	_, ok = f.Next(ctx)
	assert.False(t, ok, "nothing queued, nothing running: over")
	assert.Equal(t, "duplicate 1, limit 1", SkippedLine(f.Stats()[0].Skipped))

	f2 := NewFrontier(Limits{}, []string{"s"}, nil)
	f2.Restore(Item{Stage: "s", URL: "done"}, true)
	f2.Restore(Item{Stage: "s", URL: "todo"}, false)
	assert.Empty(t, f2.Admit([]Item{{Stage: "s", URL: "done"}, {Stage: "s", URL: "todo"}}))
	it, ok = f2.Next(ctx)
	require.True(t, ok)
	assert.Equal(t, "todo", it.URL)
	f2.Finish(it, "ok")
}

// A lower rank's items go first, each rank in the order found.
func TestFrontierRanks(t *testing.T) {
	f := NewFrontier(Limits{}, []string{"listing", "product"}, nil)
	f.SetRanks(map[string]int{"listing": 0, "product": 1})
	f.Push(f.Admit([]Item{{Stage: "product", URL: "p1"}, {Stage: "product", URL: "p2"}, {Stage: "listing", URL: "l2"}}))
	f.Push(f.Admit([]Item{{Stage: "product", URL: "p3"}, {Stage: "listing", URL: "l3"}}))
	assert.Equal(t, 5, f.Queued())
	ctx := context.Background()
	var got []string
	for range 5 {
		it, ok := f.Next(ctx)
		require.True(t, ok)
		got = append(got, it.URL)
		f.Finish(it, "ok")
	}
	assert.Equal(t, []string{"l2", "l3", "p1", "p2", "p3"}, got)
	_, ok := f.Next(ctx)
	assert.False(t, ok)
}

func TestLimiterPerDomainAndMinDelay(t *testing.T) {
	clk := retrytest.NewFakeClock(time.Unix(1000, 0))
	l := NewLimiter(Politeness{PerDomain: 1, MinDelay: 2 * time.Second, Fixed: true}, clk)
	ctx := context.Background()
	a, err := l.Acquire(ctx, "d")
	require.NoError(t, err)
	ctxShort, cancel := context.WithCancel(ctx)
	cancel()
	_, err = l.Acquire(ctxShort, "d")
	assert.ErrorIs(t, err, context.Canceled, "one page of d at a time")
	other, err := l.Acquire(ctx, "other")
	require.NoError(t, err, "another domain is not held back")
	other.Done(Outcome{Status: 200})
	a.Done(Outcome{Status: 200})
	b, err := l.Acquire(ctx, "d")
	require.NoError(t, err)
	b.Done(Outcome{Status: 200})
	assert.Equal(t, []time.Duration{2 * time.Second}, clk.Sleeps(), "the second page waits min_delay")
}

// A page that waits for its domain's next start says so, and until when (the progress line
// shows it); a page that goes at once says nothing.
func TestLimiterTellsItsWaits(t *testing.T) {
	t0 := time.Unix(1000, 0)
	clk := retrytest.NewFakeClock(t0)
	type wait struct {
		domain string
		until  time.Time
	}
	var waits []wait
	l := NewLimiter(Politeness{PerDomain: 2, MinDelay: 2 * time.Second, Fixed: true}, clk,
		WithWaitObserver(func(d string, until time.Time) { waits = append(waits, wait{d, until}) }))
	ctx := context.Background()
	a, err := l.Acquire(ctx, "d")
	require.NoError(t, err)
	assert.Empty(t, waits)
	b, err := l.Acquire(ctx, "d")
	require.NoError(t, err)
	assert.Equal(t, []wait{{"d", t0.Add(2 * time.Second)}}, waits)
	a.Done(Outcome{Status: 429, RetryAfter: 10 * time.Second})
	b.Done(Outcome{Status: 200})
	c, err := l.Acquire(ctx, "d")
	require.NoError(t, err)
	c.Done(Outcome{Status: 200})
	require.Len(t, waits, 2)
	assert.Equal(t, wait{"d", t0.Add(12 * time.Second)}, waits[1], "the Retry-After")
}

func TestLimiterCrawlDelayAndRetryAfter(t *testing.T) {
	clk := retrytest.NewFakeClock(time.Unix(1000, 0))
	l := NewLimiter(Politeness{PerDomain: 4, Fixed: true}, clk)
	l.SetCrawlDelay("d", 1500*time.Millisecond)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		tk, err := l.Acquire(ctx, "d")
		require.NoError(t, err)
		tk.Done(Outcome{Status: 200})
	}
	assert.Equal(t, []time.Duration{1500 * time.Millisecond, 1500 * time.Millisecond}, clk.Sleeps())
	tk, _ := l.Acquire(ctx, "d")
	tk.Done(Outcome{Status: 429, RetryAfter: 5 * time.Second})
	clk2 := clk.Sleeps()
	tk, _ = l.Acquire(ctx, "d")
	tk.Done(Outcome{Status: 200})
	assert.Equal(t, 5*time.Second, clk.Sleeps()[len(clk2)], "no page before Retry-After ends")
	assert.Equal(t, 1, l.Stats("d").Overloads)
}

// AIMD: a 429 halves the measured rate once per round; healthy answers add rate back; slow
// answers cut it too.
func TestLimiterAIMD(t *testing.T) {
	clk := retrytest.NewFakeClock(time.Unix(1000, 0))
	l := NewLimiter(Politeness{PerDomain: 8}, clk)
	ctx := context.Background()
	// 8 pages at once, all answered 429: the rate (8 in the last second) is halved once.
	var ts []*Ticket
	for i := 0; i < 8; i++ {
		tk, err := l.Acquire(ctx, "d")
		require.NoError(t, err)
		ts = append(ts, tk)
	}
	clk.Advance(100 * time.Millisecond)
	for _, tk := range ts {
		tk.Done(Outcome{Status: 429, Latency: 100 * time.Millisecond})
	}
	st := l.Stats("d")
	assert.Equal(t, 1, st.Backoffs, "one burst, one cut")
	assert.Equal(t, 250*time.Millisecond, st.Delay, "8/s halved: 4 pages a second")

	// Healthy answers: the rate grows by about Increase (0.5/s) per second.
	for i := 0; i < 8; i++ {
		tk, err := l.Acquire(ctx, "d")
		require.NoError(t, err)
		clk.Advance(50 * time.Millisecond)
		tk.Done(Outcome{Status: 200, Latency: 50 * time.Millisecond})
	}
	grown := l.Stats("d").Delay
	assert.Less(t, grown, 250*time.Millisecond)
	assert.Greater(t, grown, 180*time.Millisecond, "additive, not multiplicative")

	// A slow answer (4× the fastest and a second more) cuts the rate by a quarter.
	tk, err := l.Acquire(ctx, "d")
	require.NoError(t, err)
	clk.Advance(2 * time.Second)
	tk.Done(Outcome{Status: 200, Latency: 2 * time.Second})
	assert.Equal(t, 2, l.Stats("d").Backoffs)
	assert.Greater(t, l.Stats("d").Delay, grown)

	// Fixed politeness never adapts.
	f := NewLimiter(Politeness{Fixed: true}, clk)
	tk, _ = f.Acquire(ctx, "d")
	tk.Done(Outcome{Status: 503})
	assert.Equal(t, time.Duration(0), f.Stats("d").Delay)
}

func TestRobotsFetchedOncePerOrigin(t *testing.T) {
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fetches.Add(1)
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.5\n\nUser-agent: otherbot\nDisallow: /\n")
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	r := NewRobots(srv.Client(), 0)
	ctx := context.Background()
	v, err := r.Check(ctx, mustURL(t, srv.URL+"/shop/1"))
	require.NoError(t, err)
	assert.True(t, v.Allowed)
	assert.Equal(t, 500*time.Millisecond, v.CrawlDelay)
	v, err = r.Check(ctx, mustURL(t, srv.URL+"/private/x?y=1"))
	require.NoError(t, err)
	assert.False(t, v.Allowed)
	assert.EqualValues(t, 1, fetches.Load(), "cached per origin")
	assert.Equal(t, 1, r.Fetches())

	// A robots.txt that is missing allows everything; one that cannot be reached too, with a note.
	gone := httptest.NewServer(http.NotFoundHandler())
	defer gone.Close()
	v, err = r.Check(ctx, mustURL(t, gone.URL+"/a"))
	require.NoError(t, err)
	assert.True(t, v.Allowed)
	v, err = r.Check(ctx, mustURL(t, "http://127.0.0.1:1/a"))
	require.NoError(t, err)
	assert.True(t, v.Allowed)
	assert.Contains(t, v.Note, "unreachable")
	srv.Client().CloseIdleConnections()
	gone.Client().CloseIdleConnections()
}
