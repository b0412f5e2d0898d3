// Package modcachex reads the Go module cache exactly as the go command
// lays it out (cmd/go/internal/modfetch) and finds what is wrong with it.
//
// The layout, under GOMODCACHE:
//
//	cache/download/<escaped path>/@v/<escaped version>.info     JSON: Version, Time
//	cache/download/<escaped path>/@v/<escaped version>.mod      the go.mod file
//	cache/download/<escaped path>/@v/<escaped version>.zip      the module zip
//	cache/download/<escaped path>/@v/<escaped version>.ziphash  dirhash of the zip ("h1:...")
//	cache/download/<escaped path>/@v/<escaped version>.partial  extraction under way (or cut off)
//	cache/download/<escaped path>/@v/<escaped version>.lock     flock(2) guard of download and extraction
//	cache/download/<escaped path>/@v/list                       versions with a .mod file
//	<escaped path>@<escaped version>/                           the extracted, read-only tree
//
// A Scanner makes two passes. The structural pass walks the whole cache
// and looks at names, sizes, owners, the small files (.info, .mod,
// .ziphash), the zip's end-of-central-directory record, leftover
// temporary and partial files and held locks: it reads a few hundred
// bytes per module version. The deep pass hashes zips and extracted
// directories with golang.org/x/mod/sumdb/dirhash's Hash1, in parallel
// (GOMAXPROCS workers), streaming: it holds one file's name list per
// worker, never the cache. With a VerifyCache, the deep pass re-uses
// the hash of a zip or extracted tree whose stamps (size, mode, times,
// inode) have not moved since it was last hashed (vcache.go).
//
// What is wrong is reported as Problems: data with a Kind (the finding
// code), the module version, the path and the evidence. Deciding how
// bad each is for the user's project, and how to fix it, is the job of
// the modcache check in package checks.
package modcachex
