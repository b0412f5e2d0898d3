package private

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
)

// probeOrigins examines the origin of every module fetched directly, at
// most maxOrigins of them, concurrently; modules of one repository root
// share the report.
func (r *privateRun) probeOrigins() {
	var todo []*route
	for _, rt := range r.routes {
		if !rt.Req.Local() && rt.direct() {
			todo = append(todo, rt)
		}
	}
	if len(todo) > maxOrigins {
		todo = todo[:maxOrigins]
	}
	var wg sync.WaitGroup
	for _, rt := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rt.Origin = probe.Origin(r.ctx, r.env, rt.Mod.Path, rt.Insecure != "")
		}()
	}
	wg.Wait()
}

// originFindings turns the origin reports into findings: one per problem
// and origin. A module in the module cache needs no fetch here: the
// problem is then a warning (a clean machine or CI fails).
func (r *privateRun) originFindings() {
	seen := map[*probe.OriginReport]bool{}
	for _, rt := range r.routes {
		o := rt.Origin
		if o == nil || o.Problem == "" || seen[o] {
			continue
		}
		seen[o] = true
		var mods []string
		cached := true
		for _, other := range r.routes {
			if other.Origin == o || other.Origin != nil && other.Origin.Root != nil && o.Root != nil && other.Origin.Root.Repo == o.Root.Repo && other.Origin.Problem == o.Problem {
				mods = append(mods, other.Mod.String())
				cached = cached && other.Cached
				seen[other.Origin] = true
			}
		}
		sev := checks.SevFail
		msg := o.What
		if cached {
			sev = checks.SevWarn
			msg += " (the module cache holds what this module needs, so it works here; a clean machine or CI fails)"
		}
		why := "GONOPROXY=" + rt.NoProxy
		if rt.NoProxy == "" {
			why = "the proxies do not have it"
		}
		detail := append([]string{fmt.Sprintf("fetched directly (%s): %s", why, strings.Join(mods, ", "))}, o.Evidence...)
		if len(o.Creds) > 0 {
			detail = append(detail, "credentials git would use: "+strings.Join(o.Creds, ", "))
		}
		subject := o.Path
		if o.Root != nil {
			subject = o.Root.Root
		}
		r.out = append(r.out, checks.Finding{
			Code: o.Problem, Severity: sev, Subject: subject,
			Message: msg,
			Detail:  strings.Join(slices.Compact(detail), "\n"),
			Fixes:   o.Fixes,
		})
	}
}
