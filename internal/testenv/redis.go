package testenv

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Redis is a real redis-server started for one test: on a free loopback port, with its data in
// the test's temporary directory (append-only file on, so Restart keeps the data, as a job
// needs), never a system instance. It is stopped, and checked gone, when the test ends.
//
// Safe for concurrent use.
type Redis struct {
	// Addr is host:port on loopback.
	Addr string
	// Dir holds its data (appendonly on).
	Dir string

	t    testing.TB
	bin  string
	port int
	pass string

	mu   sync.Mutex
	cmd  *exec.Cmd
	gone chan struct{}
}

// RedisOption changes how StartRedis starts the server.
type RedisOption func(*Redis)

// RedisPassword makes the server require a password (requirepass).
func RedisPassword(p string) RedisOption { return func(r *Redis) { r.pass = p } }

// StartRedis starts a redis-server for t. A missing redis-server fails the test: run `make setup`.
func StartRedis(t testing.TB, opts ...RedisOption) *Redis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	require.NoError(t, err, "redis-server is not installed: run `make setup`")
	r := &Redis{t: t, bin: bin, Dir: t.TempDir()}
	for _, o := range opts {
		o(r)
	}
	r.port = freePort(t)
	r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port))
	r.start()
	t.Cleanup(r.Stop)
	return r
}

// URL is the redis:// URL of the server (with the password when one is set), database db.
func (r *Redis) URL(db int) string {
	if r.pass != "" {
		return fmt.Sprintf("redis://:%s@%s/%d", r.pass, r.Addr, db)
	}
	return fmt.Sprintf("redis://%s/%d", r.Addr, db)
}

func (r *Redis) start() {
	t := r.t
	t.Helper()
	args := []string{
		"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.Dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "",
		"--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning",
	}
	if r.pass != "" {
		args = append(args, "--requirepass", r.pass)
	}
	cmd := exec.Command(r.bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	logf, err := os.Create(filepath.Join(r.Dir, "redis.log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = logf, logf
	require.NoError(t, cmd.Start())
	gone := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = logf.Close()
		close(gone)
	}()
	r.mu.Lock()
	r.cmd, r.gone = cmd, gone
	r.mu.Unlock()
	if err := waitPing(r.Addr, r.pass, gone, 20*time.Second); err != nil {
		out, _ := os.ReadFile(filepath.Join(r.Dir, "redis.log"))
		t.Fatalf("redis-server did not start on %s: %v\n%s", r.Addr, err, out)
	}
}

// Stop kills the server (SIGKILL: what a crash looks like) and waits until it is gone. The data
// written so far stays in Dir (appendfsync always).
func (r *Redis) Stop() {
	r.mu.Lock()
	cmd, gone := r.cmd, r.gone
	r.cmd = nil
	r.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-gone
	if ProcessAlive(cmd.Process.Pid) {
		r.t.Errorf("redis-server %d survived", cmd.Process.Pid)
	}
}

// Restart stops the server and starts it again on the same port with the same data.
func (r *Redis) Restart() {
	r.t.Helper()
	r.Stop()
	r.start()
}

// waitPing waits until a PING on addr answers PONG (or NOAUTH-free +OK after AUTH).
func waitPing(addr, pass string, gone <-chan struct{}, within time.Duration) error {
	deadline := time.Now().Add(within)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-gone:
			return fmt.Errorf("exited")
		default:
		}
		if last = ping(addr, pass); last == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond) // a server starting: nothing to subscribe to
	}
	return last
}

func ping(addr, pass string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	rd := bufio.NewReader(c)
	if pass != "" {
		fmt.Fprintf(c, "AUTH %s\r\n", pass)
		if l, err := rd.ReadString('\n'); err != nil || !strings.HasPrefix(l, "+OK") {
			return fmt.Errorf("auth: %q %v", l, err)
		}
	}
	fmt.Fprintf(c, "PING\r\n")
	l, err := rd.ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(l, "+PONG") {
		return fmt.Errorf("ping answered %q", strings.TrimSpace(l))
	}
	return nil
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
