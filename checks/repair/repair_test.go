package repair

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	envcheck "github.com/gomoddoctor/gomoddoctor/checks/env"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// recorder is a Handler that writes down what it is told.
type recorder struct{ events []string }

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

func (r *recorder) Done(rep *checks.Report, verified bool) error {
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
	t.Helper()
	proxy := fixtures.GoProxy(t)
	sb := fixtures.NewSandbox(t, proxy.URL)
	file := sb.Vars["GOENV"]
	if err := os.WriteFile(file, []byte("# mine\nGO111MODULE=off\n"), 0o644); err != nil {
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
