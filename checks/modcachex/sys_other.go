//go:build !unix

package modcachex

import "errors"

// writable cannot be decided without writing on this system.
func writable(string) bool { return true }

func lockIsHeld(string) bool { return false }

// Space is the room left on the file system holding a directory.
type Space struct {
	AvailBytes, TotalBytes  uint64
	FreeInodes, TotalInodes uint64
}

// SpaceOf is not implemented on this system.
func SpaceOf(string) (Space, error) {
	return Space{}, errors.New("free space is not measured on this system")
}
