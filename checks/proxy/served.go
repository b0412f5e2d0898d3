package proxy

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
)

// servedFindings check what the proxies serve as the go command checks
// a download before it keeps it: the go.mod files the chain walk
// fetched, hashed and compared with go.sum (modfetch.checkGoMod), and
// the zips of a few requirements the module cache lacks (probe.ServedZips):
// their end record, and, for small ones, their structure and hash
// against go.sum. go.sum's hashes are what the go command compares
// with; where go.sum has none, the sumdb check compares with the
// checksum database's records.
func servedFindings(ctx context.Context, e *checks.Env, s *probe.Scope, rep *probe.ChainReport) []checks.Finding {
	sums := reqs.GoSums(e)
	cache := modcachex.Cache{Root: e.Go.Get("GOMODCACHE")}
	var out []checks.Finding
	for _, sm := range probe.ServedMods(rep) {
		want := sums.H1(sm.Mod.Path, sm.Mod.Version, true)
		if want == "" || want == sm.Hash {
			continue
		}
		subject := sm.Mod.String() + "/go.mod"
		sev, when := checks.SevFail, "the go command downloads it and stops"
		if cached(cache, sm.Mod, "mod") {
			sev, when = checks.SevWarn, "the module cache holds its go.mod already, so the go command does not download it here; wherever the cache is empty (CI, a new machine, after 'go clean -modcache') it downloads this one and stops"
		}
		out = append(out, checks.Finding{
			Code: "PROXY_MOD_MISMATCH", Severity: sev, Subject: subject,
			Message: fmt.Sprintf("GOPROXY %s serves a go.mod of %s that does not match go.sum: %s with \"verifying %s: checksum mismatch\" and \"SECURITY ERROR\"", probe.DescribeEntry(s.Entries[sm.Entry], sm.Entry), sm.Mod, when, subject),
			Detail: strings.Join([]string{
				fmt.Sprintf("GET %s: 200, %d bytes", sm.URL, sm.Size),
				"\tdownloaded: " + sm.Hash,
				"\tgo.sum:     " + want,
				"the proxy serves altered content (or go.sum was edited: the sumdb check compares go.sum with the checksum database)",
			}, "\n"),
			Fixes: servedFixes(e, s, sm.Entry, sm.Mod, sm.URL, "the proxy serves altered content"),
		})
	}
	zips, ok := probe.ServedZips(ctx, e)
	if !ok {
		return out
	}
	var checked []string
	partly := 0
	for _, z := range zips {
		if z.Final != nil {
			if f, ok := zipUnavailable(ctx, e, s, z); ok {
				out = append(out, f)
			}
			continue
		}
		if z.Entry < 0 {
			continue // the list reached direct: fetched from the origin, not probed
		}
		where := probe.DescribeEntry(s.Entries[z.Entry], z.Entry)
		evidence := zipEvidence(z)
		want := sums.H1(z.Mod.Path, z.Mod.Version, false)
		switch {
		case z.Err != "":
			out = append(out, checks.Finding{
				Code: "PROXY_ZIP_INVALID", Severity: checks.SevFail, Subject: z.Mod.String(),
				Message: fmt.Sprintf("GOPROXY %s serves a zip of %s that the go command cannot use: %s (the go command's error does not name the module)", where, z.Mod, z.Err),
				Detail:  evidence,
				Fixes:   servedFixes(e, s, z.Entry, z.Mod, z.URL, "the proxy serves a broken zip"),
			})
		case z.Hash != "" && want != "" && z.Hash != want:
			out = append(out, checks.Finding{
				Code: "PROXY_ZIP_MISMATCH", Severity: checks.SevFail, Subject: z.Mod.String(),
				Message: fmt.Sprintf("GOPROXY %s serves a zip of %s that does not match go.sum: the go command stops with \"verifying %s: checksum mismatch\" and \"SECURITY ERROR\"", where, z.Mod, z.Mod),
				Detail:  evidence + "\n\tdownloaded: " + z.Hash + "\n\tgo.sum:     " + want + "\nthe proxy serves altered content (or go.sum was edited: the sumdb check compares go.sum with the checksum database)",
				Fixes:   servedFixes(e, s, z.Entry, z.Mod, z.URL, "the proxy serves altered content"),
			})
		default:
			line := z.Mod.String() + " from " + where + ": " + evidence
			if z.Unchecked != "" {
				partly++
			}
			switch {
			case z.Hash != "" && want != "":
				line += "; its hash matches go.sum"
			case z.Hash != "":
				line += "; go.sum has no hash for it (the sumdb check compares it with the checksum database)"
			}
			checked = append(checked, line)
		}
	}
	if len(checked) > 0 {
		out = append(out, checks.Finding{
			Code: "PROXY_ZIP_CHECKED", Severity: checks.SevInfo, Subject: "GOPROXY",
			Message: fmt.Sprintf("the zips of %d module(s) the module cache lacks, asked for as the go command would download them: no fault found%s", len(checked), zipPartly(partly)),
			Detail:  strings.Join(checked, "\n"),
		})
	}
	return out
}

// zipEvidence says what was read of a zip and what it showed.
func zipEvidence(z *probe.ServedZip) string {
	var b []string
	how := "GET " + z.URL
	if z.Ranged {
		how += " (Range: its last bytes)"
	}
	b = append(b, how)
	if z.Size >= 0 {
		b = append(b, modcachex.HumanBytes(z.Size))
	}
	if z.Whole {
		b = append(b, "read whole")
	}
	if z.Err == "" && z.Entries > 0 {
		b = append(b, fmt.Sprintf("%d files", z.Entries))
	}
	if z.Unchecked != "" {
		b = append(b, z.Unchecked)
	}
	return strings.Join(b, ", ")
}

// servedFixes are the remedies for a proxy that serves altered or
// broken content: never go.sum, never verification off; another proxy,
// and the proxy's operator told.
func servedFixes(e *checks.Env, s *probe.Scope, i int, m module.Version, u, why string) []checks.Fix {
	var fixes []checks.Fix
	if len(s.Entries) > 1 {
		fix := checks.SetVar(e.Go, e.Go.Var("GOPROXY"), probe.WithoutEntry(s.List, i), "leave this proxy out of GOPROXY: the other entries serve the module as published")
		fix.Auto = false
		fixes = append(fixes, fix)
	}
	if f := defaultProxyFix(e, e.Go.Var("GOPROXY"), "or fetch through the toolchain's default proxy"); f.Kind != checks.FixManual {
		fixes = append(fixes, f)
	}
	fixes = append(fixes, checks.Manual(why+": report it to its operator, with the URL; do NOT edit go.sum (its hash is the published content's) and do not turn verification off",
		"curl -sS -o /dev/null -w '%{http_code} %{size_download}\\n' "+checks.ShellQuote(u)))
	return fixes
}

// cached reports whether the module cache holds m's file with suffix.
func cached(c modcachex.Cache, m module.Version, suffix string) bool {
	if c.Root == "" {
		return false
	}
	p, err := c.File(m, suffix)
	if err != nil {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}

// zipUnavailable reports a zip that no entry serves although the .mod
// and .info came through: 'go mod download' fails there. A request the
// run's own deadline cut while the zip was still coming is not a
// verdict.
func zipUnavailable(ctx context.Context, e *checks.Env, s *probe.Scope, z *probe.ServedZip) (checks.Finding, bool) {
	final := z.Final
	if final.Hang && ctx.Err() != nil && (final.Resp == nil || final.Resp.Silent == 0) {
		return checks.Finding{}, false
	}
	var ev []string
	for _, st := range z.Steps {
		ev = append(ev, probe.StepEvidence(st))
	}
	f := checks.Finding{
		Code: "PROXY_ZIP_UNAVAILABLE", Severity: checks.SevFail, Subject: z.Mod.String(),
		Message: fmt.Sprintf("the go command obtains the go.mod of %s through GOPROXY but not its zip: %s", z.Mod, checks.RedactString(final.Err)),
		Detail:  strings.Join(ev, "\n"),
	}
	if final.Entry >= 0 && final.Entry < len(s.Entries) {
		u := ""
		if final.Resp != nil {
			u = final.Resp.URL
		}
		f.Fixes = servedFixes(e, s, final.Entry, z.Mod, u, "the proxy does not serve the zip")
	}
	return f, true
}

func zipPartly(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d of them only partly checked: see why below)", n)
}
