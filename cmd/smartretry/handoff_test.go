package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
)

// cliChromium finds the control address of the Chromium the CLI under test launched (the one
// whose environment carries the marker and whose profile has a DevToolsActivePort).
func cliChromium(t *testing.T, ctx context.Context) string {
	t.Helper()
	for ctx.Err() == nil {
		for _, pid := range testenv.ProcessesWithEnv(marker) {
			cmdline, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
			for _, arg := range strings.Split(string(cmdline), "\x00") {
				if dir, ok := strings.CutPrefix(arg, "--user-data-dir="); ok {
					if data, err := os.ReadFile(filepath.Join(dir, "DevToolsActivePort")); err == nil {
						if port, _, _ := strings.Cut(string(data), "\n"); port != "" {
							return "127.0.0.1:" + port
						}
					}
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the CLI's Chromium was not found")
	return ""
}

// A headful run meets a reCAPTCHA: the CLI pauses that item and says what and where; a scripted
// person solves it in the visible window (real mouse events on the look-alike's checkbox); the
// item resumes and finishes. The item after it runs too. Under Xvfb: the path a real person takes.
func TestHandOffHeadfulUnderXvfb(t *testing.T) {
	_, site := startSite(t)
	disp := testenv.StartXvfb(t, marker)
	dir := t.TempDir()
	flowFile := filepath.Join(dir, "captcha.yaml")
	require.NoError(t, os.WriteFile(flowFile, []byte(`
items:
  - {id: captcha, path: /captcha/recaptcha}
  - {id: product, path: /product/3}
start_url: ${SITE}${item.path}
steps:
  - wait_for: "#content, h1.name"
`), 0o644))
	out := filepath.Join(dir, "out.jsonl")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := cmd(ctx, dir, []string{site, "DISPLAY=" + disp}, "run", "--headful", "--handoff", "on",
		"--handoff-timeout", "1m", "--out", out, flowFile)
	stderr, err := c.StderrPipe()
	require.NoError(t, err)
	c.Stdout = os.Stdout
	require.NoError(t, c.Start())
	defer func() { _ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }()

	// Wait for the request to the person, keeping the rest of stderr for the report.
	var log bytes.Buffer
	asked := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			log.WriteString(line + "\n")
			if strings.Contains(line, "solve it in the browser window") {
				select {
				case asked <- line:
				default:
				}
			}
		}
	}()
	var msg string
	select {
	case msg = <-asked:
	case <-ctx.Done():
		t.Fatal("the CLI never asked the person")
	}
	assert.Contains(t, msg, "recaptcha")
	assert.Contains(t, msg, "/captcha/recaptcha")

	// The person: the visible window of the CLI's own browser.
	b, err := browser.Connect(ctx, cliChromium(t, ctx))
	require.NoError(t, err)
	defer b.Close()
	var page *rod.Page
	for page == nil && ctx.Err() == nil {
		pages, _ := b.Rod().Pages()
		for _, p := range pages {
			if info, err := p.Info(); err == nil && strings.Contains(info.URL, "/captcha/recaptcha") {
				page = p
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NotNil(t, page)
	require.NoError(t, testenv.ClickInFrames(ctx, page, "#captcha-solve"))

	require.NoError(t, c.Wait(), "exit code of a run whose CAPTCHA a person solved")
	lines := readResults(t, out)
	status := map[string]string{}
	for _, l := range lines {
		if l.Kind == results.KindItem {
			status[l.Item] = l.Status
		}
	}
	assert.Equal(t, map[string]string{"captcha": "ok", "product": "ok"}, status)
}
