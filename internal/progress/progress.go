package progress

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/smartretry/smartretry/retry"
)

// Tracker counts a batch's progress. Safe for concurrent use.
type Tracker struct {
	mu       sync.Mutex
	total    int
	done     int
	failed   int
	skipped  int
	records  int
	retries  int
	escal    int
	breakers map[string]bool // domain → open now
	brEvents int
	waiting  map[string]wait // domain → what its deferred actions wait for
	deferred int
	job      string         // the shared job's totals (run --queue), "" when alone
	failures map[string]int // by error type
	start    time.Time
	now      func() time.Time
}

// wait is what actions of one domain wait for: the end of its cooloff; (probe) the half-open
// probe in flight, until the breaker closes or opens again; or (pace) the domain's next start
// in a crawl (its delay between pages, a Retry-After).
type wait struct {
	until time.Time
	probe bool
	pace  bool
}

// paceShown is the shortest wait for a domain's next page that the line mentions.
const paceShown = time.Second

// NewTracker starts counting a batch of total items.
func NewTracker(total int) *Tracker {
	return &Tracker{total: total, breakers: map[string]bool{}, waiting: map[string]wait{}, failures: map[string]int{},
		start: time.Now(), now: time.Now}
}

// Observe takes a retry engine event (give it to retry.WithObserver).
func (t *Tracker) Observe(ev retry.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch ev.Kind {
	case retry.EventRetry:
		t.retries++
	case retry.EventEscalate:
		t.escal++
	case retry.EventBreakerOpen:
		t.breakers[ev.Domain] = true
		t.brEvents++
		if t.waiting[ev.Domain].probe {
			delete(t.waiting, ev.Domain) // the probe failed: the waits for the new cooloff follow
		}
	case retry.EventBreakerHalfOpen:
		t.brEvents++
	case retry.EventBreakerClosed:
		delete(t.breakers, ev.Domain)
		delete(t.waiting, ev.Domain)
		t.brEvents++
	case retry.EventBreakerWait:
		// An action met an open breaker (or a Retry-After cooloff) and waits instead of failing:
		// its item is deferred. Waiting for the probe in flight (Delay 0: this process's own;
		// a half-open reason: another worker's, asked again every second) follows a wait for the
		// cooloff, or is short: it is not counted again, and shown until the breaker closes or
		// opens again, however long the probe takes (the waits are silent meanwhile).
		now := t.now()
		if ev.Delay > 0 {
			t.deferred++
		}
		w := t.waiting[ev.Domain]
		switch {
		case ev.Delay == 0 || strings.Contains(ev.Reason, "half-open"):
			t.waiting[ev.Domain] = wait{probe: true}
		case w.probe || w.pace || w.until.Before(now.Add(ev.Delay)):
			t.waiting[ev.Domain] = wait{until: now.Add(ev.Delay)}
		}
	}
}

// ItemDeferred counts an item put back in the queue because its domain refused it (an open
// breaker it was not allowed to wait for); it runs again after the cooloff, which ends at until.
func (t *Tracker) ItemDeferred(domain string, until time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.deferred++
	if domain != "" {
		t.waiting[domain] = wait{until: until}
	}
}

// Pacing notes that a crawl's page waits for its domain's next start until then (the delay
// between its pages, a Retry-After): the line says so when no breaker wait of the domain says
// more, and the wait is a second or longer. It counts no deferral.
func (t *Tracker) Pacing(domain string, until time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if until.Sub(now) < paceShown {
		return
	}
	w, ok := t.waiting[domain]
	switch {
	case ok && !w.pace && (w.probe || now.Before(w.until)):
		return // the breaker's wait
	case ok && w.pace && w.until.After(until):
		return
	}
	t.waiting[domain] = wait{until: until, pace: true}
}

// SetJob sets the totals of the shared job this run works for (run --queue), shown after this
// run's own counts: "job 150/300 done (2 failed) · 3 workers".
func (t *Tracker) SetJob(totals string) {
	t.mu.Lock()
	t.job = totals
	t.mu.Unlock()
}

// Skipped counts n items already done in a previous run (--resume).
func (t *Tracker) Skipped(n int) {
	t.mu.Lock()
	t.skipped += n
	t.mu.Unlock()
}

// ItemDone counts an item that succeeded with its records.
func (t *Tracker) ItemDone(records int) {
	t.mu.Lock()
	t.done++
	t.records += records
	t.mu.Unlock()
}

// ItemFailed counts an item that failed for good with the given error type.
func (t *Tracker) ItemFailed(typ string) {
	t.mu.Lock()
	t.failed++
	t.failures[typ]++
	t.mu.Unlock()
}

// Snapshot is a copy of the counts. Safe for concurrent use (a value).
type Snapshot struct {
	Total, Done, Failed, Skipped, Records int
	Retries, Escalations                  int
	OpenBreakers, BreakerEvents           int
	// Deferred counts items that met a domain's open breaker (or Retry-After cooloff) and were
	// held back until it ended instead of failing.
	Deferred       int
	FailuresByType map[string]int
	// Waiting is what items wait for now (a breaker, a crawl's delay), one entry per domain,
	// in domain order.
	Waiting []Waiting
	// Job is the shared job's totals (SetJob), "" when the run is alone.
	Job     string
	Elapsed time.Duration
}

// Waiting is one domain that items wait for: Left of its cooloff, the half-open probe in flight
// (Probe), or (Pace) Left until a crawl's next page of the domain may start (its delay between
// pages, a Retry-After). Safe for concurrent use (a value).
type Waiting struct {
	Domain string
	Left   time.Duration
	Probe  bool
	Pace   bool
}

// String is "waiting for 127.0.0.1:8080 cooloff 42s", "waiting for 127.0.0.1:8080 probe" or
// "waiting for 127.0.0.1:8080 delay 12s".
func (w Waiting) String() string {
	if w.Probe {
		return "waiting for " + w.Domain + " probe"
	}
	secs := int((w.Left + time.Second - 1) / time.Second)
	what := "cooloff"
	if w.Pace {
		what = "delay"
	}
	return fmt.Sprintf("waiting for %s %s %ds", w.Domain, what, secs)
}

// Rate is items finished per second in this run.
func (s Snapshot) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Done+s.Failed) / s.Elapsed.Seconds()
}

// Snapshot returns the counts now.
func (t *Tracker) Snapshot() Snapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := make(map[string]int, len(t.failures))
	for k, v := range t.failures {
		f[k] = v
	}
	now := t.now()
	var ws []Waiting
	for d, w := range t.waiting {
		if w.probe {
			ws = append(ws, Waiting{Domain: d, Probe: true})
			continue
		}
		if !now.Before(w.until) {
			delete(t.waiting, d)
			continue
		}
		ws = append(ws, Waiting{Domain: d, Left: w.until.Sub(now), Pace: w.pace})
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].Domain < ws[j].Domain })
	return Snapshot{Total: t.total, Done: t.done, Failed: t.failed, Skipped: t.skipped, Records: t.records,
		Retries: t.retries, Escalations: t.escal, OpenBreakers: len(t.breakers), BreakerEvents: t.brEvents,
		Deferred: t.deferred, FailuresByType: f, Waiting: ws, Job: t.job, Elapsed: now.Sub(t.start)}
}

// Line is the one-line state: "12/20 items (11 ok, 1 failed) · 3 retries · 0 open breakers ·
// 2.1 items/s", and while items are deferred " · waiting for 127.0.0.1:8080 cooloff 42s".
func (s Snapshot) Line() string {
	finished := s.Done + s.Failed + s.Skipped
	line := fmt.Sprintf("%d/%d items (%d ok, %d failed%s) · %d retries · %d open breakers · %.1f items/s",
		finished, s.Total, s.Done+s.Skipped, s.Failed, skippedNote(s.Skipped), s.Retries, s.OpenBreakers, s.Rate())
	if len(s.Waiting) > 0 {
		line += " · " + s.Waiting[0].String()
		if n := len(s.Waiting) - 1; n > 0 {
			line += fmt.Sprintf(" (+%d more domains)", n)
		}
	}
	if s.Job != "" {
		line += " · " + s.Job
	}
	return line
}

func skippedNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d from before", n)
}

// Bar draws the state as a bar of the given width.
func (s Snapshot) Bar(width int) string {
	if width < 10 {
		width = 10
	}
	finished := s.Done + s.Failed + s.Skipped
	filled := 0
	if s.Total > 0 {
		filled = finished * width / s.Total
	}
	failed := 0
	if s.Total > 0 {
		failed = s.Failed * width / s.Total
	}
	filled = min(filled, width)
	ok := max(filled-failed, 0)
	return "[" + strings.Repeat("#", ok) + strings.Repeat("x", filled-ok) + strings.Repeat(".", width-filled) + "] " + s.Line()
}

// Summary is the final report, several lines.
func (s Snapshot) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "items: %d total, %d ok, %d failed", s.Total, s.Done, s.Failed)
	if s.Skipped > 0 {
		fmt.Fprintf(&b, ", %d skipped (done in a previous run)", s.Skipped)
	}
	if s.Deferred > 0 {
		fmt.Fprintf(&b, ", deferred %d (breaker cooloff)", s.Deferred)
	}
	fmt.Fprintf(&b, "\nrecords: %d\n", s.Records)
	if len(s.FailuresByType) > 0 {
		keys := make([]string, 0, len(s.FailuresByType))
		for k := range s.FailuresByType {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, s.FailuresByType[k])
		}
		fmt.Fprintf(&b, "failures by type: %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "retries: %d, escalations: %d, breaker events: %d (%d open now)\n", s.Retries, s.Escalations, s.BreakerEvents, s.OpenBreakers)
	fmt.Fprintf(&b, "duration: %s", s.Elapsed.Round(10*time.Millisecond))
	return b.String()
}

// Reporter redraws the state on w until Stop: a bar every 200ms on a terminal, a line every
// period otherwise. Safe for concurrent use.
type Reporter struct {
	t      *Tracker
	w      io.Writer
	tty    bool
	period time.Duration
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
	mu     sync.Mutex // serialises writes with Printf
	drawn  bool
}

// Start begins reporting t on w. tty selects the bar; period is the plain-line interval.
func Start(t *Tracker, w io.Writer, tty bool, period time.Duration) *Reporter {
	if period <= 0 {
		period = 5 * time.Second
	}
	r := &Reporter{t: t, w: w, tty: tty, period: period, stop: make(chan struct{}), done: make(chan struct{})}
	every := period
	if tty {
		every = 200 * time.Millisecond
	}
	go func() {
		defer close(r.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-r.stop:
				return
			case <-tick.C:
				r.draw()
			}
		}
	}()
	return r
}

func (r *Reporter) draw() {
	s := r.t.Snapshot()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tty {
		fmt.Fprintf(r.w, "\r\033[K%s", s.Bar(30))
		r.drawn = true
		return
	}
	fmt.Fprintf(r.w, "progress: %s\n", s.Line())
}

// Printf prints a line above the bar (the bar is redrawn on the next tick).
func (r *Reporter) Printf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tty && r.drawn {
		fmt.Fprint(r.w, "\r\033[K")
		r.drawn = false
	}
	fmt.Fprintf(r.w, format, args...)
}

// Stop ends the reporting and clears the bar. Idempotent.
func (r *Reporter) Stop() {
	r.once.Do(func() {
		close(r.stop)
		<-r.done
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.tty && r.drawn {
			fmt.Fprint(r.w, "\r\033[K")
		}
	})
}
