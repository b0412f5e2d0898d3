package explain

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// TestCapturedLogs explains the stored real logs of the go command
// (fixtures/testdata/logs) and checks that the right cause is named.
func TestCapturedLogs(t *testing.T) {
	logs := fixtures.CapturedLogs()
	scenarios := fixtures.LogScenarios()
	if len(scenarios) < 12 {
		t.Fatalf("only %d scenarios", len(scenarios))
	}
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			out, ok := logs[s.Name]
			if !ok {
				t.Fatalf("no captured log %s.log", s.Name)
			}
			checkExplained(t, out, s.Want)
		})
	}
}

// TestLiveLogs runs each broken sandbox again with the go command of
// this machine and explains its output: the catalog must keep up with
// the toolchain, not only with the stored captures.
func TestLiveLogs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command in 30 sandboxes")
	}
	for _, s := range fixtures.LogScenarios() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			checkExplained(t, s.Run(t), s.Want)
		})
	}
}

func checkExplained(t *testing.T, out string, want []string) {
	t.Helper()
	l, err := Parse(strings.NewReader(out), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got := l.Codes()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("explain named %v, want %s, for:\n%s", got, w, out)
		}
	}
	if len(l.Unrecognised) > 0 {
		t.Errorf("unrecognised entries %v in:\n%s", l.Unrecognised, out)
	}
	lr := Explain(l, nil, "test.log")
	for _, c := range lr.Causes {
		if len(c.Fixes) == 0 {
			t.Errorf("%s has no fix", c.Code)
		}
		if len(c.Evidence) == 0 {
			t.Errorf("%s has no evidence", c.Code)
		}
		if strings.ContainsAny(c.Message, "{}") {
			t.Errorf("%s: unexpanded template in %q", c.Code, c.Message)
		}
	}
}
