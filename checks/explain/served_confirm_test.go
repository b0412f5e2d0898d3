package explain

import (
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// A log's broken zip or proxy-altered download is confirmed by what the
// live checks find a proxy serving (PROXY_ZIP_INVALID, SUMDB_PROXY_MISMATCH).
func TestServedContentConfirmsLogCauses(t *testing.T) {
	for _, tt := range []struct {
		cause, check, finding string
	}{
		{"MODULE_ZIP_INVALID", "proxy", "PROXY_ZIP_INVALID"},
		{"SUMDB_DOWNLOAD_MISMATCH", "sumdb", "SUMDB_PROXY_MISMATCH"},
	} {
		r := cat().byCode[tt.cause]
		if r == nil {
			t.Fatalf("no catalog entry %s", tt.cause)
		}
		c := &checks.Cause{Finding: checks.Finding{Code: tt.cause}, Checks: append([]string{r.Check}, r.Also...)}
		byID := map[string]checks.CheckResult{tt.check: {ID: tt.check, Status: checks.StatusFail,
			Findings: []checks.Finding{{Code: tt.finding, Severity: checks.SevFail, Message: "served"}}}}
		if v, d := verdict(c, byID); v != checks.VerdictConfirmed {
			t.Errorf("%s with %s from the %s check: %s (%s)", tt.cause, tt.finding, tt.check, v, d)
		}
	}
}
