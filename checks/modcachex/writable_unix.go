//go:build unix

package modcachex

import "golang.org/x/sys/unix"

// Writable reports whether the current user may create entries in the
// directory dir, as the kernel decides (read-only mounts and ACLs
// included), without writing anything.
func Writable(dir string) error {
	return unix.Access(dir, unix.W_OK|unix.X_OK)
}
