//go:build !unix

package modcachex

// Writable cannot be decided without writing on this system; the check
// assumes the directory is writable.
func Writable(dir string) error { return nil }
