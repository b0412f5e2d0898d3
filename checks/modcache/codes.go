package modcache

import (
	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
)

// codes are the findings the check may report (checks.Code). The
// problems of module versions are the modcachex kinds, with the
// severities of baseSeverity: a failure becomes a warning for a version
// this module does not use.
var codes = []checks.Code{
	// The cache's file system and settings (runModcache, space, modcacheRW).
	{Code: "MODCACHE_LOW_SPACE", Severities: checks.WarnOrFail, Meaning: "the module cache's file system is short of free space (a failure below 16 MiB: \"no space left on device\")"},
	{Code: "MODCACHE_LOW_INODES", Severities: checks.WarnOrFail, Meaning: "the module cache's file system is short of free inodes, which extracting a module needs by the thousand"},
	{Code: "MODCACHE_RW", Severities: checks.InfoOnly, Meaning: "GOFLAGS has -modcacherw: extracted modules stay writable, so a tool can change them unnoticed"},
	{Code: "MODCACHE_SCAN_INCOMPLETE", Severities: checks.WarnOnly, Meaning: "the run's deadline stopped the scan: what was not checked may be damaged too"},
	{Code: "MODCACHE_VERIFY_CACHE_IGNORED", Severities: checks.InfoOnly, Meaning: "the doctor's own verification cache (the hashes it remembers between runs) is damaged, another user's or another module cache's: it was ignored and everything hashed again"},
	{Code: "MODCACHE_SUMMARY", Severities: checks.InfoOnly, Meaning: "how many module versions the cache holds, and which of them were hashed"},

	// Problems of one module version (modcachex.Kind).
	{Code: string(modcachex.InfoInvalid), Severities: checks.WarnOrFail, Meaning: "a cached .info file is damaged: the go command downloads it again, so offline 'go list -m', 'go get' and 'go mod download' fail (a failure with GOPROXY=off)"},
	{Code: string(modcachex.InfoMismatch), Severities: checks.WarnOrFail, Meaning: "a cached .info file names another version, which 'go list -m' and 'go get' then use"},
	{Code: string(modcachex.ModInvalid), Severities: checks.WarnOrFail, Meaning: "a cached go.mod does not parse, is empty or too large: commands loading the module graph fail (a warning when the go command fetches it again, unless GOPROXY=off)"},
	{Code: string(modcachex.ModMismatch), Severities: checks.WarnOrFail, Meaning: "a cached go.mod does not match its go.sum line: commands loading the module graph fail with \"checksum mismatch\""},
	{Code: string(modcachex.ZipInvalid), Severities: checks.WarnOrFail, Meaning: "a cached .zip is not a valid zip (empty, truncated, garbage or too large): extracting it and 'go mod verify' fail"},
	{Code: string(modcachex.ZipMismatch), Severities: checks.WarnOrFail, Meaning: "a cached .zip's content does not hash to its .ziphash or go.sum: it was modified"},
	{Code: string(modcachex.ZipHashInvalid), Severities: checks.WarnOrFail, Meaning: "a .ziphash file is malformed: 'go mod verify' reports the module as modified"},
	{Code: string(modcachex.ZipHashMismatch), Severities: checks.WarnOrFail, Meaning: "a .ziphash disagrees with go.sum while the content agrees: builds fail with \"checksum mismatch\""},
	{Code: string(modcachex.ZipHashMissing), Severities: checks.WarnOrFail, Meaning: "a zip or extracted directory has no .ziphash: 'go mod verify' fails, or the go command takes the module as not downloaded"},
	{Code: string(modcachex.ZipHashOrphan), Severities: checks.WarnOrFail, Meaning: "only the .ziphash of a module version is left: the go command downloads it again when it needs it (offline, it fails: a failure with GOPROXY=off)"},
	{Code: string(modcachex.ZipRemoved), Severities: checks.InfoOnly, Meaning: "the zip of a module version was removed to save space; the extracted directory is intact and still verified"},
	{Code: string(modcachex.SumMismatch), Severities: checks.WarnOrFail, Meaning: "the cached content and its .ziphash agree with each other but not with go.sum: builds fail with \"checksum mismatch\""},
	{Code: string(modcachex.DirModified), Severities: checks.WarnOrFail, Meaning: "the extracted files of a module were edited, added or removed: builds use them and 'go mod verify' says \"dir has been modified\""},
	{Code: string(modcachex.DirSymlink), Severities: checks.WarnOrFail, Meaning: "the extracted directory of a module is a symbolic link, which 'go mod verify' refuses"},
	{Code: string(modcachex.BrokenSymlink), Severities: checks.WarnOrFail, Meaning: "a symbolic link in the cache leads nowhere, into a loop, or to a directory where a file must be"},
	{Code: string(modcachex.PartialDownload), Severities: checks.WarnOnly, Meaning: "an extraction was cut off (a .partial file): the go command extracts the module again when it needs it"},
	{Code: string(modcachex.TempFile), Severities: checks.WarnOnly, Meaning: "temporary files of an interrupted go command are left in the cache: they only take space"},
	{Code: string(modcachex.StaleLock), Severities: checks.WarnOnly, Meaning: "another process holds a module version's download lock: go commands that need it wait until it lets go"},
	{Code: string(modcachex.Unreadable), Severities: checks.WarnOrFail, Meaning: "a file or directory of the module cache cannot be read by this user"},
	{Code: string(modcachex.BadName), Severities: checks.WarnOnly, Meaning: "a name in the cache that the go command never writes: it is ignored and only takes space"},
	{Code: string(modcachex.TooLarge), Severities: checks.InfoOnly, Meaning: "a module version is too large for the doctor to hash within its memory bound; 'go mod verify' checks it"},

	// Problems of the cache as a whole.
	{Code: string(modcachex.NotWritable), Severities: checks.WarnOrFail, Meaning: "part of the module cache the go command writes to is not writable by this user: downloads there fail"},
	{Code: string(modcachex.ForeignOwner), Severities: checks.WarnOnly, Meaning: "files of the module cache belong to another user (a 'sudo go get' leaves them): downloads there and 'go clean -modcache' fail"},
	{Code: string(modcachex.WritableModules), Severities: checks.InfoOnly, Meaning: "extracted modules were made writable, though the go command leaves them read-only: someone may be editing them"},
}
