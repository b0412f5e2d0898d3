package sumdb

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// Athens with ATHENS_GONOSUM_PATTERNS answers 403 Forbidden to the
// checksum database lookups of the company's modules, by design, and its
// home page tells clients to set GONOSUMDB to those patterns. The go
// command fails "verifying ...: 403 Forbidden"; the check names the 403
// as the proxy's design and advises GONOSUMDB for those modules, merged
// with the patterns GONOSUMDB has; the advisor tries it and sees it work,
// and after it the go command succeeds.
func TestSumDBAthensForbidsPrivateLookups(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	mods := fixtures.ModulesDir(t)
	fixtures.WritePrivateModule(t, mods, "git.corp.test/team/lib", "v1.0.0")
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.athens.test", ModulesDir: mods})
	athens := fixtures.NewAthensProxy(t, fixtures.AthensOptions{DB: db, NoSumPatterns: []string{"git.corp.test/*"}, ModulesDir: mods})

	// The fixture's home page, as Athens' template renders it.
	resp, err := http.Get(athens.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	home, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(home), "<pre>GONOSUMDB=git.corp.test/*</pre>") {
		t.Fatalf("home page:\n%s", home)
	}

	asked := len(athens.Requests()) // the test's own GET of the home page

	sb := fixtures.NewSandbox(t, athens.URL)
	delete(sb.Vars, "GONOSUMDB") // the GOENV file's, below, is in force
	extra := append(append([]string(nil), checktest.Contain...), "GOSUMDB="+db.GOSUMDB(), "GOFLAGS=-mod=mod")
	if err := os.WriteFile(sb.Vars["GOENV"], []byte("GONOSUMDB=other.corp.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gomod := "module example.test/app\n\ngo 1.21\n\nrequire (\n\texample.test/hello v1.0.0\n\tgit.corp.test/team/lib v1.0.0\n)\n"
	dir := sumdbModule(t, gomod, checktest.HelloSum)

	out, ok := checktest.GoModDownload(t, sb, dir, extra, time.Minute)
	if ok || !strings.Contains(out, "git.corp.test/team/lib@v1.0.0: verifying go.mod: ") || !strings.Contains(out, "/sumdb/sum.athens.test/lookup/git.corp.test/team/lib@v1.0.0: 403 Forbidden") {
		t.Fatalf("go mod download before: ok=%v, want \"verifying ...: 403 Forbidden\":\n%s", ok, out)
	}

	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
	r := checktest.Run(t, env, Check, 20*time.Second)
	f := checktest.Finding(r, "SUMDB_LOOKUP_FORBIDDEN")
	if f == nil || f.Severity != checks.SevFail || !strings.Contains(f.Message, "git.corp.test/team/lib@v1.0.0") || !strings.Contains(f.Detail, "Athens") {
		t.Fatalf("no SUMDB_LOOKUP_FORBIDDEN fail naming the module and Athens:\n%s", checktest.Dump(r))
	}
	if strings.Contains(checktest.Dump(r), "answers as a checksum database") {
		t.Errorf("the 403 by design read as a missing database:\n%s", checktest.Dump(r))
	}
	const want = "go env -w GONOSUMDB=other.corp.test,git.corp.test"
	if got := checktest.FixCommands(r, "SUMDB_LOOKUP_FORBIDDEN"); got != want {
		t.Fatalf("fix %q, want %q", got, want)
	}

	// The advisor tries the step and sees it work.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	results := []checks.CheckResult{r}
	plan := advisor.Plan(ctx, env, results, []*checks.Check{Check})
	var tried *checks.PlanStep
	for i := range plan {
		if plan[i].Command == want {
			tried = &plan[i]
		}
	}
	if tried == nil || tried.Verified == nil || !tried.Verified.Works {
		t.Fatalf("the advisor did not see %q work: %+v", want, plan)
	}

	// The go command agrees: it succeeds after the fix.
	if out, ok := runFixes(t, r, "SUMDB_LOOKUP_FORBIDDEN", sb, dir, extra); !ok {
		t.Fatalf("after the fix:\n%s", out)
	}
	for _, p := range athens.Requests()[asked:] {
		if p == "/" {
			t.Errorf("the home page was asked for: the go command never does")
		}
	}
}
