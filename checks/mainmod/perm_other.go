//go:build !unix

package mainmod

// ownerOf knows no owner where files have no Unix owner.
func ownerOf(string) (int, bool) { return 0, false }
