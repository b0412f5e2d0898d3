// Package advisor turns the fixes of every finding into one plan: what
// 'gomoddoctor --fix' would change, and what only a person can do. It
// works on fixes as data (kind, key, value, auto), whatever check they
// come from:
//
//   - Only the fixes of problems (warn and fail findings) are planned.
//   - One step per setting: the fixes of all findings about one variable
//     (GOPROXY in the GOENV file, HTTPS_PROXY in the shell) are merged.
//     Lists are merged element by element: module path patterns (the
//     GOPRIVATE family) and NO_PROXY hosts are unioned with the user's
//     entries, of which only those that can never match may go; GOFLAGS
//     keeps every flag no fix removes. Other settings take one value:
//     conflicting values are resolved in favour of the more specific
//     finding, and the step's notes say which was chosen and why.
//   - A setting --fix may change (an Auto go-env fix) wins over
//     suggestions for the same setting that need a person's decision;
//     the notes say what was left out.
//   - Identical commands are one step, listing every finding they fix.
//   - Configuration comes before cache repair: steps --fix applies, then
//     suggestions, shell changes, cache repairs (in the order their
//     findings give), manual steps, and last resorts.
package advisor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// candidate is one fix of one finding, with where it came from.
type candidate struct {
	fix       checks.Fix
	ref       checks.FindingRef
	checkRank int // position of the check in the report order
	seq       int // position in the order fixes were collected
}

// Advise merges the fixes of the findings of results into the plan,
// without trying them (see Plan).
func Advise(env *checks.Env, results []checks.CheckResult) []checks.PlanStep {
	return advise(env, results, nil)
}

// advise merges the fixes; v, when not nil, decides between values of
// one setting by trying them.
func advise(env *checks.Env, results []checks.CheckResult, v *verifier) []checks.PlanStep {
	var cands []candidate
	for rank, r := range results { // results come in the suite's order
		for _, f := range r.Findings {
			if f.Severity == checks.SevInfo {
				continue
			}
			ref := checks.FindingRef{Check: r.ID, Code: f.Code, Severity: f.Severity, Subject: f.Subject}
			for _, x := range f.Fixes {
				cands = append(cands, candidate{fix: x, ref: ref, checkRank: rank, seq: len(cands)})
			}
		}
	}

	type placed struct {
		step checks.PlanStep
		tier int
		pos  int
	}
	var steps []placed

	// Settings: one step per kind and key.
	type keyGroup struct {
		kind  checks.FixKind
		key   string
		cands []candidate
	}
	var groups []*keyGroup
	byCommand := map[string]*placed{}
	for _, c := range cands {
		x := c.fix
		if (x.Kind == checks.FixGoEnv || x.Kind == checks.FixShell) && x.Key != "" {
			i := slices.IndexFunc(groups, func(g *keyGroup) bool { return g.kind == x.Kind && g.key == x.Key })
			if i < 0 {
				groups = append(groups, &keyGroup{kind: x.Kind, key: x.Key})
				i = len(groups) - 1
			}
			groups[i].cands = append(groups[i].cands, c)
			continue
		}
		// Everything else: one step per command, placed where its last
		// occurrence is, so that sequences (remove, then download again)
		// keep their order when several findings share them.
		k := string(x.Kind) + "\x00" + x.Command
		if p := byCommand[k]; p != nil {
			p.step.Because = addRef(p.step.Because, c.ref)
			p.pos = c.seq
			p.step.LastResort = p.step.LastResort || x.LastResort
			continue
		}
		byCommand[k] = &placed{step: checks.PlanStep{Fix: x, Because: []checks.FindingRef{c.ref}}, pos: c.seq}
	}
	for _, g := range groups {
		step, ok := mergeSetting(env, g.kind, g.key, g.cands, v)
		if ok {
			steps = append(steps, placed{step: step, pos: g.cands[0].seq})
		}
	}
	for _, p := range byCommand {
		steps = append(steps, *p)
	}

	for i := range steps {
		s := &steps[i]
		assign(env, &s.step)
		s.tier = tierOf(s.step)
	}
	slices.SortStableFunc(steps, func(a, b placed) int {
		if a.tier != b.tier {
			return a.tier - b.tier
		}
		// Settings of the same tier: the fix of a failure first. Other
		// steps keep the order their findings give (a sequence such as
		// remove, then download again).
		if a.tier <= tierShell {
			if sa, sb := worst(a.step), worst(b.step); sa != sb {
				return sb.Rank() - sa.Rank()
			}
		}
		return a.pos - b.pos
	})
	out := make([]checks.PlanStep, len(steps))
	for i, s := range steps {
		out[i] = s.step
	}
	return out
}

// Tiers of the plan: configuration first, then cache repair, then what
// only a person can do.
const (
	tierFixGoEnv   = iota // go env changes --fix applies
	tierGoEnv             // go env changes that need a decision
	tierShell             // shell changes
	tierCache             // module cache repairs
	tierManual            // manual steps
	tierLastResort        // last resorts
)

func tierOf(s checks.PlanStep) int {
	switch {
	case s.LastResort:
		return tierLastResort
	case s.Kind == checks.FixGoEnv && s.AppliedBy == checks.ByFix:
		return tierFixGoEnv
	case s.Kind == checks.FixGoEnv:
		return tierGoEnv
	case s.Kind == checks.FixShell:
		return tierShell
	case s.Kind == checks.FixCache:
		return tierCache
	}
	return tierManual
}

// worst is the worst severity of the findings a step answers.
func worst(s checks.PlanStep) checks.Severity {
	w := checks.SevInfo
	for _, r := range s.Because {
		if r.Severity.Worse(w) {
			w = r.Severity
		}
	}
	return w
}

// assign decides who applies a step, with a note when --fix cannot
// although the fix says it may.
func assign(e *checks.Env, s *checks.PlanStep) {
	g := e.Go
	switch s.Kind {
	case checks.FixCache:
		s.AppliedBy = checks.ByFixCache
		if s.LastResort {
			s.AppliedBy = checks.ByYou
			s.Notes = append(s.Notes, "a last resort: only if the steps before it do not help; --fix never runs it")
		}
		return
	case checks.FixGoEnv:
	default:
		s.AppliedBy = checks.ByYou
		return
	}
	s.AppliedBy = checks.ByYou
	if !s.Auto {
		s.Notes = append(s.Notes, "needs your decision: --fix does not apply it")
		return
	}
	v := g.Var(s.Key)
	switch {
	case g.EnvFile == "":
		s.Notes = append(s.Notes, fmt.Sprintf("GOENV=off: there is no GOENV file for 'go env' to change; set it in your shell instead: %s", checks.FixCommand(checks.FixShell, s.Key, e.Scrub(s.ApplyValue()), s.Unset)))
	case g.EnvFileErr != nil:
		s.Notes = append(s.Notes, "the GOENV file cannot be read ("+e.Scrub(g.EnvFileErr.Error())+"): --fix changes nothing in it until it can")
	case g.EnvFileBinary:
		s.Notes = append(s.Notes, "the GOENV file is not a text file: --fix changes nothing in it until it is repaired")
	case !s.Unset && !g.IsGoKey(s.Key):
		s.Notes = append(s.Notes, s.Key+" is not a setting of the go command: 'go env -w' cannot write it")
	case !s.Unset && v.Source == goenv.SourceProcess:
		s.Notes = append(s.Notes, fmt.Sprintf("%s is set in the process environment, which overrides the GOENV file: 'go env -w' has no effect while it is set; change it where it is set instead: %s", s.Key, checks.FixCommand(checks.FixShell, s.Key, e.Scrub(s.ApplyValue()), s.Unset)))
	case !s.Unset && !s.HasApplyValue() && strings.Contains(s.Value, "xxxxx"):
		s.Notes = append(s.Notes, "the value holds credentials that were redacted: type the command yourself with the real ones")
	default:
		s.AppliedBy = checks.ByFix
	}
}

// mergeSetting merges the fixes of one setting into one step. ok is
// false when, merged, they change nothing.
func mergeSetting(e *checks.Env, kind checks.FixKind, key string, cands []candidate, v *verifier) (checks.PlanStep, bool) {
	chosen, left := cands, []candidate(nil)
	if kind == checks.FixGoEnv {
		var auto, manual []candidate
		for _, c := range cands {
			if c.fix.Auto {
				auto = append(auto, c)
			} else {
				manual = append(manual, c)
			}
		}
		if len(auto) > 0 && len(manual) > 0 {
			chosen, left = auto, manual
		}
	}
	var step checks.PlanStep
	var ok bool
	if lk := listKindOf(key); lk != notList && lk.splits(current(e, kind, key)) {
		step, ok = mergeList(e, kind, key, lk, chosen)
	} else {
		step, ok = mergeScalar(e, kind, key, chosen, v)
	}
	if !ok {
		return step, false
	}
	for _, c := range left {
		step.Notes = append(step.Notes, fmt.Sprintf("left out: %s from %s (%s), a suggestion that needs your decision; run the doctor again after this step to see whether it still applies", describe(e, c.fix), c.ref.Code, c.fix.Title))
	}
	return step, true
}

// current is the value a setting has now where the fix would change it.
func current(e *checks.Env, kind checks.FixKind, key string) string {
	if kind == checks.FixShell {
		v, _ := e.Go.Getenv(key)
		return v
	}
	return e.Go.Get(key)
}

// describe shows what a fix does to its setting, credentials redacted.
func describe(e *checks.Env, x checks.Fix) string {
	if x.Unset {
		return "unset " + x.Key
	}
	return x.Key + "=" + e.Scrub(x.ApplyValue())
}

// effect is the value a setting has after a fix, for comparing fixes.
func effect(e *checks.Env, kind checks.FixKind, x checks.Fix) string {
	if !x.Unset {
		return x.ApplyValue()
	}
	if v := e.Go.Var(x.Key); kind == checks.FixGoEnv && v.InGOROOT {
		return v.GOROOTValue
	}
	return "\x00default"
}

// mergeScalar picks one value for a setting: the one fix when they all
// agree (an unset preferred, as the cleaner edit), else the fix of the
// more specific finding, with the choice explained.
func mergeScalar(e *checks.Env, kind checks.FixKind, key string, cands []candidate, v *verifier) (checks.PlanStep, bool) {
	type option struct {
		effect string
		cands  []candidate
	}
	var opts []*option
	for _, c := range cands {
		eff := effect(e, kind, c.fix)
		i := slices.IndexFunc(opts, func(o *option) bool { return o.effect == eff })
		if i < 0 {
			opts = append(opts, &option{effect: eff})
			i = len(opts) - 1
		}
		opts[i].cands = append(opts[i].cands, c)
	}
	// Tried, the value seen to work best wins; otherwise, or when they
	// do as well, the more specific finding's.
	var tried []*checks.Verification
	if v != nil && len(opts) > 1 {
		for _, o := range opts {
			if k, ok := keyOf(o.cands[0].fix); ok {
				v.start(k)
			}
		}
		for _, o := range opts {
			k, _ := keyOf(o.cands[0].fix)
			tried = append(tried, v.outcome(k))
		}
	}
	best := 0
	for i := 1; i < len(opts); i++ {
		switch {
		case tried != nil && better(tried[i], tried[best]):
			best = i
		case tried != nil && better(tried[best], tried[i]):
		case moreSpecific(opts[i].cands[0], opts[best].cands[0]):
			best = i
		}
	}
	win := opts[best]
	// The words of a fix that is not one of its finding's alternatives
	// ("or ...") say best what the step does.
	rep := win.cands[0]
	for _, c := range win.cands {
		if !strings.HasPrefix(c.fix.Title, "or ") && !strings.HasPrefix(c.fix.Title, "or,") {
			rep = c
			break
		}
	}
	for _, c := range win.cands {
		if c.fix.Unset {
			rep = c
			break
		}
	}
	step := checks.PlanStep{Fix: rep.fix}
	for _, c := range win.cands {
		step.Because = addRef(step.Because, c.ref)
	}
	for i, o := range opts {
		if i == best {
			continue
		}
		l := o.cands[0]
		why := specificityReason(win.cands[0], l)
		if tried != nil && better(tried[best], tried[i]) {
			why = "tried, it " + verdict(tried[best]) + ", where the other " + verdict(tried[i])
		}
		step.Notes = append(step.Notes, fmt.Sprintf("%s: chose %s (%s) over %s (%s): %s", key, describe(e, rep.fix), rep.ref.Code, describe(e, l.fix), l.ref.Code, why))
	}
	if v := e.Go.Var(key); kind == checks.FixGoEnv && e.Go.IsGoKey(key) {
		// Nothing to do: the GOENV file already holds the value, or does
		// not hold the key to remove.
		if rep.fix.Unset && !v.InFile || !rep.fix.Unset && v.InFile && v.FileValue == rep.fix.ApplyValue() && v.Source == goenv.SourceFile {
			return step, false
		}
	}
	return step, true
}

// moreSpecific reports whether a's finding is more specific than b's:
// found by a later check (the checks run from the general configuration
// through the network to this module's own state), then a failure over
// a warning, then the one found first.
func moreSpecific(a, b candidate) bool {
	if a.checkRank != b.checkRank {
		return a.checkRank > b.checkRank
	}
	if a.ref.Severity != b.ref.Severity {
		return a.ref.Severity.Worse(b.ref.Severity)
	}
	return a.seq < b.seq
}

// specificityReason says why winner's finding was preferred to loser's.
func specificityReason(winner, loser candidate) string {
	switch {
	case winner.checkRank != loser.checkRank:
		return fmt.Sprintf("%s is the more specific finding: the %s check examines more specific things than the %s check (the checks go from the general configuration through the network to this module)", winner.ref.Code, winner.ref.Check, loser.ref.Check)
	case winner.ref.Severity != loser.ref.Severity:
		return fmt.Sprintf("%s makes the go command fail, %s only warns", winner.ref.Code, loser.ref.Code)
	}
	return fmt.Sprintf("%s comes first in the report", winner.ref.Code)
}

// listKind says how a setting's value is a list.
type listKind int

const (
	notList     listKind = iota
	patternList          // comma-separated module path patterns (GOPRIVATE, ...)
	hostList             // comma-separated hosts (NO_PROXY)
	flagList             // white-space separated flags (GOFLAGS)
)

func listKindOf(key string) listKind {
	switch key {
	case "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE":
		return patternList
	case "NO_PROXY", "no_proxy":
		return hostList
	case "GOFLAGS":
		return flagList
	}
	return notList
}

// splits reports whether a value can be split as this kind of list
// (GOFLAGS with unbalanced quotes cannot: it is replaced as a whole).
func (k listKind) splits(value string) bool {
	if k == flagList {
		_, err := goenv.ParseGOFLAGS(value)
		return err == nil
	}
	return true
}

func (k listKind) split(value string) []string {
	switch k {
	case patternList:
		return goenv.Patterns(value)
	case hostList:
		var out []string
		for _, h := range strings.Split(value, ",") {
			if h = strings.TrimSpace(h); h != "" {
				out = append(out, h)
			}
		}
		return out
	}
	flags, _ := goenv.ParseGOFLAGS(value)
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = f.Raw
	}
	return out
}

func (k listKind) join(elems []string) string {
	if k != flagList {
		return strings.Join(elems, ",")
	}
	flags := make([]goenv.GoFlag, len(elems))
	for i, w := range elems {
		flags[i] = goenv.GoFlag{Raw: w}
	}
	return goenv.JoinGOFLAGS(flags)
}

// removable reports whether a fix may drop the user's element: only
// patterns and hosts that can never match; any flag.
func (k listKind) removable(elem string) bool {
	switch k {
	case patternList:
		return len(goenv.CheckPatterns(elem)) > 0
	case hostList:
		return !netenv.NoProxyEntryOK(elem)
	}
	return true
}

// mergeList merges the fixes of a list setting element by element: the
// user's elements stay, in their order, unless a fix drops them and they
// may go; every element a fix adds is appended once.
func mergeList(e *checks.Env, kind checks.FixKind, key string, lk listKind, cands []candidate) (checks.PlanStep, bool) {
	curValue := current(e, kind, key)
	cur := lk.split(curValue)
	removed := map[string]bool{}
	kept := map[string][]string{}
	var added []string
	var titles []string
	for _, c := range cands {
		var target []string
		if !c.fix.Unset {
			target = lk.split(c.fix.ApplyValue())
		}
		for _, p := range cur {
			if slices.Contains(target, p) {
				continue
			}
			if lk.removable(p) {
				removed[p] = true
			} else if !slices.Contains(kept[p], c.ref.Code) {
				kept[p] = append(kept[p], c.ref.Code)
			}
		}
		for _, p := range target {
			if !slices.Contains(cur, p) && !slices.Contains(added, p) {
				added = append(added, p)
			}
		}
		if !slices.Contains(titles, c.fix.Title) {
			titles = append(titles, c.fix.Title)
		}
	}
	var merged []string
	for _, p := range cur {
		if !removed[p] {
			merged = append(merged, p)
		}
	}
	merged = append(merged, added...)
	value := lk.join(merged)

	var step checks.PlanStep
	for _, c := range cands {
		step.Because = addRef(step.Because, c.ref)
	}
	if value == curValue || len(merged) == 0 && curValue == "" {
		return step, false
	}
	// A single fix that the merge leaves as it is keeps its own words.
	if one := cands[0].fix; len(cands) == 1 && (one.Unset && len(merged) == 0 || !one.Unset && one.ApplyValue() == value) {
		step.Fix = one
	} else {
		x := checks.Fix{Kind: kind, Key: key, Auto: true, Unset: len(merged) == 0}.WithApplyValue(value)
		for _, c := range cands {
			x.Auto = x.Auto && c.fix.Auto
		}
		x.Title = titles[0]
		if len(titles) > 1 {
			x.Title = "merge the changes to " + key + ": " + strings.Join(titles, "; ")
		}
		if !x.Unset {
			x.Value = e.Scrub(value)
		}
		x.Command = checks.FixCommand(x.Kind, x.Key, x.Value, x.Unset)
		step.Fix = x
	}
	if len(cands) > 1 || len(kept) > 0 {
		var parts []string
		var keep []string
		for _, p := range cur {
			if !removed[p] {
				keep = append(keep, p)
			}
		}
		if len(keep) > 0 {
			parts = append(parts, "keeps "+e.Scrub(strings.Join(keep, " ")))
		}
		if len(added) > 0 {
			parts = append(parts, "adds "+e.Scrub(strings.Join(added, " ")))
		}
		var drop []string
		for _, p := range cur {
			if removed[p] {
				drop = append(drop, p)
			}
		}
		if len(drop) > 0 {
			parts = append(parts, "drops "+e.Scrub(strings.Join(drop, " ")))
		}
		step.Notes = append(step.Notes, fmt.Sprintf("%s merged from %d fix(es) with your current value: %s", key, len(cands), strings.Join(parts, "; ")))
	}
	for _, p := range cur {
		if codes := kept[p]; len(codes) > 0 {
			step.Notes = append(step.Notes, fmt.Sprintf("keeps your entry %s, which the fix of %s would have replaced: the advisor only adds to your entries (and drops those that can never match)", e.Scrub(p), strings.Join(codes, ", ")))
		}
	}
	return step, true
}

func addRef(refs []checks.FindingRef, r checks.FindingRef) []checks.FindingRef {
	if slices.Contains(refs, r) {
		return refs
	}
	return append(refs, r)
}

// verdict says in words what a trial showed.
func verdict(t *checks.Verification) string {
	switch {
	case t == nil:
		return "was not tried"
	case t.Works:
		return fmt.Sprintf("removes %d cause(s)", len(t.Fixed))
	case len(t.Fixed) > 0:
		return fmt.Sprintf("removes %d cause(s) but brings %d new problem(s)", len(t.Fixed), len(t.New))
	case t.Incomplete:
		return "could not be tried before the deadline"
	}
	return "removes no cause"
}
