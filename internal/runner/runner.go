package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/progress"
	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/retry"
)

// Config is what one run needs. Browser, Manager, Flow and Results are required.
// A Config is read by Run only; do not change it while Run runs.
//
// A Config is read, never modified, by Run: share it, but do not change it while a run is going.
type Config struct {
	Flow      *flow.Flow
	Browser   *browser.Browser
	Manager   *retry.Manager
	Results   *results.Writer
	Escalator actions.Escalator // nil: the Session's default (fail with ErrEscalate, vendor and URL)
	Tracker   *progress.Tracker // nil: none
	Logger    *zap.Logger       // nil: nop

	// Skip holds item keys completed in a previous run (--resume).
	Skip map[string]bool
	// Concurrency is how many items (pages) run at once (default: the flow's, else 1).
	Concurrency int
	// ItemAttempts is how many times PartialRetry runs an item whose actions gave up (default 2).
	ItemAttempts int
	// ActionTimeout is the deadline of one attempt of one action (default: the flow's, else 10s).
	ActionTimeout time.Duration
	// NavigationTimeout is the deadline of one attempt of a page load (default: the flow's
	// navigation_timeout, else ActionTimeout's; actions.WithNavigationTimeout).
	NavigationTimeout time.Duration
	// Artifacts is where error snapshots and screenshots go ("" = none; screenshots then go to ".").
	Artifacts string
	// Downloads is where download steps save their files ("" = DefaultDownloads, "downloads"
	// in the working directory).
	Downloads string
	// OnItem is called when an item ends for good (ok or failed), after its line is written.
	OnItem func(line results.Line)
	// Queue is where the items come from and their results go (nil: a queue.Local writing to
	// Results). With a shared queue (queue.Redis) the run takes part in a job: it adds the flow's
	// items (a job adds each key once) and runs whatever items the job hands it.
	Queue queue.Queue
	// Isolate gives every concurrency slot a browser context of its own (incognito: own cookies,
	// storage, cache, permissions), cleared between the slot's items, so no item sees another's
	// login or storage. nil means the flow's `isolated` (default true); false runs the items in
	// the browser's default context, where they share cookies and localStorage (each item still
	// gets a blank tab).
	Isolate *bool
	// Viewport is the items' viewport in CSS pixels (zero: the flow's `viewport`, else the
	// browser's, 1280×720 headless).
	Viewport browser.Size
	// MaxDeferrals is how many times an item refused by its domain's open breaker
	// (retry.ErrCircuitOpen: it was not allowed to wait) is put back in the queue to run after
	// the cooloff, before it fails typed circuit_open (default 5).
	MaxDeferrals int
	// Sitemaps are the pages a crawl's sitemaps gave, read before the browser started
	// (ReadSitemaps: a sitemap that cannot be read is found before any browser work); nil: the
	// crawl reads them itself when it starts.
	Sitemaps *SitemapStarts
}

// Summary is how a run ended. Safe for concurrent use (a value).
type Summary struct {
	Items, OK, Failed, Skipped, Records int
	// Interrupted counts items that had not ended when ctx ended (nothing is written for them:
	// a resumed run does them).
	Interrupted int
	// Deferred counts the times an item was put back in the queue because its domain refused it
	// (an open breaker); a deferred item is not a failure.
	Deferred int
	Failures []results.Line
}

// ApplyEngine applies the flow's engine overrides to m.
func ApplyEngine(m *retry.Manager, e flow.Engine) {
	for t, tc := range e.Errors {
		c := m.Config(t)
		if tc.MaxAttempts > 0 {
			c.MaxAttempts = tc.MaxAttempts
		}
		if tc.Strategy != nil {
			c.Strategy = *tc.Strategy
		}
		if tc.BaseDelay != nil {
			c.BaseDelay = *tc.BaseDelay
		}
		if tc.MaxDelay != nil {
			c.MaxDelay = *tc.MaxDelay
		}
		m.SetConfig(t, c)
	}
}

// ManagerOptions are the retry.Manager options a flow's engine section asks for (breaker policy,
// Retry-After cap), to pass to retry.NewManager next to the caller's own.
func ManagerOptions(e flow.Engine) []retry.Option {
	var opts []retry.Option
	if b := e.Breaker; b != nil {
		if b.Enabled != nil {
			opts = append(opts, retry.WithCircuitBreaker(*b.Enabled))
		}
		if b.Threshold > 0 || b.Window > 0 || b.Cooloff > 0 {
			th, win, cool := 3, 30*time.Second, 60*time.Second
			if b.Threshold > 0 {
				th = b.Threshold
			}
			if b.Window > 0 {
				win = b.Window
			}
			if b.Cooloff > 0 {
				cool = b.Cooloff
			}
			opts = append(opts, retry.WithBreakerPolicy(th, win, cool))
		}
		if b.MaxWait != nil {
			d := *b.MaxWait
			if d == 0 {
				d = -1 // the flow's 0 is "never wait": the runner defers the item instead
			}
			opts = append(opts, retry.WithMaxBreakerWait(d))
		}
	}
	if e.MaxRetryAfter > 0 {
		opts = append(opts, retry.WithMaxRetryAfter(e.MaxRetryAfter))
	}
	return opts
}

// Run runs every item of the flow not in Skip. It returns when every item has ended; the
// error is for the run itself (ctx ended), item failures are in the Summary and the results.
func Run(ctx context.Context, c Config) (Summary, error) {
	f := c.Flow
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	if c.Concurrency <= 0 {
		c.Concurrency = max(f.Concurrency, 1)
	}
	if c.ItemAttempts <= 0 {
		c.ItemAttempts = 2
	}
	if c.MaxDeferrals <= 0 {
		c.MaxDeferrals = 5
	}
	// The flow's viewport and isolation, unless the caller set them.
	if c.Isolate == nil && f.Shared {
		shared := false
		c.Isolate = &shared
	}
	if c.Viewport == (browser.Size{}) && f.Viewport != nil {
		c.Viewport = browser.Size{Width: f.Viewport.Width, Height: f.Viewport.Height}
	}
	if c.ActionTimeout <= 0 {
		c.ActionTimeout = f.Timeout
	}
	if c.NavigationTimeout <= 0 {
		c.NavigationTimeout = f.NavigationTimeout
	}
	if f.IgnoreHTTPSErrors && c.Browser != nil {
		if err := c.Browser.SetIgnoreHTTPSErrors(ctx, true); err != nil {
			return Summary{}, err
		}
	}
	if f.IsCrawl() {
		return crawlRun(ctx, c) // crawl.go
	}
	var sum Summary
	var todo []flow.Item
	for _, it := range f.Batch() {
		sum.Items++
		if c.Skip[it.Key] {
			sum.Skipped++
			continue
		}
		todo = append(todo, it)
	}
	if c.Tracker != nil && sum.Skipped > 0 {
		c.Tracker.Skipped(sum.Skipped)
	}

	r := &run{c: c, lastErr: map[string]itemErr{}, slots: newSlots(c)}
	defer r.slots.close()
	q := c.Queue
	if q == nil {
		q = queue.NewLocal(c.Results, nil)
	}
	r.q = q
	if _, err := q.Add(ctx, queueItems(todo)...); err != nil {
		return sum, err
	}
	r.work(ctx, q, &sum)
	if r.writeErr != nil {
		return sum, fmt.Errorf("write results: %w", r.writeErr)
	}
	return sum, ctx.Err()
}

type itemErr struct {
	err      error
	attempts int
	at       time.Time // when err happened
}

type run struct {
	c        Config
	q        queue.Queue
	leases   sync.Map // item key → *queue.Lease, while the item runs
	slots    *slots   // one warm session per concurrency slot
	mu       sync.Mutex
	lastErr  map[string]itemErr
	writeErr error
}

// item runs one item's steps in its slot's Session (reset: a blank tab, with isolation an empty
// context) and writes its line when it succeeds.
func (r *run) item(ctx context.Context, it flow.Item) (int, error) {
	c, f := r.c, r.c.Flow
	start := time.Now()
	sl, err := r.slots.take(ctx, it.Key)
	if err != nil {
		return 0, r.noteErr(it, err)
	}
	// The slot goes back (and starts its reset) as soon as the page is done with, before the
	// result is stored.
	release := sync.OnceFunc(func() { r.slots.put(sl) })
	defer release()
	s := sl.s

	var records []map[string]any
	url := ""
	if f.StartURL != "" {
		u, _, err := f.Resolve(f.StartURL, it)
		if err != nil {
			return 0, r.noteErr(it, &stepError{step: "start_url", err: err})
		}
		url = u
		t0 := time.Now()
		if _, err := s.Navigate(ctx, u); err != nil {
			return 0, r.noteErr(it, &stepError{step: "start_url", err: err})
		}
		c.Logger.Debug("step done", zap.String("item", it.Key), zap.String("step", "start_url"), zap.Duration("took", time.Since(t0)))
	}
	reads := map[string]any{} // what the read steps (text, attr, value, count) put in the item's record
	for i, st := range f.Steps {
		t0 := time.Now()
		recs, err := r.step(ctx, s, st, it, reads)
		if err != nil {
			return 0, r.noteErr(it, &stepError{step: fmt.Sprintf("step %d (line %d)", i+1, st.Line), err: err})
		}
		c.Logger.Debug("step done", zap.String("item", it.Key), zap.Int("step", i+1), zap.String("kind", st.Kind),
			zap.Int("line", st.Line), zap.Duration("took", time.Since(t0)))
		records = append(records, recs...)
		if st.Kind == "navigate" && url == "" {
			url, _, _ = f.Resolve(st.Get("url"), it)
		}
	}
	if len(reads) > 0 {
		records = append(records, reads)
	}
	release()
	line := results.Line{Item: it.Key, Status: results.StatusOK, URL: url, DurationMS: time.Since(start).Milliseconds()}
	if err := r.deliver(ctx, it.Key, line, records); err != nil {
		r.setWriteErr(err)
		// Not the item's fault, but it is not done either: the run reports the write error.
		return 0, retry.ErrPermanent
	}
	if c.Tracker != nil {
		c.Tracker.ItemDone(len(records))
	}
	if c.OnItem != nil {
		line.Records = len(records)
		c.OnItem(line)
	}
	return len(records), nil
}

func (r *run) noteErr(it flow.Item, err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.lastErr[it.Key]
	e.err = err
	e.attempts++
	e.at = time.Now()
	r.lastErr[it.Key] = e
	return err
}

// deferUntil says whether a failed item is to run again later, because its domain refused it
// (ErrCircuitOpen) and it has been deferred fewer than limit times, and when: once the cooloff
// (RetryAfterOf the error) has passed.
func (r *run) deferUntil(fl retry.Failure[flow.Item], deferred, limit int) (time.Time, bool) {
	r.mu.Lock()
	e := r.lastErr[fl.Item.Key]
	r.mu.Unlock()
	err := e.err
	if err == nil {
		err = fl.Err
	}
	if deferred >= limit || !errors.Is(err, retry.ErrCircuitOpen) {
		return time.Time{}, false
	}
	left, ok := retry.RetryAfterOf(err)
	if !ok || left <= 0 {
		left = time.Second
	}
	return e.at.Add(left), true
}

// domainOf is the host the item's error names (for the progress line), else its url's.
func (r *run) domainOf(it flow.Item) string {
	r.mu.Lock()
	e := r.lastErr[it.Key]
	r.mu.Unlock()
	var ae *actions.ActionError
	if errors.As(e.err, &ae) && ae.URL != "" {
		return retry.Info{"url": ae.URL}.Domain()
	}
	return retry.Info{"url": it.URL()}.Domain()
}

// sleepUntil waits until t (at once when t has passed), or until ctx ends.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stepError names the step that failed (its line in the flow file).
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// step runs one step. Extract returns its records; the read steps (text, attr, value, count)
// put their value into reads under the step's record field.
func (r *run) step(ctx context.Context, s *actions.Session, st flow.Step, it flow.Item, reads map[string]any) ([]map[string]any, error) {
	f := r.c.Flow
	get := func(name string) (string, bool, error) { return f.Resolve(st.Get(name), it) }
	if st.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, st.Timeout)
		defer cancel()
	}
	if st.Retry != nil {
		ctx = actions.WithCallOptions(ctx, stepRetryOptions(st.Retry)...)
	}
	sel, _, err := get("selector")
	if err != nil {
		return nil, err
	}
	switch st.Kind {
	case "navigate":
		u, _, err := get("url")
		if err != nil {
			return nil, err
		}
		var opts []actions.NavOption
		switch {
		case st.AnyStatus:
			opts = append(opts, actions.AnyStatus())
		case len(st.ExpectStatus) > 0:
			opts = append(opts, actions.ExpectStatus(st.ExpectStatus...))
		}
		_, err = s.NavigateWith(ctx, u, opts...)
		return nil, err
	case "click":
		var opts []actions.ClickOption
		if b := st.Get("button"); b != "" && b != "left" {
			opts = append(opts, actions.Button(b))
		}
		if st.Count > 1 {
			opts = append(opts, actions.ClickCount(st.Count))
		}
		if len(opts) == 0 {
			return nil, s.Click(ctx, sel)
		}
		return nil, s.ClickWith(ctx, sel, opts...)
	case "upload":
		paths := make([]string, 0, len(st.Files))
		for _, tmpl := range st.Files {
			p, _, err := f.Resolve(tmpl, it)
			if err != nil {
				return nil, err
			}
			paths = append(paths, f.FilePath(p)) // relative to the flow file
		}
		return nil, s.SetFiles(ctx, sel, paths...)
	case "drag":
		from, _, err := get("from")
		if err != nil {
			return nil, err
		}
		to, _, err := get("to")
		if err != nil {
			return nil, err
		}
		return nil, s.Drag(ctx, from, to)
	case "back", "forward", "reload":
		return nil, historyStep(ctx, s, st)
	case "check":
		return nil, s.Check(ctx, sel)
	case "uncheck":
		return nil, s.Uncheck(ctx, sel)
	case "text", "attr", "value", "count", "dialog":
		v, err := r.read(ctx, s, st, it, sel)
		if err != nil {
			return nil, err
		}
		reads[st.Into()] = v
		return nil, nil
	case "scroll":
		return nil, s.Scroll(ctx, sel, st.DX, st.DY)
	case "scroll_until":
		n, err := s.ScrollUntil(ctx, sel, st.Count)
		if err == nil && n < st.Count {
			r.c.Logger.Info("scroll_until: the list stopped growing", zap.String("item", it.Key),
				zap.String("selector", sel), zap.Int("want", st.Count), zap.Int("got", n))
		}
		return nil, err
	case "fill":
		v, secret, err := get("value")
		if err != nil {
			return nil, err
		}
		if secret {
			return nil, s.FillSecret(ctx, sel, v)
		}
		return nil, s.Fill(ctx, sel, v)
	case "fill_secret":
		v, _, err := get("value")
		if err != nil {
			return nil, err
		}
		return nil, s.FillSecret(ctx, sel, v)
	case "select":
		v, _, err := get("value")
		if err != nil {
			return nil, err
		}
		return nil, s.Select(ctx, sel, v)
	case "press":
		k, _, err := get("key")
		if err != nil {
			return nil, err
		}
		return nil, s.Press(ctx, sel, k)
	case "hover":
		return nil, s.Hover(ctx, sel)
	case "wait_for":
		if _, ok := st.Fields["text"]; ok {
			text, _, err := get("text")
			if err != nil {
				return nil, err
			}
			return nil, s.WaitForText(ctx, sel, text)
		}
		if _, ok := st.Fields["state"]; !ok {
			return nil, s.WaitFor(ctx, sel)
		}
		state, err := actions.ParseWaitState(st.WaitState())
		if err != nil {
			return nil, err
		}
		return nil, s.WaitForState(ctx, sel, state)
	case "extract":
		container, _, err := get("container")
		if err != nil {
			return nil, err
		}
		if container == "" {
			container = ":root" // the whole page: one record
		}
		fields := map[string]string{}
		for _, ef := range st.Extract {
			q, _, err := f.Resolve(ef.Selector, it)
			if err != nil {
				return nil, err
			}
			if ef.Attr != "" {
				q += "@" + ef.Attr
			}
			fields[ef.Name] = q
		}
		recs, err := s.Extract(ctx, container, fields)
		if err != nil {
			return nil, err
		}
		out := make([]map[string]any, len(recs))
		for i, rec := range recs {
			m := make(map[string]any, len(rec))
			for k, v := range rec {
				m[k] = v
			}
			out[i] = m
		}
		return out, nil
	case "screenshot":
		p, _, err := get("path")
		if err != nil {
			return nil, err
		}
		png, err := s.Screenshot(ctx)
		if err != nil {
			return nil, err
		}
		dir := r.c.Artifacts
		if dir == "" {
			dir = "."
		}
		if r.c.Flow.IsBatch() {
			dir = filepath.Join(dir, slug(it.Key))
		}
		full := filepath.Join(dir, filepath.Clean(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		return nil, os.WriteFile(full, png, 0o644)
	case "assert_text":
		return nil, r.assertText(ctx, s, st, it, sel)
	case "popup":
		return r.popup(ctx, s, st, it, reads) // expect.go
	case "download":
		return r.download(ctx, s, st, it, reads) // expect.go
	case "paginate":
		return r.paginate(ctx, s, st, it, reads) // paginate.go
	case "enqueue":
		return nil, enqueueIn(ctx, s, st) // a paginate's, in a crawl's stage: paginate.go
	}
	return nil, fmt.Errorf("unknown step kind %q", st.Kind)
}

// historyStep runs back, forward or reload; expect_status makes those statuses a success, as
// for navigate.
func historyStep(ctx context.Context, s *actions.Session, st flow.Step) error {
	var opts []actions.NavOption
	switch {
	case st.AnyStatus:
		opts = append(opts, actions.AnyStatus())
	case len(st.ExpectStatus) > 0:
		opts = append(opts, actions.ExpectStatus(st.ExpectStatus...))
	}
	var err error
	switch st.Kind {
	case "back":
		_, err = s.Back(ctx, opts...)
	case "forward":
		_, err = s.Forward(ctx, opts...)
	default:
		_, err = s.Reload(ctx, opts...)
	}
	return err
}

// read runs a read step: the text, attribute (nil when the element has none), value or count.
func (r *run) read(ctx context.Context, s *actions.Session, st flow.Step, it flow.Item, sel string) (any, error) {
	switch st.Kind {
	case "text":
		if st.Nth != nil {
			return s.TextNth(ctx, sel, *st.Nth)
		}
		return s.Text(ctx, sel)
	case "attr":
		name, _, err := r.c.Flow.Resolve(st.Get("name"), it)
		if err != nil {
			return nil, err
		}
		var (
			v  string
			ok bool
		)
		if st.Nth != nil {
			v, ok, err = s.AttrNth(ctx, sel, name, *st.Nth)
		} else {
			v, ok, err = s.Attr(ctx, sel, name)
		}
		if err != nil || !ok {
			return nil, err
		}
		return v, nil
	case "value":
		if st.Nth != nil {
			return s.ValueNth(ctx, sel, *st.Nth)
		}
		return s.Value(ctx, sel)
	case "count":
		return s.Count(ctx, sel)
	case "dialog":
		// The dialog the step before opened, waited for when its slow request opens it late;
		// none within the step's timeout: null (never an older step's dialog).
		d, _, err := s.WaitForDialog(ctx)
		if err != nil {
			if ctx.Err() != nil && (st.Timeout == 0 || errors.Is(ctx.Err(), context.Canceled)) {
				return nil, ctx.Err() // the item's own end, not the step's
			}
			return nil, nil
		}
		return d.Message, nil
	}
	return nil, fmt.Errorf("unknown read step %q", st.Kind)
}

// AssertionError is an assert_text step whose text never matched. It is permanent: the page
// answered, it just says something else. Safe for concurrent use (a value).
type AssertionError struct {
	Selector, Want, Got, How string
}

func (e *AssertionError) Error() string {
	return fmt.Sprintf("assert_text %q: want text that %s %q, got %q", e.Selector, e.How, e.Want, e.Got)
}

// RetryType makes the engine classify it as invalid_input (never retried).
func (e *AssertionError) RetryType() retry.ErrorType { return retry.InvalidInput }

// assertText reads the element's text until it matches or the action timeout passes: pages
// update text after an action, and reading again is what a person would do.
func (r *run) assertText(ctx context.Context, s *actions.Session, st flow.Step, it flow.Item, sel string) error {
	how, want := "equals", st.Get("equals")
	if _, ok := st.Fields["contains"]; ok {
		how, want = "contains", st.Get("contains")
	}
	want, _, err := r.c.Flow.Resolve(want, it)
	if err != nil {
		return err
	}
	limit := r.c.ActionTimeout
	if limit <= 0 {
		limit = 10 * time.Second
	}
	deadline := time.Now().Add(limit)
	for {
		got, err := s.Text(ctx, sel)
		if err != nil {
			return err
		}
		got = strings.TrimSpace(got)
		if (how == "equals" && got == want) || (how == "contains" && strings.Contains(got, want)) {
			return nil
		}
		if time.Now().After(deadline) {
			return &AssertionError{Selector: sel, Want: want, Got: got, How: how}
		}
		select {
		case <-ctx.Done():
			return &AssertionError{Selector: sel, Want: want, Got: got, How: how}
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (r *run) failureLine(fl retry.Failure[flow.Item]) results.Line {
	line := results.Line{Item: fl.Item.Key, Status: results.StatusFail, URL: fl.Item.URL(),
		ErrorType: fl.Type.String(), Attempts: fl.Attempts, ItemAttempts: fl.Attempts}
	var re *retry.Error
	if errors.As(fl.Err, &re) {
		line.Reason = re.Reason
	}
	err := fl.Err
	r.mu.Lock()
	if e, ok := r.lastErr[fl.Item.Key]; ok && e.err != nil {
		err = e.err
	}
	r.mu.Unlock()
	line.Error = err.Error()
	var ae *actions.ActionError
	if errors.As(err, &ae) {
		line.Snapshot = ae.Artifacts
		if n := ae.Attempts(); n > 0 {
			line.Attempts = n // the action's own attempts say more than the item's
		}
		if line.URL == "" {
			line.URL = failedURL(ae)
		}
	}
	return line
}

// failedURL is the page a failed item's line names when the item has no url field: what a
// failed navigation asked for (the tab may show Chromium's error page, or still the previous
// item's), else the page the action ran on.
func failedURL(ae *actions.ActionError) string {
	if ae.Action == "navigate" && ae.Target != "" {
		return ae.Target
	}
	if ae.URL == "about:blank" || strings.HasPrefix(ae.URL, "chrome-error:") {
		return ""
	}
	return ae.URL
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// slug turns an item key into a folder name.
func slug(key string) string {
	s := strings.Trim(unsafeChars.ReplaceAllString(key, "_"), "_")
	if len(s) > 80 {
		s = s[len(s)-80:]
	}
	if s == "" {
		s = "item"
	}
	return s
}

// stepRetryOptions turns a step's `retry:` block into per-call options for its Session call.
func stepRetryOptions(r *flow.StepRetry) []retry.CallOption {
	var opts []retry.CallOption
	if r.MaxAttempts > 0 {
		opts = append(opts, retry.MaxAttempts(r.MaxAttempts))
	}
	if r.Strategy != nil {
		opts = append(opts, retry.UseStrategy(*r.Strategy))
	}
	return opts
}
