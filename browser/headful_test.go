package browser

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// startXvfb starts a virtual display on a free display number and returns it (":N").
// Xvfb is killed when the test ends (and by the kernel if this process dies first).
func startXvfb(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("Xvfb")
	require.NoError(t, err, "Xvfb is not installed: run `make setup`")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	cmd := exec.Command(bin, "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1280x800x24")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	_ = w.Close()
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		assert.False(t, processAlive(cmd.Process.Pid), "Xvfb survived")
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		_ = r.Close()
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		require.NotEmpty(t, n, "Xvfb did not report a display")
		return ":" + n
	case <-exited:
		t.Fatal("Xvfb exited at start")
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20s")
	}
	return ""
}

func TestHeadfulUnderXvfb(t *testing.T) {
	display := startXvfb(t)
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", display)
	require.True(t, DisplayAvailable())

	b := launch(t, Headless(false))
	assert.False(t, b.IsHeadless())
	p := newPage(t, b)
	_, err := b.Navigate(testCtx(t), p, "data:text/html,<title>visible</title>", 10*time.Second)
	require.NoError(t, err)
	res, err := p.Eval(`() => navigator.userAgent`)
	require.NoError(t, err)
	assert.NotContains(t, res.Value.Str(), "Headless")

	pid := b.PID()
	require.NoError(t, b.Close())
	assert.False(t, processAlive(pid))
}

func TestHeadfulWithoutDisplayFailsClearly(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	require.False(t, DisplayAvailable())
	_, err := Launch(context.Background(), Headless(false))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs a display")
}

// The hand-off: a session made in one browser continues in another; the value is never logged.
func TestCopyCookiesBetweenBrowsers(t *testing.T) {
	s := newSite(t)
	core, logs := observer.New(zap.DebugLevel)
	from := shared(t)
	to := launch(t, WithLogger(zap.New(core)))
	fp := newPage(t, from)
	tp := newPage(t, to)
	ctx := testCtx(t)

	_, err := from.Navigate(ctx, fp, s.URL+"/setcookie", 10*time.Second)
	require.NoError(t, err)
	require.NoError(t, CopyCookies(ctx, fp, tp, s.URL+"/"))
	_, err = to.Navigate(ctx, tp, s.URL+"/showcookie", 10*time.Second)
	require.NoError(t, err)
	el, err := tp.Timeout(5 * time.Second).Element("#cookie")
	require.NoError(t, err)
	v, err := el.Text()
	require.NoError(t, err)
	assert.Equal(t, "s3cret", v)

	require.NoError(t, to.Close())
	for _, e := range logs.All() {
		assert.NotContains(t, e.Message, "s3cret")
		for _, f := range e.Context {
			assert.NotContains(t, f.String, "s3cret")
		}
	}
}

// Cancelling ctx while the real Chromium starts: either Launch won the race and Close cleans
// up, or it returns ctx's error — and in both cases no process of that profile remains.
func TestLaunchCancelledRealChromium(t *testing.T) {
	real, ok := lookPath()
	require.True(t, ok, "no Chromium: run `make setup`")
	argsFile := filepath.Join(t.TempDir(), "args")
	bin := writeScript(t, `echo "$@" > `+argsFile+"\nexec "+real+` "$@"`+"\n")
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	var b *Browser
	go func() {
		var err error
		b, err = Launch(ctx, Bin(bin))
		errc <- err
	}()
	var dir string
	require.Eventually(t, func() bool {
		data, err := os.ReadFile(argsFile)
		if err != nil {
			return false
		}
		for _, a := range strings.Fields(string(data)) {
			if strings.HasPrefix(a, "--user-data-dir=") {
				dir = strings.TrimPrefix(a, "--user-data-dir=")
				return true
			}
		}
		return false
	}, 20*time.Second, 5*time.Millisecond)
	cancel()
	err := <-errc
	if err == nil {
		t.Log("Launch finished before the cancel; closing")
		require.NoError(t, b.Close())
	} else {
		require.ErrorIs(t, err, context.Canceled)
	}
	assert.Empty(t, processesWith(dir))
	assert.NoDirExists(t, dir)
}
