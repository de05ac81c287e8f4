package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/internal/progress"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/testpages"
)

// env is what every test shares: one test site and one Chromium.
var env struct {
	srv *testpages.Server
	b   *browser.Browser
	err error
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(suite{m}) }

// suite closes the browser before goleak looks for leftovers.
type suite struct{ m *testing.M }

func (s suite) Run() int {
	srv, err := testpages.Start()
	if err != nil {
		env.err = fmt.Errorf("start the test site: %w", err)
		return s.m.Run()
	}
	env.srv = srv
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	b, err := browser.Launch(ctx)
	cancel()
	if err != nil {
		env.err = fmt.Errorf("launch Chromium: %w — run make setup", err)
		return s.m.Run() // every test fails with env.err: a missing browser is a failure
	}
	env.b = b
	code := s.m.Run()
	chromium := testenv.ChromiumDescendants()
	if err := b.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "runner tests: close Chromium:", err)
		code = 1
	}
	if left := testenv.StillRunning(chromium, 10*time.Second); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "runner tests: Chromium processes outlived the run: %v\n", left)
		code = 1
	}
	return code
}

func requireEnv(t testing.TB) {
	t.Helper()
	if env.err != nil {
		t.Fatalf("runner tests need Chromium at /usr/bin/chromium (or SMARTRETRY_BROWSER): %v", env.err)
	}
}

// site is the test site's base URL, for ${SITE} in flows.
func site() string { return strings.TrimSuffix(env.srv.URL("/"), "/") }

// outcome is a finished run: its summary, its results lines, and what the engine told the
// progress tracker.
type outcome struct {
	sum     Summary
	err     error
	items   map[string]results.Line
	records []map[string]any
	tracker *progress.Tracker
}

// runFlow parses src (with ${SITE}) and runs it against the shared browser, as `smartretry run`
// does; tune changes the Config, observe (if not nil) sees the engine's events too.
func runFlow(t *testing.T, src string, tune func(*Config), observe func(retry.Event)) outcome {
	t.Helper()
	requireEnv(t)
	f, err := flow.Parse([]byte(src), flow.Options{File: t.Name() + ".yaml", Env: func(k string) (string, bool) {
		if k == "SITE" {
			return site(), true
		}
		return "", false
	}})
	require.NoError(t, err)
	tracker := progress.NewTracker(len(f.Batch()))
	m := retry.NewManager(append(ManagerOptions(f.Engine), retry.WithClassifier(browser.Classify),
		retry.WithObserver(func(ev retry.Event) {
			tracker.Observe(ev)
			if observe != nil {
				observe(ev)
			}
		}))...)
	ApplyEngine(m, f.Engine)
	var buf testenv.LockedBuffer
	w := results.NewWriter(&buf)
	c := Config{Flow: f, Browser: env.b, Manager: m, Results: w, Tracker: tracker, ActionTimeout: 10 * time.Second}
	if tune != nil {
		tune(&c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sum, err := Run(ctx, c)
	require.NoError(t, w.Close())
	o := outcome{sum: sum, err: err, items: map[string]results.Line{}, tracker: tracker}
	sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
	for sc.Scan() {
		var l results.Line
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		if l.Kind == results.KindItem {
			o.items[l.Item] = l
		} else {
			o.records = append(o.records, l.Data)
		}
	}
	return o
}
