package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// explained is a report of 'gomoddoctor explain' with hostile text in it.
func explained() *checks.Report {
	r := sample()
	r.Checks = []checks.CheckResult{{ID: "env", Title: "Go environment", Status: checks.StatusPass, Findings: []checks.Finding{}}}
	r.Environment = []checks.EnvVar{{Key: "GOPROXY", Value: "https://u:xxxxx@proxy.example.test,direct", Source: "environment"}}
	r.Log = &checks.LogReport{
		Source: "build.log", Lines: 9, Bytes: 400, Errors: 3, Checked: true,
		Causes: []checks.Cause{{
			Finding: checks.Finding{
				Code: "PROXY_FORBIDDEN", Severity: checks.SevFail, Subject: "proxy,example:test",
				Message: "the proxy refuses 100% of *this* <b>request</b>",
				Fixes:   []checks.Fix{{Title: "fall through", Command: "go env -w 'GOPROXY=https://a.example|direct'", Kind: checks.FixGoEnv}},
			},
			Checks: []string{"proxy"}, Count: 5,
			Evidence: []checks.LogEntry{{Line: 4, Text: "main.go:6:2: reading https://proxy.example.test/x: 403 Forbidden\n\tserver response: ```\x1b[2J\r\n::set-env name=A::b"}},
			Verdict:  checks.VerdictNotChecked, VerdictDetail: "the proxy check is not available",
		}},
		Unrecognised:        []checks.LogEntry{{Line: 8, Text: "./x.go:1:2: undefined: y"}},
		UnrecognisedOmitted: 2,
	}
	r.Status = checks.StatusFail
	return r
}

func TestGitHub(t *testing.T) {
	var b bytes.Buffer
	if err := GitHub(&b, explained(), GitHubOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.HasPrefix(line, "::error ") && !strings.HasPrefix(line, "::warning ") && !strings.HasPrefix(line, "::notice ") {
			t.Errorf("not an annotation: %q", line)
		}
	}
	for _, want := range []string{
		// Properties escape ':' and ','; the position comes from the log.
		"::error file=main.go,line=6,col=2,title=gomoddoctor%3A PROXY_FORBIDDEN (proxy%2Cexample%3Atest)::",
		// Data escapes %, and LF; CR and escapes were neutralised first.
		"refuses 100%25 of *this*",
		"%0Alog line 4: main.go:6:2:",
		// A line of the log that would be a workflow command is one no
		// more, even once the runner unescapes %0A.
		`\x1b[2J\r%0A\::set-env`,
		"%0Anot-checked: the proxy check is not available",
		"%0Afix: fall through%0A  $ go env -w 'GOPROXY=https://a.example|direct'",
		"::warning file=x.go,line=1,col=2,title=gomoddoctor%3A go error not recognised::log line 8",
		"::notice title=gomoddoctor::3 go errors in the log: 1 cause recognised, 3 not recognised",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\r") {
		t.Errorf("control characters in %q", out)
	}

	// The root report: one annotation per problem, checks that could not
	// run are warnings, information only with -v.
	b.Reset()
	if err := GitHub(&b, sample(), GitHubOptions{}); err != nil {
		t.Fatal(err)
	}
	out = b.String()
	for _, want := range []string{
		"::error title=gomoddoctor%3A PROXY_FORBIDDEN (https%3A//proxy.example.test)::",
		"::warning title=gomoddoctor%3A GOSUMDB_OFF (GOSUMDB)::checksums off",
		"::warning title=gomoddoctor%3A the tls check could not run::internal error: panic: boom",
		"::notice title=gomoddoctor::4 checks: 1 failed, 1 with warnings, 0 passed, 1 skipped, 1 could not run (status fail)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "GOPROXY_CHAIN") || strings.Contains(out, "goroutine") {
		t.Errorf("information or stack without -v:\n%s", out)
	}
	b.Reset()
	GitHub(&b, sample(), GitHubOptions{Verbose: true})
	if !strings.Contains(b.String(), "::notice title=gomoddoctor%3A GOPROXY_CHAIN (GOPROXY)::the chain") {
		t.Errorf("no notice for information with -v:\n%s", b.String())
	}
}

func TestMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, explained(), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"## gomoddoctor: explanation of `build.log`",
		"| status | **fail** |",
		"| log | build.log, 9 lines, 3 go errors |",
		"<summary>Go environment (credentials redacted)</summary>",
		"GOPROXY=https://u:xxxxx@proxy.example.test,direct  # environment",
		"#### ✗ PROXY\\_FORBIDDEN (`proxy,example:test`)",
		"the proxy refuses 100% of \\*this\\* &lt;b&gt;request&lt;/b&gt;",
		"    4: main.go:6:2: reading https://proxy.example.test/x: 403 Forbidden",
		"... and 4 more like it",
		"**Not checked:** the proxy check is not available",
		"Fix: fall through\n\n```sh\ngo env -w 'GOPROXY=https://a.example|direct'\n```",
		"### Not recognised (3)",
		"... and 2 more",
		"### Live checks on this machine",
		"| Go environment (env) | ✅ pass |  |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// The log held ``` : the block around it needs a longer fence.
	if !strings.Contains(out, "````text\n") {
		t.Errorf("the evidence block is not fenced with four backticks:\n%s", out)
	}
	if strings.ContainsAny(out, "\x1b\r") {
		t.Errorf("control characters in %q", out)
	}
	if strings.Contains(out, "<b>") {
		t.Errorf("raw HTML from a report string:\n%s", out)
	}

	b.Reset()
	if err := Markdown(&b, sample(), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out = b.String()
	for _, want := range []string{
		"## gomoddoctor report",
		"| module | example.test/app |",
		"| Module proxy (proxy) | ❌ fail | 1 problem |",
		"| go.mod and toolchain (module) | ➖ skip | skipped: not in a module |",
		"| TLS (tls) | ❓ error | internal error: panic: boom |",
		"#### ✗ PROXY\\_FORBIDDEN (`https://proxy.example.test`)",
		"#### ! GOSUMDB\\_OFF (`GOSUMDB`)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Index(out, "PROXY\\_FORBIDDEN") > strings.Index(out, "GOSUMDB\\_OFF") {
		t.Errorf("failures must come before warnings")
	}
}

func TestMarkdownEscaping(t *testing.T) {
	for in, want := range map[string]string{
		"a*b_c`d":   "a\\*b\\_c\\`d",
		"[x](y)":    "\\[x\\](y)",
		"<img src>": "&lt;img src&gt;",
		"a|b":       "a\\|b",
		"1\n2":      "1 2",
		"\x1b[31m":  `\\x1b\[31m`,
	} {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdCode("a`b"); got != "``a`b``" {
		t.Errorf("mdCode = %q", got)
	}
	if got := mdCode("`x"); got != "`` `x ``" {
		t.Errorf("mdCode = %q", got)
	}
	if got := mdBlock("x\n```\ny", "text"); !strings.HasPrefix(got, "````text\n") || !strings.HasSuffix(got, "\n````\n") {
		t.Errorf("mdBlock = %q", got)
	}
}

func TestTextExplain(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, explained(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"explaining build.log (9 lines, 3 go errors)",
		"✗ PROXY_FORBIDDEN (proxy,example:test)",
		"line 4: main.go:6:2: reading https://proxy.example.test/x: 403 Forbidden",
		"... and 4 more like it",
		"not checked: the proxy check is not available",
		"fix: fall through",
		"    $ go env -w 'GOPROXY=https://a.example|direct'",
		"? not recognised (3)",
		"line 8: ./x.go:1:2: undefined: y",
		"... and 2 more",
		"Live checks on this machine",
		"[✓] Go environment",
		"1 cause recognised, 3 errors not recognised (3 go errors).",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\r") {
		t.Errorf("control characters reached the output: %q", out)
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "$ ") {
			continue
		}
		if w := utf8.RuneCountInString(line); w > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, w, line)
		}
	}

	r := explained()
	r.Log = &checks.LogReport{Source: "-", Lines: 3, Causes: []checks.Cause{}, Unrecognised: []checks.LogEntry{}}
	r.Checks = nil
	b.Reset()
	Text(&b, r, TextOptions{})
	if !strings.Contains(b.String(), "explaining standard input (3 lines, 0 go errors)") || !strings.Contains(b.String(), "No go errors in the log.") {
		t.Errorf("clean log:\n%s", b.String())
	}
}
