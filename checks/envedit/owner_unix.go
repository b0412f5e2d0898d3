//go:build unix

package envedit

import (
	"os"
	"syscall"
)

// keepOwner gives path the owner of the file fi describes, when this
// process may (it runs as root); otherwise the new file is the process's
// own, as the old one was.
func keepOwner(path string, fi os.FileInfo) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) == os.Geteuid() && int(st.Gid) == os.Getegid() {
		return
	}
	os.Lchown(path, int(st.Uid), int(st.Gid))
}

// canWrite reports why this user may not write path (a file, or a
// directory to create files in), as the system decides: nil when it may.
func canWrite(path string) error {
	mode := uint32(2) // W_OK
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		mode |= 1 // X_OK: to reach the files in it
	}
	if err := syscall.Access(path, mode); err != nil {
		return err
	}
	return nil
}
