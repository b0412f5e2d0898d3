package sumdb

import (
	"errors"
	"fmt"
	"slices"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/sumdbx"
)

// openProven opens the doctor's memory of the records it proved in
// earlier runs (sumdbx.Proven) and proves its signed tree head
// consistent with the timeline this run verified (the database's
// /latest, fetched and verified on every run). ok is false when that
// proof shows a fork: it is reported, and the audit stops there, as it
// does for a fork /latest shows. A memory that cannot be used is noted
// and every record is looked up.
func (r *sumdbRun) openProven() (pv *sumdbx.Proven, ok bool) {
	pv = sumdbx.OpenProven(r.env.Options.CacheDir, r.db.Key)
	if pv == nil {
		return nil, true
	}
	r.provenFile = pv.File()
	ignored := func(why string) {
		r.add(checks.Finding{
			Code: "SUMDB_MEMORY_IGNORED", Severity: checks.SevInfo, Subject: pv.File(),
			Message: "the doctor's memory of the records it proved in earlier runs was not used (" + why + "): every record was looked up and proven again",
		})
	}
	if note := pv.Note(); note != "" {
		ignored(note)
		return pv, true
	}
	err := pv.Check(r.client)
	if err == nil {
		r.provenTree, _ = pv.Tree()
		return pv, true
	}
	var fork *sumdbx.ForkError
	if errors.As(err, &fork) {
		r.provenMsg = pv.Head()
		r.fork(fork)
		return nil, false
	}
	ignored(fmt.Sprintf("its tree head could not be proven part of this tree: %v", err))
	return pv, true
}

// agrees reports whether a remembered record has every go.sum line of
// an item, and a line for each hash go.sum lacks: only then is it used.
// Anything else is looked up afresh, so a disagreement is always the
// database's answer of this run.
func agrees(it *auditItem, rec *sumdbx.Record) bool {
	for _, l := range it.lines {
		if !slices.Contains(rec.Lines(l.Path, versionOf(l)), l.Text()) {
			return false
		}
	}
	for _, n := range it.need {
		if len(rec.Lines(it.mod.Path, versionOfMod(it.mod.Version, n == "go.mod"))) == 0 {
			return false
		}
	}
	return true
}
