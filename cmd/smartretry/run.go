package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"golang.org/x/term"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/progress"
	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/runner"
	"github.com/smartretry/smartretry/retry"
)

type runOpts struct {
	headful       bool
	concurrency   int
	out           string
	resume        bool
	artifacts     string
	logFormat     string
	verbose       int
	timeout       time.Duration
	actionTimeout time.Duration
	navTimeout    time.Duration
	itemAttempts  int
	progressEvery time.Duration
	handoff       handoffOpts
	job           jobOpts
	outSet        bool // --out given (with --queue: keep a local copy)
	downloads     string
}

func newRunCmd(io stdio) *cobra.Command {
	var o runOpts
	c := &cobra.Command{
		Use:   "run [flags] FLOW.yaml",
		Short: "Run a flow file (YAML or JSON): steps, variables, batches",
		Long: `Run a flow file. The file is checked completely before the browser starts: a malformed flow
exits with code 2 and names the line and the field.

Results are JSON Lines, one line per extracted record and one per item (ok, or failed with its
error type, attempts, reason and error-snapshot folder), each item written and fsynced as it
ends. With --resume, items already done in --out are skipped, so a run killed at any moment
finishes on the next try with no item lost and none written twice.

An item whose site's circuit breaker is open is deferred, not failed: it waits for the cooloff
(the progress line says "waiting for HOST cooloff 42s") and goes on after the half-open probe;
the summary counts deferrals. With engine.circuit_breaker.max_wait: 0 it does not wait but is put
back to run after the cooloff, up to 5 times, before it fails as circuit_open.

Progress goes to stderr: a bar on a terminal, a line every few seconds otherwise, then a summary.`,
		Example: `  SITE=http://127.0.0.1:8080 smartretry run --out catalog.jsonl examples/catalog.yaml
  smartretry run --concurrency 4 --out out.jsonl --resume --artifacts ./artifacts flow.yaml
  smartretry run --headful flow.yaml      # a person can solve CAPTCHAs in the window`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.outSet = cmd.Flags().Changed("out")
			return runFlow(cmd.Context(), io, args[0], o)
		},
	}
	f := c.Flags()
	f.BoolVar(&o.headful, "headful", false, "show the browser window (a person can solve CAPTCHAs in it)")
	f.IntVar(&o.concurrency, "concurrency", 0, "items (pages) run at once (default: the flow's concurrency, else 1)")
	f.StringVarP(&o.out, "out", "o", "-", "results file (JSON Lines); - is stdout")
	f.BoolVar(&o.resume, "resume", false, "skip items already done in --out and append the rest")
	f.StringVar(&o.artifacts, "artifacts", "", "folder for error snapshots and screenshots (default: none for errors, . for screenshots)")
	f.StringVar(&o.logFormat, "log-format", "console", "log format on stderr: console or json")
	f.CountVarP(&o.verbose, "verbose", "v", "-v logs every recovery (info), -vv every step (debug); default: failures only")
	f.DurationVar(&o.timeout, "timeout", 0, "limit for the whole run (0: none); unfinished items are left for --resume")
	f.DurationVar(&o.actionTimeout, "action-timeout", 0, "deadline of one attempt of one action (default: the flow's timeout, else 10s)")
	f.DurationVar(&o.navTimeout, "navigation-timeout", 0, "deadline of one attempt of a page load, for a site slow to answer (default: the action timeout)")
	f.IntVar(&o.itemAttempts, "item-attempts", 2, "times an item is run when its actions give up (partial retry of the batch)")
	f.StringVar(&o.handoff.mode, "handoff", "auto", "CAPTCHA/login hand-off to a person: auto (when stdin is a terminal), on, off")
	f.DurationVar(&o.handoff.timeout, "handoff-timeout", 5*time.Minute, "how long a person has to solve a CAPTCHA")
	f.DurationVar(&o.progressEvery, "progress-every", 5*time.Second, "interval of the progress lines when stderr is not a terminal")
	f.StringVar(&o.downloads, "downloads", "", "folder where download steps save files (default: downloads beside --out, or in the working directory)")
	addJobFlags(f, &o.job)
	return c
}

func runFlow(ctx context.Context, io stdio, path string, o runOpts) error {
	// Everything that can be wrong with the command line or the flow is found before the
	// browser starts.
	fl, err := flow.Load(path, os.LookupEnv)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("invalid flow:\n%w", err))
	}
	if o.concurrency < 0 || o.concurrency > flow.MaxConcurrency {
		return exitWith(exitUsage, fmt.Errorf("--concurrency: want 1 to %d, got %d", flow.MaxConcurrency, o.concurrency))
	}
	if o.itemAttempts < 1 || o.itemAttempts > flow.MaxAttemptsLimit {
		return exitWith(exitUsage, fmt.Errorf("--item-attempts: want 1 to %d, got %d", flow.MaxAttemptsLimit, o.itemAttempts))
	}
	if o.timeout < 0 || o.actionTimeout < 0 || o.navTimeout < 0 {
		return exitWith(exitUsage, errors.New("--timeout, --action-timeout and --navigation-timeout must not be negative"))
	}
	stdout := o.out == "-" || o.out == ""
	if stdout && o.resume {
		return exitWith(exitUsage, errors.New("--resume needs --out FILE (it reads what the file already holds)"))
	}
	if err := validateJob(&o.job, o.resume); err != nil {
		return exitWith(exitUsage, err)
	}
	log, err := newLogger(io.err, o.logFormat, o.verbose)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	esc, err := newEscalator(io, o.handoff)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	defer func() { _ = log.Sync() }()

	redact := results.Redact(fl.Secrets()...)
	var w *results.Writer
	skip := map[string]bool{}
	switch {
	case stdout:
		w = results.NewWriter(io.out, redact)
	case o.resume:
		var st *results.State
		w, st, err = results.Resume(o.out, redact)
		if err != nil {
			return exitWith(exitUsage, fmt.Errorf("--out: %w", err))
		}
		skip = st.Done
		if st.CutBytes > 0 {
			fmt.Fprintf(io.err, "resume: cut %d bytes of an unfinished item at the end of %s\n", st.CutBytes, o.out)
		}
		fmt.Fprintf(io.err, "resume: %d items already done, %d failed before (run again)\n", len(st.Done), len(st.Failed))
	default:
		w, err = results.Create(o.out, redact)
		if err != nil {
			return exitWith(exitUsage, fmt.Errorf("--out: %w", err))
		}
	}
	defer w.Close()

	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}

	var jb *job // a job shared through Redis (--queue), nil when alone
	if o.job.queueURL() != "" {
		var copyTo *results.Writer
		if o.outSet {
			copyTo = w
		}
		if jb, err = joinJob(ctx, &o.job, fl, path, max(o.concurrency, fl.Concurrency, 1), copyTo, log); err != nil {
			return err
		}
		defer jb.close()
	}
	total := len(fl.Batch())
	if jb != nil {
		total = jb.total
	}
	tracker := progress.NewTracker(total)
	storeOpt, closeStore, err := engineStore(ctx, &o.job, jb, log)
	if err != nil {
		return err
	}
	defer closeStore()
	mopts := append(runner.ManagerOptions(fl.Engine),
		retry.WithLogger(log.Named("retry")),
		retry.WithClassifier(browser.Classify),
		retry.WithObserver(observer(tracker, jb)),
		storeOpt)
	m := retry.NewManager(mopts...)
	runner.ApplyEngine(m, fl.Engine)

	// A crawl's sitemaps are read before the browser starts: one that cannot be read (and the
	// crawl has no start URLs to go on from) is bad input, found before any browser work.
	sitemaps, err := readSitemaps(ctx, fl, m, log)
	if err != nil {
		return err
	}

	var bopts []browser.Option
	if fl.UserAgent != "" {
		bopts = append(bopts, browser.UserAgent(fl.UserAgent))
	}
	b, err := startBrowser(ctx, o.job.browserURL, o.headful, log.Named("browser"), bopts...)
	if err != nil {
		return err
	}
	defer b.Close()

	tty := isTerminal(io.err)
	rep := progress.Start(tracker, io.err, tty, o.progressEvery)
	rc := runner.Config{
		Flow: fl, Browser: b, Manager: m, Results: w, Tracker: tracker, Logger: log,
		Escalator:         esc,
		Skip:              skip,
		Concurrency:       o.concurrency,
		ItemAttempts:      o.itemAttempts,
		ActionTimeout:     o.actionTimeout,
		NavigationTimeout: o.navTimeout,
		Artifacts:         o.artifacts,
		Downloads:         downloadsDir(o.downloads, o.out),
		Sitemaps:          sitemaps,
		OnItem: func(l results.Line) {
			if l.Status == results.StatusFail {
				rep.Printf("FAILED %s: %s after %d attempt(s): %s\n", l.Item, l.ErrorType, l.Attempts, l.Error)
			}
		},
	}
	if jb != nil {
		rc.Queue = jb.q
		jb.watch(tracker, o.progressEvery)
	}
	sum, runErr := runner.Run(ctx, rc)
	rep.Stop()
	snap := tracker.Snapshot()
	fmt.Fprintln(io.err, "---")
	fmt.Fprintln(io.err, snap.Summary())
	if stages := runner.StagesOf(w); stages != nil {
		fmt.Fprintln(io.err, runner.StagesText(stages))
	}
	var jobTotals *queue.Totals
	switch {
	case jb != nil:
		if sum.Interrupted > 0 {
			fmt.Fprintf(io.err, "not finished here: %d items (given back to the job: another worker, or this command again, does them)\n", sum.Interrupted)
		}
		if t, err := jb.summary(io.err); err == nil {
			jobTotals = &t
		}
	case sum.Interrupted > 0:
		fmt.Fprintf(io.err, "not finished: %d items (rerun with --resume to do them)\n", sum.Interrupted)
	}
	if !stdout && (jb == nil || o.outSet) {
		fmt.Fprintf(io.err, "results: %s\n", o.out)
	}
	log.Info("run finished", zap.Int("ok", sum.OK), zap.Int("failed", sum.Failed), zap.Int("skipped", sum.Skipped))

	switch {
	case runErr != nil && errors.Is(runErr, context.DeadlineExceeded):
		return exitWith(exitFailed, fmt.Errorf("--timeout %s reached", o.timeout))
	case runErr != nil && errors.Is(runErr, context.Canceled):
		return exitWith(exitInterrupted, errors.New("interrupted"))
	case runErr != nil:
		return exitWith(exitFailed, runErr)
	case jobTotals != nil && jobTotals.Failed > 0:
		return exitWith(exitFailed, fmt.Errorf("%d of %d items of job %s failed", jobTotals.Failed, jobTotals.Items, jobTotals.Job))
	case sum.Failed > 0 && jb == nil:
		return exitWith(exitFailed, fmt.Errorf("%d of %d items failed", sum.Failed, sum.Items))
	case sum.Failed > 0 && jobTotals == nil:
		return exitWith(exitFailed, fmt.Errorf("%d items failed here (the job's totals could not be read)", sum.Failed))
	}
	return nil
}

// isTerminal reports whether w is a terminal (for the progress bar).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// readSitemaps reads a crawl's sitemaps (nil when it has none).
func readSitemaps(ctx context.Context, fl *flow.Flow, m *retry.Manager, log *zap.Logger) (*runner.SitemapStarts, error) {
	if !fl.HasSitemaps() {
		return nil, nil
	}
	sm, err := runner.ReadSitemaps(ctx, fl, m, log.Named("sitemap"))
	switch {
	case err == nil:
		return sm, nil
	case errors.Is(err, context.Canceled):
		return nil, exitWith(exitInterrupted, errors.New("interrupted while reading the sitemaps"))
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return nil, exitWith(exitFailed, errors.New("--timeout reached while reading the sitemaps"))
	}
	return nil, exitWith(exitUsage, fmt.Errorf("the crawl cannot start (no start URLs to go on from):\n%w", err))
}
