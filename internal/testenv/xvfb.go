package testenv

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// StartXvfb starts a virtual display and returns its DISPLAY value (":N"). Xvfb picks a free
// display number itself and reports it on a pipe (-displayfd): no guessing, no polling for its
// socket. env adds KEY=VALUE entries to Xvfb's environment (a marker the test looks for later).
//
// Xvfb runs in its own process group, which is killed when the test ends (and by the kernel if
// this process dies first); the cleanup fails the test if Xvfb survives. A missing Xvfb fails the
// test: run `make setup`.
func StartXvfb(t testing.TB, env ...string) string {
	t.Helper()
	bin, err := exec.LookPath("Xvfb")
	require.NoError(t, err, "Xvfb is not installed: run `make setup`")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	cmd := exec.Command(bin, "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1280x900x24")
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
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
		assert.False(t, ProcessAlive(cmd.Process.Pid), "Xvfb survived")
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

// UseXvfb starts Xvfb (StartXvfb) and points this test's DISPLAY at it, with WAYLAND_DISPLAY
// emptied, so a headful browser the test launches opens its window there.
func UseXvfb(t testing.TB) string {
	t.Helper()
	display := StartXvfb(t)
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", display)
	return display
}
