package browser

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-rod/rod/lib/launcher"
	"go.uber.org/zap"
)

// lookPath finds the system browser; a variable so tests can pretend none is installed.
var lookPath = launcher.LookPath

// findBin picks the executable: Bin, then $SMARTRETRY_BROWSER, then the system browser, then
// (only if allowed) rod's download.
func findBin(ctx context.Context, cfg *config) (string, error) {
	if cfg.bin != "" {
		p, err := exec.LookPath(cfg.bin)
		if err != nil {
			return "", fmt.Errorf("launch chromium: Bin(%q): %w", cfg.bin, err)
		}
		return p, nil
	}
	if env := os.Getenv(EnvBrowser); env != "" {
		p, err := exec.LookPath(env)
		if err != nil {
			return "", fmt.Errorf("launch chromium: %s=%q: %w", EnvBrowser, env, err)
		}
		return p, nil
	}
	if p, ok := lookPath(); ok {
		return p, nil
	}
	if !cfg.allowDownload {
		return "", ErrNoBrowser
	}
	lb := launcher.NewBrowser()
	lb.Context = ctx
	p, err := lb.Get()
	if err != nil {
		return "", fmt.Errorf("launch chromium: download: %w", err)
	}
	return p, nil
}

// chromiumArgs is the command line: our defaults, then the caller's Flag options on top.
func chromiumArgs(cfg *config, dir string) []string {
	type kv struct {
		name   string
		values []string
	}
	list := []kv{
		{"remote-debugging-port", []string{"0"}},
		{"user-data-dir", []string{dir}},
		{"no-first-run", nil},
		{"no-default-browser-check", nil},
		{"no-startup-window", nil},
		{"disable-gpu", nil},
		{"disable-background-networking", nil},
		{"disable-component-update", nil},
		{"disable-sync", nil},
		{"disable-dev-shm-usage", nil},
		{"disable-background-timer-throttling", nil},
		{"disable-backgrounding-occluded-windows", nil},
		{"disable-renderer-backgrounding", nil},
		{"disable-breakpad", nil},
		{"disable-client-side-phishing-detection", nil},
		{"disable-default-apps", nil},
		{"disable-hang-monitor", nil},
		{"disable-ipc-flooding-protection", nil},
		{"disable-popup-blocking", nil},
		{"disable-prompt-on-repost", nil},
		// WebUIOmniboxPopup, WebUIOmniboxAimPopup: otherwise every window (one per browser
		// context, so one per isolated Session) gets a renderer process of its own for the
		// omnibox popups; with 4 isolated sessions navigating, those cost about a third of
		// Chromium's CPU per page (and the batch 1.7x its pages/s).
		{"disable-features", []string{"site-per-process", "Translate", "TranslateUI", "MediaRouter", "WebUIOmniboxPopup", "WebUIOmniboxAimPopup"}},
		{"disable-site-isolation-trials", nil},
		{"metrics-recording-only", nil},
		{"password-store", []string{"basic"}},
		{"use-mock-keychain", nil},
		{"force-color-profile", []string{"srgb"}},
		{"mute-audio", nil},
	}
	if cfg.headless {
		// in-process-gpu: with no GPU (software compositing) the GPU process only composites,
		// and every window (one per isolated Session) makes it composite and copy frames
		// across processes. As a thread of the browser process the same work costs less: ~4%
		// less CPU per page and ~4% more pages/s in a batch of isolated items at concurrency 4
		// on 2 cores. Headless only: a headful browser may drive a real GPU, whose crash
		// should not take the browser with it.
		list = append(list, kv{"headless", nil}, kv{"in-process-gpu", nil})
	}
	if os.Geteuid() == 0 {
		list = append(list, kv{"no-sandbox", nil})
	}
	if cfg.userAgent != "" {
		list = append(list, kv{"user-agent", []string{cfg.userAgent}})
	}
	for _, f := range cfg.flags {
		name := strings.TrimLeft(f.name, "-")
		replaced := false
		for i := range list {
			if list[i].name == name {
				list[i].values = f.values
				replaced = true
			}
		}
		if !replaced {
			list = append(list, kv{name, f.values})
		}
	}
	args := make([]string, 0, len(list)+1)
	for _, f := range list {
		a := "--" + f.name
		if len(f.values) > 0 {
			a += "=" + strings.Join(f.values, ",")
		}
		args = append(args, a)
	}
	return append(args, "about:blank")
}

// process is a launched Chromium: the leader of its own process group.
type process struct {
	pid    int
	dir    string
	exited chan struct{} // closed once the process is reaped and every writer of stderr is gone
	log    *zap.Logger
}

var devtoolsLine = regexp.MustCompile(`DevTools listening on (ws://\S+)`)

// startChromium runs bin and waits until it prints its DevTools URL, exits, or ctx ends.
func startChromium(ctx context.Context, bin string, args []string, dir string, log *zap.Logger) (*process, string, error) {
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, "", fmt.Errorf("launch chromium: %w", err)
	}
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, "", fmt.Errorf("launch chromium (%s): %w", bin, err)
	}
	proc := &process{pid: cmd.Process.Pid, dir: dir, exited: make(chan struct{}), log: log}

	urlc := make(chan string, 1)
	var (
		outMu   sync.Mutex
		tail    []string // Chromium's last lines before it was ready, for the error message
		waitErr error
	)
	go func() {
		defer close(proc.exited)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		found := false
		for sc.Scan() {
			line := sc.Text()
			if found {
				continue
			}
			if m := devtoolsLine.FindStringSubmatch(line); m != nil {
				found = true
				urlc <- m[1]
				continue
			}
			outMu.Lock()
			if tail = append(tail, line); len(tail) > 20 {
				tail = tail[1:]
			}
			outMu.Unlock()
		}
		_, _ = io.Copy(io.Discard, stderr)
		err := cmd.Wait()
		outMu.Lock()
		waitErr = err
		outMu.Unlock()
	}()

	select {
	case u := <-urlc:
		return proc, u, nil
	case <-proc.exited:
		_ = os.RemoveAll(dir)
		outMu.Lock()
		defer outMu.Unlock()
		msg := strings.TrimSpace(strings.Join(tail, "\n"))
		if msg == "" {
			msg = "(no output)"
		}
		return nil, "", fmt.Errorf("launch chromium (%s): exited before it was ready (%v): %s", bin, waitErr, msg)
	case <-ctx.Done():
		_ = proc.kill()
		return nil, "", ctx.Err()
	}
}

// kill ends the whole process group, waits until it is reaped, and removes the profile.
func (p *process) kill() error {
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		// Something kept stderr open outside the group; the leader itself got SIGKILL.
		p.log.Warn("chromium did not exit 10s after SIGKILL", zap.Int("pid", p.pid))
	}
	if err := os.RemoveAll(p.dir); err != nil {
		return fmt.Errorf("close chromium: remove profile: %w", err)
	}
	return nil
}
