package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	envcheck "github.com/gomoddoctor/gomoddoctor/checks/env"

	"github.com/spf13/cobra"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/envedit"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/report"
)

// fixFlags are the flags of 'gomoddoctor --fix' and of the proxy advice.
type fixFlags struct {
	fix      bool
	yes      bool
	dryRun   bool
	fixCache bool
	mirrors  []string
}

// Variables of the environment that shape --fix.
const (
	// mirrorsEnv replaces the default candidate mirrors (the toolchain
	// default and the well-known public ones): a comma-separated list of
	// URLs, or "none". Test sandboxes set it so that no test measures a
	// real mirror.
	mirrorsEnv = "GOMODDOCTOR_MIRRORS"
	// Test seams of --fix, never set in normal use: pauseEnv
	// ("STAGE:FILE") makes --fix create FILE when it reaches STAGE
	// ("backup": the backup is written but not the GOENV file; "commit":
	// the new file is ready but not yet in place) and wait there, at
	// most pauseLimit, so that a test can kill it at that exact point;
	// failEnv ("STAGE") makes it fail there.
	pauseEnv = "GOMODDOCTOR_TEST_PAUSE"
	failEnv  = "GOMODDOCTOR_TEST_FAIL"
)

var pauseLimit = 60 * time.Second

func (f fixFlags) validate() error {
	if !f.fix {
		for name, set := range map[string]bool{"--yes": f.yes, "--dry-run": f.dryRun, "--fix-cache": f.fixCache} {
			if set {
				return fmt.Errorf("%s goes with --fix", name)
			}
		}
	}
	if f.yes && f.dryRun {
		return errors.New("--yes and --dry-run contradict each other")
	}
	for _, m := range f.mirrors {
		if err := checkMirrorURL(m); err != nil {
			return fmt.Errorf("--mirror %q: %v", m, err)
		}
	}
	return nil
}

func checkMirrorURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return errors.New("want the URL of a module proxy, such as https://goproxy.corp.example")
	}
	return nil
}

// mirrorCandidates are the mirrors the proxy check measures when the
// GOPROXY chain fails: those named with --mirror, then the defaults (or
// those of $GOMODDOCTOR_MIRRORS).
func mirrorCandidates(s streams, env *checks.Env, flags []string) []checks.Mirror {
	var out []checks.Mirror
	add := func(m checks.Mirror) {
		m.URL = strings.TrimSuffix(m.URL, "/")
		if !slices.ContainsFunc(out, func(x checks.Mirror) bool { return x.URL == m.URL }) {
			out = append(out, m)
		}
	}
	for _, u := range flags {
		add(checks.Mirror{URL: u, Origin: checks.MirrorFlag})
	}
	switch v := strings.TrimSpace(s.getenv(mirrorsEnv)); v {
	case "":
		for _, m := range checks.DefaultMirrors(env.Go) {
			add(m)
		}
	case "none":
	default:
		for _, u := range strings.Split(v, ",") {
			if u = strings.TrimSpace(u); checkMirrorURL(u) == nil {
				add(checks.Mirror{URL: u, Origin: "$" + mirrorsEnv})
			}
		}
	}
	return out
}

// fixRun is one run of --fix.
type fixRun struct {
	s      streams
	f      rootFlags
	format string
	env    *checks.Env
	list   []*checks.Check
	before *checks.Report
	out    *checks.FixOutcome
}

// runFix repairs what the plan of before says --fix may repair: it
// shows the change, asks (unless --yes or --dry-run), backs up the GOENV
// file, applies the change with the go command, runs the cache repairs
// with --fix-cache, then runs the checks again and reports before and
// after. Exit code 0 when every step --fix may take was taken and no
// check fails afterwards, 1 otherwise.
func runFix(parent context.Context, s streams, f rootFlags, format string, env *checks.Env, list []*checks.Check, before *checks.Report) (int, error) {
	r := &fixRun{s: s, f: f, format: format, env: env, list: list, before: before,
		out: &checks.FixOutcome{Before: before.Statuses(), Applied: []checks.PlanStep{}, Left: []checks.PlanStep{}}}
	text := format == "text"
	if text {
		if err := report.Text(s.out, before, report.TextOptions{Verbose: f.verbose, Color: useColor(s, f.noColor), Width: textWidth(s), HidePlan: true}); err != nil {
			return checks.ExitInternal, err
		}
	}

	var apply, cache, left []checks.PlanStep
	var notes []string
	skippedCache := 0
	for _, st := range before.Plan {
		switch {
		case st.AppliedBy == checks.ByFix:
			apply = append(apply, st)
		case st.AppliedBy == checks.ByFixCache && f.fixCache && shAvailable():
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
			notes = append(notes, fmt.Sprintf("%s delete module cache entries: --fix runs them only with --fix-cache.", report.Plural(skippedCache, "repair")))
		} else {
			notes = append(notes, fmt.Sprintf("%s of the module cache need a POSIX shell, which this system lacks: run them yourself.", report.Plural(skippedCache, "repair")))
		}
	}
	r.out.File = env.Go.EnvFile

	// The change, previewed on a copy, then vetted: a step that would bring
	// a new problem of the configuration is left to you, and the rest
	// previewed again (each round leaves out at least one step).
	ed := r.editor()
	var changes []envedit.Change
	var preview *envedit.Preview
	for len(apply) > 0 {
		changes = changesOf(apply)
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		p, err := ed.Preview(ctx, changes)
		if err != nil {
			cancel()
			return r.stop(checks.FixFailed, fmt.Errorf("preparing the change of %s: %v", env.Go.EnvFile, err))
		}
		if !p.Changed() {
			cancel()
			// The file already says so (the findings come from elsewhere).
			left = append(left, apply...)
			apply, changes = nil, nil
			break
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
			preview = p
			break
		}
		apply = keep
	}
	r.out.Left = append(r.out.Left, left...)
	if preview != nil {
		r.out.Diff = env.Scrub(preview.Diff())
	} else {
		changes = nil
	}
	if text {
		if err := report.FixPreviewText(s.out, report.FixPreview{File: env.Go.EnvFile, Diff: r.out.Diff, Apply: apply, Cache: cache, Left: left, Notes: notes},
			report.TextOptions{Color: useColor(s, f.noColor), Width: textWidth(s)}); err != nil {
			return checks.ExitInternal, err
		}
	}
	if len(apply) == 0 && len(cache) == 0 {
		r.say("\nNothing for --fix to change.")
		r.out.Result = checks.FixNothingToDo
		return r.finish(before)
	}
	if f.dryRun {
		r.say("\nDry run: nothing was changed.")
		r.out.Result = checks.FixDryRun
		return r.finish(before)
	}
	if !f.yes {
		ok, res := r.confirm(len(apply), len(cache))
		if !ok {
			r.out.Result = res
			return r.finish(before)
		}
	}

	// From here on an interrupt stops the work at the next safe point:
	// the GOENV file is replaced in one rename, or not at all.
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if preview != nil {
		actx, cancel := context.WithTimeout(ctx, 30*time.Second)
		b, err := ed.Apply(actx, changes, preview)
		cancel()
		if err != nil {
			res := checks.FixFailed
			if ctx.Err() != nil {
				res = checks.FixInterrupted
			}
			return r.stop(res, fmt.Errorf("%v; the GOENV file %s is unchanged", err, env.Go.EnvFile))
		}
		r.out.Applied = append(r.out.Applied, apply...)
		if b != nil && b.DataPath != "" {
			r.out.Backup = b.DataPath
			r.say(fmt.Sprintf("\nChanged %s; the old file is saved in %s. Undo with: gomoddoctor undo", env.Go.EnvFile, b.DataPath))
		} else {
			r.say(fmt.Sprintf("\nCreated %s (there was none). Undo with: gomoddoctor undo", env.Go.EnvFile))
		}
	}
	for i, st := range cache {
		if err := r.runShell(ctx, st.Command); err != nil {
			r.out.Left = append(r.out.Left, cache[i:]...)
			r.out.Error = fmt.Sprintf("cache repair %q failed: %v", st.Command, err)
			break
		}
		r.out.Applied = append(r.out.Applied, st)
	}
	if ctx.Err() != nil {
		r.out.Result = checks.FixInterrupted
		r.say("Interrupted: run gomoddoctor to see where things stand.")
		return checks.ExitFail, nil
	}
	r.out.Result = checks.FixApplied
	if r.out.Error != "" {
		r.out.Result = checks.FixFailed
	}
	return r.verify(ctx, changes)
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
func (r *fixRun) vet(ctx context.Context, p *envedit.Preview) []checks.Finding {
	dir, err := os.MkdirTemp("", "gomoddoctor-vet-")
	if err != nil {
		return nil
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "env")
	if p.After != nil {
		if err := os.WriteFile(file, p.After, 0o600); err != nil {
			return nil
		}
	}
	environ := append(slices.Clip(r.s.environ), "GOENV="+file)
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

// editor edits the GOENV file of the snapshot with its go command.
// reload takes a new snapshot with the process environment environ and
// the run's options, without a progress bar (the checks run again
// quietly).
func (r *fixRun) reload(ctx context.Context, environ []string) *checks.Env {
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: r.f.dir, Environ: environ})
	env.StdinTerminal = r.s.inTTY
	env.Options = r.env.Options
	env.Options.Progress = nil
	return env
}

func (r *fixRun) editor() *envedit.Editor {
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
	pause, fail := r.s.getenv(pauseEnv), r.s.getenv(failEnv)
	if pause != "" || fail != "" {
		ed.Hook = func(ctx context.Context, stage string) error {
			if fail == stage {
				return fmt.Errorf("test hook %s=%s", failEnv, fail)
			}
			if st, file, ok := strings.Cut(pause, ":"); ok && st == stage {
				os.WriteFile(file, []byte(stage+"\n"), 0o644)
				t := time.NewTimer(pauseLimit)
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

// confirm asks on the terminal whether to apply.
func (r *fixRun) confirm(changes, cache int) (bool, checks.FixResult) {
	if !r.s.inTTY {
		r.say("\nNot applied: there is no terminal to ask on; run 'gomoddoctor --fix --yes' to apply without asking.")
		return false, checks.FixNotConfirmed
	}
	var what []string
	if changes > 0 {
		what = append(what, "change "+r.env.Go.EnvFile)
	}
	if cache > 0 {
		what = append(what, "run "+report.Plural(cache, "cache repair"))
	}
	w := r.s.out
	if r.format != "text" {
		w = r.s.err
	}
	fmt.Fprintf(w, "Apply: %s? [y/N] ", strings.Join(what, " and "))
	line, _ := bufio.NewReader(io.LimitReader(r.s.in, 1024)).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, ""
	}
	r.say("\nNot applied.")
	return false, checks.FixDeclined
}

// runShell runs a cache repair command in the module directory with the
// go command's environment.
func (r *fixRun) runShell(ctx context.Context, command string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if r.format == "text" {
		fmt.Fprintf(r.s.out, "$ %s\n", command)
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Dir = r.env.Dir
	cmd.Env = r.s.environ
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if r.format == "text" && len(out) > 0 {
		r.s.out.Write(out)
	}
	return err
}

func shAvailable() bool {
	_, err := exec.LookPath("sh")
	return err == nil
}

// verify runs the checks again on a new snapshot and reports the
// result, with what --fix did.
func (r *fixRun) verify(ctx context.Context, changes []envedit.Change) (int, error) {
	r.say("\nRunning the checks again...")
	start := time.Now()
	vctx, cancel := context.WithTimeout(ctx, r.f.timeout)
	defer cancel()
	env := r.reload(vctx, r.s.environ)
	results := checks.Runner{}.Run(vctx, env, r.list)
	if ctx.Err() != nil {
		r.out.Result = checks.FixInterrupted
		r.say("\nInterrupted while running the checks again; the change is made (undo with: gomoddoctor undo). Run gomoddoctor to see where things stand.")
		return checks.ExitFail, nil
	}
	after := checks.NewReport(env, toolVersion(), results, advisor.Advise(env, results), time.Since(start))
	for _, c := range changes {
		v := env.Go.Var(c.Key)
		if c.Unset && v.InFile || !c.Unset && (!v.InFile || v.FileValue != c.Value) {
			r.out.Result = checks.FixFailed
			r.out.Error = fmt.Sprintf("the go command does not read %s as written: %s", c.Key, env.Scrub(v.FileValue))
		}
	}
	r.out.Fixed, r.out.New = checks.CompareProblems(r.before.Problems(), after.Problems())
	after.Fix = r.out
	if err := render(r.s, r.format, r.f.outputFlags, after); err != nil {
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
func (r *fixRun) finish(rep *checks.Report) (int, error) {
	if r.format != "text" {
		rep.Fix = r.out
		if err := render(r.s, r.format, r.f.outputFlags, rep); err != nil {
			return checks.ExitInternal, err
		}
	}
	code := rep.ExitCode()
	if code == checks.ExitOK && (r.out.Result == checks.FixDeclined || r.out.Result == checks.FixNotConfirmed) {
		code = checks.ExitFail // there was something to fix, and it was not
	}
	return code, nil
}

// stop ends a --fix that an error stopped before it changed anything.
func (r *fixRun) stop(res checks.FixResult, err error) (int, error) {
	r.out.Result = res
	r.out.Error = r.env.Scrub(err.Error())
	if r.format == "text" {
		r.say("gomoddoctor --fix: " + r.out.Error)
		return checks.ExitFail, nil
	}
	fmt.Fprintf(r.s.err, "gomoddoctor --fix: %s\n", r.out.Error)
	r.before.Fix = r.out
	if err := render(r.s, r.format, r.f.outputFlags, r.before); err != nil {
		return checks.ExitInternal, err
	}
	return checks.ExitFail, nil
}

// say tells the user what --fix does: on standard output in text, on
// standard error when standard output is a report for machines.
func (r *fixRun) say(msg string) {
	if r.format != "text" {
		fmt.Fprintln(r.s.err, msg)
		return
	}
	report.Say(r.s.out, msg, report.TextOptions{Width: textWidth(r.s)})
}

// undoFlags are the flags of 'gomoddoctor undo'.
type undoFlags struct {
	force  bool
	dryRun bool
}

const undoLong = `undo restores the GOENV file (the file 'go env -w' writes) from the
backup the last 'gomoddoctor --fix' took before changing it, byte for
byte (or removes the file if --fix created it), and shows the change.
Run it again to undo the --fix before that.

It refuses when the file was changed after that --fix (by hand or by
'go env -w'), since undoing would lose that change; --force restores the
backup anyway, saving the current file next to the backups first.

Exit codes: 0 restored; 1 nothing to undo, or refused; 2 usage error.`

func newUndoCmd(s streams, code *int) *cobra.Command {
	var f undoFlags
	cmd := &cobra.Command{
		Use:   "undo",
		Short: "Restore the GOENV file from the backup of the last 'gomoddoctor --fix'",
		Long:  undoLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := runUndo(cmd.Context(), s, f)
			*code = c
			return err
		},
	}
	cmd.Flags().BoolVar(&f.force, "force", false, "restore the backup even if the file changed after the --fix")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "show what undo would restore, and stop")
	return cmd
}

func runUndo(ctx context.Context, s streams, f undoFlags) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	file, err := goenv.EnvFile(ctx, s.environ)
	if err != nil {
		fmt.Fprintf(s.out, "gomoddoctor undo: %v\n", err)
		return checks.ExitFail, nil
	}
	if file == "" {
		fmt.Fprintln(s.out, "GOENV=off: there is no GOENV file, so nothing to undo.")
		return checks.ExitFail, nil
	}
	u, err := envedit.Undo(ctx, file, f.force, f.dryRun, 0)
	switch {
	case errors.Is(err, envedit.ErrNoBackup):
		if u != nil && u.Discarded > 0 {
			fmt.Fprintf(s.out, "Dropped %s of --fix runs stopped before they changed %s.\n", report.Plural(u.Discarded, "backup"), file)
		}
		fmt.Fprintf(s.out, "Nothing to undo: 'gomoddoctor --fix' has no backup of %s.\n", file)
		return checks.ExitFail, nil
	case err != nil:
		fmt.Fprintf(s.out, "gomoddoctor undo: %s\n", checks.RedactString(err.Error()))
		return checks.ExitFail, nil
	}
	if d := u.Diff(); d != "" {
		fmt.Fprint(s.out, checks.RedactString(d))
	}
	when := u.Backup.Time.Local().Format(time.DateTime)
	switch {
	case f.dryRun:
		fmt.Fprintf(s.out, "Dry run: undo would restore %s as it was before the --fix of %s.\n", file, when)
		return checks.ExitOK, nil
	case u.Backup.Existed:
		fmt.Fprintf(s.out, "Restored %s as it was before the --fix of %s.\n", file, when)
	default:
		fmt.Fprintf(s.out, "Removed %s: there was none before the --fix of %s.\n", file, when)
	}
	if u.Saved != "" {
		fmt.Fprintf(s.out, "The file as it was before this undo is saved in %s.\n", u.Saved)
	}
	if u.Discarded > 0 {
		fmt.Fprintf(s.out, "(Dropped %s of --fix runs stopped before they changed the file.)\n", report.Plural(u.Discarded, "backup"))
	}
	return checks.ExitOK, nil
}
