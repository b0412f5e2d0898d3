package repair

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	envcheck "github.com/gomoddoctor/gomoddoctor/checks/env"
	"github.com/gomoddoctor/gomoddoctor/checks/envedit"
	proxycheck "github.com/gomoddoctor/gomoddoctor/checks/proxy"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// recorder is a Handler that writes down what it is told.
type recorder struct {
	events []string
	last   *checks.Report // the report of Done
}

func (r *recorder) Found(before *checks.Report) error {
	r.events = append(r.events, "found "+string(before.Status))
	return nil
}

func (r *recorder) Planned(p Plan) error {
	r.events = append(r.events, fmt.Sprintf("planned %d apply, %d left", len(p.Apply), len(p.Left)))
	return nil
}

func (r *recorder) Say(msg string)             { r.events = append(r.events, "say "+strings.TrimSpace(msg)) }
func (r *recorder) Ran(cmd string, out []byte) { r.events = append(r.events, "ran "+cmd) }

func (r *recorder) Round(n int, rep *checks.Report) error {
	r.events = append(r.events, fmt.Sprintf("round %d from %s", n, rep.Status))
	return nil
}

func (r *recorder) Done(rep *checks.Report, verified bool) error {
	r.last = rep
	r.events = append(r.events, fmt.Sprintf("done %s verified=%v result=%s", rep.Status, verified, rep.Fix.Result))
	return nil
}

// answer is a Prompter that answers as told and records the question.
type answer struct {
	yes      bool
	question string
}

func (a *answer) Confirm(q string) bool { a.question = q; return a.yes }

// sandbox is a module whose GOENV file turns modules off, and the report
// of the env check on it.
func sandbox(t *testing.T) (*checks.Env, *checks.Report, Options, string) {
	return sandboxWith(t, "# mine\nGO111MODULE=off\n")
}

// sandboxWith is a sandbox whose GOENV file holds content.
func sandboxWith(t *testing.T, content string) (*checks.Env, *checks.Report, Options, string) {
	t.Helper()
	proxy := fixtures.GoProxy(t)
	sb := fixtures.NewSandbox(t, proxy.URL)
	file := sb.Vars["GOENV"]
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(sb.Root, "app")
	checktest.WriteTree(t, dir, map[string]string{"go.mod": checktest.HelloReq, "go.sum": checktest.HelloSum, "main.go": checktest.HelloMain})
	environ := sb.Environ(checktest.Contain...)
	ctx := context.Background()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: dir, Environ: environ})
	list := []*checks.Check{envcheck.Check}
	results := checks.Runner{Strict: true}.Run(ctx, env, list)
	rep := checks.NewReport(env, "test", results, advisor.Advise(env, results), 0)
	return env, rep, Options{Environ: environ, Dir: dir, Checks: list, Timeout: 10 * time.Second, Version: "test"}, file
}

// The flow, told as events to a handler, with consent asked of a
// prompter: no terminal is needed to test it.
func TestRunEvents(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   func(*Options, *answer)
		code   int
		events []string
		file   string // what the GOENV file holds afterwards
	}{
		{name: "no terminal", opts: func(o *Options, _ *answer) { o.Prompter = nil }, code: checks.ExitFail,
			events: []string{"found fail", "planned 1 apply, 0 left", "say Not applied: there is no terminal to ask on; run 'gomoddoctor --fix --yes' to apply without asking.", "done fail verified=false result=not-confirmed"},
			file:   "GO111MODULE=off"},
		{name: "declined", code: checks.ExitFail,
			events: []string{"found fail", "planned 1 apply, 0 left", "say Not applied.", "done fail verified=false result=declined"},
			file:   "GO111MODULE=off"},
		{name: "dry run", opts: func(o *Options, _ *answer) { o.DryRun = true }, code: checks.ExitFail,
			events: []string{"found fail", "planned 1 apply, 0 left", "say Dry run: nothing was changed.", "done fail verified=false result=dry-run"},
			file:   "GO111MODULE=off"},
		{name: "confirmed", opts: func(_ *Options, a *answer) { a.yes = true }, code: checks.ExitOK,
			events: []string{"found fail", "planned 1 apply, 0 left", "say Changed", "say Running the checks again...", "done pass verified=true result=applied"},
			file:   "# mine\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, before, opts, file := sandbox(t)
			a := &answer{}
			opts.Prompter = a
			if tc.opts != nil {
				tc.opts(&opts, a)
			}
			h := &recorder{}
			code, err := Run(context.Background(), env, before, opts, h)
			if err != nil || code != tc.code {
				t.Errorf("exit %d, %v; want %d", code, err, tc.code)
			}
			if len(h.events) != len(tc.events) {
				t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(h.events, "\n"), strings.Join(tc.events, "\n"))
			}
			for i, w := range tc.events {
				if !strings.HasPrefix(h.events[i], w) {
					t.Errorf("event %d: %q, want %q", i, h.events[i], w)
				}
			}
			if opts.Prompter != nil && !opts.DryRun && a.question != "Apply: change "+file+"?" {
				t.Errorf("asked %q", a.question)
			}
			if got := checktest.ReadFile(t, file); !strings.Contains(got, tc.file) || tc.name == "confirmed" && strings.Contains(got, "GO111MODULE") {
				t.Errorf("the GOENV file holds %q", got)
			}
		})
	}
}

// GO111MODULE=off hides every problem of the proxies (the proxy check
// does not run with modules off). --fix --yes removes it; the checks run
// again show the configured proxy failing and a measured mirror that
// --fix may switch to: a second round applies it, and the run ends
// green, the real go command downloading the module. Both rounds share
// one backup: one undo gives back the original bytes.
func TestRunRepeatsWhileItHelps(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	broken := fixtures.HTTPServer(t, fixtures.Status(500, "text/plain", "down")).URL
	sb := fixtures.NewSandbox(t, proxy.URL)
	sb.Vars["GOPROXY"] = "" // from the GOENV file
	file := sb.Vars["GOENV"]
	original := "# mine\nGO111MODULE=off\nGOPROXY=" + broken + "\n"
	if err := os.WriteFile(file, []byte(original), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(sb.Root, "app")
	checktest.WriteTree(t, dir, map[string]string{"go.mod": checktest.HelloReq, "go.sum": checktest.HelloSum, "main.go": checktest.HelloMain})
	environ := sb.Environ(checktest.Contain...)
	ctx := context.Background()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: dir, Environ: environ})
	env.Options.Mirrors = []checks.Mirror{{URL: proxy.URL, Origin: checks.MirrorFlag}}
	list := []*checks.Check{envcheck.Check, proxycheck.Check}
	results := checks.Runner{Strict: true}.Run(ctx, env, list)
	before := checks.NewReport(env, "test", results, advisor.Advise(env, results), 0)
	if s := checktest.StepFor(before.Plan, checks.FixGoEnv, "GOPROXY"); s != nil {
		t.Fatalf("the first plan already changes GOPROXY:\n%s", checktest.PlanDump(before.Plan))
	}
	if _, ok := checktest.GoModDownload(t, sb, dir, nil, time.Minute); ok {
		t.Fatal("go mod download succeeds before the fix")
	}

	h := &recorder{}
	opts := Options{Yes: true, Environ: environ, Dir: dir, Checks: list, Timeout: 10 * time.Second, Version: "test"}
	code, err := Run(ctx, env, before, opts, h)
	t.Logf("events:\n%s", strings.Join(h.events, "\n"))
	if err != nil || code != checks.ExitOK {
		t.Errorf("exit %d, %v; want 0", code, err)
	}
	var rounds, planned int
	for _, e := range h.events {
		if strings.HasPrefix(e, "round 2 from fail") {
			rounds++
		}
		if strings.HasPrefix(e, "planned 1 apply") {
			planned++
		}
	}
	if rounds != 1 || planned != 2 || !strings.HasPrefix(h.events[len(h.events)-1], "done pass verified=true result=applied") {
		t.Errorf("want two rounds of one step each, ending green")
	}
	got := checktest.ReadFile(t, file)
	if strings.Contains(got, "GO111MODULE") || !strings.Contains(got, "GOPROXY="+proxy.URL+"\n") {
		t.Errorf("the GOENV file holds:\n%s", got)
	}
	if out, ok := checktest.GoModDownload(t, sb, dir, nil, time.Minute); !ok {
		t.Errorf("go mod download fails after --fix:\n%s", out)
	}
	// The fix object records the rounds; its diff is that of both.
	if f := h.last.Fix; f == nil || len(f.Rounds) != 2 || len(f.Applied) != 2 || f.Rounds[1].Applied[0].Key != "GOPROXY" ||
		!strings.Contains(f.Diff, "-GO111MODULE=off") || !strings.Contains(f.Diff, "+GOPROXY="+proxy.URL) {
		data, _ := json.MarshalIndent(h.last.Fix, "", "  ")
		t.Errorf("fix object:\n%s", data)
	} else if data, _ := json.Marshal(f); !strings.Contains(string(data), `"rounds":[{"round":1,`) {
		t.Errorf("JSON of the fix object: %s", data)
	}
	if backups, _ := filepath.Glob(file + ".gomoddoctor/backup-*.json"); len(backups) != 1 {
		t.Errorf("backups %v, want one for the run", backups)
	}

	// Undo, once, restores the file as it was before the run.
	if _, err := envedit.Undo(ctx, file, false, false, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := checktest.ReadFile(t, file); got != original {
		t.Errorf("after undo:\n%q\nwant\n%q", got, original)
	}
}

// --fix --yes changes the GOENV file exactly as the go command would:
// lines it does not understand (comments, blank lines, keys that are no
// Go setting, lines that are not KEY=VALUE, CRLF endings, no final
// newline) stay as 'go env -u' leaves them, byte for byte; --fix does
// not remove a line 'go env' would keep.
func TestRunKeepsWhatGoEnvKeeps(t *testing.T) {
	const original = "# my settings\r\n\nMYNOTE=keep-me\nGOPRIVATE=corp.example\nGO111MODULE=off\n" +
		"export NOTAKEY=1\nGOPRIVATE=corp.example\nOTHER=x\r\n  indented\n# last line, no newline"
	env, before, opts, file := sandboxWith(t, original)
	opts.Yes = true
	h := &recorder{}
	if _, err := Run(context.Background(), env, before, opts, h); err != nil {
		t.Fatal(err)
	}
	got := checktest.ReadFile(t, file)

	// The go command on a copy of the same file, with the one change
	// that repairs what it reads.
	copyFile := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(copyFile, []byte(original), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "env", "-u", "GO111MODULE")
	cmd.Env = append(slices.Clip(opts.Environ), "GOENV="+copyFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go env -u: %v\n%s", err, out)
	}
	want := checktest.ReadFile(t, copyFile)
	if got != want {
		t.Errorf("--fix wrote\n%q\n'go env -u GO111MODULE' writes\n%q\nevents:\n%s", got, want, strings.Join(h.events, "\n"))
	}
	for _, line := range []string{"MYNOTE=keep-me\n", "OTHER=x\r\n", "export NOTAKEY=1\n", "# my settings\r\n"} {
		if !strings.Contains(got, line) {
			t.Errorf("--fix lost %q", line)
		}
	}
	if f := h.last.Fix; f == nil || len(f.Applied) != 1 || f.Applied[0].Key != "GO111MODULE" {
		t.Errorf("applied: %+v", f)
	}
}
