//go:build linux

package modcachex

import (
	"io/fs"
	"slices"
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

// readDirAt reads a directory with one open, getdents(2) and an
// fstatat(2) of each entry relative to it, adding the entries' stamps
// to fp in name order. ok is false when anything fails (the caller then
// reads the directory the ordinary way and remembers nothing).
func readDirAt(path string, fp *fingerprinter) (ents []fs.DirEntry, ok bool) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer unix.Close(fd)
	var names []string
	buf := make([]byte, 8<<10)
	for {
		n, err := unix.ReadDirent(fd, buf)
		if err != nil {
			return nil, false
		}
		if n <= 0 {
			break
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
		if len(names) > maxFiles {
			return nil, false
		}
	}
	slices.Sort(names)
	ents = make([]fs.DirEntry, 0, len(names))
	var st unix.Stat_t
	for _, name := range names {
		if err := unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return nil, false
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
		fp.addStamp(path+"/"+name, stamp{
			Size: st.Size, Mode: mode,
			Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(),
			Ino: st.Ino, Dev: st.Dev,
		}, mode&fs.ModeSymlink == 0)
		ents = append(ents, statEntry{name: name, mode: mode})
	}
	return ents, true
}
