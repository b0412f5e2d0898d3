package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

func TestMain(m *testing.M) {
	// An automatic fix that its check does not declare (Check.AutoFix)
	// is an error of the check here, in the tests' own runs and in the
	// scripts' (TestScripts sets it for them).
	os.Setenv(strictAutoFixEnv, "1")
	testscript.Main(m, map[string]func(){
		"gomoddoctor": func() { os.Exit(Main()) },
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
		},
	})
}

// cmdJSONContract validates a file against the version 1 JSON contract of
// ../shared/DESIGN.md: field names, types and enumerations.
func cmdJSONContract(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: jsoncontract file")
	}
	if err := validateContract([]byte(ts.ReadFile(args[0]))); err != nil {
		ts.Fatalf("%s breaks the JSON contract: %v", args[0], err)
	}
}

func validateContract(data []byte) error {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	need := func(m map[string]any, key string, kind string) (any, error) {
		v, ok := m[key]
		if !ok {
			return nil, fmt.Errorf("missing field %q", key)
		}
		ok = false
		switch kind {
		case "string":
			_, ok = v.(string)
		case "number":
			_, ok = v.(float64)
		case "bool":
			_, ok = v.(bool)
		case "object":
			_, ok = v.(map[string]any)
		case "array":
			_, ok = v.([]any)
		}
		if !ok {
			return nil, fmt.Errorf("field %q is not a %s: %v", key, kind, v)
		}
		return v, nil
	}
	oneOf := func(v any, key string, allowed ...string) error {
		if !slices.Contains(allowed, v.(string)) {
			return fmt.Errorf("%s %q is not one of %v", key, v, allowed)
		}
		return nil
	}
	if v, err := need(doc, "schema_version", "number"); err != nil {
		return err
	} else if v.(float64) != 1 {
		return fmt.Errorf("schema_version %v, want 1", v)
	}
	tool, err := need(doc, "tool", "object")
	if err != nil {
		return err
	}
	for _, k := range []string{"name", "version"} {
		if _, err := need(tool.(map[string]any), k, "string"); err != nil {
			return fmt.Errorf("tool: %v", err)
		}
	}
	goInfo, err := need(doc, "go", "object")
	if err != nil {
		return err
	}
	for _, k := range []string{"version", "goroot"} {
		if _, err := need(goInfo.(map[string]any), k, "string"); err != nil {
			return fmt.Errorf("go: %v", err)
		}
	}
	st, err := need(doc, "status", "string")
	if err != nil {
		return err
	}
	if err := oneOf(st, "status", "pass", "warn", "fail"); err != nil {
		return err
	}
	if _, err := need(doc, "duration_ms", "number"); err != nil {
		return err
	}
	cs, err := need(doc, "checks", "array")
	if err != nil {
		return err
	}
	if err := validateEnvironment(doc); err != nil {
		return err
	}
	if err := validateLog(doc); err != nil {
		return err
	}
	if err := validatePlan(doc); err != nil {
		return err
	}
	for i, c := range cs.([]any) {
		cm, ok := c.(map[string]any)
		if !ok {
			return fmt.Errorf("checks[%d] is not an object", i)
		}
		for _, k := range []string{"id", "title", "status"} {
			if _, err := need(cm, k, "string"); err != nil {
				return fmt.Errorf("checks[%d]: %v", i, err)
			}
		}
		if err := oneOf(cm["status"], "checks[].status", "pass", "warn", "fail", "skip", "error"); err != nil {
			return err
		}
		if _, err := need(cm, "duration_ms", "number"); err != nil {
			return fmt.Errorf("checks[%d]: %v", i, err)
		}
		fs, err := need(cm, "findings", "array")
		if err != nil {
			return fmt.Errorf("checks[%d]: %v", i, err)
		}
		for j, f := range fs.([]any) {
			fm, ok := f.(map[string]any)
			if !ok {
				return fmt.Errorf("checks[%d].findings[%d] is not an object", i, j)
			}
			for _, k := range []string{"code", "severity", "subject", "message"} {
				if _, err := need(fm, k, "string"); err != nil {
					return fmt.Errorf("checks[%d].findings[%d]: %v", i, j, err)
				}
			}
			code := fm["code"].(string)
			if strings.ToUpper(code) != code || strings.ContainsAny(code, " -") {
				return fmt.Errorf("finding code %q is not UPPER_SNAKE", code)
			}
			if err := oneOf(fm["severity"], "severity", "info", "warn", "fail"); err != nil {
				return err
			}
			xs, err := need(fm, "fixes", "array")
			if err != nil {
				return fmt.Errorf("finding %s: %v", code, err)
			}
			for _, x := range xs.([]any) {
				xm := x.(map[string]any)
				for _, k := range []string{"title", "command", "kind"} {
					if _, err := need(xm, k, "string"); err != nil {
						return fmt.Errorf("finding %s fix: %v", code, err)
					}
				}
				if _, err := need(xm, "auto", "bool"); err != nil {
					return fmt.Errorf("finding %s fix: %v", code, err)
				}
				if err := oneOf(xm["kind"], "fix kind", "go-env", "shell", "cache", "manual"); err != nil {
					return err
				}
			}
		}
	}
	return nil
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

// validateEnvironment checks the optional "environment" list: key, value
// and source strings.
func validateEnvironment(doc map[string]any) error {
	v, ok := doc["environment"]
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("environment is not an array")
	}
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return fmt.Errorf("environment[%d] is not an object", i)
		}
		for _, k := range []string{"key", "value", "source"} {
			if _, ok := m[k].(string); !ok {
				return fmt.Errorf("environment[%d].%s is not a string", i, k)
			}
		}
	}
	return nil
}

// validateLog checks the optional "log" object of 'gomoddoctor explain':
// its counts, its causes (findings with checks, count, evidence and an
// optional verdict) and its unrecognised entries.
func validateLog(doc map[string]any) error {
	v, ok := doc["log"]
	if !ok {
		return nil
	}
	l, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("log is not an object")
	}
	if _, ok := l["source"].(string); !ok {
		return fmt.Errorf("log.source is not a string")
	}
	for _, k := range []string{"lines", "bytes", "errors"} {
		if _, ok := l[k].(float64); !ok {
			return fmt.Errorf("log.%s is not a number", k)
		}
	}
	if _, ok := l["checked"].(bool); !ok {
		return fmt.Errorf("log.checked is not a bool")
	}
	entries := func(v any, what string) error {
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s is not an array", what)
		}
		for i, e := range list {
			m, ok := e.(map[string]any)
			if !ok {
				return fmt.Errorf("%s[%d] is not an object", what, i)
			}
			if _, ok := m["line"].(float64); !ok {
				return fmt.Errorf("%s[%d].line is not a number", what, i)
			}
			if _, ok := m["text"].(string); !ok {
				return fmt.Errorf("%s[%d].text is not a string", what, i)
			}
		}
		return nil
	}
	if err := entries(l["unrecognised"], "log.unrecognised"); err != nil {
		return err
	}
	causes, ok := l["causes"].([]any)
	if !ok {
		return fmt.Errorf("log.causes is not an array")
	}
	for i, c := range causes {
		m, ok := c.(map[string]any)
		if !ok {
			return fmt.Errorf("log.causes[%d] is not an object", i)
		}
		for _, k := range []string{"code", "severity", "subject", "message"} {
			if _, ok := m[k].(string); !ok {
				return fmt.Errorf("log.causes[%d].%s is not a string", i, k)
			}
		}
		code := m["code"].(string)
		if strings.ToUpper(code) != code || strings.ContainsAny(code, " -") {
			return fmt.Errorf("cause code %q is not UPPER_SNAKE", code)
		}
		if _, ok := m["fixes"].([]any); !ok {
			return fmt.Errorf("log.causes[%d].fixes is not an array", i)
		}
		if ids, ok := m["checks"].([]any); !ok || len(ids) == 0 {
			return fmt.Errorf("log.causes[%d].checks is not a non-empty array", i)
		}
		if _, ok := m["count"].(float64); !ok {
			return fmt.Errorf("log.causes[%d].count is not a number", i)
		}
		if err := entries(m["evidence"], fmt.Sprintf("log.causes[%d].evidence", i)); err != nil {
			return err
		}
		if v, ok := m["verdict"]; ok && !slices.Contains([]string{"confirmed", "ruled-out", "not-checked"}, fmt.Sprint(v)) {
			return fmt.Errorf("log.causes[%d].verdict %v", i, v)
		}
	}
	return nil
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
