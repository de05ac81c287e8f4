package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/testenv"
)

func TestLaunchThenCloseLeavesNoProcessAndNoProfile(t *testing.T) {
	b := launch(t)
	require.True(t, b.IsHeadless())
	require.NotEmpty(t, b.ControlURL())
	dir := b.proc.dir
	require.DirExists(t, dir)
	require.NotEmpty(t, testenv.ProcessesWithCmdline(dir), "chromium runs with our profile")

	p := newPage(t, b)
	info, err := p.Info()
	require.NoError(t, err)
	assert.Equal(t, "about:blank", info.URL)

	pid := b.PID()
	require.NoError(t, b.Close())
	require.NoError(t, b.Close(), "Close is idempotent")
	assert.False(t, testenv.ProcessAlive(pid), "chromium pid %d still alive", pid)
	assert.Empty(t, testenv.ProcessesWithCmdline(dir), "no process of that profile remains")
	assert.NoDirExists(t, dir)

	_, err = b.NewPage(context.Background())
	require.Error(t, err)
}

func TestLaunchArgs(t *testing.T) {
	args := chromiumArgs(newConfig([]Option{Flag("window-size", "1280,800"), Flag("--lang", "de-DE"), Flag("mute-audio")}), "/tmp/x")
	for _, want := range []string{"--headless", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
		"--user-data-dir=/tmp/x", "--window-size=1280,800", "--lang=de-DE", "--mute-audio", "--in-process-gpu"} {
		assert.Contains(t, args, want)
	}
	if os.Geteuid() == 0 {
		assert.Contains(t, args, "--no-sandbox")
	}
	headful := chromiumArgs(newConfig([]Option{Headless(false)}), "/tmp/x")
	assert.NotContains(t, headful, "--headless")
	assert.NotContains(t, headful, "--in-process-gpu", "a real GPU's crash must not take the browser")
}

// The headless browser composites in its own process (in-process-gpu): pages still paint,
// screenshots still come out at the viewport's size, and WebGL (SwiftShader) still works.
func TestHeadlessRendersWithTheGPUInProcess(t *testing.T) {
	b := shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := b.NewPage(ctx)
	require.NoError(t, err)
	defer p.Close()
	pc := p.Context(ctx)
	require.NoError(t, pc.Navigate(`data:text/html,<body style="margin:0;background:rgb(255,0,0)"><canvas id=c></canvas></body>`))
	require.NoError(t, pc.WaitLoad())
	gl, err := pc.Eval(`() => { const g = document.getElementById('c').getContext('webgl'); if (!g) return 'none';
		g.clearColor(0, 1, 0, 1); g.clear(g.COLOR_BUFFER_BIT); const px = new Uint8Array(4);
		g.readPixels(0, 0, 1, 1, g.RGBA, g.UNSIGNED_BYTE, px); return Array.from(px).join(','); }`)
	require.NoError(t, err)
	assert.Equal(t, "0,255,0,255", gl.Value.Str(), "WebGL draws")
	shot, err := proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng}.Call(pc)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(shot.Data))
	require.NoError(t, err)
	if b.viewport != nil {
		assert.Equal(t, b.viewport.Width, img.Bounds().Dx())
		assert.Equal(t, b.viewport.Height, img.Bounds().Dy())
	}
	r, g, bl, _ := img.At(img.Bounds().Dx()-1, img.Bounds().Dy()-1).RGBA()
	assert.Equal(t, []uint32{255, 0, 0}, []uint32{r >> 8, g >> 8, bl >> 8}, "the page is painted")
}

func TestLaunchNoBrowserFound(t *testing.T) {
	orig := lookPath
	lookPath = func() (string, bool) { return "", false }
	t.Cleanup(func() { lookPath = orig })
	t.Setenv(EnvBrowser, "")

	_, err := Launch(context.Background())
	require.ErrorIs(t, err, ErrNoBrowser)
	assert.Contains(t, err.Error(), "apt-get install chromium")
	assert.Contains(t, err.Error(), EnvBrowser)
}

func TestLaunchEnvBrowserMissing(t *testing.T) {
	t.Setenv(EnvBrowser, "/nonexistent/chromium")
	_, err := Launch(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/nonexistent/chromium")
}

func writeScript(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake-chromium")
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755))
	return path
}

func TestLaunchFailureCarriesChromiumMessage(t *testing.T) {
	bin := writeScript(t, "echo 'ERROR: Missing X server or $DISPLAY' >&2\nexit 1\n")
	_, err := Launch(testCtx(t), Bin(bin))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Missing X server or $DISPLAY")
	assert.Contains(t, err.Error(), "exited before it was ready")
}

// A browser that never gets ready, with a child of its own: cancelling ctx returns ctx's error
// and kills the whole process group.
func TestLaunchCancelledKillsProcessGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pids")
	bin := writeScript(t, "sleep 300 &\necho $$ $! > "+pidFile+"\nwait\n")
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := Launch(ctx, Bin(bin))
		errc <- err
	}()
	var pids []int
	require.Eventually(t, func() bool {
		data, err := os.ReadFile(pidFile)
		if err != nil {
			return false
		}
		var a, b int
		if n, _ := fmt.Sscan(string(data), &a, &b); n == 2 {
			pids = []int{a, b}
			return true
		}
		return false
	}, 10*time.Second, 10*time.Millisecond)
	cancel()
	err := <-errc
	require.ErrorIs(t, err, context.Canceled)
	for _, pid := range pids {
		assert.False(t, testenv.ProcessAlive(pid), "pid %d survived", pid)
	}
}

func TestLaunchCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Launch(ctx)
	require.True(t, errors.Is(err, context.Canceled))
}

func TestConnectToRunningBrowser(t *testing.T) {
	owner := launch(t)
	b, err := Connect(testCtx(t), owner.ControlURL())
	require.NoError(t, err)
	assert.True(t, b.IsHeadless())
	assert.Equal(t, 0, b.PID())
	p, err := b.NewPage(testCtx(t))
	require.NoError(t, err)
	_, err = b.Navigate(testCtx(t), p, "data:text/html,<p>hi</p>", 10*time.Second)
	require.NoError(t, err)
	require.NoError(t, b.Close())
	assert.True(t, b.Crashed(p), "after Close a page of the closed Browser is unusable")

	// The owner's browser is still there, and Close closed the tab the connection opened.
	assert.True(t, testenv.ProcessAlive(owner.PID()))
	targets, err := proto.TargetGetTargets{}.Call(owner.Rod().Context(testCtx(t)))
	require.NoError(t, err)
	for _, ti := range targets.TargetInfos {
		assert.NotEqual(t, p.TargetID, ti.TargetID, "the connection's tab was closed")
	}
	op := newPage(t, owner)
	require.NotNil(t, op)
}

func TestConnectHTTPEndpoint(t *testing.T) {
	owner := launch(t)
	u := owner.ControlURL() // ws://127.0.0.1:PORT/devtools/browser/…
	host := u[len("ws://"):]
	host = host[:strings.IndexByte(host, '/')]
	b, err := Connect(testCtx(t), "http://"+host)
	require.NoError(t, err)
	require.NoError(t, b.Close())
}
