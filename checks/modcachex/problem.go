package modcachex

import (
	"os"

	"golang.org/x/mod/module"
)

// Kind is what is wrong; its value is the stable finding code.
type Kind string

// The kinds of problems, per module version unless said otherwise.
const (
	// The .info file is not what the go command can read: empty, NUL
	// bytes of a cut-off write, not JSON, too large. The go command
	// fetches it again; offline, 'go list -m', 'go get' and
	// 'go mod download' fail.
	InfoInvalid Kind = "MODCACHE_INFO_INVALID"
	// The .info file names another version: the go command believes it.
	InfoMismatch Kind = "MODCACHE_INFO_MISMATCH"
	// The .mod file does not parse, is empty or too large.
	ModInvalid Kind = "MODCACHE_MOD_INVALID"
	// The .mod file does not hash to the go.sum "/go.mod" line.
	ModMismatch Kind = "MODCACHE_MOD_MISMATCH"
	// The .zip file is not a valid zip: empty, truncated, garbage, too
	// large for the go command.
	ZipInvalid Kind = "MODCACHE_ZIP_INVALID"
	// The .zip file's content does not hash to the .ziphash (or go.sum).
	ZipMismatch Kind = "MODCACHE_ZIP_MISMATCH"
	// The .ziphash is malformed (empty, NUL bytes, not "h1:" + 44 bytes).
	ZipHashInvalid Kind = "MODCACHE_ZIPHASH_INVALID"
	// The .ziphash disagrees with go.sum while the content agrees.
	ZipHashMismatch Kind = "MODCACHE_ZIPHASH_MISMATCH"
	// The zip or the extracted directory exists without a .ziphash.
	ZipHashMissing Kind = "MODCACHE_ZIPHASH_MISSING"
	// A .ziphash with neither the zip nor the extracted directory.
	ZipHashOrphan Kind = "MODCACHE_ZIPHASH_ORPHAN"
	// The zip was removed but the extracted directory and the .ziphash
	// are in place (a common way to save space; the go command works).
	ZipRemoved Kind = "MODCACHE_ZIP_REMOVED"
	// The cached content and its .ziphash agree with each other but not
	// with go.sum.
	SumMismatch Kind = "MODCACHE_SUM_MISMATCH"
	// The extracted directory does not hash to the .ziphash (a file was
	// edited, added or removed): 'go mod verify' says "dir has been
	// modified".
	DirModified Kind = "MODCACHE_DIR_MODIFIED"
	// The extracted directory is itself a symbolic link (go mod verify
	// refuses it: "is not a directory").
	DirSymlink Kind = "MODCACHE_DIR_SYMLINK"
	// A symbolic link in the cache leads nowhere, into a loop or to a
	// directory where a file must be.
	BrokenSymlink Kind = "MODCACHE_BROKEN_SYMLINK"
	// A .partial file: an extraction was cut off.
	PartialDownload Kind = "MODCACHE_PARTIAL_DOWNLOAD"
	// Leftover temporary files or directories of an interrupted write.
	TempFile Kind = "MODCACHE_TEMP_FILE"
	// A version's lock is held by another process.
	StaleLock Kind = "MODCACHE_STALE_LOCK"
	// A file or directory the go command cannot read.
	Unreadable Kind = "MODCACHE_UNREADABLE"
	// A name in the cache the go command would never write (it does not
	// unescape to a module path or canonical version, or is unknown).
	BadName Kind = "MODCACHE_BAD_NAME"
	// Too large to verify within the doctor's memory bound.
	TooLarge Kind = "MODCACHE_TOO_LARGE"

	// Cache-wide kinds (no module version).

	// A directory the go command writes to is not writable.
	NotWritable Kind = "MODCACHE_NOT_WRITABLE"
	// Files owned by another user.
	ForeignOwner Kind = "MODCACHE_FOREIGN_OWNER"
	// Extracted modules left writable, though the go command makes them
	// read-only (without -modcacherw): someone made them so, to edit.
	WritableModules Kind = "MODCACHE_WRITABLE_MODULES"
)

// A Problem is one thing wrong in the cache, with its evidence.
type Problem struct {
	Kind Kind
	// Mod is the module version the problem belongs to; zero for
	// problems of the cache as a whole or of names that do not unescape.
	Mod module.Version
	// Path is the file or directory at fault.
	Path string
	// Detail is the evidence, one fact per line: sizes, hashes,
	// owners, the error the go command would hit.
	Detail string
	// Want and Got are the expected and actual hashes of a mismatch.
	Want, Got string
	// Missing says, for entry problems, whether the content is gone in a
	// way the go command repairs only by downloading again (no zip to
	// extract from): offline, it fails.
	Missing bool
	// Pid is the process holding a lock (StaleLock), 0 when unknown;
	// Holder describes it.
	Pid    int
	Holder string
	// Count and Samples summarise cache-wide problems (ForeignOwner):
	// how many paths, and a few of them.
	Count   int
	Samples []string
	// Owner is the uid owning Path, when OwnerKnown (ForeignOwner,
	// NotWritable, Unreadable): the repair differs when it is not the
	// user's own.
	Owner      uint32
	OwnerKnown bool
}

// withOwner records who owns the problem's path.
func (p Problem) withOwner() Problem {
	if p.OwnerKnown || p.Path == "" {
		return p
	}
	if fi, err := os.Lstat(p.Path); err == nil {
		p.Owner, p.OwnerKnown = ownerOf(fi)
	}
	return p
}
