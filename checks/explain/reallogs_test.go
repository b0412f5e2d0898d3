package explain

// TestRealLogs scores explain on real users' go-command output from public
// threads (testdata/reallogs, described in its README.md): whether a
// failure is noticed, whether the first finding names the cause the
// thread established, whether its fixes include the one the thread
// confirmed, and whether logs that are not module problems stay free of
// findings. The held-out part is scored separately and must meet the
// acceptance thresholds.

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// Acceptance thresholds on the held-out part. enforceHeldout turns them
// on; it stays off while the catalog is tuned on the tune part.
const enforceHeldout = true

const (
	heldoutCauseFloor = 95.0 // per cent of module logs with the right cause first
	heldoutFixFloor   = 85.0 // per cent of module logs (with a confirmed fix) offering it
)

// A realLog is one file of testdata/reallogs.
type realLog struct {
	name, part      string
	source, os, gov string
	cause           string   // expected first code, or "NONE"
	fixes           []string // alternatives; nil when the label is "-"
	log             string
}

func (l realLog) module() bool { return l.cause != "NONE" }

// heldOut is the split rule, fixed before tuning: FNV-1a 32 of the name.
func heldOut(name string) bool {
	h := fnv.New32a()
	h.Write([]byte(strings.TrimSuffix(name, ".txt")))
	return h.Sum32()%3 == 0
}

func loadRealLogs(t *testing.T) []realLog {
	t.Helper()
	var out []realLog
	for _, part := range []string{"tune", "heldout"} {
		files, err := filepath.Glob(filepath.Join("testdata", "reallogs", part, "*.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			l, err := parseRealLog(string(data))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			l.name, l.part = filepath.Base(f), part
			if heldOut(l.name) != (part == "heldout") {
				t.Errorf("%s is in %s/, but the split rule puts it in the other part", l.name, part)
			}
			out = append(out, l)
		}
	}
	return out
}

func parseRealLog(data string) (realLog, error) {
	head, log, ok := strings.Cut(data, "\n----\n")
	if !ok {
		return realLog{}, fmt.Errorf("no ---- separator")
	}
	var l realLog
	for _, line := range strings.Split(head, "\n") {
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimSpace(v)
		switch k {
		case "source":
			l.source = v
		case "os":
			l.os = v
		case "go":
			l.gov = v
		case "cause":
			l.cause = v
		case "fix":
			if v != "-" {
				for _, alt := range strings.Split(v, "||") {
					l.fixes = append(l.fixes, strings.TrimSpace(alt))
				}
			}
		}
	}
	if l.source == "" || l.cause == "" {
		return l, fmt.Errorf("header lacks source or cause")
	}
	if l.cause == "NONE" && l.fixes != nil {
		return l, fmt.Errorf("a non-module log has a fix")
	}
	if l.cause != "NONE" && cat().byCode[l.cause] == nil {
		return l, fmt.Errorf("cause %s is not a code of the catalog", l.cause)
	}
	l.log = log
	return l, nil
}

// fixMatches reports whether a fix satisfies one alternative of a label.
func fixMatches(f checks.Fix, alt string) bool {
	kind, text, _ := strings.Cut(alt, ":")
	switch kind {
	case "cmd":
		return strings.Contains(f.Command, text)
	case "key":
		return f.Key == text || strings.Contains(f.Command, text+"=")
	case "title":
		return strings.Contains(strings.ToLower(f.Title), strings.ToLower(text))
	}
	return false
}

// realScore is what explain made of one log.
type realScore struct {
	noticed, causeOK, fixOK, clean bool
	got                            []string
	first                          *checks.Cause
}

func scoreRealLog(t *testing.T, l realLog) realScore {
	t.Helper()
	parsed, err := Parse(strings.NewReader(l.log), Limits{})
	if err != nil {
		t.Fatalf("%s: %v", l.name, err)
	}
	lr := Explain(parsed, nil, l.name)
	s := realScore{noticed: lr.Errors > 0, clean: len(lr.Causes) == 0}
	for _, c := range lr.Causes {
		s.got = append(s.got, c.Code+"("+c.Subject+")")
	}
	if len(lr.Causes) == 0 {
		return s
	}
	s.first = &lr.Causes[0]
	s.causeOK = s.first.Code == l.cause
	for _, alt := range l.fixes {
		for _, f := range s.first.Fixes {
			if fixMatches(f, alt) {
				s.fixOK = true
			}
		}
	}
	return s
}

type realTally struct {
	logs, noticed         int
	module, causeOK       int
	withFix, fixOK        int
	nonModule, falseFinds int
	misses                []string
}

func (r *realTally) add(l realLog, s realScore) {
	r.logs++
	if s.noticed {
		r.noticed++
	}
	if !l.module() {
		r.nonModule++
		if !s.clean {
			r.falseFinds++
			r.misses = append(r.misses, fmt.Sprintf("%s: not a module problem, got %v", l.name, s.got))
		}
		return
	}
	r.module++
	if s.causeOK {
		r.causeOK++
	} else {
		r.misses = append(r.misses, fmt.Sprintf("%s: want %s first, got %v", l.name, l.cause, s.got))
	}
	if l.fixes != nil {
		r.withFix++
		if s.fixOK {
			r.fixOK++
		} else {
			var cmds []string
			if s.first != nil {
				for _, f := range s.first.Fixes {
					cmds = append(cmds, f.Command)
				}
			}
			r.misses = append(r.misses, fmt.Sprintf("%s: fix %q not among %q", l.name, l.fixes, cmds))
		}
	}
}

func pct(n, d int) float64 {
	if d == 0 {
		return 100
	}
	return 100 * float64(n) / float64(d)
}

func (r *realTally) String() string {
	return fmt.Sprintf("%d logs, failure noticed in %d; right cause first in %d of %d module logs (%.1f%%); confirmed fix offered in %d of %d (%.1f%%); %d of %d non-module logs with a finding",
		r.logs, r.noticed, r.causeOK, r.module, pct(r.causeOK, r.module), r.fixOK, r.withFix, pct(r.fixOK, r.withFix), r.falseFinds, r.nonModule)
}

func TestRealLogs(t *testing.T) {
	logs := loadRealLogs(t)
	if len(logs) < 150 {
		t.Fatalf("only %d real logs", len(logs))
	}
	tallies := map[string]*realTally{"tune": {}, "heldout": {}, "all": {}}
	for _, l := range logs {
		s := scoreRealLog(t, l)
		tallies[l.part].add(l, s)
		tallies["all"].add(l, s)
	}
	for _, part := range []string{"tune", "heldout", "all"} {
		t.Run(part, func(t *testing.T) {
			r := tallies[part]
			t.Logf("%s: %s", part, r)
			sort.Strings(r.misses)
			for _, m := range r.misses {
				t.Log(m)
			}
			if part != "heldout" || !enforceHeldout {
				return
			}
			if p := pct(r.causeOK, r.module); p < heldoutCauseFloor {
				t.Errorf("held-out: right cause first in %.1f%% of module logs, below %.0f%%", p, heldoutCauseFloor)
			}
			if p := pct(r.fixOK, r.withFix); p < heldoutFixFloor {
				t.Errorf("held-out: confirmed fix offered in %.1f%%, below %.0f%%", p, heldoutFixFloor)
			}
			if r.falseFinds > 0 {
				t.Errorf("held-out: %d non-module logs got a finding", r.falseFinds)
			}
		})
	}
}
