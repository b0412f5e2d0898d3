package module

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// maxBranchProbes bounds how many pseudo-version requirements are
// compared with their branches.
const maxBranchProbes = 4

// branches compares requirements on pseudo-versions with their origin:
// when the commit is no branch's tip any more and the proxy still
// answers the default branch's query (@<branch>) with an older commit,
// 'go get module@branch' through the proxy does not update (proxies
// cache those queries). Only modules fetched through GOPROXY, never a
// private one; the origin is asked as 'GOPROXY=direct go get' would, so
// only with --probe-branches: with a proxy in GOPROXY, the go command
// itself never contacts the origin of a module the proxy serves.
func (r *moduleRun) branches() {
	s := probe.ScopeOf(r.env)
	if s.Blocked != "" || !r.env.Options.ProbeBranches {
		return
	}
	var todo []reqs.Requirement
	for _, req := range reqs.Requirements(r.env) {
		if req.Local() || !module.IsPseudoVersion(req.Fetched.Version) {
			continue
		}
		if k, _ := probe.PrivateBy(r.env, req.Fetched.Path); k != "" {
			continue
		}
		if len(todo) < maxBranchProbes {
			todo = append(todo, req)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, req := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if f := r.branch(s, req.Fetched); f != nil {
				mu.Lock()
				r.out = append(r.out, *f)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func (r *moduleRun) branch(s *probe.Scope, mv module.Version) *checks.Finding {
	rev, err := module.PseudoVersionRev(mv.Version)
	if err != nil {
		return nil
	}
	insecure := goenv.MatchingPattern(r.g.Get("GOINSECURE"), mv.Path) != ""
	o := probe.Origin(r.ctx, r.env, mv.Path, insecure)
	if !o.Reached {
		return nil
	}
	branch, tip := "", ""
	tips := map[string]string{}
	for _, ref := range o.Refs {
		if ref.Name == "HEAD" && ref.Target != "" {
			branch = strings.TrimPrefix(ref.Target, "refs/heads/")
		}
		if b, ok := strings.CutPrefix(ref.Name, "refs/heads/"); ok {
			tips[b] = ref.Hash
			if strings.HasPrefix(ref.Hash, rev) {
				return nil // the requirement is a branch's tip: up to date
			}
		}
	}
	tip = tips[branch]
	if branch == "" || tip == "" {
		return nil
	}
	// What does the first proxy that serves the module say @branch is?
	esc, err := module.EscapePath(mv.Path)
	if err != nil {
		return nil
	}
	for i, en := range s.Entries {
		if en.Kind != goenv.ProxyURL {
			continue
		}
		resp := probe.Fetch(r.ctx, r.env, en.URL, esc+"/@v/"+branch+".info", probe.LimitInfo)
		if !resp.OK() {
			if resp.NotExist() {
				continue
			}
			return nil
		}
		var info struct{ Version string }
		if json.Unmarshal(resp.Body, &info) != nil || info.Version == "" {
			return nil
		}
		prev, _ := module.PseudoVersionRev(info.Version)
		query := mv.Path + "@" + branch
		if prev != "" && strings.HasPrefix(tip, prev) {
			return &checks.Finding{
				Code: "MODULE_BRANCH_BEHIND", Severity: checks.SevInfo, Subject: mv.Path,
				Message: fmt.Sprintf("go.mod requires %s at commit %s, behind the tip of branch %s (%s); 'go get %s' updates it", mv.Path, rev, branch, tip[:12], query),
			}
		}
		fixNP := checks.SetVar(r.g, r.g.Var("GONOPROXY"), goenv.UnionPatterns(r.g.Get("GONOPROXY"), mv.Path), "or always fetch this module from its origin (it then also skips the proxy's cache for versions)")
		fixNP.Auto = false
		return &checks.Finding{
			Code: "MODULE_BRANCH_STALE", Severity: checks.SevWarn, Subject: mv.Path,
			Message: fmt.Sprintf("go.mod requires %s at %s (commit %s); branch %s is now at %s, but %s still answers @%s with %s: proxies cache branch queries, so 'go get %s' through it does not update", mv.Path, mv.Version, rev, branch, tip[:12], probe.DescribeEntry(en, i), branch, info.Version, query),
			Detail:  fmt.Sprintf("GET %s: %s\ngit ls-remote %s: refs/heads/%s %s", resp.URL, strings.TrimSpace(string(resp.Body)), checks.RedactString(o.Root.Repo), branch, tip),
			Fixes: []checks.Fix{
				checks.Manual("ask the origin directly for the branch's tip", "GOPROXY=direct go get "+query),
				fixNP,
			},
		}
	}
	return nil
}
