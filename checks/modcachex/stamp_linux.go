//go:build linux

package modcachex

import (
	"io/fs"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A stamp is what the file system says of a file without reading it:
// everything a change through the file system moves. A write or a
// truncation moves the size, the modification and the change time; a
// chmod, a chown, a rename or a new link moves the change time, which no
// user can set back (touch sets the modification time only); a
// replacement is a new inode.
type stamp struct {
	Size         int64
	Mode         fs.FileMode
	Mtime, Ctime int64 // nanoseconds
	Ino, Dev     uint64
}

// stampOf reads a stamp from Lstat information; ok is false where the
// platform does not say enough, and then nothing is remembered.
func stampOf(fi fs.FileInfo) (stamp, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return stamp{}, false
	}
	return stamp{
		Size: fi.Size(), Mode: fi.Mode(),
		Mtime: time.Unix(int64(st.Mtim.Sec), int64(st.Mtim.Nsec)).UnixNano(),
		Ctime: time.Unix(int64(st.Ctim.Sec), int64(st.Ctim.Nsec)).UnixNano(),
		Ino:   uint64(st.Ino), Dev: uint64(st.Dev),
	}, true
}

// statAt reads the stamp of name in the open directory dir
// (fstatat(2), not following a symbolic link).
func statAt(dir *os.File, name string) (stamp, bool) {
	var st unix.Stat_t
	if err := unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return stamp{}, false
	}
	mode := fs.FileMode(st.Mode & 0o777)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFREG:
	default:
		mode |= fs.ModeIrregular
	}
	return stamp{
		Size: st.Size, Mode: mode,
		Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(),
		Ino: st.Ino, Dev: st.Dev,
	}, true
}
