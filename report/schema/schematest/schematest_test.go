package schematest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/reportdiff"
	"github.com/gomoddoctor/gomoddoctor/report"
	"github.com/gomoddoctor/gomoddoctor/report/schema"
)

func sampleReport() *checks.Report {
	return &checks.Report{
		SchemaVersion: checks.SchemaVersion,
		Tool:          checks.Tool{Name: "gomoddoctor", Version: "v0.1.0"},
		Go:            checks.GoInfo{Version: "go1.26.0", GOROOT: "/usr/local/go", Path: "/usr/local/go/bin/go", OS: "linux", Arch: "amd64"},
		Status:        checks.StatusFail,
		DurationMS:    12,
		Checks: []checks.CheckResult{{
			ID: "proxy", Title: "Module proxy", Status: checks.StatusFail, DurationMS: 3,
			Findings: []checks.Finding{{Code: "PROXY_FORBIDDEN", Severity: checks.SevFail, Subject: "https://goproxy.corp.example", Message: "403",
				Fixes: []checks.Fix{{Title: "t", Command: "go env -w GOPROXY=direct", Kind: checks.FixGoEnv, Key: "GOPROXY", Value: "direct"}}}},
		}},
		Environment: []checks.EnvVar{{Key: "GOPROXY", Value: "https://goproxy.corp.example", Source: "goenv-file"}},
		Plan:        []checks.PlanStep{},
		Facts: &checks.Facts{
			Resolver: &checks.ResolverFact{Servers: []string{"127.0.0.1:53"}, From: "/etc/resolv.conf"},
			Hosts:    []checks.HostFact{{Name: "goproxy.corp.example", Addrs: []string{"127.0.0.1"}}},
			Proxy:    []checks.ProxyFact{{Entry: 0, Proxy: "https://goproxy.corp.example", Module: "example.test/m", Op: "@v/list", Outcome: checks.OutcomeError, Status: 403, Code: "PROXY_FORBIDDEN"}},
			SumDB:    &checks.SumDBFact{Name: "sum.example", Entry: -1, Direct: true, URL: "https://sum.example"},
			ModCache: &checks.ModCacheFact{Dir: "/home/gopher/go/pkg/mod", Exists: true, Versions: 3},
		},
	}
}

func render(t *testing.T, r *checks.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSchemasCompile(t *testing.T) {
	if _, err := load(); err != nil {
		t.Fatal(err)
	}
}

func TestReportValidates(t *testing.T) {
	name, err := Validate(render(t, sampleReport()))
	if err != nil || name != schema.Report {
		t.Fatalf("%s: %v", name, err)
	}
}

// edit decodes a report, lets f change it and encodes it again.
func edit(t *testing.T, data []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDisagreementFails: output that breaks the contract is rejected,
// with the place named.
func TestDisagreementFails(t *testing.T) {
	good := render(t, sampleReport())
	finding := func(m map[string]any) map[string]any {
		return m["checks"].([]any)[0].(map[string]any)["findings"].([]any)[0].(map[string]any)
	}
	for _, tc := range []struct {
		name string
		f    func(map[string]any)
		want string
	}{
		{"missing status", func(m map[string]any) { delete(m, "status") }, "status"},
		{"unknown status", func(m map[string]any) { m["status"] = "broken" }, "status"},
		{"schema version 2", func(m map[string]any) { m["schema_version"] = 2 }, "schema_version"},
		{"findings null", func(m map[string]any) { m["checks"].([]any)[0].(map[string]any)["findings"] = nil }, "findings"},
		{"lower-case code", func(m map[string]any) { finding(m)["code"] = "proxy_forbidden" }, "code"},
		{"unknown fix kind", func(m map[string]any) { finding(m)["fixes"].([]any)[0].(map[string]any)["kind"] = "magic" }, "kind"},
		{"missing message", func(m map[string]any) { delete(finding(m), "message") }, "message"},
		{"plan missing", func(m map[string]any) { delete(m, "plan") }, "plan"},
		{"plan step for no finding", func(m map[string]any) {
			m["plan"] = []any{map[string]any{"title": "t", "command": "c", "kind": "manual", "auto": false, "applied_by": "you", "because": []any{}}}
		}, "because"},
		{"env source unknown", func(m map[string]any) { m["environment"].([]any)[0].(map[string]any)["source"] = "somewhere" }, "source"},
		{"facts outcome unknown", func(m map[string]any) {
			m["facts"].(map[string]any)["proxy"].([]any)[0].(map[string]any)["outcome"] = "maybe"
		}, "outcome"},
		{"duration a string", func(m map[string]any) { m["duration_ms"] = "12" }, "duration_ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Validate(edit(t, good, tc.f))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %s", err, tc.want)
			}
		})
	}
}

// TestAdditiveFieldsAccepted: fields added to version 1 (the root causes
// another change adds, anything new) do not break the schema.
func TestAdditiveFieldsAccepted(t *testing.T) {
	data := edit(t, render(t, sampleReport()), func(m map[string]any) {
		m["root_causes"] = []any{map[string]any{"check": "proxy", "code": "PROXY_FORBIDDEN", "subject": "x"}}
		m["something_new"] = map[string]any{"x": 1}
		m["checks"].([]any)[0].(map[string]any)["findings"].([]any)[0].(map[string]any)["caused_by"] = map[string]any{"check": "dns", "code": "DNS_NXDOMAIN", "subject": "h"}
		m["plan"] = []any{map[string]any{"title": "t", "command": "c", "kind": "manual", "auto": false, "applied_by": "you", "because": []any{map[string]any{"check": "proxy", "code": "PROXY_FORBIDDEN", "severity": "fail", "subject": "x"}}, "verified": map[string]any{"works": true, "changes": []any{"proxy: fail → pass"}, "fixed": []any{}, "new": []any{}}}}
	})
	if _, err := Validate(data); err != nil {
		t.Fatal(err)
	}
}

func TestDiffValidates(t *testing.T) {
	a := sampleReport()
	b := sampleReport()
	b.Go.Version = "go1.27.0"
	b.Status = checks.StatusPass
	b.Checks[0].Status = checks.StatusPass
	b.Checks[0].Findings = []checks.Finding{}
	d := reportdiff.Compare("a.json", a, "b.json", b, checks.Tool{Name: "gomoddoctor", Version: "test"})
	var buf bytes.Buffer
	if err := report.RenderDiff(&buf, "json", d, report.Options{}); err != nil {
		t.Fatal(err)
	}
	name, err := Validate(buf.Bytes())
	if err != nil || name != schema.Diff {
		t.Fatalf("%s: %v\n%s", name, err, buf.String())
	}
	bad := edit(t, buf.Bytes(), func(m map[string]any) { m["differences"].([]any)[0].(map[string]any)["tier"] = "maybe" })
	if _, err := Validate(bad); err == nil {
		t.Error("a difference of an unknown tier validates")
	}
}

func TestChecksListValidates(t *testing.T) {
	data := []byte(`{"schema_version": 1, "checks": [{"id": "env", "title": "t", "doc": "d", "codes": [{"code": "GOPROXY_OFF", "severities": ["fail"], "meaning": "m", "auto": true}]}]}`)
	if name, err := Validate(data); err != nil || name != schema.Checks {
		t.Fatalf("%s: %v", name, err)
	}
	if _, err := Validate([]byte(`{"schema_version": 1, "checks": [{"id": "env", "title": "t", "doc": "d", "codes": [{"code": "X", "severities": [], "meaning": "m", "auto": true}]}]}`)); err == nil {
		t.Error("a code without severities validates")
	}
}
