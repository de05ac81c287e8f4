package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/spf13/cobra"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/progress"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/runner"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/testpages"
)

func newDemoCmd(io stdio) *cobra.Command {
	var headful bool
	c := &cobra.Command{
		Use:   "demo",
		Short: "Run every fault of the embedded test site and show each retry decision (under a minute)",
		Long: `Start the embedded test site and run a flow that meets most faults a real site throws: a late
element, a stale one, 429 with Retry-After, a flapping 5xx, a connection reset, a crashed tab, a
404, a CAPTCHA, and a 20-page catalogue scraped as a batch (3 pages at a time, flaky pages retried
on their own). Each decision of the retry engine is printed as it happens; the run ends with the
engine's stats and the scraped records. No input needed; it takes well under a minute.

The engine's base delays are shortened for the demo (a real run waits 5s after a 5xx, 30s after a
429 without Retry-After); Retry-After itself is always honoured.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDemo(cmd.Context(), io, headful)
		},
	}
	c.Flags().BoolVar(&headful, "headful", false, "show the browser window")
	return c
}

// demoPrinter prints the engine's decisions as they happen. Safe for concurrent use.
type demoPrinter struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
}

func (p *demoPrinter) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, args...)
}

func (p *demoPrinter) event(ev retry.Event) {
	at := fmt.Sprintf("%5.1fs", time.Since(p.start).Seconds())
	switch ev.Kind {
	case retry.EventRetry:
		p.printf("  %s  ↻ retry     %-14s %-18s attempt %d failed, wait %-6s %s\n", at, ev.Action, ev.Type, ev.Attempt+1, roundDur(ev.Delay), ev.Reason)
	case retry.EventSuccess:
		if ev.Attempt > 0 {
			rep := ev.Solution
			if rep == "" {
				rep = "none"
			}
			p.printf("  %s  ✓ recovered %-14s after %d attempts, repair: %s\n", at, ev.Action, ev.Attempt+1, rep)
		}
	case retry.EventGiveUp:
		p.printf("  %s  ✗ give up   %-14s %-18s after %d attempt(s): %s\n", at, ev.Action, ev.Type, ev.Attempt+1, ev.Reason)
	case retry.EventEscalate:
		p.printf("  %s  ☎ escalate  %-14s %-18s a person is needed\n", at, ev.Action, ev.Type)
	case retry.EventBreakerOpen:
		p.printf("  %s  ⚡ breaker open for %s (cooloff %s)\n", at, ev.Domain, roundDur(ev.Delay))
	case retry.EventBreakerHalfOpen:
		p.printf("  %s  ⚡ breaker half-open for %s: one probe goes through\n", at, ev.Domain)
	case retry.EventBreakerClosed:
		p.printf("  %s  ⚡ breaker closed for %s\n", at, ev.Domain)
	}
}

func roundDur(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	return d.Round(10 * time.Millisecond).String()
}

// demoAttempt is the deadline of one attempt in the demo. Nothing in it waits for something that
// never comes, so it costs nothing when the machine is fast, and on a slow or loaded one (a CI
// runner beside another browser) a navigation of the local site can take seconds.
const demoAttempt = 10 * time.Second

// demoConfig shortens the engine's delays so the whole demo stays well under a minute.
// Attempts and strategies stay the guide's; Retry-After is honoured as always.
func demoConfig(m *retry.Manager) {
	for _, t := range retry.ErrorTypes() {
		c := m.Config(t)
		c.BaseDelay = min(c.BaseDelay, 200*time.Millisecond)
		c.MaxDelay = min(c.MaxDelay, 2*time.Second)
		m.SetConfig(t, c)
	}
}

// demoCatalog is the batch part of the demo, as a flow file would say it. Each action gets a
// single attempt at a 5xx so that flaky pages fail as items and the batch's partial retry runs
// them again on their own.
const demoCatalog = `
name: catalogue
concurrency: 3
start_url: ${SITE}/catalog?page=${item.page}&id=demo-catalog&flaky=3,7,12&fail=1
engine:
  errors:
    server_error: {max_attempts: 1}
items: [{page: 1}, {page: 2}, {page: 3}, {page: 4}, {page: 5}, {page: 6}, {page: 7}, {page: 8},
        {page: 9}, {page: 10}, {page: 11}, {page: 12}, {page: 13}, {page: 14}, {page: 15},
        {page: 16}, {page: 17}, {page: 18}, {page: 19}, {page: 20}]
steps:
  - extract:
      container: "#products .product"
      fields:
        name: .name
        price: .price
        url: {selector: a.detail, attr: href}
`

type scenario struct {
	title  string
	expect string // what should happen, shown before it runs
	fail   bool   // the scenario is expected to fail (permanent errors)
	run    func(ctx context.Context, s *actions.Session) (string, error)
}

func runDemo(ctx context.Context, io stdio, headful bool) error {
	start := time.Now()
	site, err := testpages.Start()
	if err != nil {
		return exitWith(exitFailed, fmt.Errorf("start the test site: %w", err))
	}
	defer site.Close()
	pr := &demoPrinter{w: io.out, start: start}
	pr.printf("smartretry demo: the embedded test site is at %s\n", site.URL("/"))
	pr.printf("(engine delays shortened for the demo; Retry-After is honoured)\n")

	tracker := progress.NewTracker(20)
	m := retry.NewManager(
		retry.WithClassifier(browser.Classify),
		retry.WithBreakerPolicy(5, 10*time.Second, 2*time.Second),
		retry.WithObserver(func(ev retry.Event) { pr.event(ev); tracker.Observe(ev) }),
	)
	demoConfig(m)

	b, err := browser.Launch(ctx, browser.Headless(!headful))
	if err != nil {
		return exitWith(exitBrowser, fmt.Errorf("start the browser: %w", err))
	}
	defer b.Close()
	s, err := actions.NewSession(b, actions.WithManager(m), actions.WithTimeout(demoAttempt))
	if err != nil {
		return exitWith(exitBrowser, err)
	}
	defer s.Close()

	u := site.URL
	text := func(ctx context.Context, s *actions.Session, sel string) (string, error) {
		t, err := s.Text(ctx, sel)
		return fmt.Sprintf("%s = %q", sel, strings.TrimSpace(t)), err
	}
	scenarios := []scenario{
		{"late element", "the Buy button is inserted 1.5s after load: wait for it, click once", false,
			func(ctx context.Context, s *actions.Session) (string, error) {
				if _, err := s.Navigate(ctx, u("/late?ms=1500")); err != nil {
					return "", err
				}
				if err := s.Click(ctx, "#target"); err != nil {
					return "", err
				}
				return text(ctx, s, "#result")
			}},
		{"stale element", "hovering replaces the button with a clone: re-resolve, click the new one once", false,
			func(ctx context.Context, s *actions.Session) (string, error) {
				if _, err := s.Navigate(ctx, u("/hover-replace")); err != nil {
					return "", err
				}
				if err := s.Hover(ctx, "#target"); err != nil {
					return "", err
				}
				if err := s.Click(ctx, "#target"); err != nil {
					return "", err
				}
				return text(ctx, s, "#result")
			}},
		{"re-rendered list", "the list is rebuilt every 50ms: act on the current node only", false,
			func(ctx context.Context, s *actions.Session) (string, error) {
				if _, err := s.Navigate(ctx, u("/rerender?ms=50")); err != nil {
					return "", err
				}
				if err := s.Click(ctx, "li[data-testid=item-3] button"); err != nil {
					return "", err
				}
				return text(ctx, s, "#result")
			}},
		{"429 with Retry-After", "the first request gets 429 and Retry-After: 2: wait 2s, then succeed", false,
			func(ctx context.Context, s *actions.Session) (string, error) {
				r, err := s.Navigate(ctx, u("/ratelimit?id=demo&fail=1&ra=2"))
				return fmt.Sprintf("status %d", r.Status), err
			}},
		{"flapping 5xx", "503 twice: back off, navigate again", false,
			func(ctx context.Context, s *actions.Session) (string, error) {
				r, err := s.Navigate(ctx, u("/flaky?id=demo&fail=2&code=503"))
				return fmt.Sprintf("status %d", r.Status), err
			}},
		{"connection reset", "the server drops the connection twice: back off, navigate again", false,
			func(ctx context.Context, s *actions.Session) (string, error) {
				r, err := s.Navigate(ctx, u("/reset?id=demo-reset&fail=2"))
				return fmt.Sprintf("status %d", r.Status), err
			}},
		{"crashed tab", "the renderer dies mid-flow (Page.crash): new tab, back to the last URL, finish", false,
			func(ctx context.Context, s *actions.Session) (string, error) {
				if _, err := s.Navigate(ctx, u("/crash")); err != nil {
					return "", err
				}
				if err := s.Fill(ctx, "#name", "demo"); err != nil {
					return "", err
				}
				// Page.crash never answers: fire it with a short deadline.
				_ = proto.PageCrash{}.Call(s.Page().Timeout(500 * time.Millisecond))
				if err := s.Click(ctx, "#target"); err != nil {
					return "", err
				}
				return text(ctx, s, "#result")
			}},
		{"404", "a page that does not exist: fail at once, no retry", true,
			func(ctx context.Context, s *actions.Session) (string, error) {
				_, err := s.Navigate(ctx, u("/notfound"))
				return "", err
			}},
		{"CAPTCHA", "a reCAPTCHA: escalate to a person (none in the demo, so it fails with ErrEscalate)", true,
			func(ctx context.Context, s *actions.Session) (string, error) {
				_, err := s.Navigate(ctx, u("/captcha/recaptcha"))
				return "", err
			}},
	}

	expected, total := 0, len(scenarios)+1
	for i, sc := range scenarios {
		if ctx.Err() != nil {
			return exitWith(exitInterrupted, errors.New("interrupted"))
		}
		pr.printf("\n%d. %s: %s\n", i+1, sc.title, sc.expect)
		t0 := time.Now()
		sctx, cancel := context.WithTimeout(ctx, 3*demoAttempt)
		got, err := sc.run(sctx, s)
		cancel()
		took := time.Since(t0).Round(10 * time.Millisecond)
		switch {
		case err == nil && !sc.fail:
			expected++
			pr.printf("   ok in %s: %s\n", took, got)
		case err != nil && sc.fail:
			expected++
			pr.printf("   failed as it should in %s: %s (%s)\n", took, retry.Classify(err), firstLine(err.Error()))
		case err != nil:
			pr.printf("   UNEXPECTED failure after %s: %v\n", took, err)
		default:
			pr.printf("   UNEXPECTED success after %s: %s\n", took, got)
		}
	}

	// The batch: the same machinery as `smartretry run` on a flow file.
	pr.printf("\n%d. paginated catalogue: 20 pages, 3 at a time; pages 3, 7 and 12 answer 503 once,\n"+
		"   fail as items, and the batch retries only them (partial retry)\n", len(scenarios)+1)
	fl, err := flow.Parse([]byte(demoCatalog), flow.Options{File: "demo-catalogue.yaml", Env: func(k string) (string, bool) {
		if k == "SITE" {
			return strings.TrimSuffix(site.URL("/"), "/"), true
		}
		return "", false
	}})
	if err != nil {
		return exitWith(exitFailed, fmt.Errorf("demo flow: %w", err))
	}
	saved := m.Config(retry.ServerError)
	runner.ApplyEngine(m, fl.Engine)
	var buf bytes.Buffer
	w := results.NewWriter(&buf)
	t0 := time.Now()
	sum, err := runner.Run(ctx, runner.Config{Flow: fl, Browser: b, Manager: m, Results: w, Tracker: tracker,
		ItemAttempts: 3, ActionTimeout: demoAttempt})
	m.SetConfig(retry.ServerError, saved)
	if err != nil {
		if ctx.Err() != nil {
			return exitWith(exitInterrupted, errors.New("interrupted"))
		}
		return exitWith(exitFailed, err)
	}
	pr.printf("   %d/%d pages ok, %d failed, %d records in %s\n", sum.OK, sum.Items, sum.Failed, sum.Records,
		time.Since(t0).Round(10*time.Millisecond))
	if sum.Failed == 0 && sum.Records == 200 {
		expected++
	}
	pr.printf("\n%d. a short crawl: catalogue page 1 → its products (links in cycles, each run once), robots.txt\n"+
		"   read once, pages of the domain paced by the adaptive limiter; 8 pages at most\n", len(scenarios)+2)
	demoCrawl(ctx, pr, site, b, m) // democrawl.go

	pr.printf("\n== retry engine stats ==\n")
	printStats(io.out, m.Stats())
	pr.printf("\n== scraped records: %d (first 3 of the JSONL) ==\n", sum.Records)
	shown := 0
	for _, line := range strings.Split(buf.String(), "\n") {
		var l results.Line
		if json.Unmarshal([]byte(line), &l) == nil && l.Kind == results.KindRecord && shown < 3 {
			pr.printf("%s\n", line)
			shown++
		}
	}
	snap := tracker.Snapshot()
	pr.printf("\n== summary ==\nscenarios as expected: %d/%d\ncatalogue: %d pages ok, %d failed, %d records\nretries: %d, breaker events: %d\nduration: %s\n",
		expected, total, sum.OK, sum.Failed, sum.Records, snap.Retries, snap.BreakerEvents, time.Since(start).Round(100*time.Millisecond))
	if expected != total {
		return exitWith(exitFailed, fmt.Errorf("%d of %d demo scenarios did not go as expected", total-expected, total))
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// printStats prints retry.Stats as tables.
func printStats(w io.Writer, st retry.Stats) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "attempts recorded\t%d\n", st.SessionAttempts)
	fmt.Fprintf(tw, "failure patterns known\t%d\n", st.KnownPatterns)
	fmt.Fprintf(tw, "patterns with a learnt repair\t%d\n", st.PatternsWithSolutions)
	tw.Flush()
	if len(st.ErrorTypeDistribution) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "error type\tfailures\tattempts / strategy (default)")
		keys := make([]string, 0, len(st.ErrorTypeDistribution))
		for k := range st.ErrorTypeDistribution {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t, _ := retry.ParseErrorType(k)
			c := retry.DefaultConfig(t)
			fmt.Fprintf(tw, "%s\t%d\t%d / %s\n", k, st.ErrorTypeDistribution[k], c.MaxAttempts, c.Strategy)
		}
		tw.Flush()
	}
	if len(st.CircuitBreakerStates) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "domain\tbreaker\tfailures in window")
		keys := make([]string, 0, len(st.CircuitBreakerStates))
		for k := range st.CircuitBreakerStates {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			bs := st.CircuitBreakerStates[k]
			fmt.Fprintf(tw, "%s\t%s\t%d\n", k, bs.State, bs.Failures)
		}
		tw.Flush()
	}
}
