package advisor

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// advisorEnv is a snapshot with a GOENV file (file, nil for GOENV=off),
// a process environment and the test toolchain defaults (checktest.Defaults).
func advisorEnv(process, file map[string]string) *checks.Env {
	return checks.NewEnv("/work", goenv.New(process, file, checktest.Defaults), nil)
}

func result(id string, fs ...checks.Finding) checks.CheckResult {
	return checks.CheckResult{ID: id, Title: id, Status: checks.StatusOf(fs), Findings: fs}
}

func problem(code string, sev checks.Severity, subject string, fixes ...checks.Fix) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Subject: subject, Message: code, Fixes: fixes}
}

func TestAdviseOnlyProblems(t *testing.T) {
	env := advisorEnv(nil, map[string]string{"GO111MODULE": "auto"})
	g := env.Go
	plan := Advise(env, []checks.CheckResult{result("env",
		problem("GO111MODULE_AUTO", checks.SevInfo, "GO111MODULE", checks.UnsetVar(g, g.Var("GO111MODULE"), "remove it")),
	)})
	if len(plan) != 0 {
		t.Errorf("an informational finding's fix is in the plan:\n%s", checktest.PlanDump(plan))
	}
}

// Pattern lists are unioned with the user's entries: a fix may drop an
// entry only when it can never match.
func TestAdviseUnionsPatterns(t *testing.T) {
	env := advisorEnv(nil, map[string]string{"GOPRIVATE": "corp.example,https://git.corp.example"})
	g := env.Go
	v := g.Var("GOPRIVATE")
	plan := Advise(env, []checks.CheckResult{
		result("env", problem("GOPRIVATE_BAD_PATTERN", checks.SevWarn, "GOPRIVATE",
			checks.SetVar(g, v, "corp.example,git.corp.example", "write the pattern as git.corp.example"))),
		// A careless fix that names only its own pattern.
		result("private", problem("PRIVATE_LEAK", checks.SevFail, "lib.other.example/x",
			checks.SetVar(g, v, "lib.other.example", "cover lib.other.example"))),
	})
	s := checktest.StepFor(plan, checks.FixGoEnv, "GOPRIVATE")
	if s == nil || len(plan) != 1 {
		t.Fatalf("want one GOPRIVATE step:\n%s", checktest.PlanDump(plan))
	}
	if want := "corp.example,git.corp.example,lib.other.example"; s.ApplyValue() != want || s.Unset {
		t.Errorf("GOPRIVATE=%s, want %s", s.ApplyValue(), want)
	}
	if s.Command != "go env -w GOPRIVATE=corp.example,git.corp.example,lib.other.example" || s.AppliedBy != checks.ByFix {
		t.Errorf("step %s by %s", s.Command, s.AppliedBy)
	}
	notes := strings.Join(s.Notes, "\n")
	for _, w := range []string{"keeps your entry corp.example", "drops https://git.corp.example", "adds git.corp.example lib.other.example"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}
	if len(s.Because) != 2 {
		t.Errorf("because %v", s.Because)
	}
}

// GOFLAGS keeps every flag no fix removes; removing them all unsets it.
func TestAdviseMergesGOFLAGS(t *testing.T) {
	env := advisorEnv(nil, map[string]string{"GOFLAGS": "-mod=vendor -modfile=other.mod -trimpath"})
	g := env.Go
	v := g.Var("GOFLAGS")
	plan := Advise(env, []checks.CheckResult{result("env",
		problem("GOFLAGS_MOD_VENDOR", checks.SevFail, "GOFLAGS", checks.SetVar(g, v, "-modfile=other.mod -trimpath", "remove -mod=vendor")),
		problem("GOFLAGS_MODFILE", checks.SevWarn, "GOFLAGS", checks.SetVar(g, v, "-trimpath", "remove -modfile=other.mod and the other failing flags")),
	)})
	s := checktest.StepFor(plan, checks.FixGoEnv, "GOFLAGS")
	if s == nil || s.ApplyValue() != "-trimpath" || s.Command != "go env -w GOFLAGS=-trimpath" {
		t.Fatalf("want GOFLAGS=-trimpath:\n%s", checktest.PlanDump(plan))
	}

	plan = Advise(env, []checks.CheckResult{result("env",
		problem("GOFLAGS_MOD_VENDOR", checks.SevFail, "GOFLAGS", checks.SetVar(g, v, "-modfile=other.mod -trimpath", "remove -mod=vendor")),
		problem("X", checks.SevWarn, "GOFLAGS", checks.UnsetVar(g, v, "clear GOFLAGS")),
	)})
	if s := checktest.StepFor(plan, checks.FixGoEnv, "GOFLAGS"); s == nil || !s.Unset || s.Command != "go env -u GOFLAGS" {
		t.Fatalf("want GOFLAGS unset:\n%s", checktest.PlanDump(plan))
	}
}

// Conflicting values: the more specific finding wins, and the step says
// why.
func TestAdviseResolvesConflicts(t *testing.T) {
	env := advisorEnv(nil, map[string]string{"GOTOOLCHAIN": "bogus"})
	g := env.Go
	v := g.Var("GOTOOLCHAIN")
	plan := Advise(env, []checks.CheckResult{
		result("env", problem("GOTOOLCHAIN_INVALID", checks.SevFail, "GOTOOLCHAIN", checks.SetVar(g, v, "local", "run the installed toolchain"))),
		result("module", problem("MODULE_NEEDS_NEWER_GO", checks.SevFail, "example.test/app", checks.SetVar(g, v, "go1.99.0+auto", "switch to the go version the module needs"))),
	})
	s := checktest.StepFor(plan, checks.FixGoEnv, "GOTOOLCHAIN")
	if s == nil || s.ApplyValue() != "go1.99.0+auto" {
		t.Fatalf("want the module check's value:\n%s", checktest.PlanDump(plan))
	}
	if n := strings.Join(s.Notes, "\n"); !strings.Contains(n, "chose GOTOOLCHAIN=go1.99.0+auto (MODULE_NEEDS_NEWER_GO) over GOTOOLCHAIN=local (GOTOOLCHAIN_INVALID)") || !strings.Contains(n, "more specific") {
		t.Errorf("the choice is not explained:\n%s", n)
	}

	// Within one check, the fix of a failure beats that of a warning.
	plan = Advise(env, []checks.CheckResult{result("env",
		problem("W", checks.SevWarn, "GOTOOLCHAIN", checks.SetVar(g, v, "auto", "a")),
		problem("F", checks.SevFail, "GOTOOLCHAIN", checks.SetVar(g, v, "local", "b")),
	)})
	if s := checktest.StepFor(plan, checks.FixGoEnv, "GOTOOLCHAIN"); s == nil || s.ApplyValue() != "local" || !strings.Contains(strings.Join(s.Notes, " "), "F makes the go command fail, W only warns") {
		t.Fatalf("want F's value, explained:\n%s", checktest.PlanDump(plan))
	}

	// Agreeing fixes are one step; restoring the default by unsetting is
	// preferred to writing the default's value.
	env = advisorEnv(nil, map[string]string{"GOPROXY": "off"})
	g = env.Go
	v = g.Var("GOPROXY")
	plan = Advise(env, []checks.CheckResult{
		result("env", problem("GOPROXY_OFF", checks.SevFail, "GOPROXY", checks.SetVar(g, v, checktest.Defaults["GOPROXY"], "restore"))),
		result("proxy", problem("P", checks.SevFail, "GOPROXY", checks.UnsetVar(g, v, "restore"))),
	})
	if len(plan) != 1 || plan[0].Command != "go env -u GOPROXY" || len(plan[0].Because) != 2 || len(plan[0].Notes) != 0 {
		t.Fatalf("want one unset step for both:\n%s", checktest.PlanDump(plan))
	}
}

// A change --fix may make wins over suggestions that need a decision.
func TestAdviseAutoOverSuggestions(t *testing.T) {
	env := advisorEnv(nil, map[string]string{"GOPROXY": "http://proxy.corp.example,,direct"})
	g := env.Go
	v := g.Var("GOPROXY")
	https := checks.SetVar(g, v, "https://proxy.corp.example,direct", "use https")
	https.Auto = false
	plan := Advise(env, []checks.CheckResult{result("env",
		problem("GOPROXY_PLAIN_HTTP", checks.SevWarn, "GOPROXY", https),
		problem("GOPROXY_UNTIDY", checks.SevWarn, "GOPROXY", checks.SetVar(g, v, "http://proxy.corp.example,direct", "correct GOPROXY")),
	)})
	if len(plan) != 1 || plan[0].ApplyValue() != "http://proxy.corp.example,direct" || plan[0].AppliedBy != checks.ByFix {
		t.Fatalf("want the untidy repair only:\n%s", checktest.PlanDump(plan))
	}
	if !strings.Contains(strings.Join(plan[0].Notes, " "), "left out: GOPROXY=https://proxy.corp.example,direct from GOPROXY_PLAIN_HTTP") {
		t.Errorf("the left-out suggestion is not mentioned:\n%s", checktest.PlanDump(plan))
	}

	// Alone, a suggestion is a step for the user.
	plan = Advise(env, []checks.CheckResult{result("env", problem("GOPROXY_PLAIN_HTTP", checks.SevWarn, "GOPROXY", https))})
	if len(plan) != 1 || plan[0].AppliedBy != checks.ByYou || !strings.Contains(plan[0].Notes[0], "needs your decision") {
		t.Fatalf("want a step for the user:\n%s", checktest.PlanDump(plan))
	}
}

// Configuration before cache repair; identical commands once, placed
// where their sequence needs them; the last resort last, never applied.
func TestAdviseOrdersAndDeduplicates(t *testing.T) {
	env := advisorEnv(map[string]string{"GOFLAGS": "-mod=vendor"}, map[string]string{"GO111MODULE": "off"})
	g := env.Go
	last := checks.Fix{Title: "last resort", Command: "go clean -modcache", Kind: checks.FixCache, LastResort: true}
	rm := func(m string) checks.Fix {
		return checks.Fix{Title: "remove", Command: "rm -rf " + m, Kind: checks.FixCache}
	}
	dl := func(m string) checks.Fix {
		return checks.Fix{Title: "download", Command: "go mod download " + m, Kind: checks.FixCache}
	}
	plan := Advise(env, []checks.CheckResult{
		result("env",
			problem("GOFLAGS_MOD_VENDOR", checks.SevFail, "GOFLAGS", checks.UnsetVar(g, g.Var("GOFLAGS"), "remove it")),
			problem("GO111MODULE_OFF", checks.SevFail, "GO111MODULE", checks.UnsetVar(g, g.Var("GO111MODULE"), "remove it")),
		),
		result("proxy", problem("PROXY_FORBIDDEN", checks.SevFail, "https://proxy.corp.example", checks.Manual("ask", "curl https://proxy.corp.example"))),
		result("modcache",
			problem("MODCACHE_ZIP_HASH", checks.SevFail, "a@v1", rm("a"), dl("a@v1"), last),
			problem("MODCACHE_DIR_MODIFIED", checks.SevFail, "a@v1", rm("a"), dl("a@v1"), last),
			problem("MODCACHE_DIR_MODIFIED", checks.SevFail, "b@v1", rm("b"), dl("b@v1"), last),
		),
	})
	got := checktest.PlanDump(plan)
	var cmds []string
	for _, s := range plan {
		cmds = append(cmds, string(s.AppliedBy)+" "+s.Command)
	}
	want := []string{
		"fix go env -u GO111MODULE",
		"you unset GOFLAGS",
		"fix-cache rm -rf a",
		"fix-cache go mod download a@v1",
		"fix-cache rm -rf b",
		"fix-cache go mod download b@v1",
		"you curl https://proxy.corp.example",
		"you go clean -modcache",
	}
	if strings.Join(cmds, "\n") != strings.Join(want, "\n") {
		t.Fatalf("plan:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if n := len(plan[len(plan)-1].Because); n != 3 {
		t.Errorf("the last resort answers %d findings, want 3", n)
	}
	if n := len(plan[2].Because); n != 2 {
		t.Errorf("rm -rf a answers %d findings, want 2", n)
	}
}

// Where --fix cannot write, the step is the user's, and says why.
func TestAdviseWhereFixCannotWrite(t *testing.T) {
	// GOENV=off.
	env := advisorEnv(nil, nil)
	g := env.Go
	plan := Advise(env, []checks.CheckResult{result("env", problem("GOPROXY_EMPTY", checks.SevFail, "GOPROXY", checks.SetVar(g, g.Var("GOPROXY"), "https://proxy.example.test,direct", "restore")))})
	if len(plan) != 1 || plan[0].AppliedBy != checks.ByYou || !strings.Contains(strings.Join(plan[0].Notes, ""), "GOENV=off") ||
		!strings.Contains(strings.Join(plan[0].Notes, ""), "export GOPROXY=https://proxy.example.test,direct") {
		t.Errorf("GOENV=off:\n%s", checktest.PlanDump(plan))
	}

	// A go env fix for a key the process environment sets.
	env = advisorEnv(map[string]string{"GOPROXY": "off"}, map[string]string{})
	plan = Advise(env, []checks.CheckResult{result("x", problem("X", checks.SevFail, "GOPROXY", checks.Fix{Title: "t", Command: "go env -w GOPROXY=direct", Kind: checks.FixGoEnv, Auto: true, Key: "GOPROXY", Value: "direct"}))})
	if len(plan) != 1 || plan[0].AppliedBy != checks.ByYou || !strings.Contains(strings.Join(plan[0].Notes, ""), "set in the process environment") {
		t.Errorf("process environment:\n%s", checktest.PlanDump(plan))
	}

	// Nothing to do: the file already holds the value, or lacks the key.
	env = advisorEnv(nil, map[string]string{"GOPROXY": "direct"})
	g = env.Go
	plan = Advise(env, []checks.CheckResult{result("x",
		problem("X", checks.SevWarn, "GOPROXY", checks.SetVar(g, g.Var("GOPROXY"), "direct", "t")),
		problem("Y", checks.SevWarn, "GOSUMDB", checks.UnsetVar(g, g.Var("GOSUMDB"), "t")),
	)})
	if len(plan) != 0 {
		t.Errorf("no-op steps planned:\n%s", checktest.PlanDump(plan))
	}
}

// Credentials: rendered redacted, applied real.
func TestAdviseKeepsCredentialsOutOfOutput(t *testing.T) {
	env := advisorEnv(nil, map[string]string{"GOPROXY": "http://alice:s3cret-pw@proxy.corp.example"})
	g := env.Go
	v := g.Var("GOPROXY")
	results := []checks.CheckResult{
		result("env", problem("GOPROXY_HTTP_CREDENTIALS", checks.SevFail, "GOPROXY", checks.SetVar(g, v, "https://alice:s3cret-pw@proxy.corp.example", "correct GOPROXY"))),
		result("proxy", problem("P", checks.SevFail, "GOPROXY", func() checks.Fix {
			f := checks.SetVar(g, v, "https://alice:s3cret-pw@proxy.corp.example|https://mirror.example.test", "other")
			f.Auto = false
			return f
		}())),
	}
	env.Redact(results)
	rep := checks.NewReport(env, "test", results, Advise(env, results), 0)
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "s3cret-pw") || strings.Contains(checktest.PlanDump(rep.Plan), "s3cret-pw") {
		t.Errorf("a credential leaked:\n%s", data)
	}
	if len(rep.Plan) != 1 || rep.Plan[0].ApplyValue() != "https://alice:s3cret-pw@proxy.corp.example" {
		t.Errorf("the value to apply lost its credentials:\n%s", checktest.PlanDump(rep.Plan))
	}
}
