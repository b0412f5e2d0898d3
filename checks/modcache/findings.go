package modcache

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
)

// finding turns a problem of the cache into a finding: its severity for
// this project, its message, and the exact repair.
func (r *cacheRun) finding(p modcachex.Problem) checks.Finding {
	f := checks.Finding{Code: string(p.Kind), Severity: baseSeverity(p), Detail: p.Detail}
	m := p.Mod
	hasMod := m.Path != ""
	f.Subject = p.Path
	if hasMod {
		f.Subject = m.String()
	}
	if f.Subject == "" {
		f.Subject = r.root
	}
	if p.Count > 0 && f.Detail == "" {
		f.Detail = ownerDetail(p)
	}
	f.Message = r.message(p)
	f.Fixes = r.fixes(p)
	if f.Severity == checks.SevWarn && hasMod && refetched(p) && r.offline(m.Path) {
		f.Severity = checks.SevFail
		f.Message += "; GOPROXY=off here, so it fails"
	}
	if f.Severity == checks.SevFail && hasMod && !r.isRelevant(p) {
		f.Severity = checks.SevWarn
		f.Message += " (this module does not use this version, so it is not affected)"
	}
	return f
}

// baseSeverity is how bad a problem is for a version the project uses:
// fail when the go command fails (a build, or 'go mod verify') or would
// silently use content that is not what go.sum promises; warn when the
// go command repairs it by downloading again (so it fails offline) or
// it is merely risky.
func baseSeverity(p modcachex.Problem) checks.Severity {
	switch p.Kind {
	case modcachex.InfoMismatch, modcachex.ModMismatch, modcachex.ZipInvalid, modcachex.ZipMismatch,
		modcachex.ZipHashInvalid, modcachex.ZipHashMismatch, modcachex.SumMismatch,
		modcachex.DirModified, modcachex.DirSymlink:
		return checks.SevFail
	case modcachex.ModInvalid, modcachex.ZipHashMissing, modcachex.BrokenSymlink:
		if p.Missing || p.Mod.Path == "" {
			return checks.SevWarn
		}
		return checks.SevFail
	case modcachex.Unreadable:
		if p.Mod.Path == "" {
			return checks.SevWarn
		}
		return checks.SevFail
	case modcachex.NotWritable:
		if p.Count > 0 {
			return checks.SevWarn // the summary of module directories
		}
		return checks.SevFail
	case modcachex.ZipRemoved, modcachex.TooLarge, modcachex.WritableModules:
		return checks.SevInfo
	}
	// InfoInvalid, ZipHashOrphan, PartialDownload, TempFile, StaleLock,
	// BadName, ForeignOwner.
	return checks.SevWarn
}

// refetched reports whether the go command repairs a problem by
// downloading again: a warning online, a failure offline.
func refetched(p modcachex.Problem) bool {
	switch p.Kind {
	case modcachex.InfoInvalid, modcachex.ZipHashOrphan:
		return true
	case modcachex.ModInvalid, modcachex.ZipHashMissing:
		return p.Missing
	}
	return false
}

// offline reports whether the go command may not download path: GOPROXY
// starts with off and GONOPROXY does not send path directly to its
// origin (cmd/go/internal/modfetch: lookup returns errProxyOff, which
// no later entry can follow, since off ends the list).
func (r *cacheRun) offline(path string) bool {
	g := r.env.Go
	active := goenv.ParseProxyList(g.Get("GOPROXY")).Active()
	if len(active) == 0 || active[0].Kind != goenv.ProxyOff {
		return false
	}
	return !module.MatchPrefixPatterns(g.Get("GONOPROXY"), path)
}

// message is the one line of a problem.
func (r *cacheRun) message(p modcachex.Problem) string {
	m := p.Mod.String()
	switch p.Kind {
	case modcachex.InfoInvalid:
		return "the cached .info file of " + m + " is damaged: the go command downloads it again, so offline 'go list -m', 'go get' and 'go mod download' fail"
	case modcachex.InfoMismatch:
		return fmt.Sprintf("the cached .info file of %s names version %q: 'go list -m' and 'go get' use the wrong version, even online", m, p.Got)
	case modcachex.ModInvalid:
		if p.Missing {
			return "the cached go.mod of " + m + " is stale: the go command downloads it again (offline, it fails)"
		}
		return "the cached go.mod of " + m + " is damaged: every go command that loads the module graph fails"
	case modcachex.ModMismatch:
		return "the cached go.mod of " + m + " does not match go.sum: every go command that loads the module graph fails with \"checksum mismatch\""
	case modcachex.ZipInvalid:
		return "the cached zip of " + m + " is damaged: 'go mod verify' fails, and extracting the module fails"
	case modcachex.ZipMismatch:
		return "the cached zip of " + m + " has been modified: 'go mod verify' fails, and extracting it again would install the changed content"
	case modcachex.ZipHashInvalid:
		return "the .ziphash of " + m + " is damaged: 'go mod verify' reports the module as modified"
	case modcachex.ZipHashMismatch:
		return "the .ziphash of " + m + " does not match go.sum: builds fail with \"checksum mismatch\""
	case modcachex.SumMismatch:
		return "the cached content of " + m + " does not match go.sum: builds fail with \"checksum mismatch\" (go.sum or the cache is wrong)"
	case modcachex.ZipHashMissing:
		if p.Missing {
			return "the .ziphash of " + m + " is missing: the go command takes the module as not downloaded and fetches it again (offline, it fails)"
		}
		return "the .ziphash of " + m + " is missing: 'go mod verify' fails with \"missing ziphash\""
	case modcachex.ZipHashOrphan:
		return "only the .ziphash of " + m + " is left: the go command downloads the module again when it needs it (offline, it fails)"
	case modcachex.ZipRemoved:
		return "the zip of " + m + " was removed; the extracted module is intact and still verified"
	case modcachex.DirModified:
		return "the extracted files of " + m + " have been modified: builds use the changed files and 'go mod verify' fails with \"dir has been modified\""
	case modcachex.DirSymlink:
		return "the extracted directory of " + m + " is a symbolic link: 'go mod verify' fails"
	case modcachex.BrokenSymlink:
		if p.Mod.Path == "" {
			return "a broken symbolic link in the module cache"
		}
		if p.Missing {
			return "a broken symbolic link in the cache entry of " + m + ": the go command takes the file as missing"
		}
		return "a broken symbolic link in the cache entry of " + m + ": 'go mod verify' fails, and so may builds"
	case modcachex.PartialDownload:
		return "the extraction of " + m + " was cut off: the go command ignores the directory and extracts the module again when it needs it"
	case modcachex.TempFile:
		if p.Mod.Path == "" {
			return "a temporary file left in the module cache by an interrupted go command"
		}
		return "a temporary file of " + m + " left by an interrupted go command: it only takes space"
	case modcachex.StaleLock:
		who := "another process"
		if p.Pid > 0 {
			who = fmt.Sprintf("process %d", p.Pid)
		}
		return fmt.Sprintf("the download lock of %s is held by %s: go commands that need to download or extract %s wait until it lets go (a hung go command holds it forever)", m, who, m)
	case modcachex.Unreadable:
		if p.Mod.Path == "" {
			return "part of the module cache cannot be read by this user"
		}
		return "part of the cache entry of " + m + " cannot be read by this user: 'go mod verify' and builds that need it fail"
	case modcachex.BadName:
		return "a name in the module cache that the go command never writes: the go command ignores it; it only takes space"
	case modcachex.TooLarge:
		return m + " is too large for the doctor to hash; 'go mod verify' checks it"
	case modcachex.NotWritable:
		switch {
		case p.Count > 0:
			return fmt.Sprintf("%d module directories of the cache are not writable by this user: new versions of those modules cannot be downloaded, and 'go clean -modcache' fails", p.Count)
		case p.Mod.Path != "":
			return m + " is incomplete in the cache and this user cannot write there: the go command cannot finish it"
		}
		return "the module cache's download directory is not writable by this user: every download of a version not yet in the cache fails"
	case modcachex.WritableModules:
		return fmt.Sprintf("%d extracted modules were made writable (the go command leaves them read-only): someone may be editing them; the deep check finds what changed", p.Count)
	case modcachex.ForeignOwner:
		return fmt.Sprintf("%d paths in the module cache belong to %s, not to you (a 'sudo go get' leaves them): downloads into those directories and 'go clean -modcache' fail", p.Count, userName(p.Owner))
	}
	return string(p.Kind)
}

// fixes are the repairs of a problem, targeted first.
func (r *cacheRun) fixes(p modcachex.Problem) []checks.Fix {
	switch p.Kind {
	case modcachex.ZipRemoved, modcachex.WritableModules:
		return nil
	case modcachex.TooLarge:
		return []checks.Fix{checks.Manual("let the go command verify it", "go mod verify")}
	case modcachex.StaleLock:
		if p.Pid > 0 {
			return []checks.Fix{checks.Manual("if that go command is hung, stop it (it holds the lock until it exits)", fmt.Sprintf("kill %d", p.Pid))}
		}
		return []checks.Fix{checks.Manual("find the process holding the lock, and stop it if it is hung", "fuser -v "+checks.ShellQuote(p.Path))}
	case modcachex.ForeignOwner:
		return []checks.Fix{checks.Manual("give the module cache back to your user", chownCommand(r.root))}
	case modcachex.NotWritable:
		if p.Count > 0 || p.Path == "" {
			return []checks.Fix{checks.Manual("give the module cache back to your user", chownCommand(r.root))}
		}
		if p.OwnerKnown && int(p.Owner) == os.Geteuid() {
			return []checks.Fix{checks.Manual("make it writable again", "chmod u+w "+checks.ShellQuote(p.Path))}
		}
		return []checks.Fix{checks.Manual("give it back to your user", chownCommand(p.Path))}
	case modcachex.Unreadable:
		fix := checks.Manual("give it back to your user", chownCommand(p.Path))
		if p.OwnerKnown && int(p.Owner) == os.Geteuid() {
			fix = checks.Manual("make it readable again", "chmod -R u+rX "+checks.ShellQuote(p.Path))
		}
		if p.Mod.Path == "" {
			return []checks.Fix{fix}
		}
		return append([]checks.Fix{fix}, r.entryFixes(p.Mod)...)
	case modcachex.TempFile, modcachex.BadName:
		return []checks.Fix{removePaths(p.Path, "remove it (the go command never reads it)")}
	case modcachex.BrokenSymlink:
		if p.Mod.Path == "" {
			return []checks.Fix{removePaths(p.Path, "remove the link")}
		}
	}
	if p.Mod.Path == "" {
		return nil
	}
	return r.entryFixes(p.Mod)
}

// entryFixes remove just one module version from the cache and download
// it again; 'go clean -modcache' comes last, and says it is the last
// resort.
func (r *cacheRun) entryFixes(m module.Version) []checks.Fix {
	fixes := probe.CacheEntryFixes(r.env, r.cache, m)
	if fixes == nil {
		return nil
	}
	return append(fixes, r.lastResort())
}

// lastResort is 'go clean -modcache', labelled as what it is.
func (r *cacheRun) lastResort() checks.Fix {
	return checks.Fix{
		Title:      fmt.Sprintf("last resort only, if the targeted repair does not help: delete the whole module cache (%d module versions) and download everything again (the go command's index of modules in the build cache survives this: if builds still name files that are gone, 'go clean -cache' too)", r.versions),
		Command:    "go clean -modcache",
		Kind:       checks.FixCache,
		LastResort: true,
	}
}

// removePaths removes one file or directory of the cache.
func removePaths(path, title string) checks.Fix {
	cmd := "rm -f " + checks.ShellQuote(path)
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		cmd = "chmod -R u+w " + checks.ShellQuote(path) + " && rm -rf " + checks.ShellQuote(path)
	}
	return checks.Fix{Title: title, Command: cmd, Kind: checks.FixCache, Touches: []string{path}}
}

// userName names a uid for people.
func userName(uid uint32) string {
	id := strconv.FormatUint(uint64(uid), 10)
	if u, err := user.LookupId(id); err == nil && u.Username != "" {
		return fmt.Sprintf("user %s (uid %s)", u.Username, id)
	}
	return "uid " + id
}

// ownerDetail lists sample paths of a cache-wide problem.
func ownerDetail(p modcachex.Problem) string {
	lines := append([]string(nil), p.Samples...)
	if p.Count > len(p.Samples) {
		lines = append(lines, fmt.Sprintf("and %d more", p.Count-len(p.Samples)))
	}
	return strings.Join(lines, "\n")
}
