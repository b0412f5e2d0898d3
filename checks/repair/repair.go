// Package repair is 'gomoddoctor --fix': it carries out the part of the
// advisor's plan that --fix may apply, safely.
//
// Run takes the report of a run and, in order: sorts the plan into what
// it applies (go-env steps, and with FixCache the module cache repairs)
// and what it leaves to a person; previews the change of the GOENV file
// on a copy and vets it with the env check (a step that would bring a new
// problem is left out); asks (Prompter), unless told Yes or DryRun;
// backs the file up and replaces it in one rename (checks/envedit); runs
// the cache repairs; and runs the checks again on a new snapshot.
//
// Nothing here prints. What happens is told to a Handler as events (the
// report it starts from, the plan, sentences, commands run, the report
// that ends the run), and each output format has its own Handler (see
// package report), as govulncheck's handlers render one stream of
// findings.
package repair

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	envcheck "github.com/gomoddoctor/gomoddoctor/checks/env"
	"github.com/gomoddoctor/gomoddoctor/checks/envedit"
)

// Test seams of --fix, read from the process environment and never set
// in normal use: PauseEnv ("STAGE:FILE") makes --fix create FILE when it
// reaches STAGE ("preview": the change is made on the copy of the GOENV
// file; "backup": the backup is written but not the GOENV file;
// "commit": the new file is ready but not yet in place) and wait there,
// at most PauseLimit, so that a test can kill it at that exact point;
// MarkEnv ("STAGE:FILE") makes it create FILE there and go on, so that
// a test can kill it at chosen delays after that point; FailEnv
// ("STAGE") makes it fail there.
const (
	PauseEnv = "GOMODDOCTOR_TEST_PAUSE"
	MarkEnv  = "GOMODDOCTOR_TEST_MARK"
	FailEnv  = "GOMODDOCTOR_TEST_FAIL"
)

// PauseLimit bounds the wait of PauseEnv.
var PauseLimit = 60 * time.Second

// Options say how --fix runs.
type Options struct {
	Yes      bool // apply without asking
	DryRun   bool // show the change and stop
	FixCache bool // also run the plan's module cache repairs
	// Environ is the process environment of the go command (and of the
	// cache repairs); Dir the directory the doctor runs in ("" for the
	// current one).
	Environ []string
	Dir     string
	// Checks are the checks to run again, and Timeout their deadline.
	Checks  []*checks.Check
	Timeout time.Duration
	// Version names the doctor in the new report.
	Version string
	// Prompter asks for consent; nil when there is no terminal to ask on.
	Prompter Prompter
}

// A Prompter asks the person at the terminal a yes-or-no question.
type Prompter interface {
	Confirm(question string) bool
}

// A Handler is told what --fix does. Its methods are called in order
// from one goroutine; an error from Found, Planned or Done ends the run.
type Handler interface {
	// Found is the report of the run --fix starts from.
	Found(before *checks.Report) error
	// Planned is what --fix is about to do, before it asks.
	Planned(p Plan) error
	// Say is a sentence about what --fix does or did.
	Say(msg string)
	// Ran is a cache repair --fix is running (output nil), then what it
	// printed.
	Ran(command string, output []byte)
	// Round is told when the checks run again after a round show steps
	// --fix may apply that the plan did not have: round n (2 or more)
	// starts from rep, and Planned follows with its plan.
	Round(n int, rep *checks.Report) error
	// Done is the report that ends the run, its Fix set: the report of
	// the checks run again when verified, otherwise the report --fix
	// started from.
	Done(rep *checks.Report, verified bool) error
}

// Plan is what --fix is about to do.
type Plan struct {
	File  string            // the GOENV file
	Diff  string            // its change, credentials scrubbed; "" for none
	Apply []checks.PlanStep // steps applied to the file
	Cache []checks.PlanStep // cache repairs run
	Left  []checks.PlanStep // steps left to a person
	Notes []string          // what else to know
}

// MaxRounds bounds the rounds of one --fix run: after the checks run
// again, a step --fix may apply that the plan did not have before (a
// problem the first one hid: GO111MODULE=off hides every problem of
// the proxies) starts another round, at most MaxRounds in all.
const MaxRounds = 3

// run is one run of --fix.
type run struct {
	opts   Options
	env    *checks.Env
	before *checks.Report // the report the current round starts from
	first  *checks.Report // the report the run started from
	h      Handler
	out    *checks.FixOutcome
	// backup is the one backup of the run: later rounds reuse it, so
	// that one undo restores the file as it was before the run.
	backup *envedit.Backup
	// firstFile is the GOENV file before the run, for the diff of all
	// rounds together.
	firstFile  []byte
	firstExist bool
	// afterEnv is the snapshot of the checks run last.
	afterEnv *checks.Env
}

// Run repairs what the plan of before says --fix may repair, env being
// the snapshot before was made from. When the checks run again show a
// new step --fix may apply, it repairs again, up to MaxRounds rounds,
// each told to the Handler (Round), with one backup for all. It returns
// the exit code: 0 when every step --fix may take was taken and no
// check fails afterwards, 1 otherwise, 2 when a handler failed (with
// its error).
func Run(parent context.Context, env *checks.Env, before *checks.Report, opts Options, h Handler) (int, error) {
	r := &run{opts: opts, env: env, before: before, first: before, h: h,
		out: &checks.FixOutcome{Before: before.Statuses(), Applied: []checks.PlanStep{}, Left: []checks.PlanStep{}}}
	if err := h.Found(before); err != nil {
		return checks.ExitInternal, err
	}
	r.out.File = env.Go.EnvFile
	if err := env.Go.EnvFileErr; err != nil {
		// The go command ignores a GOENV file it cannot read, and
		// 'go env -w' fails on it: --fix can neither see nor change
		// what it holds.
		f := env.Go.EnvFile
		return r.stop(checks.FixFailed, fmt.Errorf("cannot read the GOENV file %s (%v): the go command ignores it and 'go env -w' fails on it, so --fix changes nothing; make it readable and writable by your user (chmod u+rw %s), or set GOENV to another file", f, err, checks.ShellQuote(f)))
	}
	ed := r.editor()
	seen := autoSteps(before.Plan, nil)
	for round := 1; ; round++ {
		after, code, err := r.round(parent, ed, round)
		if after == nil {
			return code, err // the round ended the run
		}
		fresh := autoSteps(after.Plan, seen)
		if len(fresh) == 0 || round == MaxRounds || r.out.Result != checks.FixApplied {
			if len(fresh) > 0 && r.out.Result == checks.FixApplied {
				h.Say(fmt.Sprintf("\n--fix stops after %d rounds; the plan above still has steps it could apply: run it again to see them.", MaxRounds))
			}
			return r.done(after)
		}
		// What the first round repaired revealed more: another round,
		// from the report of the checks just run.
		for k := range fresh {
			seen[k] = true
		}
		r.env, r.before = r.afterEnv, after
		if err := h.Round(round+1, after); err != nil {
			return checks.ExitInternal, err
		}
	}
}

// autoSteps returns the keys of the plan's steps --fix applies that
// are not in seen.
func autoSteps(plan []checks.PlanStep, seen map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, st := range plan {
		if st.AppliedBy != checks.ByFix {
			continue
		}
		k := fmt.Sprintf("%s\x00%s\x00%v\x00%s", st.Kind, st.Key, st.Unset, st.ApplyValue())
		if !seen[k] {
			out[k] = true
		}
	}
	return out
}

// round carries out one round: the plan of r.before sorted, previewed,
// consented to, applied, the cache repaired, and the checks run again.
// It returns the report of the checks run again, or nil when the round
// ended the run (with the exit code and error to return).
func (r *run) round(parent context.Context, ed *envedit.Editor, round int) (*checks.Report, int, error) {
	h, env, before := r.h, r.env, r.before
	apply, cache, left, notes := sortPlan(before.Plan, r.opts.FixCache)

	apply, left, changes, preview, vetNotes, err := r.preview(parent, ed, apply, left)
	if err != nil {
		if round > 1 {
			h.Say("gomoddoctor --fix: " + env.Scrub(err.Error()))
			return r.endRound(before)
		}
		code, err := r.stop(checks.FixFailed, err)
		return nil, code, err
	}
	notes = append(notes, vetNotes...)
	diff := ""
	if preview != nil {
		diff = env.Scrub(preview.Diff())
	}
	if round == 1 {
		r.out.Left = append(r.out.Left, left...)
		r.out.Diff = diff
		if preview != nil {
			r.firstFile, r.firstExist = preview.Before, preview.Existed
		}
	} else {
		r.out.Left = append([]checks.PlanStep{}, left...) // an array in JSON, even empty
	}
	if err := h.Planned(Plan{File: env.Go.EnvFile, Diff: diff, Apply: apply, Cache: cache, Left: left, Notes: notes}); err != nil {
		return nil, checks.ExitInternal, err
	}
	if len(apply) == 0 && len(cache) == 0 {
		if round > 1 {
			return r.endRound(before)
		}
		h.Say("\nNothing for --fix to change.")
		r.out.Result = checks.FixNothingToDo
		code, err := r.finish(before)
		return nil, code, err
	}
	if r.opts.DryRun {
		h.Say("\nDry run: nothing was changed.")
		r.out.Result = checks.FixDryRun
		code, err := r.finish(before)
		return nil, code, err
	}
	if !r.opts.Yes {
		if res, ok := r.confirm(len(apply), len(cache)); !ok {
			if round > 1 {
				return r.endRound(before)
			}
			r.out.Result = res
			code, err := r.finish(before)
			return nil, code, err
		}
	}

	// From here on an interrupt stops the work at the next safe point:
	// the GOENV file is replaced in one rename, or not at all.
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	applied := len(r.out.Applied)
	if preview != nil {
		if code, err, ok := r.apply(ctx, ed, changes, preview, apply); !ok {
			return nil, code, err
		}
	}
	r.runCache(ctx, cache)
	if ctx.Err() != nil {
		r.out.Result = checks.FixInterrupted
		h.Say("Interrupted: run gomoddoctor to see where things stand.")
		return nil, checks.ExitFail, nil
	}
	r.out.Result = checks.FixApplied
	if r.out.Error != "" {
		r.out.Result = checks.FixFailed
	}
	after, code, err := r.verify(ctx, changes)
	if after != nil {
		r.out.Rounds = append(r.out.Rounds, checks.FixRound{
			Round: round, Diff: diff, Applied: slices.Clone(r.out.Applied[applied:]), After: after.Statuses(),
		})
		if round > 1 && preview != nil {
			// The diff of the run is that of every round together.
			whole := &envedit.Preview{File: preview.File, Existed: r.firstExist, Before: r.firstFile, After: preview.After}
			r.out.Diff = env.Scrub(whole.Diff())
		}
	}
	return after, code, err
}

// endRound ends a later round that changes nothing (its steps were
// left out, declined, or could not be previewed): the run ends with the
// report that round started from, what the earlier rounds did standing.
func (r *run) endRound(rep *checks.Report) (*checks.Report, int, error) {
	return rep, 0, nil
}

// sortPlan sorts the steps of a plan into those --fix applies to the
// GOENV file, the cache repairs it runs, and those it leaves to a person.
func sortPlan(plan []checks.PlanStep, fixCache bool) (apply, cache, left []checks.PlanStep, notes []string) {
	skippedCache := 0
	for _, st := range plan {
		switch {
		case st.AppliedBy == checks.ByFix:
			apply = append(apply, st)
		case st.AppliedBy == checks.ByFixCache && fixCache && shAvailable():
			cache = append(cache, st)
		default:
			if st.AppliedBy == checks.ByFixCache {
				skippedCache++
			}
			left = append(left, st)
		}
	}
	if skippedCache > 0 {
		if shAvailable() {
			notes = append(notes, fmt.Sprintf("%s delete module cache entries: --fix runs them only with --fix-cache.", plural(skippedCache, "repair")))
		} else {
			notes = append(notes, fmt.Sprintf("%s of the module cache need a POSIX shell, which this system lacks: run them yourself.", plural(skippedCache, "repair")))
		}
	}
	return apply, cache, left, notes
}

// preview previews the change of apply on a copy of the GOENV file, then
// vets it: a step that would bring a new problem of the configuration is
// left to a person, and the rest previewed again (each round leaves out
// at least one step). It returns what is left to apply and its preview
// (nil when the file would not change).
func (r *run) preview(parent context.Context, ed *envedit.Editor, apply, left []checks.PlanStep) (_, _ []checks.PlanStep, _ []envedit.Change, _ *envedit.Preview, notes []string, _ error) {
	for len(apply) > 0 {
		changes := changesOf(apply)
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		p, err := ed.Preview(ctx, changes)
		if err != nil {
			cancel()
			return nil, nil, nil, nil, nil, fmt.Errorf("preparing the change of %s: %v", r.env.Go.EnvFile, err)
		}
		if !p.Changed() {
			cancel()
			// The file already says so (the findings come from elsewhere).
			return nil, append(left, apply...), nil, nil, nil, nil
		}
		added := r.vet(ctx, p)
		cancel()
		var keep []checks.PlanStep
		for _, st := range apply {
			i := slices.IndexFunc(added, func(f checks.Finding) bool { return f.Subject == st.Key })
			if i < 0 {
				keep = append(keep, st)
				continue
			}
			st.AppliedBy = checks.ByYou
			st.Notes = append(st.Notes, fmt.Sprintf("--fix leaves this to you: the change would bring a new problem, %s: %s", added[i].Code, added[i].Message))
			left = append(left, st)
		}
		if len(keep) == len(apply) {
			for _, f := range added {
				notes = append(notes, fmt.Sprintf("After this change the env check would also report %s: %s", f.Code, f.Message))
			}
			return apply, left, changes, p, notes, nil
		}
		apply = keep
	}
	return apply, left, nil, nil, nil, nil
}

func changesOf(steps []checks.PlanStep) []envedit.Change {
	out := make([]envedit.Change, 0, len(steps))
	for _, st := range steps {
		out = append(out, envedit.Change{Key: st.Key, Value: st.ApplyValue(), Unset: st.Unset})
	}
	return out
}

// vet runs the env check on the environment the previewed file would
// make, and returns its problems (warn and fail findings) that the
// environment of now does not have.
func (r *run) vet(ctx context.Context, p *envedit.Preview) []checks.Finding {
	// The copy in memory where the system allows: it may hold
	// credentials, and a --fix killed now must not leave it on disk. (An
	// empty copy stands for no file: the go command reads both alike.)
	mf, err := envedit.NewMemFile(p.After)
	if err != nil {
		return nil
	}
	defer mf.Close()
	file := mf.Path
	environ := append(slices.Clip(r.opts.Environ), "GOENV="+file)
	env := r.reload(ctx, environ)
	res := checks.Runner{}.Run(ctx, env, []*checks.Check{envcheck.Check})[0]
	now := map[string]bool{}
	for _, c := range r.before.Checks {
		for _, f := range c.Findings {
			if c.ID == envcheck.Check.ID {
				now[f.Code+"\x00"+f.Subject] = true
			}
		}
	}
	var added []checks.Finding
	for _, f := range res.Findings {
		// The copy stands for the GOENV file.
		f.Subject = strings.ReplaceAll(f.Subject, file, r.env.Go.EnvFile)
		f.Message = strings.ReplaceAll(f.Message, file, r.env.Go.EnvFile)
		if f.Severity != checks.SevInfo && !now[f.Code+"\x00"+f.Subject] {
			added = append(added, f)
		}
	}
	return added
}

// reload takes a new snapshot with the process environment environ and
// the run's options, without a progress bar (the checks run again
// quietly).
func (r *run) reload(ctx context.Context, environ []string) *checks.Env {
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: r.opts.Dir, Environ: environ})
	env.StdinTerminal = r.env.StdinTerminal
	env.Options = r.env.Options
	env.Options.Progress = nil
	return env
}

// editor edits the GOENV file of the snapshot with its go command.
func (r *run) editor() *envedit.Editor {
	g := r.env.Go
	vars := map[string]string{}
	if g.GOROOT != "" {
		// The toolchain's own root: a broken GOROOT in the file must not
		// stop the go command that repairs it.
		vars["GOROOT"] = g.GOROOT
	}
	ed := &envedit.Editor{
		File: g.EnvFile,
		Go: func(ctx context.Context, over map[string]string, args ...string) ([]byte, error) {
			return g.Run(ctx, os.TempDir(), over, args...)
		},
		Vars: vars,
	}
	pause, fail, mark := getenv(r.opts.Environ, PauseEnv), getenv(r.opts.Environ, FailEnv), getenv(r.opts.Environ, MarkEnv)
	if pause != "" || fail != "" || mark != "" {
		ed.Hook = func(ctx context.Context, stage string) error {
			if fail == stage {
				return fmt.Errorf("test hook %s=%s", FailEnv, fail)
			}
			if st, file, ok := strings.Cut(mark, ":"); ok && st == stage {
				os.WriteFile(file, []byte(stage+"\n"), 0o644)
			}
			if st, file, ok := strings.Cut(pause, ":"); ok && st == stage {
				os.WriteFile(file, []byte(stage+"\n"), 0o644)
				t := time.NewTimer(PauseLimit)
				defer t.Stop()
				select {
				case <-t.C:
				case <-ctx.Done():
				}
			}
			return nil
		}
	}
	return ed
}

// confirm asks whether to apply.
func (r *run) confirm(changes, cache int) (checks.FixResult, bool) {
	if r.opts.Prompter == nil {
		r.h.Say("\nNot applied: there is no terminal to ask on; run 'gomoddoctor --fix --yes' to apply without asking.")
		return checks.FixNotConfirmed, false
	}
	var what []string
	if changes > 0 {
		what = append(what, "change "+r.env.Go.EnvFile)
	}
	if cache > 0 {
		what = append(what, "run "+plural(cache, "cache repair"))
	}
	if r.opts.Prompter.Confirm(fmt.Sprintf("Apply: %s?", strings.Join(what, " and "))) {
		return "", true
	}
	r.h.Say("\nNot applied.")
	return checks.FixDeclined, false
}

// apply writes the previewed change. ok is false when it could not,
// with the exit code and error that end the run.
func (r *run) apply(ctx context.Context, ed *envedit.Editor, changes []envedit.Change, preview *envedit.Preview, steps []checks.PlanStep) (code int, err error, ok bool) {
	actx, cancel := context.WithTimeout(ctx, 30*time.Second)
	var b *envedit.Backup
	if r.backup != nil {
		b, err = ed.ApplyAfter(actx, changes, preview, r.backup)
	} else {
		b, err = ed.Apply(actx, changes, preview)
	}
	cancel()
	if err != nil {
		res := checks.FixFailed
		if ctx.Err() != nil {
			res = checks.FixInterrupted
		}
		code, err := r.stop(res, fmt.Errorf("%v; the GOENV file %s is unchanged", err, r.env.Go.EnvFile))
		return code, err, false
	}
	r.out.Applied = append(r.out.Applied, steps...)
	again := r.backup != nil
	if b != nil {
		r.backup = b
	}
	switch {
	case again:
		r.h.Say(fmt.Sprintf("\nChanged %s again; the backup taken before the first round is kept, so one undo restores the file as it was before this run: gomoddoctor undo", r.env.Go.EnvFile))
	case b != nil && b.DataPath != "":
		r.out.Backup = b.DataPath
		r.h.Say(fmt.Sprintf("\nChanged %s; the old file is saved in %s. Undo with: gomoddoctor undo", r.env.Go.EnvFile, b.DataPath))
	default:
		r.h.Say(fmt.Sprintf("\nCreated %s (there was none). Undo with: gomoddoctor undo", r.env.Go.EnvFile))
	}
	return 0, nil, true
}

// runCache runs the cache repairs in order, stopping at the first that
// fails.
func (r *run) runCache(ctx context.Context, cache []checks.PlanStep) {
	for i, st := range cache {
		if err := guardCache(r.env, st); err != nil {
			r.out.Left = append(r.out.Left, cache[i:]...)
			r.out.Error = r.env.Scrub(err.Error())
			r.h.Say("\ngomoddoctor --fix: " + r.out.Error)
			return
		}
		if err := r.runShell(ctx, st.Command); err != nil {
			r.out.Left = append(r.out.Left, cache[i:]...)
			r.out.Error = fmt.Sprintf("cache repair %q failed: %v", st.Command, err)
			return
		}
		r.out.Applied = append(r.out.Applied, st)
	}
}

// runShell runs a cache repair command in the module directory with the
// go command's environment.
func (r *run) runShell(ctx context.Context, command string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	r.h.Ran(command, nil)
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Dir = r.env.Dir
	cmd.Env = r.opts.Environ
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if len(out) > 0 {
		r.h.Ran(command, out)
	}
	return err
}

func shAvailable() bool {
	_, err := exec.LookPath("sh")
	return err == nil
}

// verify runs the checks again on a new snapshot and returns their
// report; nil when an interrupt ended the run (with its exit code).
func (r *run) verify(ctx context.Context, changes []envedit.Change) (*checks.Report, int, error) {
	r.h.Say("\nRunning the checks again...")
	start := time.Now()
	vctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	env := r.reload(vctx, r.opts.Environ)
	results := checks.Runner{}.Run(vctx, env, r.opts.Checks)
	if ctx.Err() != nil {
		r.out.Result = checks.FixInterrupted
		r.h.Say("\nInterrupted while running the checks again; the change is made (undo with: gomoddoctor undo). Run gomoddoctor to see where things stand.")
		return nil, checks.ExitFail, nil
	}
	after := checks.NewReport(env, r.opts.Version, results, advisor.Plan(vctx, env, results, r.opts.Checks), time.Since(start))
	r.afterEnv = env
	for _, c := range changes {
		v := env.Go.Var(c.Key)
		if c.Unset && v.InFile || !c.Unset && (!v.InFile || v.FileValue != c.Value) {
			r.out.Result = checks.FixFailed
			r.out.Error = fmt.Sprintf("the go command does not read %s as written: %s", c.Key, env.Scrub(v.FileValue))
		}
	}
	return after, 0, nil
}

// done ends a run that changed the file with the report of the checks
// run last, and what --fix did in all its rounds.
func (r *run) done(after *checks.Report) (int, error) {
	r.out.Fixed, r.out.New = checks.CompareProblems(r.first.Problems(), after.Problems())
	if len(r.out.Rounds) < 2 {
		r.out.Rounds = nil // one round: the fix object says it all
	}
	after.Fix = r.out
	if err := r.h.Done(after, true); err != nil {
		return checks.ExitInternal, err
	}
	code := after.ExitCode()
	if r.out.Result != checks.FixApplied && code == checks.ExitOK {
		code = checks.ExitFail
	}
	return code, nil
}

// finish ends a --fix that changed nothing: the report of the run, with
// what --fix found to do.
func (r *run) finish(rep *checks.Report) (int, error) {
	rep.Fix = r.out
	if err := r.h.Done(rep, false); err != nil {
		return checks.ExitInternal, err
	}
	code := rep.ExitCode()
	if code == checks.ExitOK && (r.out.Result == checks.FixDeclined || r.out.Result == checks.FixNotConfirmed) {
		code = checks.ExitFail // there was something to fix, and it was not
	}
	return code, nil
}

// stop ends a --fix that an error stopped before it changed anything.
func (r *run) stop(res checks.FixResult, err error) (int, error) {
	r.out.Result = res
	r.out.Error = r.env.Scrub(err.Error())
	r.h.Say("gomoddoctor --fix: " + r.out.Error)
	r.before.Fix = r.out
	if err := r.h.Done(r.before, false); err != nil {
		return checks.ExitInternal, err
	}
	return checks.ExitFail, nil
}

func getenv(environ []string, key string) string {
	for i := len(environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(environ[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// plural is "1 noun" or "n nouns".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
