package checks

import (
	"context"
	"reflect"
	"testing"
)

func TestLinkCauses(t *testing.T) {
	results := []CheckResult{
		{ID: "dns", Findings: []Finding{
			{Code: "DNS_NXDOMAIN", Severity: SevFail, Subject: "goproxy.test"},
			{Code: "DNS_OK", Severity: SevInfo, Subject: "other.test"},
		}},
		{ID: "proxy", Findings: []Finding{
			// completed with the code of the dns check's problem
			{Code: "PROXY_DNS", Severity: SevFail, Subject: "https://goproxy.test", CausedBy: &Ref{Check: "dns", Subject: "goproxy.test"}},
			// a chain of links
			{Code: "PROXY_MODULE_UNAVAILABLE", Severity: SevFail, Subject: "m@v1", CausedBy: &Ref{Check: "proxy", Code: "PROXY_DNS", Subject: "https://goproxy.test"}},
			// a link to information is no link: it stands as a cause
			{Code: "PROXY_X", Severity: SevWarn, Subject: "x", CausedBy: &Ref{Check: "dns", Subject: "other.test"}},
			// a link to a check not run is dropped
			{Code: "PROXY_TLS", Severity: SevFail, Subject: "y", CausedBy: &Ref{Check: "tls", Subject: "y:443"}},
		}},
		{ID: "sumdb", Findings: []Finding{
			// any problem of a check
			{Code: "SUMDB_NOT_FOUND", Severity: SevFail, Subject: "m@v1", CausedBy: &Ref{Check: "dns"}},
			// a cycle is cut where it closes
			{Code: "A", Severity: SevWarn, Subject: "a", CausedBy: &Ref{Check: "sumdb", Code: "B", Subject: "b"}},
			{Code: "B", Severity: SevWarn, Subject: "b", CausedBy: &Ref{Check: "sumdb", Code: "A", Subject: "a"}},
		}},
	}
	linkCauses(results)
	if got := results[1].Findings[0].CausedBy; got == nil || *got != (Ref{"dns", "DNS_NXDOMAIN", "goproxy.test"}) {
		t.Errorf("PROXY_DNS caused by %+v", got)
	}
	if got := results[1].Findings[2].CausedBy; got != nil {
		t.Errorf("a link to information kept: %+v", got)
	}
	if got := results[1].Findings[3].CausedBy; got != nil {
		t.Errorf("a link to a missing finding kept: %+v", got)
	}
	if got := results[2].Findings[0].CausedBy; got == nil || *got != (Ref{"dns", "DNS_NXDOMAIN", "goproxy.test"}) {
		t.Errorf("SUMDB_NOT_FOUND caused by %+v", got)
	}
	if a, b := results[2].Findings[1].CausedBy, results[2].Findings[2].CausedBy; (a == nil) == (b == nil) {
		t.Errorf("the cycle is not cut once: %+v %+v", a, b)
	}
	roots := RootCauses(results)
	want := []Ref{{"dns", "DNS_NXDOMAIN", "goproxy.test"}, {"proxy", "PROXY_X", "x"}, {"proxy", "PROXY_TLS", "y"}}
	// plus one of the cycle's two
	if len(roots) != 4 || !reflect.DeepEqual(roots[:3], want) {
		t.Errorf("root causes %+v", roots)
	}
	if got := RootOf(results, Ref{"proxy", "PROXY_MODULE_UNAVAILABLE", "m@v1"}); got != want[0] {
		t.Errorf("root of PROXY_MODULE_UNAVAILABLE: %+v", got)
	}
}

// The runner links causes, and scrubs secrets from links as from
// subjects.
func TestRunnerLinksCauses(t *testing.T) {
	env := testEnv()
	env.AddSecret("s3cret-token")
	c := &Check{ID: "a", Title: "a", Run: func(ctx context.Context, env *Env) ([]Finding, error) {
		return []Finding{
			{Code: "ROOT", Severity: SevFail, Subject: "https://s3cret-token@x.test"},
			{Code: "LEAF", Severity: SevFail, Subject: "m", CausedBy: &Ref{Check: "a", Subject: "https://s3cret-token@x.test"}},
		}, nil
	}}
	r := Runner{}.Run(context.Background(), env, []*Check{c})[0]
	got := r.Findings[1].CausedBy
	if got == nil || got.Code != "ROOT" || got.Subject != r.Findings[0].Subject || r.Findings[0].Subject == "https://s3cret-token@x.test" {
		t.Errorf("link %+v to %q", got, r.Findings[0].Subject)
	}
}
