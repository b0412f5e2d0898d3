package advisor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// Plan is Advise with every setting tried before it is proposed: the
// environment a step would make is built in memory (nothing is
// written), the checks of list run again on it within ctx, and the step
// records what changed (checks.Verification). When fixes disagree on one
// setting, the value that was seen to work wins, never check order. A
// step about a cause that a working step removes is not listed; the
// steps that work come first.
func Plan(ctx context.Context, env *checks.Env, results []checks.CheckResult, list []*checks.Check) []checks.PlanStep {
	// The trials' checks are abandoned a grace after their deadline: it
	// comes a grace before the run's, so that the report is not late.
	if d, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-checks.DefaultGrace))
		defer cancel()
	}
	v := &verifier{ctx: ctx, env: env, results: results, list: list, tried: map[trialKey]*trial{},
		had: problemsOf(results), roots: checks.RootCauses(results),
		slots: make(chan struct{}, trialSlots(env))}
	plan := advise(env, results, v)
	keys := map[trialKey]bool{}
	for _, s := range plan {
		if k, ok := keyOf(s.Fix); ok && !keys[k] {
			keys[k] = true
			v.start(k)
		}
	}
	for i := range plan {
		if k, ok := keyOf(plan[i].Fix); ok {
			plan[i].Verified = v.outcome(k)
		}
	}
	return prune(results, plan)
}

// A trialKey is one change of one setting.
type trialKey struct {
	kind  checks.FixKind
	key   string
	value string
	unset bool
}

func keyOf(x checks.Fix) (trialKey, bool) {
	if (x.Kind != checks.FixGoEnv && x.Kind != checks.FixShell) || x.Key == "" {
		return trialKey{}, false
	}
	return trialKey{x.Kind, x.Key, x.ApplyValue(), x.Unset}, true
}

type trial struct {
	done chan struct{}
	v    *checks.Verification
}

// verifier tries changes of settings, each once, concurrently.
type verifier struct {
	ctx     context.Context
	env     *checks.Env
	results []checks.CheckResult
	list    []*checks.Check
	had     map[checks.Ref]bool // the report's problems
	roots   []checks.Ref        // and its root causes

	mu    sync.Mutex
	tried map[trialKey]*trial
	slots chan struct{} // the trials that may run at once (trialSlots)
}

// trialBudget is how many requirements the trials running at once may
// hold between them: each runs checks that build their own tables of
// the module's requirements, so a module of ordinary size tries all its
// settings at once and one of 50,000 requirements one at a time, in
// bounded memory.
const trialBudget = 20000

// trialSlots is how many trials run at once for env's main module.
func trialSlots(env *checks.Env) int {
	n := 0
	if m := env.Module; m != nil && m.File != nil {
		n = len(m.File.Require)
	}
	return max(1, trialBudget/max(n, 1))
}

// start sets off the trial of k, unless it is under way or done.
func (v *verifier) start(k trialKey) *trial {
	v.mu.Lock()
	defer v.mu.Unlock()
	if t := v.tried[k]; t != nil {
		return t
	}
	t := &trial{done: make(chan struct{})}
	v.tried[k] = t
	go func() {
		defer close(t.done)
		select {
		case v.slots <- struct{}{}:
			defer func() { <-v.slots }()
		case <-v.ctx.Done():
		}
		t.v = v.try(k)
	}()
	return t
}

// outcome waits for the trial of k.
func (v *verifier) outcome(k trialKey) *checks.Verification {
	t := v.start(k)
	<-t.done
	return t.v
}

// cacheKeys are the settings that change what the modcache check sees;
// it is run again only for them, and for GOPROXY to or from off (it reads
// the whole build list, and grades damage by whether the go command may
// download again).
var cacheKeys = []string{"GOMODCACHE", "GOPATH", "GOFLAGS"}

// routeKeys are the settings that decide where modules come from: a
// change of one may break the private check, so it runs again too.
var routeKeys = []string{"GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOINSECURE", "GOVCS", "GOFLAGS", "GO111MODULE"}

// try runs the checks again on the environment k would make and
// compares their results with the report's.
func (v *verifier) try(k trialKey) *checks.Verification {
	if v.ctx.Err() != nil {
		// The deadline passed: running the checks again would only
		// wait for them to be abandoned, on the CPU the report needs.
		return &checks.Verification{Changes: []string{}, Fixed: []checks.Ref{}, New: []checks.Ref{}, Incomplete: true}
	}
	g := v.env.Go.With(k.key, k.value, k.unset, k.kind == checks.FixGoEnv)
	if v.env.Go.GoEnvErr != nil {
		// The go command could not read its environment: whether it can
		// after the change, only it can say.
		var ok bool
		if g, ok = v.reread(k); !ok {
			return &checks.Verification{Changes: []string{}, Fixed: []checks.Ref{}, New: []checks.Ref{}, Incomplete: true}
		}
	}
	env := v.env.WithGo(g)
	// The affected checks: those with a problem (what the step is for) or
	// skipped (they may run after the change),
	// the env check (a change may bring a problem of the configuration),
	// the private check when the change moves modules, and the modcache
	// check only for the settings it reads.
	troubled := map[string]bool{"env": true}
	for _, r := range v.results {
		troubled[r.ID] = troubled[r.ID] || r.Status != checks.StatusPass // a skipped check may run after the change
	}
	troubled["private"] = troubled["private"] || slices.Contains(routeKeys, k.key)
	offline := k.key == "GOPROXY" && (k.value == "off" || v.env.Go.Get("GOPROXY") == "off")
	troubled["modcache"] = troubled["modcache"] && slices.Contains(cacheKeys, k.key) || offline
	var list []*checks.Check
	for _, c := range v.list {
		if troubled[c.ID] {
			list = append(list, c)
		}
	}
	after := checks.Runner{}.Run(v.ctx, env, list)
	before := map[string]checks.CheckResult{}
	for _, r := range v.results {
		before[r.ID] = r
	}
	out := &checks.Verification{Changes: []string{}, Fixed: []checks.Ref{}, New: []checks.Ref{}}
	ran := map[string]bool{}
	for _, r := range after {
		ran[r.ID] = true
		b, ok := before[r.ID]
		if r.Status == checks.StatusError || v.ctx.Err() != nil {
			out.Incomplete = true
		}
		if ok && b.Status != r.Status {
			out.Changes = append(out.Changes, fmt.Sprintf("%s: %s → %s", r.ID, b.Status, r.Status))
		}
	}
	problems := problemsOf(after)
	for _, root := range v.roots {
		if ran[root.Check] && !problems[root] {
			out.Fixed = append(out.Fixed, root)
		}
	}
	newFail := false
	for _, r := range after {
		for _, f := range r.Findings {
			ref := checks.Ref{Check: r.ID, Code: f.Code, Subject: f.Subject}
			if f.Problem() && !v.had[ref] {
				out.New = append(out.New, ref)
				newFail = newFail || f.Severity == checks.SevFail
			}
		}
	}
	out.Breaks = newFail
	out.Works = len(out.Fixed) > 0 && !newFail && !out.Incomplete
	return out
}

// better reports whether a is a better outcome than b: it works where b
// does not, then it removes more root causes, then it brings fewer new
// problems. nil (not tried) is worst.
func better(a, b *checks.Verification) bool {
	switch {
	case a == nil:
		return false
	case b == nil:
		return true
	case a.Works != b.Works:
		return a.Works
	case len(a.Fixed) != len(b.Fixed):
		return len(a.Fixed) > len(b.Fixed)
	}
	return len(a.New) < len(b.New)
}

// prune orders the plan (the steps seen to work first, the others in the
// order they had) and leaves out the steps about causes a working step
// removes: the other fixes of those causes and of their consequences. A
// change that was tried and does not work is left out too when another
// step answers its causes, and so is a step about consequences only when
// a step answers their cause itself: one cause, one step.
func prune(results []checks.CheckResult, plan []checks.PlanStep) []checks.PlanStep {
	rootOf := checks.Roots(results)
	roots := func(s checks.PlanStep) []checks.Ref {
		var out []checks.Ref
		for _, b := range s.Because {
			out = append(out, rootOf(checks.Ref{Check: b.Check, Code: b.Code, Subject: b.Subject}))
		}
		return out
	}
	// futile: tried, it removes a cause but brings a new failure (a
	// replacement that breaks elsewhere), seen even when the deadline cut
	// the trial short. A change that removes nothing stays: it may need
	// a step before it (a file to write first).
	futile := func(s checks.PlanStep) bool {
		v := s.Verified
		return v != nil && len(v.Fixed) > 0 && v.Breaks
	}
	// direct reports whether s answers root itself, not only what follows.
	direct := func(s checks.PlanStep, root checks.Ref) bool {
		for _, b := range s.Because {
			if (checks.Ref{Check: b.Check, Code: b.Code, Subject: b.Subject}) == root {
				return true
			}
		}
		return false
	}
	removed, answeredDirectly := map[checks.Ref]bool{}, map[checks.Ref]bool{}
	for _, s := range plan {
		if s.Verified != nil && s.Verified.Works {
			for _, r := range s.Verified.Fixed {
				removed[r] = true
			}
		}
		if !futile(s) {
			for _, r := range roots(s) {
				answeredDirectly[r] = answeredDirectly[r] || direct(s, r)
			}
		}
	}
	var works, rest []checks.PlanStep
	for _, s := range plan {
		if s.Verified != nil && s.Verified.Works {
			works = append(works, s)
			continue
		}
		rs := roots(s)
		covered, otherwise := len(rs) > 0, len(rs) > 0 && futile(s)
		for _, r := range rs {
			covered = covered && removed[r]
			otherwise = otherwise && answeredDirectly[r]
		}
		if !covered && !otherwise {
			rest = append(rest, s)
		}
	}
	slices.SortStableFunc(works, func(a, b checks.PlanStep) int {
		return len(b.Verified.Fixed) - len(a.Verified.Fixed)
	})
	return append(works, rest...)
}

// reread asks the go command for its environment as the change k would
// make it: a copy of the GOENV file with the change (the file itself is
// never touched), or the process environment changed.
func (v *verifier) reread(k trialKey) (*goenv.Env, bool) {
	cur := v.env.Go
	override := map[string]string{}
	if k.kind == checks.FixGoEnv {
		if cur.EnvFile == "" {
			return nil, false
		}
		dir, err := os.MkdirTemp("", "gomoddoctor-try-")
		if err != nil {
			return nil, false
		}
		defer os.RemoveAll(dir)
		data, err := os.ReadFile(cur.EnvFile)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, false
		}
		var lines []string
		for _, l := range strings.Split(string(data), "\n") {
			if name, _, _ := strings.Cut(l, "="); strings.TrimSpace(name) != k.key && l != "" {
				lines = append(lines, l)
			}
		}
		if !k.unset {
			lines = append(lines, k.key+"="+k.value)
		}
		file := filepath.Join(dir, "env")
		if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			return nil, false
		}
		override["GOENV"] = file
	} else {
		override[k.key] = k.value // "" unsets it for the go command
	}
	g := goenv.Read(v.ctx, goenv.Options{Dir: v.env.Dir, Environ: cur.Environ(override), GoBin: cur.GoBin})
	g.EnvFile = cur.EnvFile // the copy stands for the file
	return g, true
}

// problemsOf indexes the warnings and failures of results.
func problemsOf(results []checks.CheckResult) map[checks.Ref]bool {
	out := map[checks.Ref]bool{}
	for _, r := range results {
		for _, f := range r.Findings {
			if f.Problem() {
				out[checks.Ref{Check: r.ID, Code: f.Code, Subject: f.Subject}] = true
			}
		}
	}
	return out
}
