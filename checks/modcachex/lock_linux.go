package modcachex

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// lockHolder reports whether a version's lock is held and, on Linux,
// which process holds it: /proc/locks lists every flock(2) lock with
// the holder's pid and the file's device and inode.
func lockHolder(path string) (bool, int, string) {
	if !lockIsHeld(path) {
		return false, 0, ""
	}
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return true, 0, ""
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		return true, 0, ""
	}
	defer f.Close()
	pid := holderPid(bufio.NewScanner(f), uint64(st.Dev), st.Ino)
	if pid == 0 {
		return true, 0, ""
	}
	return true, pid, describeProcess(pid)
}

// holderPid finds the pid of the active FLOCK lock on dev:ino in the
// lines of /proc/locks, such as
//
//	1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF
//	1: -> FLOCK  ADVISORY  WRITE 4243 fd:01:1234567 0 EOF   (a waiter)
func holderPid(sc *bufio.Scanner, dev, ino uint64) int {
	want := fmt.Sprintf("%02x:%02x:%d", unix.Major(dev), unix.Minor(dev), ino)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || f[1] == "->" || f[1] != "FLOCK" {
			continue
		}
		if f[5] != want {
			continue
		}
		if pid, err := strconv.Atoi(f[4]); err == nil && pid > 0 {
			return pid
		}
	}
	return 0
}

// describeProcess names a process by pid, command line and age.
func describeProcess(pid int) string {
	desc := fmt.Sprintf("process %d", pid)
	if cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && len(cmd) > 0 {
		cmd = bytes.TrimRight(cmd, "\x00")
		line := strings.ReplaceAll(string(cmd), "\x00", " ")
		if len(line) > 120 {
			line = line[:120] + "..."
		}
		desc += fmt.Sprintf(" (%s)", line)
	}
	if start, ok := processStart(pid); ok {
		desc += fmt.Sprintf(", running for %v", time.Since(start).Round(time.Second))
	}
	return desc
}

// userHZ is the unit of the times in /proc/<pid>/stat (USER_HZ, which
// the kernel fixes at 100 for user space on every architecture Go
// supports).
const userHZ = 100

// processStart is when a process started: the boot time from /proc/stat
// plus field 22 of /proc/<pid>/stat (clock ticks after boot).
func processStart(pid int) (time.Time, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return time.Time{}, false
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return time.Time{}, false
	}
	f := strings.Fields(string(data[i+1:]))
	// f[0] is field 3; starttime is field 22.
	if len(f) < 20 {
		return time.Time{}, false
	}
	ticks, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}, false
	}
	for _, line := range strings.Split(string(stat), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			boot, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return time.Time{}, false
			}
			return time.Unix(boot, 0).Add(time.Duration(ticks) * time.Second / userHZ), true
		}
	}
	return time.Time{}, false
}
