package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
	"github.com/gomoddoctor/gomoddoctor/report/schema/schematest"
)

// action is the part of action.yml the test runs.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	ID               string            `yaml:"id"`
	Name             string            `yaml:"name"`
	If               string            `yaml:"if"`
	Shell            string            `yaml:"shell"`
	Run              string            `yaml:"run"`
	Uses             string            `yaml:"uses"`
	With             map[string]string `yaml:"with"`
	Env              map[string]string `yaml:"env"`
	WorkingDirectory string            `yaml:"working-directory"`
}

// actionRun is one run of the composite action, as the runner would do
// it, on this machine: each 'run' step's script with bash, its env and
// working-directory expressions evaluated, fresh GITHUB_OUTPUT files,
// one GITHUB_STEP_SUMMARY and GITHUB_PATH. Without network: 'go
// install' is answered by a fake go command that installs this test
// binary as gomoddoctor (testscript runs it as the gomoddoctor
// command), and the upload step (a 'uses' step) is not run: its inputs
// are evaluated and returned.
type actionRun struct {
	t        *testing.T
	inputs   map[string]string
	env      map[string]string // the job's environment
	dir      string            // the job's working directory
	temp     string            // RUNNER_TEMP
	summary  string            // GITHUB_STEP_SUMMARY
	ghPath   string            // GITHUB_PATH
	outputs  map[string]map[string]string
	uploaded map[string]string // the upload step's with, evaluated; nil when skipped
	stdout   strings.Builder
	failed   bool // a step failed
	exit     int
}

var exprRE = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// eval evaluates the expressions the action uses: inputs.X,
// steps.ID.outputs.X and github.action_ref. Any other fails the test, so
// that the action cannot use one this test does not understand.
func (r *actionRun) eval(s string) string {
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		e := exprRE.FindStringSubmatch(m)[1]
		switch {
		case strings.HasPrefix(e, "inputs."):
			return r.inputs[strings.TrimPrefix(e, "inputs.")]
		case strings.HasPrefix(e, "steps."):
			parts := strings.Split(e, ".")
			if len(parts) != 4 || parts[2] != "outputs" {
				r.t.Fatalf("expression %q", e)
			}
			return r.outputs[parts[1]][parts[3]]
		case e == "github.action_ref":
			return "v9.9.9-test"
		}
		r.t.Fatalf("the test does not evaluate the expression %q", e)
		return ""
	})
}

func (r *actionRun) run(a *action) {
	for _, st := range a.Runs.Steps {
		if st.Uses != "" {
			// The upload step: it runs when a report was written.
			if !strings.Contains(st.If, "always()") {
				r.t.Errorf("step %q: not run after a failure (if: %q)", st.Name, st.If)
			}
			if r.outputs["doctor"]["report"] != "" && r.inputs["upload"] == "true" {
				r.uploaded = map[string]string{}
				for k, v := range st.With {
					r.uploaded[k] = r.eval(v)
				}
			}
			continue
		}
		if r.failed {
			continue
		}
		if st.Shell != "bash" {
			r.t.Fatalf("step %q: shell %q, want bash", st.Name, st.Shell)
		}
		out := filepath.Join(r.temp, "output-"+st.ID)
		if err := os.WriteFile(out, nil, 0o644); err != nil {
			r.t.Fatal(err)
		}
		env := maps.Clone(r.env)
		env["GITHUB_OUTPUT"] = out
		for k, v := range st.Env {
			env[k] = r.eval(v)
		}
		script := filepath.Join(r.temp, "step-"+st.ID+".sh")
		if err := os.WriteFile(script, []byte(st.Run), 0o644); err != nil {
			r.t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = r.dir
		if wd := r.eval(st.WorkingDirectory); wd != "" {
			cmd.Dir = filepath.Join(r.dir, wd)
		}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		b, err := cmd.CombinedOutput()
		r.stdout.Write(b)
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				r.t.Fatalf("step %q: %v", st.Name, err)
			}
			r.failed, r.exit = true, ee.ExitCode()
		}
		r.outputs[st.ID] = readKV(r.t, out)
		// GITHUB_PATH entries are prepended to PATH for the next steps.
		if data, err := os.ReadFile(r.ghPath); err == nil {
			for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				if l != "" && !strings.Contains(r.env["PATH"], l+string(os.PathListSeparator)) {
					r.env["PATH"] = l + string(os.PathListSeparator) + r.env["PATH"]
				}
			}
		}
	}
}

// readKV reads a GITHUB_OUTPUT file of key=value lines.
func readKV(t *testing.T, file string) map[string]string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m
}

func loadAction(t *testing.T) *action {
	data, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using %q, want composite", a.Runs.Using)
	}
	return &a
}

// newActionRun prepares a job: a sandbox whose GOPROXY is proxy, a module
// from files, and a fake go command for 'go install'.
func newActionRun(t *testing.T, a *action, proxy string, files map[string]string, inputs map[string]string) *actionRun {
	if runtime.GOOS == "windows" {
		t.Skip("the action's scripts run with bash")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	sb := fixtures.NewSandbox(t, proxy)
	r := &actionRun{t: t, inputs: map[string]string{}, env: map[string]string{}, outputs: map[string]map[string]string{}}
	for k, v := range a.Inputs {
		r.inputs[k] = v.Default
	}
	maps.Copy(r.inputs, inputs)
	r.dir = filepath.Join(sb.Root, "work")
	r.temp = filepath.Join(sb.Root, "runner-temp")
	for _, d := range []string{r.dir, r.temp, filepath.Join(sb.Root, "fakebin")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(r.dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	realGo, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The fake go: 'go install <the doctor>@<ref>' records the ref and
	// installs this test binary as gomoddoctor; anything else is the real
	// go command.
	fakeGo := fmt.Sprintf(`#!/bin/sh
if [ "$1" = install ]; then
	case "$2" in
	github.com/gomoddoctor/gomoddoctor/cmd/gomoddoctor@*) ;;
	*) echo "fake go: unexpected install $2" >&2; exit 2 ;;
	esac
	echo "$2" >> %q
	ln -sf %q "$GOBIN/gomoddoctor"
	exit 0
fi
exec %q "$@"
`, filepath.Join(sb.Root, "installed"), self, realGo)
	if err := os.WriteFile(filepath.Join(sb.Root, "fakebin", "go"), []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			r.env[k] = v
		}
	}
	maps.Copy(r.env, sb.Vars)
	r.summary = filepath.Join(r.temp, "step-summary.md")
	r.ghPath = filepath.Join(r.temp, "github-path")
	r.env["PATH"] = filepath.Join(sb.Root, "fakebin") + string(os.PathListSeparator) + os.Getenv("PATH")
	r.env["RUNNER_TEMP"] = r.temp
	r.env["GITHUB_STEP_SUMMARY"] = r.summary
	r.env["GITHUB_PATH"] = r.ghPath
	r.env["GITHUB_ACTIONS"] = "true"
	r.env[strictAutoFixEnv] = "1"
	delete(r.env, jsonOutEnv)
	return r
}

const actionGoMod = "module example.test/app\n\ngo 1.21\n\nrequire example.test/greet v0.1.0\n\nrequire example.test/hello v1.0.0 // indirect\n"
const actionGoSum = `example.test/greet v0.1.0 h1:StbJkgJJdpSvU0w7yh7n+CcHebG+wCYYErwZsJuH1tg=
example.test/greet v0.1.0/go.mod h1:JwpVfrTV6z2W/mZsFukDK54Oqn1g+oXVQJ84BABYpVA=
example.test/hello v1.0.0 h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=
example.test/hello v1.0.0/go.mod h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg=
`

// TestAction runs the composite action's steps locally, both ways: after
// a failure (the doctor's checks, reporting without failing the step)
// and wrapping a go command that fails (the step fails with its status).
func TestAction(t *testing.T) {
	a := loadAction(t)
	proxy := fixtures.GoProxy(t)
	dns := fixtures.DNS(t, fixtures.DNSZone{})
	closed := "http://" + fixtures.ClosedAddr(t)
	files := map[string]string{"go.mod": actionGoMod, "go.sum": actionGoSum}

	t.Run("after-failure", func(t *testing.T) {
		r := newActionRun(t, a, closed, files, map[string]string{"timeout": "20s"})
		r.env[resolverEnv] = dns.Addr
		r.run(a)
		if r.failed {
			t.Fatalf("the step failed (exit %d); fail-on-problems is false\n%s", r.exit, r.stdout.String())
		}
		installed, _ := os.ReadFile(filepath.Join(filepath.Dir(r.dir), "installed"))
		if got := strings.TrimSpace(string(installed)); got != "github.com/gomoddoctor/gomoddoctor/cmd/gomoddoctor@v9.9.9-test" {
			t.Errorf("installed %q, want the doctor at the action's ref", got)
		}
		out := r.outputs["doctor"]
		if out["status"] != "fail" || out["exit-code"] != "1" {
			t.Errorf("outputs %v, want status fail, exit-code 1", out)
		}
		checkActionReport(t, r, "PROXY_REFUSED")
		if !strings.Contains(r.stdout.String(), "::error title=") {
			t.Errorf("no annotation in the step's output:\n%s", r.stdout.String())
		}
	})

	t.Run("wraps-command", func(t *testing.T) {
		r := newActionRun(t, a, closed, files, map[string]string{"command": "go mod download", "timeout": "20s"})
		r.env[resolverEnv] = dns.Addr
		r.run(a)
		if !r.failed || r.exit != 1 {
			t.Fatalf("failed %v with exit %d, want the go command's status 1\n%s", r.failed, r.exit, r.stdout.String())
		}
		if !strings.Contains(r.stdout.String(), "connection refused") {
			t.Errorf("the go command's own error is missing:\n%s", r.stdout.String())
		}
		if out := r.outputs["doctor"]; out["exit-code"] != "1" || out["status"] != "fail" {
			t.Errorf("outputs %v", out)
		}
		checkActionReport(t, r, "PROXY_REFUSED")
	})

	t.Run("wraps-command-that-succeeds", func(t *testing.T) {
		r := newActionRun(t, a, proxy.URL, files, map[string]string{"command": "go mod download", "check": "env"})
		r.env[resolverEnv] = dns.Addr
		r.run(a)
		if r.failed {
			t.Fatalf("the step failed (exit %d)\n%s", r.exit, r.stdout.String())
		}
		if data, _ := os.ReadFile(r.summary); len(data) != 0 || r.uploaded != nil {
			t.Errorf("a command that succeeds left a summary %q or an upload %v", data, r.uploaded)
		}
		if s := r.stdout.String(); s != "" {
			t.Errorf("output of a command that succeeds: %q", s)
		}
	})
}

// checkActionReport checks what the action leaves: the markdown report
// in the job summary, the JSON report (valid against its schema) as the
// artifact uploaded, naming code.
func checkActionReport(t *testing.T, r *actionRun, code string) {
	t.Helper()
	summary, err := os.ReadFile(r.summary)
	if err != nil || !strings.Contains(string(summary), "## ") || !strings.Contains(string(summary), strings.ReplaceAll(code, "_", `\_`)) {
		t.Errorf("job summary %q (%v), want the markdown report naming %s", summary, err, code)
	}
	if r.uploaded == nil {
		t.Fatal("the upload step would not run")
	}
	if r.uploaded["name"] != "gomoddoctor-report" {
		t.Errorf("artifact name %q", r.uploaded["name"])
	}
	data, err := os.ReadFile(r.uploaded["path"])
	if err != nil {
		t.Fatalf("the artifact's path: %v", err)
	}
	if _, err := schematest.Validate(data); err != nil {
		t.Errorf("the JSON report: %v", err)
	}
	var rep struct{ Status string }
	if err := json.Unmarshal(data, &rep); err != nil || rep.Status != r.outputs["doctor"]["status"] {
		t.Errorf("report status %q, output %q (%v)", rep.Status, r.outputs["doctor"]["status"], err)
	}
	if !strings.Contains(string(data), `"`+code+`"`) {
		t.Errorf("the JSON report does not name %s", code)
	}
}
