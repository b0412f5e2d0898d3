package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/report/schema/schematest"
)

func sample() *checks.Report {
	long := strings.Repeat("a rather long explanation that must wrap ", 4)
	return &checks.Report{
		SchemaVersion: checks.SchemaVersion,
		Tool:          checks.Tool{Name: "gomoddoctor", Version: "v0.1.0"},
		Go:            checks.GoInfo{Version: "go1.26.0", GOROOT: "/usr/local/go", OS: "linux", Arch: "amd64"},
		Module:        &checks.ModuleInfo{Path: "example.test/app", GoMod: "/src/app/go.mod"},
		Status:        checks.StatusFail,
		DurationMS:    412,
		Plan:          []checks.PlanStep{}, // as NewReport makes it
		Checks: []checks.CheckResult{
			{ID: "env", Title: "Go environment", Status: checks.StatusWarn, Findings: []checks.Finding{
				{Code: "GOSUMDB_OFF", Severity: checks.SevWarn, Subject: "GOSUMDB", Message: "checksums off", Fixes: []checks.Fix{}},
				{Code: "GOPROXY_CHAIN", Severity: checks.SevInfo, Subject: "GOPROXY", Message: "the chain", Fixes: []checks.Fix{}},
			}},
			{ID: "proxy", Title: "Module proxy", Status: checks.StatusFail, Findings: []checks.Finding{
				{Code: "PROXY_FORBIDDEN", Severity: checks.SevFail, Subject: "https://proxy.example.test", Message: long, Detail: "HTTP/1.1 403 Forbidden\n" + long,
					Fixes: []checks.Fix{{Title: "use a mirror", Command: "go env -w GOPROXY=https://mirror.example.test/with/a/very/long/path/that/goes/beyond/eighty/columns,direct", Kind: checks.FixGoEnv, Auto: true}}},
			}},
			{ID: "module", Title: "go.mod and toolchain", Status: checks.StatusSkip, SkipReason: "not in a module", Findings: []checks.Finding{}},
			{ID: "tls", Title: "TLS", Status: checks.StatusError, Error: "internal error: panic: boom\ngoroutine 1 [running]:", Findings: []checks.Finding{}},
		},
	}
}

func TestTextLayout(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, sample(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"gomoddoctor v0.1.0 · go1.26.0 linux/amd64 · module example.test/app",
		"[!] Go environment", "[✗] Module proxy", "[-] go.mod and toolchain", "skipped: not in a module", "[?] TLS",
		"✗ PROXY_FORBIDDEN (https://proxy.example.test)", "! GOSUMDB_OFF (GOSUMDB)",
		"fix: use a mirror", "    $ go env -w GOPROXY=https://mirror.example.test/with/a/very/long/path/that/goes/beyond/eighty/columns,direct",
		"? tls: could not run", "internal error: panic: boom",
		"4 checks (1 failed, 1 with warnings, 1 skipped, 1 could not run; 0.41s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "GOPROXY_CHAIN") || strings.Contains(out, "goroutine 1") {
		t.Errorf("info findings and stack traces belong to -v:\n%s", out)
	}
	if strings.Index(out, "PROXY_FORBIDDEN") > strings.Index(out, "GOSUMDB_OFF") {
		t.Errorf("failures must come before warnings:\n%s", out)
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "$ ") {
			continue
		}
		if w := utf8.RuneCountInString(line); w > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, w, line)
		}
		if strings.HasSuffix(line, " ") {
			t.Errorf("line %d has trailing spaces: %q", i+1, line)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("escape codes without colour")
	}
}

func TestTextVerboseAndColour(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, sample(), TextOptions{Verbose: true, Color: true, Width: 60}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "GOPROXY_CHAIN") || !strings.Contains(out, "goroutine 1") {
		t.Errorf("-v must show info findings and the stack:\n%s", out)
	}
	if !strings.Contains(out, "\x1b[") {
		t.Errorf("no escape codes with colour on")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, sample()); err != nil {
		t.Fatal(err)
	}
	schematest.Check(t, b.Bytes())
	var back checks.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.SchemaVersion != 1 || len(back.Checks) != 4 || back.Checks[1].Findings[0].Fixes[0].Kind != checks.FixGoEnv {
		t.Errorf("round trip lost data: %+v", back)
	}
	if !strings.Contains(b.String(), `"fixes": []`) || strings.Contains(b.String(), "\\u003e") {
		t.Errorf("JSON shape: %s", b.String())
	}
}

func TestTextNeutralisesControlCharacters(t *testing.T) {
	r := sample()
	r.Checks[0].Findings[0].Detail = "line 1: \x1b[2J\x1b]0;pwned\x07 and \xff"
	r.Checks[0].Findings[0].Subject = "/tmp/\x1b[31menv"
	var b bytes.Buffer
	if err := Text(&b, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Errorf("control characters reached the output: %q", b.String())
	}
	if !strings.Contains(b.String(), `\x1b[2J`) {
		t.Errorf("escapes are not shown: %s", b.String())
	}
}

// A finding's subject (a long URL, a list of modules) wraps like the
// rest of the prose.
func TestTextWrapsLongSubjects(t *testing.T) {
	r := sample()
	r.Checks[0].Findings = append(r.Checks[0].Findings, checks.Finding{
		Code: "DNS_SINKHOLE", Severity: checks.SevWarn, Fixes: []checks.Fix{}, Message: "subjects wrap too",
		Subject: "a-very-long-host-name-of-a-module-proxy.corp.example.test, and its checksum database",
	})
	var b bytes.Buffer
	if err := Text(&b, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "$ ") {
			continue
		}
		if w := utf8.RuneCountInString(line); w > 80 {
			t.Errorf("%d columns: %q", w, line)
		}
	}
	if !strings.Contains(b.String(), "! DNS_SINKHOLE (a-very-long-host-name") {
		t.Errorf("subject not rendered:\n%s", b.String())
	}
}

// Text wraps at spaces only: a flag or a hyphenated module path at the
// end of a line moves to the next line whole.
func TestTextKeepsHyphenatedWordsWhole(t *testing.T) {
	for pad := 0; pad < 12; pad++ {
		r := sample()
		msg := strings.Repeat("x", 60+pad) + " check it with --mirror or golang.test/x/mod-tools-v2"
		r.Checks[1].Findings[0].Message = msg
		var b bytes.Buffer
		if err := Text(&b, r, TextOptions{}); err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(strings.Fields(b.String()), " ")
		for _, word := range []string{"--mirror", "golang.test/x/mod-tools-v2"} {
			if !strings.Contains(joined, " "+word) {
				t.Errorf("pad %d: %q split across lines:\n%s", pad, word, b.String())
			}
		}
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		200 * time.Microsecond:    "200µs",
		1500 * time.Microsecond:   "1.50ms",
		20100 * time.Microsecond:  "20.1ms",
		153500 * time.Microsecond: "154ms",
		2345 * time.Millisecond:   "2.35s",
		12 * time.Second:          "12.0s",
		125 * time.Second:         "125s",
	} {
		if got := shortDuration(d); got != want || len([]rune(got)) > 6 {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
