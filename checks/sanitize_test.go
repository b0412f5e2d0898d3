package checks

import (
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, line, text string }{
		{"plain text: a.test/app v1.0.0", "plain text: a.test/app v1.0.0", "plain text: a.test/app v1.0.0"},
		{"a.test/app\n::error title=X::INJECTED", `a.test/app\n::error title=X::INJECTED`, "a.test/app\n\\::error title=X::INJECTED"},
		{"::error::at the start", `\::error::at the start`, `\::error::at the start`},
		{"log:\n    ::warning::indented", `log:\n    ::warning::indented`, "log:\n    \\::warning::indented"},
		// GitHub trims Unicode white space too.
		{"x\n\u00a0\u3000::notice::nbsp", `x\n` + "\u00a0\u3000::notice::nbsp", "x\n\u00a0\u3000\\::notice::nbsp"},
		{"\t::debug::tab", `\t::debug::tab`, "\t\\::debug::tab"},
		{"mid ##[add-mask]x", `mid #\#[add-mask]x`, `mid #\#[add-mask]x`},
		{"bidi \u202eevil\u202c \u2066iso\u2069 \u200bzw \ufeffbom", `bidi \u202eevil\u202c \u2066iso\u2069 \u200bzw \ufeffbom`, `bidi \u202eevil\u202c \u2066iso\u2069 \u200bzw \ufeffbom`},
		{"cr\r\x1b[2J\x00\x7f\u0085\u2028\u2029", `cr\r\x1b[2J\x00\x7f\u0085\u2028\u2029`, `cr\r\x1b[2J\x00\x7f\u0085\u2028\u2029`},
		{"bad \xff utf8", `bad \xff utf8`, `bad \xff utf8`},
		{"tag \U000E0041", `tag \U000e0041`, `tag \U000e0041`},
		{"not at the start :: fine", "not at the start :: fine", "not at the start :: fine"},
	} {
		line, text := SanitizeLine(tc.in), SanitizeText(tc.in)
		if line != tc.line {
			t.Errorf("SanitizeLine(%q) = %q, want %q", tc.in, line, tc.line)
		}
		if text != tc.text {
			t.Errorf("SanitizeText(%q) = %q, want %q", tc.in, text, tc.text)
		}
		if again := SanitizeLine(line); again != line {
			t.Errorf("SanitizeLine is not idempotent: %q then %q", line, again)
		}
		if again := SanitizeText(text); again != text {
			t.Errorf("SanitizeText is not idempotent: %q then %q", text, again)
		}
	}
}

// TestSanitizedCopies: Sanitized and Report.Output copy; multi-line
// fields keep their lines, the others become one line.
func TestSanitizedCopies(t *testing.T) {
	f := Finding{Code: "X", Subject: "s\n::error::x", Detail: "a\n::error::b", Fixes: []Fix{{Command: "c\u202e"}}}
	r := &Report{Checks: []CheckResult{{ID: "x", Error: "e\n::e::", Findings: []Finding{f}}}, Log: &LogReport{Causes: []Cause{{Finding: f}}}}
	out := r.Output()
	got := out.Checks[0].Findings[0]
	if got.Subject != `s\n::error::x` || got.Detail != "a\n\\::error::b" || got.Fixes[0].Command != `c\u202e` || out.Checks[0].Error != "e\n\\::e::" {
		t.Errorf("Output: %+v", out.Checks[0])
	}
	if c := out.Log.Causes[0]; c.Subject != got.Subject || c.Detail != got.Detail {
		t.Errorf("the embedded finding of a cause: %+v", c.Finding)
	}
	if r.Checks[0].Findings[0].Subject != f.Subject || r.Log.Causes[0].Fixes[0].Command != "c\u202e" {
		t.Error("Output changed its receiver")
	}

	// A report renders only through Output: a secret registered after
	// the report was built (explain reads a log) is hidden there too.
	e := NewEnv("/work", goenv.New(nil, nil, nil), nil)
	rep := NewReport(e, "test", nil, nil, 0)
	rep.Log = &LogReport{Unrecognised: []LogEntry{{Line: 1, Text: "later: laterSECRET"}}}
	e.AddSecretsIn("https://laterSECRET@h.example.test")
	if got := rep.Output().Log.Unrecognised[0].Text; got != "later: xxxxx" {
		t.Errorf("a secret registered later: %q", got)
	}
}

// TestRedactCredentialShapes: a GOAUTH command's arguments, credential
// headers and query parameters, and a token in the user position of a
// URL (also where it appears alone afterwards) are hidden wherever the
// run's strings are scrubbed.
func TestRedactCredentialShapes(t *testing.T) {
	g := goenv.New(map[string]string{
		"GOAUTH":  "netrc; /usr/bin/env  TOKEN=s3cretGOAUTH /bin/true ;git /src/dir",
		"GOPROXY": "https://tok3nUSER@proxy.example.test,direct",
	}, nil, nil)
	e := NewEnv("/work", g, nil)
	sum := map[string]string{}
	for _, v := range e.Summary() {
		sum[v.Key] = v.Value
	}
	if sum["GOAUTH"] != "netrc; /usr/bin/env  xxxxx ;git /src/dir" {
		t.Errorf("GOAUTH shown as %q", sum["GOAUTH"])
	}
	if sum["GOPROXY"] != "https://xxxxx@proxy.example.test,direct" {
		t.Errorf("GOPROXY shown as %q", sum["GOPROXY"])
	}
	for in, want := range map[string]string{
		"GOAUTH=/usr/bin/env TOKEN=s3cretGOAUTH /bin/true: exit status 1":  "GOAUTH=/usr/bin/env xxxxx: exit status 1",
		"the token tok3nUSER was refused":                                  "the token xxxxx was refused",
		"> Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y":                 "> Authorization: Bearer xxxxx",
		"\tauthorization: basic dXNlcjpwYXNz":                              "\tauthorization: basic xxxxx",
		"Proxy-Authorization: Negotiate YIIabc==\r":                        "Proxy-Authorization: Negotiate xxxxx\r",
		"curl -H 'Authorization: token ghp_abcdef' https://x.example.test": "curl -H 'Authorization: token xxxxx' https://x.example.test",
		"Authorization: s3cret":                                            "Authorization: xxxxx",
		"PRIVATE-TOKEN: glpat-abc":                                         "PRIVATE-TOKEN: xxxxx",
		"GET https://h.example.test/x?access_token=abc123&v=1":             "GET https://h.example.test/x?access_token=xxxxx&v=1",
		"https://h.example.test/x?a=1&token=zz#frag":                       "https://h.example.test/x?a=1&token=xxxxx#frag",
		"git clone https://ghp_tok3n@h.example.test/r":                     "git clone https://xxxxx@h.example.test/r",
	} {
		if got := e.Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", in, got, want)
		}
	}
}

// hasUserinfo is what lets RedactString skip the regular expression:
// it must say yes wherever userinfoRE matches.
func TestHasUserinfoGuardsTheRegexp(t *testing.T) {
	for _, s := range []string{
		"", "a@b", "https://host/a@b", "https://user@host", "https://u:p@host", "x https://@host",
		"https://@u@host", "git+ssh://git@host:x", "https://host ,u@x", "s3://k\t@b", "a://b://c@d",
		"mod@v1.0.0: https://proxy.test/mod (go.sum)", "https://tok3n@host/path?x=1@2",
	} {
		if userinfoRE.MatchString(s) && !hasUserinfo(s) {
			t.Errorf("%q: the regexp matches, hasUserinfo says no", s)
		}
	}
}
