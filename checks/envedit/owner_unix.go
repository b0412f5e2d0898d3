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
