package private

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// The routing table lists the first requirements one by one and counts
// the rest: 1,200 requirements are 1,000 entries and one line more, and
// the message still counts all of them.
func TestRoutingTableIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("module example.test/app\n\ngo 1.21\n\nrequire (\n")
	for i := range 1200 {
		fmt.Fprintf(&b, "\texample.test/m%d v1.0.0\n", i)
	}
	b.WriteString(")\n")
	env := checktest.Env(t, checktest.Case{GoMod: b.String(), Process: map[string]string{"GOPROXY": "http://" + fixtures.ClosedAddr(t), "GOSUMDB": "off"}})
	r := checktest.Run(t, env, Check, 10*time.Second)
	f := checktest.Finding(r, "PRIVATE_ROUTES")
	if f == nil {
		t.Fatalf("no PRIVATE_ROUTES:\n%s", checktest.Dump(r))
	}
	if !strings.Contains(f.Message, "the 1200 requirement(s): 1200 through GOPROXY") {
		t.Errorf("message: %s", f.Message)
	}
	if n := strings.Count(f.Detail, "\nexample.test/m") + 1; n != maxTableRoutes {
		t.Errorf("%d requirements listed, want %d", n, maxTableRoutes)
	}
	if !strings.HasSuffix(f.Detail, "… and 200 more requirement(s), not listed (the counts above include them)") {
		t.Errorf("the table does not end with the count of the others: …%s", f.Detail[max(0, len(f.Detail)-200):])
	}
}
