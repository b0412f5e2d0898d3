package sumdb

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
)

// A servedHash is the hash of what a GOPROXY entry serves of a module
// version (its go.mod, or its zip), as the proxy check's probes fetched
// it.
type servedHash struct {
	hash  string
	url   string
	entry int
}

// servedState is what the proxies serve of the module versions the
// audit looks up because go.sum lacks their hashes, read once.
type servedState struct {
	once  sync.Once
	hash  map[module.Version]map[bool]servedHash // by whether of go.mod
	scope *probe.Scope
}

// served returns the hashes of what the proxies serve of m, by whether
// of go.mod; the probes were made by the proxy check anyway (the go.mod
// in the GOPROXY walk, the zips of a few requirements the module cache
// lacks: probe.ServedMods, probe.ServedZips). No request names a module
// to the database that the plan does not already look up.
func (r *sumdbRun) served(m module.Version) map[bool]servedHash {
	r.servedOnce.once.Do(func() {
		st := &r.servedOnce
		st.hash = map[module.Version]map[bool]servedHash{}
		st.scope = probe.ScopeOf(r.env)
		add := func(m module.Version, gomod bool, h servedHash) {
			if st.hash[m] == nil {
				st.hash[m] = map[bool]servedHash{}
			}
			st.hash[m][gomod] = h
		}
		if rep, ok := probe.Chains(r.ctx, r.env); ok {
			for _, sm := range probe.ServedMods(rep) {
				add(sm.Mod, true, servedHash{sm.Hash, sm.URL, sm.Entry})
			}
		}
		if zips, ok := probe.ServedZips(r.ctx, r.env); ok {
			for _, z := range zips {
				if z.Hash != "" && z.Entry >= 0 {
					add(z.Mod, false, servedHash{z.Hash, z.URL, z.Entry})
				}
			}
		}
	})
	return r.servedOnce.hash[m]
}

// proxyMismatch reports what a proxy serves of a module version whose
// hash go.sum lacks and the database's record contradicts: the go
// command downloads it, asks the database, and stops.
func (r *sumdbRun) proxyMismatch(it *auditItem, gomod bool, got servedHash, want string) {
	what, subject, noun := "zip", it.mod.String(), "module"
	if gomod {
		what, subject, noun = "go.mod", it.mod.String()+"/go.mod", "go.mod"
	}
	sev, when := checks.SevFail, "go.sum lacks its hash, so the go command downloads it, asks the checksum database and stops"
	if gomod {
		if p, err := (modcachex.Cache{Root: r.env.Go.Get("GOMODCACHE")}).File(it.mod, "mod"); err == nil && r.env.Go.Get("GOMODCACHE") != "" {
			if _, err := os.Stat(p); err == nil {
				sev, when = checks.SevWarn, "the module cache holds its go.mod already, so the go command does not download it here; wherever the cache is empty (CI, a new machine) it downloads this one, asks the checksum database and stops"
			}
		}
	}
	s := r.servedOnce.scope
	where := "a GOPROXY entry"
	if got.entry >= 0 && got.entry < len(s.Entries) {
		where = "GOPROXY " + probe.DescribeEntry(s.Entries[got.entry], got.entry)
	}
	fixes := []checks.Fix{}
	if len(s.Entries) > 1 && got.entry >= 0 {
		fix := checks.SetVar(r.env.Go, r.env.Go.Var("GOPROXY"), probe.WithoutEntry(s.List, got.entry), "leave this proxy out of GOPROXY: the other entries serve the module as published")
		fix.Auto = false
		fixes = append(fixes, fix)
	}
	fixes = append(fixes, checks.Manual("the proxy serves altered content: report it to its operator, with the URL; do NOT add its hash to go.sum and do not turn verification off (GONOSUMDB, GOSUMDB=off)",
		"curl -sS -o /dev/null -w '%{http_code} %{size_download}\\n' "+checks.ShellQuote(got.url)))
	r.add(checks.Finding{
		Code: "SUMDB_PROXY_MISMATCH", Severity: sev, Subject: subject,
		Message: fmt.Sprintf("%s serves a %s of %s whose hash is not the checksum database's: %s with \"%s: verifying %s: checksum mismatch\" and \"SECURITY ERROR\"", where, what, it.mod, when, it.mod, noun),
		Detail: strings.Join([]string{
			"GET " + got.url,
			"\tdownloaded: " + got.hash,
			fmt.Sprintf("\t%s: %s (record %d, proven in the signed tree of %d records)", r.db.Name, want, it.rec.ID, it.rec.Tree.N),
			"the proxy serves altered content, or content that changed after the database recorded it",
		}, "\n"),
		Fixes: fixes,
	})
}
