//go:build unix

package cachefile

import (
	"io/fs"
	"syscall"
)

const noFollow = syscall.O_NOFOLLOW

func ownerOf(fi fs.FileInfo) (int, bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), true
	}
	return 0, false
}
