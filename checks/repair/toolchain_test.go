package repair

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	envcheck "github.com/gomoddoctor/gomoddoctor/checks/env"
	"github.com/gomoddoctor/gomoddoctor/checks/envedit"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// GOTOOLCHAIN=go1.99.99 in the GOENV file, a toolchain the module proxy
// (on loopback) does not have: every go command fails, 'go env -u
// GOTOOLCHAIN' included, and so it does with GOPROXY=off. The env check
// fails, with the one fix that works (GOTOOLCHAIN=local go env -u
// GOTOOLCHAIN); --fix --yes applies it and the checks run again pass;
// the go command works again; undo gives back the file byte for byte,
// and the printed fix, run in a shell, works too.
func TestFixUnavailableToolchainInGOENV(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	sb := fixtures.NewSandbox(t, proxy.URL)
	delete(sb.Vars, "GOTOOLCHAIN") // the GOENV file decides
	file := sb.Vars["GOENV"]
	orig := []byte("# pinned by hand\nGOTOOLCHAIN=go1.99.99\n")
	if err := os.WriteFile(file, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(sb.Root, "app")
	checktest.WriteTree(t, dir, map[string]string{"go.mod": checktest.HelloReq, "go.sum": checktest.HelloSum, "main.go": checktest.HelloMain})
	notAvail := "go: download go1.99.99 for " + runtime.GOOS + "/" + runtime.GOARCH + ": toolchain not available"
	goFails := func(when string, extra []string, args ...string) {
		t.Helper()
		out, ok := checktest.GoCmd(t, sb, dir, extra, args...)
		if ok || !strings.Contains(out, notAvail) {
			t.Fatalf("%s: go %s: ok=%v, want %q:\n%s", when, strings.Join(args, " "), ok, notAvail, out)
		}
	}
	goFails("before", checktest.Contain, "env", "GOPATH")
	goFails("before", checktest.Contain, "env", "-u", "GOTOOLCHAIN")
	goFails("before, GOPROXY=off", append([]string{"GOPROXY=off"}, checktest.Contain...), "version")

	environ := sb.Environ(checktest.Contain...)
	ctx := context.Background()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: dir, Environ: environ})
	list := []*checks.Check{envcheck.Check}
	results := checks.Runner{Strict: true}.Run(ctx, env, list)
	r := results[0]
	f := checktest.Finding(r, "GOTOOLCHAIN_SWITCH")
	if f == nil || f.Severity != checks.SevFail || !strings.Contains(f.Message, "toolchain not available") {
		t.Fatalf("want GOTOOLCHAIN_SWITCH fail naming \"toolchain not available\":\n%s", checktest.Dump(r))
	}
	const want = "GOTOOLCHAIN=local go env -u GOTOOLCHAIN"
	if got := checktest.FixCommands(r, "GOTOOLCHAIN_SWITCH"); got != want {
		t.Fatalf("fix %q, want %q", got, want)
	}
	before := checks.NewReport(env, "test", results, advisor.Advise(env, results), 0)
	opts := Options{Environ: environ, Dir: dir, Checks: list, Timeout: 20 * time.Second, Version: "test", Prompter: &answer{yes: true}}
	h := &recorder{}
	code, err := Run(ctx, env, before, opts, h)
	if err != nil || code != checks.ExitOK {
		t.Fatalf("--fix: exit %d, %v; events:\n%s", code, err, strings.Join(h.events, "\n"))
	}
	if got := checktest.ReadFile(t, file); got != "# pinned by hand\n" {
		t.Errorf("after --fix the GOENV file holds %q", got)
	}
	if out, ok := checktest.GoCmd(t, sb, dir, checktest.Contain, "env", "GOTOOLCHAIN"); !ok || strings.TrimSpace(out) == "go1.99.99" {
		t.Errorf("after --fix: go env GOTOOLCHAIN: ok=%v %q", ok, out)
	}
	if out, ok := checktest.GoCmd(t, sb, dir, checktest.Contain, "env", "GOPATH"); !ok || strings.TrimSpace(out) != sb.Vars["GOPATH"] {
		t.Errorf("after --fix: go env GOPATH: ok=%v %q", ok, out)
	}

	if _, err := envedit.Undo(ctx, file, false, false, 0); err != nil {
		t.Fatalf("undo: %v", err)
	}
	if got := checktest.ReadFile(t, file); got != string(orig) {
		t.Fatalf("after undo the GOENV file holds %q", got)
	}
	goFails("after undo", checktest.Contain, "env", "GOPATH")
	checktest.ApplyFixes(t, sb, dir, checktest.Contain, r, "GOTOOLCHAIN_SWITCH")
	if out, ok := checktest.GoCmd(t, sb, dir, checktest.Contain, "env", "GOPATH"); !ok {
		t.Errorf("after %s: %s", want, out)
	}
}
