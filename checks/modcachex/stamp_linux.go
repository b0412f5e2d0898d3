//go:build linux

package modcachex

import (
	"io/fs"
	"syscall"
	"time"
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
