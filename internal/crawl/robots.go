package crawl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// Agent is the name a crawl looks for in robots.txt groups ("User-agent: smartretry"), falling
// back to "*".
const Agent = "smartretry"

// Robots reads each origin's robots.txt once (scheme://host:port), caches it for the crawl, and
// answers whether a URL may be fetched and with which Crawl-delay. Parsing is
// github.com/temoto/robotstxt's (Google's rules): a 4xx robots.txt allows everything, a 5xx
// disallows everything; an unreachable or unreadable robots.txt allows everything (the page
// fetch itself then meets whatever is wrong with the site).
//
// A Robots is safe for concurrent use: concurrent questions about one origin share one fetch.
type Robots struct {
	client  *http.Client
	agent   string
	timeout time.Duration

	mu      sync.Mutex
	origins map[string]*robotsEntry
	fetches int
}

type robotsEntry struct {
	ready chan struct{}
	data  *robotstxt.RobotsData
	group *robotstxt.Group
	note  string // why everything is allowed (fetch failed, bad file), for the log
}

// NewRobots makes a cache that fetches with client (nil: a plain client), each fetch limited to
// timeout (0: 10s).
func NewRobots(client *http.Client, timeout time.Duration) *Robots {
	if client == nil {
		client = &http.Client{}
	}
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	return &Robots{client: client, agent: Agent, timeout: timeout, origins: map[string]*robotsEntry{}}
}

// Verdict is what robots.txt says about one URL. A plain value: safe for concurrent use.
type Verdict struct {
	Allowed    bool
	CrawlDelay time.Duration
	// Note says why the file was not used (unreachable, unparsable); "" when it was.
	Note string
}

// entry is origin's robots.txt, fetched the first time (by the caller that asks first; the others
// wait for it, or for their ctx).
func (r *Robots) entry(ctx context.Context, origin string) (*robotsEntry, error) {
	r.mu.Lock()
	e, ok := r.origins[origin]
	if !ok {
		e = &robotsEntry{ready: make(chan struct{})}
		r.origins[origin] = e
		r.fetches++
		r.mu.Unlock()
		r.fetch(ctx, origin, e)
	} else {
		r.mu.Unlock()
	}
	select {
	case <-e.ready:
		return e, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Check answers for u (an absolute http(s) URL). It fetches the origin's robots.txt the first
// time and waits for it (or ctx).
func (r *Robots) Check(ctx context.Context, u *url.URL) (Verdict, error) {
	e, err := r.entry(ctx, u.Scheme+"://"+u.Host)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{Allowed: true, Note: e.note}
	if e.data == nil {
		return v, nil
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	v.Allowed = e.data.TestAgent(p, r.agent)
	if e.group != nil {
		v.CrawlDelay = e.group.CrawlDelay
	}
	return v, nil
}

// Fetches is how many robots.txt files were asked for (one per origin).
func (r *Robots) Fetches() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fetches
}

func (r *Robots) fetch(ctx context.Context, origin string, e *robotsEntry) {
	defer close(e.ready)
	// The fetch belongs to the crawl, not to the one page that asked first.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, origin+"/robots.txt", nil)
	if err != nil {
		e.note = fmt.Sprintf("robots.txt of %s: %v", origin, err)
		return
	}
	req.Header.Set("User-Agent", r.agent)
	res, err := r.client.Do(req)
	if err != nil {
		e.note = fmt.Sprintf("robots.txt of %s unreachable (everything allowed): %v", origin, err)
		return
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 512*1024)) // Google reads at most 500 KiB
	if err != nil {
		e.note = fmt.Sprintf("robots.txt of %s unreadable (everything allowed): %v", origin, err)
		return
	}
	data, err := robotstxt.FromStatusAndBytes(res.StatusCode, body)
	if err != nil || data == nil {
		e.note = fmt.Sprintf("robots.txt of %s: status %d, not usable (everything allowed): %v", origin, res.StatusCode, err)
		return
	}
	e.data = data
	e.group = data.FindGroup(r.agent)
}
