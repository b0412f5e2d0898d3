package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
	"github.com/gomoddoctor/gomoddoctor/report/schema/schematest"
)

func TestMain(m *testing.M) {
	// An automatic fix that its check does not declare (Check.AutoFix)
	// is an error of the check here, in the tests' own runs and in the
	// scripts' (TestScripts sets it for them).
	os.Setenv(strictAutoFixEnv, "1")
	// Under -race every run of the doctor that a test starts would sleep
	// a second before it exits (the race detector's atexit_sleep_ms): the
	// scripts start it hundreds of times.
	if !strings.Contains(os.Getenv("GORACE"), "atexit_sleep_ms") {
		os.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	}
	testscript.Main(m, map[string]func(){
		"gomoddoctor": func() { os.Exit(mainRecordingJSON()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script, each in a
// sandbox with its own HOME, GOENV, GOPATH and GOMODCACHE, GOPROXY set to
// a module proxy on 127.0.0.1 ($PROXY, port $PROXY_PORT) that also serves
// the sandbox checksum database ($SANDBOX_GOSUMDB, the sandbox's
// GOSUMDB), and every DNS query of the doctor sent to a fixture server
// on 127.0.0.1 ($DNS, through GOMODDOCTOR_RESOLVER) that knows only the
// *.corp.test names below.
// strictAutoFixEnv makes the checks report an undeclared automatic fix
// as an error (checks.Check.AutoFix).
const strictAutoFixEnv = "GOMODDOCTOR_TEST_STRICT_AUTOFIX"

func TestScripts(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	dns := fixtures.DNS(t, fixtures.DNSZone{A: map[string][]string{"goproxy.corp.test": {"127.0.0.1"}}})
	t.Cleanup(func() { t.Logf("%d JSON outputs of the scripts validated against their schemas", jsonValidated.Load()) })
	proxyPort := strings.TrimPrefix(strings.TrimSuffix(proxy.URL, "/mod"), "http://127.0.0.1:")
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(e *testscript.Env) error {
			for k, v := range fixtures.SandboxVars(e.WorkDir, proxy.URL) {
				e.Setenv(k, v)
			}
			e.Setenv(strictAutoFixEnv, "1")
			e.Setenv("PROXY", proxy.URL)
			e.Setenv("PROXY_PORT", proxyPort)
			e.Setenv("DNS", dns.Addr)
			e.Setenv("SANDBOX_GOSUMDB", fixtures.SandboxGOSUMDB())
			e.Setenv(resolverEnv, dns.Addr)
			e.Values[scriptFixturesKey{}] = &scriptFixtures{t: t, proxy: proxy.URL}
			if err := recordJSONOutputs(e); err != nil {
				return err
			}
			return fixtures.Prepare(fixtures.SandboxVars(e.WorkDir, proxy.URL))
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"serve":        cmdServe,
			"jsoncontract": cmdJSONContract,
			"checkstatus":  cmdCheckStatus,
			"escapes":      cmdEscapes,
			"maxwidth":     cmdMaxWidth,
			"worstfirst":   cmdWorstFirst,
			"onlyworkflow": cmdOnlyWorkflow,
			"fencedonly":   cmdFencedOnly,
			"cachefixes":   cmdCacheFixes,
			"runfixes":     cmdRunFixes,
			"fakegoroot":   cmdFakeGOROOT,
			"waitfile":     cmdWaitFile,
			"goenvvalid":   cmdGoEnvValid,
			"writelines":   cmdWriteLines,
			"servemirror":  cmdServeMirror,
			"noglob":       cmdNoGlob,
			"servegit":     cmdServeGit,
			"onecause":     cmdOneCause,
			"firstdiff":    cmdFirstDiff,
			"jsonedit":     cmdJSONEdit,
			"exitstatus":   cmdExitStatus,
		},
	})
}

// cmdJSONContract validates a file against the JSON Schema of its kind
// (report/schema: a report, a comparison or the list of checks).
func cmdJSONContract(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: jsoncontract file")
	}
	if err := validateContract([]byte(ts.ReadFile(args[0]))); err != nil {
		ts.Fatalf("%s breaks the JSON contract: %v", args[0], err)
	}
}

// cmdCheckStatus asserts the status of one check in a JSON report:
// checkstatus file id status.
func cmdCheckStatus(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: checkstatus file id status")
	}
	var doc struct {
		Checks []struct{ ID, Status string }
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	for _, c := range doc.Checks {
		if c.ID == args[1] {
			if (c.Status == args[2]) == neg {
				ts.Fatalf("check %s has status %s", c.ID, c.Status)
			}
			return
		}
	}
	ts.Fatalf("no check %s in %s", args[1], args[0])
}

// cmdEscapes asserts that a file contains ANSI escape codes (or, negated,
// none at all).
func cmdEscapes(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: escapes file")
	}
	has := strings.Contains(ts.ReadFile(args[0]), "\x1b[")
	if has == neg {
		ts.Fatalf("%s: escape codes present = %v", args[0], has)
	}
}

// cmdMaxWidth asserts that no line of prose is wider than N columns.
// Command lines ("$ ...") are exempt: they are never wrapped, so that
// they can be copied whole.
func cmdMaxWidth(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: maxwidth N file")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	for i, line := range strings.Split(ts.ReadFile(args[1]), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "$ ") {
			continue
		}
		if w := utf8.RuneCountInString(line); w > n {
			ts.Fatalf("%s line %d is %d columns wide: %q", args[1], i+1, w, line)
		}
	}
}

// cmdWorstFirst asserts that a text report lists failures (✗) before
// warnings (!) before information (i), and has at least one failure.
func cmdWorstFirst(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: worstfirst file")
	}
	rank := map[string]int{"✗": 0, "!": 1, "i": 2}
	last, seen := -1, 0
	for _, line := range strings.Split(ts.ReadFile(args[0]), "\n") {
		mark, _, ok := strings.Cut(line, " ")
		r, known := rank[mark]
		if !ok || !known {
			continue
		}
		if r < last {
			ts.Fatalf("%q comes after a less severe finding", line)
		}
		last = r
		seen++
	}
	if seen == 0 {
		ts.Fatalf("no findings in %s", args[0])
	}
}

// cmdOnlyWorkflow asserts that every line of a file is a GitHub Actions
// annotation command (error, warning or notice), so that no text of a
// report can start a workflow command of its own.
func cmdOnlyWorkflow(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: onlyworkflow file")
	}
	for i, line := range strings.Split(strings.TrimSuffix(ts.ReadFile(args[0]), "\n"), "\n") {
		if !strings.HasPrefix(line, "::error") && !strings.HasPrefix(line, "::warning") && !strings.HasPrefix(line, "::notice") {
			ts.Fatalf("%s line %d is not an annotation: %q", args[0], i+1, line)
		}
	}
}

// cmdFencedOnly asserts that every line of a Markdown file matching a
// regular expression is inside a fenced code block (where Markdown and
// HTML are inert), and that at least one line matches.
func cmdFencedOnly(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: fencedonly regexp file")
	}
	re, err := regexp.Compile(args[0])
	ts.Check(err)
	fence, seen := "", 0
	for i, line := range strings.Split(ts.ReadFile(args[1]), "\n") {
		if t := strings.TrimLeft(line, "`"); len(line)-len(t) >= 3 {
			marker := line[:len(line)-len(t)]
			switch {
			case fence == "":
				fence = marker
				continue
			case marker == fence && strings.TrimSpace(t) == "":
				fence = ""
				continue
			}
		}
		if re.MatchString(line) {
			seen++
			if fence == "" {
				ts.Fatalf("%s line %d is outside a code block: %q", args[1], i+1, line)
			}
		}
	}
	if seen == 0 {
		ts.Fatalf("no line of %s matches %s", args[1], args[0])
	}
}

// cmdCacheFixes runs, in a shell in the script's directory, every fix of
// kind cache in a JSON report, in order and each command once, except
// the last resort ('go clean -modcache'): cachefixes file.
func cmdCacheFixes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: cachefixes file")
	}
	var doc struct {
		Checks []struct {
			Findings []struct {
				Fixes []struct{ Command, Kind string }
			}
		}
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	ran := map[string]bool{}
	for _, c := range doc.Checks {
		for _, f := range c.Findings {
			for _, x := range f.Fixes {
				if x.Kind != "cache" || x.Command == "go clean -modcache" || ran[x.Command] {
					continue
				}
				ran[x.Command] = true
				ts.Logf("$ %s", x.Command)
				ts.Check(ts.Exec("sh", "-c", x.Command))
			}
		}
	}
	if len(ran) == 0 {
		ts.Fatalf("no cache fixes in %s", args[0])
	}
}

// cmdRunFixes runs, in a shell in the script's directory, every fix of
// the findings with the given code in a JSON report, in order:
// runfixes file CODE.
func cmdRunFixes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: runfixes file CODE")
	}
	var doc struct {
		Checks []struct {
			Findings []struct {
				Code  string
				Fixes []struct{ Command string }
			}
		}
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	ran := 0
	for _, c := range doc.Checks {
		for _, f := range c.Findings {
			if f.Code != args[1] {
				continue
			}
			for _, x := range f.Fixes {
				ts.Logf("$ %s", x.Command)
				ts.Check(ts.Exec("sh", "-c", x.Command))
				ran++
			}
		}
	}
	if ran == 0 {
		ts.Fatalf("no fixes of %s in %s", args[1], args[0])
	}
}

// validateContract validates a JSON output of gomoddoctor against its
// JSON Schema (report/schema) with a JSON Schema validator.
func validateContract(data []byte) error {
	_, err := schematest.Validate(data)
	return err
}
