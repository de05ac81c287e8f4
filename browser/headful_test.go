package browser

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/smartretry/smartretry/internal/testenv"
)

func TestHeadfulUnderXvfb(t *testing.T) {
	testenv.UseXvfb(t)
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
	assert.False(t, testenv.ProcessAlive(pid))
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
	real := testenv.RequireChromiumPath(t)
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
	assert.Empty(t, testenv.ProcessesWithCmdline(dir))
	assert.NoDirExists(t, dir)
}
