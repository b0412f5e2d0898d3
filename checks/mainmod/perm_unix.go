//go:build unix

package mainmod

import (
	"os"
	"syscall"
)

// ownerOf returns the user id owning path.
func ownerOf(path string) (int, bool) {
	fi, err := os.Lstat(path)
	if err != nil {
		return 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
