package testenv_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/testenv"
)

// Only tests may import testenv: a package's own imports (not its tests') never name it.
func TestOnlyTestsImportIt(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "github.com/smartretry/smartretry/...").Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.NotEmpty(t, lines)
	for _, l := range lines {
		f := strings.Fields(l)
		assert.NotContains(t, f[1:], "github.com/smartretry/smartretry/internal/testenv", "%s imports testenv outside its tests", f[0])
	}
}

func TestProcesses(t *testing.T) {
	self := os.Getpid()
	assert.True(t, testenv.ProcessAlive(self))
	assert.False(t, testenv.ProcessAlive(0))
	assert.False(t, testenv.ProcessAlive(-1))
	assert.Contains(t, testenv.GroupMembers(syscall.Getpgrp()), self)
	assert.NotContains(t, testenv.ProcessesWithEnv("TESTENV_NO_SUCH_MARKER=1"), self)

	c := exec.Command("sleep", "300")
	c.Env = append(os.Environ(), "TESTENV_MARKER=x")
	require.NoError(t, c.Start())
	pid := c.Process.Pid
	assert.True(t, testenv.ProcessAlive(pid))
	assert.Contains(t, testenv.ProcessesWithEnv("TESTENV_MARKER=x"), pid)
	assert.NotContains(t, testenv.ProcessesWithEnv("TESTENV_MARKER="), pid, "the whole entry, not a prefix")
	assert.Contains(t, testenv.ProcessesWithCmdline("sleep"), pid)
	require.NoError(t, c.Process.Kill())
	assert.Empty(t, testenv.StillRunning([]int{pid}, 10*time.Second), "a zombie counts as gone")
	_ = c.Wait()
	assert.False(t, testenv.ProcessAlive(pid))
}

// A test's redis-server answers, keeps its data over a restart (appendonly) and is gone after Stop.
func TestRedis(t *testing.T) {
	r := testenv.StartRedis(t, testenv.RedisPassword("s3cret"))
	require.Contains(t, r.URL(2), ":s3cret@127.0.0.1:")
	cli := func(args ...string) string {
		host, port, _ := strings.Cut(r.Addr, ":")
		out, err := exec.Command("redis-cli", append([]string{"-h", host, "-p", port, "-a", "s3cret", "--no-auth-warning"}, args...)...).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return strings.TrimSpace(string(out))
	}
	assert.Equal(t, "OK", cli("SET", "k", "v"))
	r.Restart()
	assert.Equal(t, "v", cli("GET", "k"), "appendonly data kept over a restart")
	r.Stop()
	host, port, _ := strings.Cut(r.Addr, ":")
	out, _ := exec.Command("redis-cli", "-h", host, "-p", port, "PING").CombinedOutput()
	assert.NotContains(t, string(out), "PONG", "the server is gone after Stop")
}

// A test process that dies without its cleanups (a -timeout panic, SIGKILL) takes its Chromium
// with it: the kernel kills the browser when its parent goes.
func TestChromiumDiesWithTheTestProcess(t *testing.T) {
	if os.Getenv("TESTENV_CHROMIUM_CHILD") == "1" {
		c, err := testenv.StartChromium()
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("pid", c.PID())
		select {} // until killed
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestChromiumDiesWithTheTestProcess$")
	cmd.Env = append(os.Environ(), "TESTENV_CHROMIUM_CHILD=1")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	f := strings.Fields(line)
	require.Len(t, f, 2, "child said %q", line)
	require.Equal(t, "pid", f[0], "child said %q", line)
	pid, err := strconv.Atoi(f[1])
	require.NoError(t, err)
	require.True(t, testenv.ProcessAlive(pid))
	args, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	require.NoError(t, err)
	for _, a := range strings.Split(string(args), "\x00") {
		if dir, ok := strings.CutPrefix(a, "--user-data-dir="); ok {
			t.Cleanup(func() { _ = os.RemoveAll(dir) }) // the child had no time to remove it
		}
	}

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	assert.Empty(t, testenv.StillRunning([]int{pid}, 30*time.Second), "Chromium outlived the killed test process")
}
