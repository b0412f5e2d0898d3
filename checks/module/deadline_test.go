package module

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
)

// TestGoSumListCutByDeadline: with 2,000 requirements and the run's
// deadline passed, the check stops looking at requirements after the
// first batch and says so in the finding, instead of going through all
// of them after the deadline.
func TestGoSumListCutByDeadline(t *testing.T) {
	var b strings.Builder
	b.WriteString("module example.test/app\n\ngo 1.21\n\nrequire (\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "\texample.test/m%d v1.0.0\n", i)
	}
	b.WriteString(")\n")
	env := checktest.Env(t, checktest.Case{GoMod: b.String()})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	findings, err := Check.Run(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Code != "MODULE_MISSING_GOSUM" {
			continue
		}
		if !strings.Contains(f.Message, "go.sum lacks lines for 255 requirement(s)") || !strings.Contains(f.Message, "the deadline passed after 255 of 2,000 requirements: the others were not checked") {
			t.Errorf("the finding does not say the deadline cut the list: %s", f.Message)
		}
		if n := strings.Count(f.Detail, "\n  "); n != 255 {
			t.Errorf("%d modules in the detail, want 255", n)
		}
		return
	}
	t.Fatalf("no MODULE_MISSING_GOSUM in %v", findings)
}
