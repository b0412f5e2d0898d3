//go:build unix

package modcachex

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// writable reports whether this user may create entries in dir, as the
// kernel decides (read-only mounts included), without writing anything.
func writable(dir string) bool {
	return unix.Access(dir, unix.W_OK|unix.X_OK) == nil
}

// lockIsHeld reports whether another open file description holds a
// flock(2) lock on path: the lock the go command's lockedfile package
// takes on a version's .lock file while it downloads or extracts it. It
// asks for a shared lock without waiting and lets go of it at once, so
// a go command that starts at that very moment waits microseconds.
func lockIsHeld(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	fd := int(f.Fd())
	err = unix.Flock(fd, unix.LOCK_SH|unix.LOCK_NB)
	if err == nil {
		unix.Flock(fd, unix.LOCK_UN)
		return false
	}
	return errors.Is(err, unix.EWOULDBLOCK)
}

// Space is the room left on the file system holding a directory.
type Space struct {
	AvailBytes, TotalBytes  uint64
	FreeInodes, TotalInodes uint64 // TotalInodes 0: the file system does not count inodes
}

// SpaceOf measures the file system of dir (statfs(2)).
func SpaceOf(dir string) (Space, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return Space{}, err
	}
	bs := uint64(st.Bsize)
	return Space{
		AvailBytes: uint64(st.Bavail) * bs, TotalBytes: uint64(st.Blocks) * bs,
		FreeInodes: uint64(st.Ffree), TotalInodes: uint64(st.Files),
	}, nil
}
