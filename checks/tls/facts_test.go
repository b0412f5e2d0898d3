package tls

import (
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// TestFacts: the roots and what the server presented are recorded as
// facts, and two sets of roots have different fingerprints.
func TestFacts(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	ca := fixtures.NewCA(t, "Fixture CA")
	other := fixtures.NewCA(t, "Other CA")
	url := fixtures.HTTPSServer(t, fixtures.Forward(proxy.URL), ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}}), nil).URL + "/mod"

	run := func(certFile string) (verified bool, issuer, root, problem, fingerprint string, count int) {
		env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": url, "SSL_CERT_FILE": certFile}, GoMod: checktest.AppGoMod})
		checktest.Run(t, env, Check, 5*time.Second)
		f := env.Facts()
		if f == nil || f.TLS == nil || len(f.TLS.Servers) != 1 {
			t.Fatalf("facts %+v", f)
		}
		s := f.TLS.Servers[0]
		if !f.TLS.Roots.CertFileVar || f.TLS.Roots.CertFile != certFile {
			t.Errorf("roots %+v, want %s from SSL_CERT_FILE", f.TLS.Roots, certFile)
		}
		return s.Verified, s.Issuer, s.Root, s.Problem, f.TLS.Roots.Fingerprint, f.TLS.Roots.Count
	}
	v, issuer, root, problem, fpA, n := run(ca.File)
	if !v || issuer != "Fixture CA" || root != "Fixture CA from "+ca.File || problem != "" || n < 1 || len(fpA) != 64 {
		t.Errorf("trusted: verified %v, issuer %q, root %q, problem %q, %d roots, fingerprint %q", v, issuer, root, problem, n, fpA)
	}
	v, issuer, root, problem, fpB, _ := run(other.File)
	if v || issuer != "Fixture CA" || root != "" || problem != "unknown-authority" {
		t.Errorf("untrusted: verified %v, issuer %q, root %q, problem %q", v, issuer, root, problem)
	}
	if fpA == fpB {
		t.Error("two sets of roots, one fingerprint")
	}
}
