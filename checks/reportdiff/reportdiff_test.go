package reportdiff

import (
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

func base() *checks.Report {
	return &checks.Report{
		SchemaVersion: 1,
		Go:            checks.GoInfo{Version: "go1.26.0", GOROOT: "/a/go", OS: "linux", Arch: "amd64"},
		Status:        checks.StatusPass,
		Checks: []checks.CheckResult{
			{ID: "env", Status: checks.StatusPass, Findings: []checks.Finding{}},
			{ID: "proxy", Status: checks.StatusPass, Findings: []checks.Finding{}},
			{ID: "tls", Status: checks.StatusPass, Findings: []checks.Finding{}},
		},
		Environment: []checks.EnvVar{
			{Key: "GOPROXY", Value: "https://goproxy.corp.example", Source: "goenv-file"},
			{Key: "GOENV", Value: "/home/a/.config/go/env", Source: "default"},
			{Key: "GOFLAGS", Value: "", Source: "unset"},
		},
	}
}

func fail(r *checks.Report, id, code, subject string) {
	r.Status = checks.StatusFail
	for i := range r.Checks {
		if r.Checks[i].ID == id {
			r.Checks[i].Status = checks.StatusFail
			r.Checks[i].Findings = append(r.Checks[i].Findings, checks.Finding{Code: code, Severity: checks.SevFail, Subject: subject, Message: "m"})
		}
	}
}

func TestCauseFirstAndNoiseLast(t *testing.T) {
	a, b := base(), base()
	b.Environment[0] = checks.EnvVar{Key: "GOPROXY", Value: "http://127.0.0.1:1", Source: "environment"}
	b.Environment[1].Value = "/home/b/.config/go/env"
	b.Environment = append(b.Environment, checks.EnvVar{Key: "GIT_TERMINAL_PROMPT", Value: "0", Source: "environment"})
	b.Go.GOROOT = "/b/go"
	fail(b, "proxy", "PROXY_REFUSED", "http://127.0.0.1:1")
	d := Compare("a", a, "b", b, checks.Tool{})
	if len(d.Differences) == 0 {
		t.Fatal("no difference")
	}
	first := d.Differences[0]
	if first.Key != "GOPROXY" || !first.Explains || first.Tier != TierCause || len(first.Checks) != 1 || first.Checks[0] != "proxy" {
		t.Fatalf("first difference %+v", first)
	}
	if *first.A != "https://goproxy.corp.example (GOENV file)" || *first.B != "http://127.0.0.1:1 (process environment)" {
		t.Errorf("values %q / %q", *first.A, *first.B)
	}
	tiers := map[string]string{}
	for _, x := range d.Differences {
		tiers[x.Area+" "+x.Key] = x.Tier
	}
	for k, want := range map[string]string{
		"setting GOENV": TierOther, "setting GIT_TERMINAL_PROMPT": TierOther, "go goroot": TierOther,
		"check proxy": TierSymptom, "finding PROXY_REFUSED http://127.0.0.1:1": TierSymptom,
	} {
		if tiers[k] != want {
			t.Errorf("%s: tier %q, want %q (all: %v)", k, tiers[k], want, tiers)
		}
	}
	if d.A.Status != checks.StatusPass || d.B.Status != checks.StatusFail || len(d.B.Failing) != 1 {
		t.Errorf("sides %+v %+v", d.A, d.B)
	}
}

// TestSameStatusDifferentCause: both sides fail the same check for
// different reasons: the setting that decides it still explains.
func TestSameStatusDifferentCause(t *testing.T) {
	a, b := base(), base()
	fail(a, "tls", "TLS_UNKNOWN_AUTHORITY", "goproxy.corp.example:443")
	fail(b, "tls", "TLS_EXPIRED", "goproxy.corp.example:443")
	b.Environment = append(b.Environment, checks.EnvVar{Key: "SSL_CERT_FILE", Value: "/etc/corp.pem", Source: "environment"})
	d := Compare("a", a, "b", b, checks.Tool{})
	if x := d.Differences[0]; x.Key != "SSL_CERT_FILE" || !x.Explains {
		t.Fatalf("first difference %+v", x)
	}
}

func TestNoDifference(t *testing.T) {
	d := Compare("a", base(), "b", base(), checks.Tool{})
	if len(d.Differences) != 0 || d.Differences == nil {
		t.Fatalf("%+v", d.Differences)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{``, `[]`, `{"status": "pass"}`, `{"schema_version": 2}`, `{"schema_version": 1, "checks": "x"}`} {
		if _, err := Parse("r.json", []byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"schema_version": 1, "checks": [], "environment": [{"key": "GOPROXY"}]}`))
	f.Add([]byte(`{"schema_version": 1, "facts": {"proxy": [{"entry": 0}], "tls": {"roots": {}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("f", data)
		if err != nil {
			return
		}
		Compare("f", r, "g", base(), checks.Tool{})
		Compare("g", base(), "f", r, checks.Tool{})
	})
}

// TestNoProxyWithoutProxy: NO_PROXY changes nothing when neither side
// has an HTTP proxy.
func TestNoProxyWithoutProxy(t *testing.T) {
	a, b := base(), base()
	b.Environment = append(b.Environment, checks.EnvVar{Key: "NO_PROXY", Value: "elsewhere.test", Source: "environment"})
	fail(b, "proxy", "PROXY_REFUSED", "x")
	for _, x := range Compare("a", a, "b", b, checks.Tool{}).Differences {
		if x.Key == "NO_PROXY" && x.Explains {
			t.Errorf("NO_PROXY explains without a proxy: %+v", x)
		}
	}
	a.Environment = append(a.Environment, checks.EnvVar{Key: "HTTPS_PROXY", Value: "http://proxy.corp.example:3128", Source: "environment"})
	b.Environment = append(b.Environment, checks.EnvVar{Key: "HTTPS_PROXY", Value: "http://proxy.corp.example:3128", Source: "environment"})
	found := false
	for _, x := range Compare("a", a, "b", b, checks.Tool{}).Differences {
		found = found || (x.Key == "NO_PROXY" && x.Explains)
	}
	if !found {
		t.Error("NO_PROXY does not explain with an HTTPS proxy on both sides")
	}
}
