package envedit

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// newMemFD makes a MemFile in memory (memfd_create), reached through
// /proc/<pid>/fd/<n>: a path this process and its children (same user)
// can open, read, truncate and write, which names no directory entry.
func newMemFD(data []byte) (*MemFile, error) {
	fd, err := unix.MemfdCreate("gomoddoctor-goenv", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "gomoddoctor-goenv")
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, err
	}
	m := &MemFile{Path: fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), fd), f: f}
	got, err := os.ReadFile(m.Path)
	if err != nil || string(got) != string(data) {
		f.Close()
		return nil, errors.New("/proc does not reach the file")
	}
	return m, nil
}
