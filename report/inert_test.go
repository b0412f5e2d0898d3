package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/explain"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
	"github.com/gomoddoctor/gomoddoctor/checks/mirrors"
	"github.com/gomoddoctor/gomoddoctor/checks/reportdiff"
)

// The test's own definitions of what may not reach a reader raw, made
// independently of checks.MustEscape and checks.CommandStart: a control
// character, an invisible format character, a line or paragraph
// separator; a line that starts a workflow command once the runner
// trims its white space; the github format's own annotations.
func badRune(r rune) bool {
	return r == utf8.RuneError || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

func startsCommand(line string) bool {
	return strings.HasPrefix(strings.TrimLeftFunc(line, unicode.IsSpace), "::")
}

var annotationRE = regexp.MustCompile(`^::(error|warning|notice)( [^:]*)?::`)

// assertInert fails t when out, written in format, holds what a hostile
// string could use to mislead a reader or a CI system: a raw control
// character (but newlines and tabs), invalid UTF-8, an invisible format
// character (a bidi override, a zero-width character), a line or
// paragraph separator, a line that GitHub Actions reads as a workflow
// command (in the github format, only the renderer's own annotations),
// or the runner's older command prefix "##[". JSON must also be valid.
func assertInert(t testing.TB, format, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s: invalid UTF-8 in\n%q", format, out)
	}
	for _, r := range out {
		if r != '\n' && r != '\t' && badRune(r) {
			t.Fatalf("%s: raw %U in\n%q", format, r, out)
		}
	}
	if strings.Contains(out, "##[") {
		t.Fatalf("%s: a '##[' command in\n%s", format, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if startsCommand(line) && !(strings.HasSuffix(format, "github") && annotationRE.MatchString(line)) {
			t.Fatalf("%s: a workflow command line %q in\n%s", format, line, out)
		}
	}
	if strings.HasSuffix(format, "github") {
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if !annotationRE.MatchString(line) {
				continue
			}
			// Each annotation's data, as the runner unescapes it, starts
			// no command either.
			data := line[strings.Index(line[2:], "::")+4:]
			data = strings.NewReplacer("%0A", "\n", "%0D", "\r", "%25", "%").Replace(data)
			for _, l := range strings.Split(data, "\n") {
				if startsCommand(l) {
					t.Fatalf("github: data line %q starts a command in %q", l, line)
				}
			}
		}
	}
	if strings.HasSuffix(format, "json") && !json.Valid([]byte(out)) {
		t.Fatalf("json: not valid:\n%s", out)
	}
}

// renderAll renders rep in every format (and text in colour, with
// color), checks each is inert, and returns them by format.
func renderAll(t testing.TB, rep *checks.Report, color bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	formats := Formats
	if color {
		formats = append([]string{"text-color"}, formats...)
	}
	for _, format := range formats {
		var b bytes.Buffer
		f, o := format, Options{Verbose: true}
		if format == "text-color" {
			f, o.Color = "text", true
		}
		if err := Render(&b, f, rep, o); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		s := b.String()
		if format == "text-color" { // its own colour codes only
			s = ansiRE.ReplaceAllString(s, "")
		}
		assertInert(t, format, s)
		out[format] = s
	}
	return out
}

// ansiRE matches the colour codes of the text format in colour.
var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

// hostileLog is a go command log with injections and credentials in it.
const hostileLog = "go: example.test/hello@v1.0.0: reading https://tok3nUSER@proxy.example.test/example.test/hello/@v/v1.0.0.mod: 403 Forbidden\n" +
	"\tserver response: denied \u202egnp.exe\n" +
	"    ::warning::indented-injection\n" +
	"\tAuthorization: Bearer abcdef123456SECRET\n" +
	"\tProxy-Authorization: Basic dXNlcjpwYXNzd29yZA==\n" +
	"go: downloading example.test/other v1.0.0\n" +
	"main.go:1:1: odd ##[add-mask]x \x1b[2J and the token tok3nUSER again\n"

// hostileEnv is an environment whose values and go.mod try to inject.
func hostileEnv(t testing.TB) *checks.Env {
	t.Helper()
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(gomod, []byte("module \"a.test/app\\n::error title=X::INJECTED\\n::add-mask::y\"\n\ngo 1.21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := goenv.New(map[string]string{
		"GOPROXY":    "https://proxy.example.test\n::error::injected-goproxy",
		"GOINSECURE": "a.test\n  ::error::injected-goinsecure",
		"GOPRIVATE":  "corp\u202e.test",
		"GOAUTH":     "netrc;/usr/bin/env TOKEN=s3cretGOAUTH /bin/true",
	}, nil, nil)
	return checks.NewEnv(dir, g, mainmod.Load(gomod, ""))
}

// TestHostileTextInert: a go.mod module line, GOPROXY and GOINSECURE
// values with newlines, an indented '::warning::' line of a log and a
// bidi override from a server or an environment value reach every
// format as visible escapes, never as a line GitHub Actions runs or a
// character that reorders text; and credentials (a GOAUTH command, an
// Authorization header, a token in the user position of a URL, again
// wherever it appears) are hidden in every format.
func TestHostileTextInert(t *testing.T) {
	env := hostileEnv(t)
	results := []checks.CheckResult{{ID: "proxy", Title: "Module proxy", Status: checks.StatusFail, Findings: []checks.Finding{{
		Code: "PROXY_FORBIDDEN", Severity: checks.SevFail,
		Subject: "https://proxy.example.test\n::error::subject",
		Message: "the server said \u202eliaf",
		Detail:  "HTTP/1.1 403 Forbidden\n ::add-mask::detail\n\u2066isolate\u2069 \u200bzero",
		Fixes:   []checks.Fix{{Title: "fix\r\n::error::title", Command: "go env -w GOPROXY=x\n::stop-commands::y", Kind: checks.FixManual}},
	}}}}
	log, err := explain.Parse(strings.NewReader(hostileLog), explain.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	lr := explain.Explain(log, env, "build.log")
	if len(lr.Causes)+len(lr.Unrecognised) == 0 {
		t.Fatalf("nothing explained: %+v", lr)
	}

	plain := checks.NewReport(env, "test", results, nil, 0)
	if plain.Module == nil || !strings.Contains(plain.Module.Path, "\n") {
		t.Fatalf("the module path should reach the report raw (it is sanitized on output): %+v", plain.Module)
	}
	explained := checks.NewReport(env, "test", nil, nil, 0)
	explained.Log = lr

	for name, rep := range map[string]*checks.Report{"report": plain, "explain": explained} {
		outs := renderAll(t, rep, true)
		for format, out := range outs {
			for _, secret := range []string{"s3cretGOAUTH", "TOKEN=", "abcdef123456SECRET", "dXNlcjpwYXNzd29yZA", "tok3nUSER"} {
				if strings.Contains(out, secret) {
					t.Errorf("%s, %s: %q shown:\n%s", name, format, secret, out)
				}
			}
		}
		if name == "report" {
			// Escaped on one line (Markdown escapes the backslash).
			for format, want := range map[string]string{"text": `module a.test/app\n::error title=X::INJECTED\n::add-mask::y`, "markdown": `| module | a.test/app\\n::error title=X::INJECTED\\n::add-mask::y |`} {
				if !strings.Contains(outs[format], want) {
					t.Errorf("%s: the module path is not shown escaped:\n%s", format, outs[format])
				}
			}
			if !strings.Contains(outs["markdown"], "netrc;/usr/bin/env xxxxx") {
				t.Errorf("markdown: GOAUTH not shown with its command's name and its arguments hidden:\n%s", outs["markdown"])
			}
			var decoded checks.Report
			if err := json.Unmarshal([]byte(outs["json"]), &decoded); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{}
			for _, v := range decoded.Environment {
				env[v.Key] = v.Value
			}
			if env["GOAUTH"] != "netrc;/usr/bin/env xxxxx" || env["GOPRIVATE"] != `corp\u202e.test` || env["GOPROXY"] != `https://proxy.example.test\n::error::injected-goproxy` {
				t.Errorf("json environment: %q", env)
			}
			if !strings.Contains(outs["json"], `corp\\u202e.test`) {
				t.Errorf("json: the bidi override is not escaped visibly:\n%s", outs["json"])
			}
		} else {
			for _, format := range []string{"text", "markdown", "json"} {
				if !strings.Contains(outs[format], "Authorization: Bearer xxxxx") {
					t.Errorf("explain %s: the Authorization header is not shown redacted:\n%s", format, outs[format])
				}
			}
		}
	}
	// Rendering changed nothing in the report itself.
	if !strings.Contains(plain.Checks[0].Findings[0].Subject, "\n") {
		t.Error("Output changed the report it was given")
	}
}

// FuzzRenderInert: any text in any field a finding, a fix, the
// environment or an explained log carries comes out of every format
// (text, markdown, github, json; a report and an explanation) inert (see
// assertInert).
func FuzzRenderInert(f *testing.F) {
	f.Add("a.test/app\n::error title=X::INJECTED", "\u202emsg", "d\n  ::warning::x\r\n##[add-mask]y", "t", "go env -w GOPROXY=a\n::x::", "v\x00", "https://proxy.example.test\n::error::e", "  ::warning::indented\nmain.go:1:1: \u2067x")
	f.Add("", "", "", "", "", "", "", "")
	f.Add("\xff\xfe", "\u2028line\u2029para", "\t::notice::tab", "\u00a0::error::nbsp", "%0A::error::", "\x1b]0;title\x07", "\u0085::error::nel", "go: x: 403\n\tAuthorization: Bearer zz\n")
	f.Fuzz(fuzzBody)
}

func fuzzBody(t *testing.T, subject, message, detail, title, command, value, envValue, logText string) {
	{
		g := goenv.New(map[string]string{"GOPROXY": envValue, "GOAUTH": value, "HTTPS_PROXY": envValue}, nil, nil)
		env := checks.NewEnv("/work", g, nil)
		results := []checks.CheckResult{
			{ID: "proxy", Title: "Module proxy", Status: checks.StatusFail, Findings: []checks.Finding{{
				Code: "PROXY_FORBIDDEN", Severity: checks.SevFail, Subject: subject, Message: message, Detail: detail,
				Fixes: []checks.Fix{{Title: title, Command: command, Value: value, Key: "GOPROXY", Kind: checks.FixGoEnv, Auto: true}},
			}}},
			{ID: "tls", Title: "TLS", Status: checks.StatusError, Error: detail, Findings: []checks.Finding{}},
			{ID: "dns", Title: "DNS", Status: checks.StatusSkip, SkipReason: message, Findings: []checks.Finding{}},
		}
		plan := []checks.PlanStep{{Fix: results[0].Findings[0].Fixes[0], AppliedBy: checks.ByFix, Notes: []string{detail},
			Because: []checks.FindingRef{{Check: "proxy", Code: "PROXY_FORBIDDEN", Severity: checks.SevFail, Subject: subject}}}}
		rep := checks.NewReport(env, "test", results, plan, 0)
		rep.Module = &checks.ModuleInfo{Path: subject, GoMod: value}
		renderAll(t, rep, false)

		// The comparison of two reports, in every format.
		d := reportdiff.Compare(subject, sample(), envValue, rep, checks.Tool{Name: "gomoddoctor", Version: value})
		for _, format := range Formats {
			var b bytes.Buffer
			if err := RenderDiff(&b, format, d, Options{Verbose: true}); err != nil {
				t.Fatalf("diff %s: %v", format, err)
			}
			assertInert(t, "diff "+format, b.String())
		}
		// A measurement of mirrors, in every format.
		m := &mirrors.Result{
			GOPROXY: envValue, Requirements: []string{subject}, SumDB: value,
			Candidates: []*mirrors.Candidate{{
				Mirror: checks.Mirror{URL: envValue, Origin: checks.MirrorFlag}, Rank: 1, Via: title,
				Reach: mirrors.Reach{OK: false, Stage: message, Detail: detail}, Why: message,
				Lacks: []mirrors.Lack{{Module: subject, Answer: detail}}, Latest: []string{value}, LatestErr: []string{detail},
				Stale: []mirrors.Stale{{Path: subject, Got: value, Want: title, From: command}},
			}},
			Queries:   []*mirrors.Query{{Path: subject, Why: message, Required: value, OriginErr: detail}},
			Private:   []mirrors.Private{{Path: subject, Var: "GOPRIVATE", Pattern: value}},
			Recommend: mirrors.Recommendation{None: message, Value: envValue, Command: command},
		}
		for _, format := range MirrorsFormats {
			var b bytes.Buffer
			if err := RenderMirrors(&b, format, checks.Tool{Name: "gomoddoctor", Version: value}, m, Options{Verbose: true}); err != nil {
				t.Fatalf("mirrors %s: %v", format, err)
			}
			assertInert(t, "mirrors "+format, b.String())
		}
		// What --fix is about to do, and its messages.
		var b bytes.Buffer
		FixPreviewText(&b, FixPreview{File: value, Diff: detail, Apply: plan, Notes: []string{message}}, TextOptions{})
		Say(&b, message, TextOptions{})
		FixHandler("json", &b, &b, Options{}).Say(detail)
		assertInert(t, "fix text", b.String())

		log, err := explain.Parse(strings.NewReader(logText), explain.DefaultLimits)
		if err != nil {
			return // not text: explain refuses it
		}
		ex := checks.NewReport(env, "test", nil, nil, 0)
		ex.Log = explain.Explain(log, env, subject)
		ex.Log.Unrecognised = append(ex.Log.Unrecognised, checks.LogEntry{Line: 1, Text: logText})
		renderAll(t, ex, false)
	}
}
