package explain

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// FuzzParse feeds arbitrary bytes to the log parser and checks that it
// never panics, stays within its limits, accounts for every error entry,
// and that the keyword prefilter never hides a match.
//
//	go test -run '^$' -fuzz FuzzParse ./checks/explain
func FuzzParse(f *testing.F) {
	for _, log := range fixtures.CapturedLogs() {
		f.Add([]byte(log))
	}
	for _, s := range []string{
		"",
		"{\n\"Error\": \"x\"\n}\n",
		"{\"Action\":\"output\",\"Output\":\"go: a@v1: module lookup disabled by GOPROXY=off\\n\"}\n",
		"go: a.example/m@v1.0.0: reading https://u:p@h.example/a.example/m/@v/v1.0.0.info: 410 Gone\n\tserver response: terminal prompts disabled\n",
		"\x1b[31mverifying a.example/m@v1.0.0: checksum mismatch\r\n\n\nSECURITY ERROR\n",
		"\xff\xfeg\x00o\x00:\x00",
		"go: {module|x} {a?b} ${X}\n\t{",
	} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxLineBytes: 512, MaxEntryLines: 8, MaxCauses: 5, MaxUnrecognised: 5, MaxEvidence: 2, MaxBytes: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(bytes.NewReader(data), lim)
		if err != nil {
			var nt *NotTextError
			if !errors.As(err, &nt) {
				t.Fatalf("error %v is not a NotTextError", err)
			}
			return
		}
		if l.Bytes > lim.MaxBytes {
			t.Fatalf("read %d bytes, limit %d", l.Bytes, lim.MaxBytes)
		}
		counted := len(l.Unrecognised) + l.UnrecognisedOmitted
		for _, c := range l.causes {
			counted += c.count
			if len(c.evidence) > lim.MaxEvidence {
				t.Fatalf("%d evidence entries", len(c.evidence))
			}
			for _, e := range c.evidence {
				checkEntry(t, e.Text, lim)
			}
		}
		if counted != l.Errors {
			t.Fatalf("%d error entries, %d accounted for", l.Errors, counted)
		}
		if len(l.Unrecognised) > lim.MaxUnrecognised {
			t.Fatalf("%d unrecognised kept", len(l.Unrecognised))
		}
		for _, e := range l.Unrecognised {
			checkEntry(t, e.Text, lim)
		}
		lr := Explain(l, nil, "fuzz")
		for _, c := range lr.Causes {
			for _, fx := range c.Fixes {
				if strings.ContainsAny(fx.Command, "\n\r`") {
					t.Fatalf("fix command %q", fx.Command)
				}
			}
		}
		// The prefilter is sound on this input.
		if len(data) < 4096 && utf8.Valid(data) {
			s := string(data)
			for _, r := range cat().rules {
				for i, re := range r.res {
					if re.MatchString(s) && (!r.candidate(i, s) || !cat().kw.any(s)) {
						t.Fatalf("%s pattern %q matches but the keyword filter says no", r.Code, r.Match[i])
					}
				}
			}
		}
	})
}

func checkEntry(t *testing.T, text string, lim Limits) {
	t.Helper()
	lines := strings.Split(text, "\n")
	if len(lines) > lim.MaxEntryLines+1 {
		t.Fatalf("entry of %d lines", len(lines))
	}
	for _, l := range lines {
		if len(l) > lim.MaxLineBytes+64 {
			t.Fatalf("line of %d bytes", len(l))
		}
	}
	if !utf8.ValidString(text) {
		t.Fatalf("invalid UTF-8 kept: %q", text)
	}
}
