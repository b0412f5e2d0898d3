package modcache

import (
	"fmt"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
)

// verifyCache opens the verification cache of this module cache in the
// doctor's cache directory (nil when there is none), re-using what it
// remembers unless --scope all or --rehash asks for every hash again.
// A file that cannot be trusted is noted and ignored.
func (r *cacheRun) verifyCache() *modcachex.VerifyCache {
	o := r.env.Options
	vc := modcachex.OpenVerifyCache(o.CacheDir, r.root, o.Scope != checks.ScopeAll && !o.Rehash)
	if note := vc.Note(); note != "" {
		r.out = append(r.out, checks.Finding{
			Code: "MODCACHE_VERIFY_CACHE_IGNORED", Severity: checks.SevInfo, Subject: vc.File(),
			Message: "the doctor's verification cache was ignored (" + note + "): every module version was hashed, and the cache was written again",
		})
	}
	return vc
}

// verifyCacheNote says, for the summary, what the verification cache
// spared and why it was not used.
func (r *cacheRun) verifyCacheNote(vc *modcachex.VerifyCache, deep modcachex.Stats, saveErr error) []string {
	o := r.env.Options
	if vc == nil {
		return nil
	}
	reused, hashed := vc.Counts()
	var lines []string
	switch {
	case o.Rehash:
		lines = append(lines, "verification cache: not used (--rehash): everything hashed again")
	case o.Scope == checks.ScopeAll:
		lines = append(lines, "verification cache: not used (--scope all): everything hashed again")
	default:
		lines = append(lines, fmt.Sprintf("verification cache: %d module versions unchanged since they were hashed (at most %.0f hours ago), %d zip and directory hashes re-used, %d computed", deep.Reused, modcachex.MaxVerifyAge.Hours(), reused, hashed))
	}
	if saveErr != nil {
		lines = append(lines, "verification cache not saved: "+saveErr.Error())
	}
	return lines
}
