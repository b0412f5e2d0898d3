package tls

import (
	"crypto/tls"
	proxycheck "github.com/gomoddoctor/gomoddoctor/checks/proxy"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

func TestTLSCheck(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	ca := fixtures.NewCA(t, "Fixture CA")
	intercept := fixtures.NewCA(t, "Corp Intercept CA") // not trusted
	now := time.Now()
	serve := func(cert tls.Certificate, tweak func(*tls.Config)) string {
		return fixtures.HTTPSServer(t, fixtures.Forward(proxy.URL), cert, tweak).URL + "/mod"
	}
	local := fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}}
	good := serve(ca.Leaf(t, local), nil)
	for _, tt := range []struct {
		name    string
		goproxy string
		extra   map[string]string
		now     time.Time
		status  checks.Status
		want    []string
		msg     string // a substring of the first wanted finding's message
	}{
		{name: "trusted", goproxy: good, status: checks.StatusPass, want: []string{"TLS_OK info"}, msg: `"Fixture CA" from ` + ca.File},
		{name: "intercepted", goproxy: serve(intercept.Leaf(t, local), nil), status: checks.StatusFail, want: []string{"TLS_UNKNOWN_AUTHORITY fail"}, msg: `issued by "Corp Intercept CA"`},
		{name: "self-signed", goproxy: serve(fixtures.SelfSigned(t, "127.0.0.1"), nil), status: checks.StatusFail, want: []string{"TLS_UNKNOWN_AUTHORITY fail"}, msg: "self-signed"},
		{name: "expired", goproxy: serve(ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}, NotBefore: now.Add(-72 * time.Hour), NotAfter: now.Add(-time.Hour)}), nil),
			status: checks.StatusFail, want: []string{"TLS_EXPIRED fail"}, msg: "expired on"},
		{name: "clock behind", goproxy: good, now: now.Add(-48 * time.Hour), status: checks.StatusFail, want: []string{"TLS_NOT_YET_VALID fail"}, msg: "clock skew"},
		{name: "wrong host", goproxy: serve(ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"other.corp.test"}}), nil), status: checks.StatusFail, want: []string{"TLS_HOSTNAME_MISMATCH fail"}, msg: "is for other.corp.test, not 127.0.0.1"},
		{name: "expires soon", goproxy: serve(ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}, NotAfter: now.Add(48 * time.Hour)}), nil), status: checks.StatusWarn, want: []string{"TLS_EXPIRES_SOON warn"}},
		{name: "old protocol", goproxy: serve(ca.Leaf(t, local), func(c *tls.Config) { c.MaxVersion = tls.VersionTLS11 }), status: checks.StatusFail, want: []string{"TLS_PROTOCOL_VERSION fail"}},
		{name: "handshake failure", goproxy: serve(ca.Leaf(t, local), func(c *tls.Config) {
			c.MaxVersion = tls.VersionTLS12
			c.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}
		}), status: checks.StatusFail, want: []string{"TLS_HANDSHAKE_FAILED fail"}},
		{name: "not TLS", goproxy: strings.Replace(proxy.URL, "http://", "https://", 1), status: checks.StatusFail, want: []string{"TLS_NOT_TLS fail"}},
		{name: "unreadable SSL_CERT_FILE", goproxy: good, extra: map[string]string{"SSL_CERT_FILE": filepath.Join(t.TempDir(), "missing.pem")},
			status: checks.StatusFail, want: []string{"TLS_ROOTS_PROBLEM warn", "TLS_UNKNOWN_AUTHORITY fail"}},
		{name: "no https host", goproxy: proxy.URL, status: checks.StatusSkip},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			process := map[string]string{"GOPROXY": tt.goproxy, "SSL_CERT_FILE": ca.File}
			for k, v := range tt.extra {
				process[k] = v
			}
			env := checktest.Env(t, checktest.Case{Process: process, GoMod: checktest.AppGoMod, Now: tt.now})
			r := checktest.Run(t, env, Check, 5*time.Second)
			if r.Status != tt.status {
				t.Errorf("status %s, want %s\n%s", r.Status, tt.status, checktest.Dump(r))
			}
			checktest.Want(t, r, tt.want...)
			if tt.msg != "" {
				code, _, _ := strings.Cut(tt.want[len(tt.want)-1], " ")
				if f := checktest.Finding(r, code); f == nil || !strings.Contains(f.Message, tt.msg) {
					t.Errorf("message lacks %q:\n%s", tt.msg, checktest.Dump(r))
				}
			}
			for _, f := range r.Findings {
				for _, x := range f.Fixes {
					if strings.Contains(x.Command, "GOINSECURE") || strings.Contains(x.Command, "-insecure") {
						t.Errorf("a fix turns verification off: %s", x.Command)
					}
				}
			}
		})
	}
}

func TestTLSCheckThroughProxyNamesTheIssuer(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	intercept := fixtures.NewCA(t, "Corp Intercept CA")
	ca := fixtures.NewCA(t, "Fixture CA")
	mitm := fixtures.HTTPSServer(t, fixtures.Forward(proxy.URL), intercept.Leaf(t, fixtures.LeafOptions{Hosts: []string{"goproxy.corp.test"}}), nil)
	connect := fixtures.NewConnectProxy(t, map[string]string{"goproxy.corp.test:443": checktest.HostPortOf(mitm.URL)}, "", "")
	process := map[string]string{"GOPROXY": "https://goproxy.corp.test/mod", "HTTPS_PROXY": connect.URL, "SSL_CERT_FILE": ca.File}
	env := checktest.Env(t, checktest.Case{Process: process, GoMod: checktest.AppGoMod})
	r := checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "TLS_UNKNOWN_AUTHORITY fail")
	f := checktest.Finding(r, "TLS_UNKNOWN_AUTHORITY")
	if f == nil || !strings.Contains(f.Detail, "through HTTPS_PROXY="+connect.URL) || !strings.Contains(f.Message, "Corp Intercept CA") {
		t.Errorf("evidence:\n%s", checktest.Dump(r))
	}
	if !checktest.HasFix(r, "export SSL_CERT_FILE=") {
		t.Errorf("no SSL_CERT_FILE fix:\n%s", checktest.Dump(r))
	}
	// The proxy check reports the same failure, with the tls check's
	// evidence, from the same handshake.
	p := checktest.Run(t, env, proxycheck.Check, 5*time.Second)
	checktest.Want(t, p, "PROXY_TLS fail")
	if f := checktest.Finding(p, "PROXY_TLS"); f == nil || !strings.Contains(f.Detail, "unknown-authority") {
		t.Errorf("proxy check evidence:\n%s", checktest.Dump(p))
	}
}

// An origin that GOINSECURE covers is not held to a certificate the go
// command does not verify.
func TestTLSCheckSkipsInsecureOrigins(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	gomod := checktest.AppGoMod + "require private.corp.test/lib v1.0.0\n"
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": proxy.URL, "GOPRIVATE": "private.corp.test", "GOINSECURE": "private.corp.test"}, GoMod: gomod})
	r := checktest.Run(t, env, Check, 5*time.Second)
	if r.Status != checks.StatusSkip {
		t.Errorf("status %s:\n%s", r.Status, checktest.Dump(r))
	}
	env = checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": proxy.URL, "GOPRIVATE": "private.corp.test", "HTTPS_PROXY": "http://127.0.0.1:1"}, GoMod: gomod})
	r = checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "TLS_NOT_CHECKED info") // the origin is in scope, through the (closed) proxy
}
