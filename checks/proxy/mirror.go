package proxy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
)

// mirrorAdvice measures the candidates when the chain failed for some
// probe module, and returns the fix that switches to the fastest working
// one (or the manual step saying none works) and the finding with the
// measurements. ok is false when nothing was measured.
func mirrorAdvice(ctx context.Context, e *checks.Env, s *probe.Scope, rep *probe.ChainReport) (checks.Fix, checks.Finding, bool) {
	failed := slices.ContainsFunc(rep.Modules, func(mc *probe.ModuleChain) bool { return !mc.OK })
	if !failed || len(e.Options.Mirrors) == 0 || len(s.Probes) == 0 || ctx.Err() != nil {
		return checks.Fix{}, checks.Finding{}, false
	}
	results := probe.MeasureMirrors(ctx, e, s.Probes, e.Options.Mirrors)
	// Working ones first, fastest first; then those stopped as slower;
	// then those that do not work.
	rank := func(r probe.MirrorResult) int {
		switch {
		case r.OK:
			return 0
		case r.Stopped:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(results, func(a, b probe.MirrorResult) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 || !a.OK {
			return c
		}
		return cmp.Compare(a.Latency, b.Latency)
	})
	var mods []string
	for _, p := range s.Probes {
		mods = append(mods, p.String())
	}
	var lines []string
	for _, r := range results {
		verdict := fmt.Sprintf("serves all %d probe module(s) in %s", len(s.Probes), probe.Millis(r.Latency))
		switch {
		case r.Stopped:
			verdict = r.Err
		case !r.OK:
			verdict = fmt.Sprintf("does not work: %s", r.Err)
			if r.Served > 0 {
				verdict = fmt.Sprintf("serves %d of %d probe modules; %s", r.Served, len(s.Probes), r.Err)
			}
		}
		lines = append(lines, fmt.Sprintf("%s (%s): %s", checks.RedactString(r.URL), r.Origin, verdict))
	}
	finding := checks.Finding{
		Code: "PROXY_MIRRORS", Severity: checks.SevInfo, Subject: "GOPROXY",
		Detail: strings.Join(lines, "\n"),
	}
	g := e.Go
	v := g.Var("GOPROXY")
	if len(results) == 0 || !results[0].OK {
		finding.Message = fmt.Sprintf("the GOPROXY chain fails, and none of the %d candidate mirrors serves %s either", len(results), strings.Join(mods, ", "))
		fix := checks.Manual(fmt.Sprintf("none of the %d candidate mirrors serves %s from here: ask your network team which module proxy this network allows, then check it with --mirror", len(results), strings.Join(mods, ", ")),
			"gomoddoctor --mirror https://goproxy.corp.example")
		return fix, finding, true
	}
	best := results[0]
	value := best.URL
	keep := s.List.HasDirect() || len(s.Private) > 0
	if keep {
		value += ",direct"
	}
	finding.Message = fmt.Sprintf("the GOPROXY chain fails; of %d candidate mirrors, %s (%s) is the fastest that serves %s (%s)", len(results), checks.RedactString(best.URL), best.Origin, strings.Join(mods, ", "), probe.Millis(best.Latency))
	title := fmt.Sprintf("use %s (%s), the fastest of %d candidate mirrors that serves the probe modules (%s)", checks.RedactString(best.URL), best.Origin, len(results), probe.Millis(best.Latency))
	if keep {
		title += "; ',direct' stays, for modules the mirror does not serve and private ones"
	}
	fix := checks.RestoreVar(g, v, value, title)
	if best.Origin == checks.MirrorPublic {
		fix.Auto = false // a third party would see the modules fetched: the user decides
		fix.Title += " (a third-party mirror: it sees which public modules you fetch)"
	}
	return fix, finding, true
}
