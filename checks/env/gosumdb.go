package env

import (
	"fmt"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// gosumdb validates GOSUMDB as modfetch.dbDial parses it.
func (r *envRules) gosumdb() {
	g := r.g
	v := g.Var("GOSUMDB")
	def := r.goDefault("GOSUMDB", "")
	db := goenv.ParseSumDB(v.Value)
	switch {
	case db.Off:
		fix := checks.RestoreVar(r.g, v, def, "turn checksum verification back on; exempt private modules with GOPRIVATE or GONOSUMDB patterns instead")
		fix.Auto = false // it may have been turned off on purpose
		f := checks.Finding{
			Code: "GOSUMDB_OFF", Severity: checks.SevWarn, Subject: "GOSUMDB",
			Message: "GOSUMDB=off: modules missing from go.sum are accepted without checking them against a checksum database, so a tampered or re-tagged module goes unnoticed",
			Detail:  r.evidence(v),
		}
		if def != "" && def != "off" {
			f.Fixes = []checks.Fix{fix}
		}
		r.add(f)
	case db.Err != nil:
		f := checks.Finding{
			Code: "GOSUMDB_INVALID", Severity: checks.SevFail, Subject: "GOSUMDB",
			Message: "GOSUMDB is invalid: every module missing from go.sum fails to verify (\"verifying module: " + db.Err.Error() + "\")",
			Detail:  r.evidence(v),
		}
		if strings.TrimSpace(v.Value) == "" && v.Source == goenv.SourceFile {
			f.Message = "an empty GOSUMDB= line in the GOENV file hides the toolchain default: every module missing from go.sum fails to verify (\"missing GOSUMDB\")"
		}
		// The go command only asks the database about modules missing
		// from go.sum: with a complete go.sum this project still builds.
		if m := r.env.Module; m != nil && m.File != nil && !reqs.SumDB(r.env).Needs() {
			f.Severity = checks.SevWarn
			f.Message += "; this module's go.sum has every hash its requirements need, so its builds still work, but 'go get' and 'go mod tidy' of anything new fail"
		}
		switch {
		case db.Suggest != "":
			f.Fixes = []checks.Fix{checks.SetVar(g, v, db.Suggest, "write the value the go command understands")}
		case def != "":
			f.Fixes = []checks.Fix{checks.RestoreVar(r.g, v, def, "use the toolchain default GOSUMDB="+def)}
		}
		f.Fixes = append(f.Fixes, checks.Manual("or, for your own checksum database, give its name and verifier key (and optionally its URL)", "go env -w 'GOSUMDB=sum.corp.example+<key> https://sum.corp.example'"))
		r.add(f)
	case def != "" && db.Name != goenv.ParseSumDB(def).Name:
		r.add(checks.Finding{
			Code: "GOSUMDB_CUSTOM", Severity: checks.SevInfo, Subject: "GOSUMDB",
			Message: fmt.Sprintf("checksums are verified against the database %s, not the toolchain default", db.Name),
			Detail:  r.evidence(v),
		})
	}
	if db.Err == nil && db.URL != "" && strings.HasPrefix(db.URL, "http://") {
		r.add(checks.Finding{
			Code: "GOSUMDB_PLAIN_HTTP", Severity: checks.SevInfo, Subject: "GOSUMDB",
			Message: "the checksum database is reached over plain HTTP; its answers are still signed and verified with the key",
			Detail:  r.evidence(v),
		})
	}
}
