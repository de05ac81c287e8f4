package testenv

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ProcessAlive reports whether pid is a live process. A zombie (state Z) or a dead one (state X)
// counts as gone, and so does a pid whose /proc entry cannot be read or understood.
func ProcessAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	st, ok := readStat(pid)
	return ok && st.state != 'Z' && st.state != 'X'
}

// ProcessesWithCmdline lists the live processes whose command line contains s (a profile
// directory, say).
func ProcessesWithCmdline(s string) []int {
	return scan(func(pid int, dir string) bool {
		cmd, err := os.ReadFile(filepath.Join(dir, "cmdline"))
		return err == nil && strings.Contains(string(cmd), s)
	})
}

// ProcessesWithEnv lists the live processes, other than this one, whose environment holds the
// entry KEY=VALUE exactly (a marker a test puts into everything it starts; children inherit it).
func ProcessesWithEnv(entry string) []int {
	self := os.Getpid()
	want := []byte(entry + "\x00")
	return scan(func(pid int, dir string) bool {
		if pid == self {
			return false
		}
		env, err := os.ReadFile(filepath.Join(dir, "environ"))
		return err == nil && (bytes.HasPrefix(env, want) || bytes.Contains(env, append([]byte{0}, want...)))
	})
}

// GroupMembers lists the live processes whose process group is pgid.
func GroupMembers(pgid int) []int {
	return scan(func(pid int, _ string) bool {
		st, ok := readStat(pid)
		return ok && st.pgrp == pgid
	})
}

// ChromiumDescendants lists the Chromium processes this test binary started, directly or through
// rod's leakless guard: the live descendants of this process whose command name holds "chrom".
func ChromiumDescendants() []int {
	parent := map[int]int{}
	comm := map[int]string{}
	for _, pid := range scan(func(int, string) bool { return true }) {
		if st, ok := readStat(pid); ok {
			parent[pid] = st.ppid
			comm[pid] = st.comm
		}
	}
	self := os.Getpid()
	var out []int
	for pid := range parent {
		for p, n := parent[pid], 0; p > 1 && n < 64; p, n = parent[p], n+1 {
			if p == self {
				if strings.Contains(comm[pid], "chrom") {
					out = append(out, pid)
				}
				break
			}
		}
	}
	return out
}

// WaitGone calls list until it returns nothing or within has passed, and returns its last answer:
// the processes still there. It is process bookkeeping after a test (a killed process takes a
// moment to be reaped), not a test's timing.
func WaitGone(within time.Duration, list func() []int) []int {
	deadline := time.Now().Add(within)
	for {
		left := list()
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// StillRunning waits (up to within) for pids to exit and returns those still alive.
func StillRunning(pids []int, within time.Duration) []int {
	return WaitGone(within, func() []int {
		var alive []int
		for _, pid := range pids {
			if ProcessAlive(pid) {
				alive = append(alive, pid)
			}
		}
		pids = alive
		return alive
	})
}

// scan returns the live processes for which match says yes; match gets the pid and its /proc dir.
func scan(match func(pid int, dir string) bool) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if match(pid, filepath.Join("/proc", e.Name())) && ProcessAlive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

type stat struct {
	comm  string
	state byte
	ppid  int
	pgrp  int
}

// readStat parses /proc/pid/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and
// parentheses, so the fields are read after its last ')'.
func readStat(pid int) (stat, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return stat{}, false
	}
	s := string(b)
	open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || closing < open {
		return stat{}, false
	}
	f := strings.Fields(s[closing+1:])
	if len(f) < 3 || len(f[0]) != 1 {
		return stat{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgrp, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil {
		return stat{}, false
	}
	return stat{comm: s[open+1 : closing], state: f[0][0], ppid: ppid, pgrp: pgrp}, true
}
