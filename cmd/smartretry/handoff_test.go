package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
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
)

// startXvfb starts a virtual display for the test and returns its DISPLAY value.
func startXvfb(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("Xvfb")
	require.NoError(t, err, "Xvfb is needed: run make setup")
	for n := 90 + os.Getpid()%50; ; n++ {
		disp := fmt.Sprintf(":%d", n)
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		c := exec.Command(bin, disp, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		c.Env = append(os.Environ(), marker)
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		require.NoError(t, c.Start())
		t.Cleanup(func() { _ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL); _ = c.Wait() })
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return disp
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not start", disp)
	}
}

// cliChromium finds the control address of the Chromium the CLI under test launched (the one
// whose environment carries the marker and whose profile has a DevToolsActivePort).
func cliChromium(t *testing.T, ctx context.Context) string {
	t.Helper()
	for ctx.Err() == nil {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if _, err := strconv.Atoi(e.Name()); err != nil {
				continue
			}
			env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
			if err != nil || !bytes.Contains(env, []byte(marker+"\x00")) {
				continue
			}
			cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
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

// personClick clicks sel in p or any of its frames with real mouse events, as a person would.
func personClick(p *rod.Page, sel string) error {
	if els, err := p.Elements(sel); err == nil && len(els) > 0 {
		return els[0].Click("left", 1)
	}
	frames, err := p.Elements("iframe")
	if err != nil {
		return err
	}
	for _, fr := range frames {
		if fp, err := fr.Frame(); err == nil && personClick(fp, sel) == nil {
			return nil
		}
	}
	return fmt.Errorf("%s not found", sel)
}

// A headful run meets a reCAPTCHA: the CLI pauses that item and says what and where; a scripted
// person solves it in the visible window (real mouse events on the look-alike's checkbox); the
// item resumes and finishes. The item after it runs too. Under Xvfb: the path a real person takes.
func TestHandOffHeadfulUnderXvfb(t *testing.T) {
	_, site := startSite(t)
	disp := startXvfb(t)
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
	require.NoError(t, personClick(page.Context(ctx), "#captcha-solve"))

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
