package env

import (
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// A scheme typo ("htps://host:port/mod") is corrected to the scheme the
// server speaks, measured: plain http for a plain http proxy (https
// would fail TLS), https for a TLS one (trusted or not: the certificate
// is the tls check's business), https marked unverified when nothing
// answers. The real go command, given the corrected value, downloads
// the module from the plain and the trusted TLS proxy.
func TestSchemeTypoMeasured(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	ca := fixtures.NewCA(t, "Fixture CA")
	hostOf := func(u string) string { return checktest.HostPortOf(u) }
	plain := hostOf(proxy.URL)
	trusted := hostOf(fixtures.HTTPSServer(t, fixtures.Forward(proxy.URL), ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}}), nil).URL)
	selfSigned := hostOf(fixtures.HTTPSServer(t, fixtures.Forward(proxy.URL), fixtures.SelfSigned(t, "127.0.0.1"), nil).URL)
	closed := fixtures.ClosedAddr(t)
	for _, tt := range []struct {
		name, host, want, note string
		goOK                   bool // the go command downloads with the fix
	}{
		{"plain http", plain, "http://" + plain + "/mod", "the server speaks plain http", true},
		{"trusted TLS", trusted, "https://" + trusted + "/mod", "the server answers over https", true},
		{"untrusted TLS", selfSigned, "https://" + selfSigned + "/mod", "its certificate fails here", false},
		{"nothing listens", closed, "https://" + closed + "/mod", "unverified", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			typo := "htps://" + tt.host + "/mod"
			env := checktest.Env(t, checktest.Case{File: map[string]string{"GOPROXY": typo}, Process: map[string]string{"SSL_CERT_FILE": ca.File}})
			r := checktest.Run(t, env, Check, 10*time.Second)
			f := checktest.Finding(r, "GOPROXY_INVALID")
			if f == nil || len(f.Fixes) == 0 {
				t.Fatalf("no GOPROXY_INVALID with a fix:\n%s", checktest.Dump(r))
			}
			fix := f.Fixes[0]
			if fix.ApplyValue() != tt.want || !strings.Contains(fix.Title, tt.note) || fix.Kind != checks.FixGoEnv {
				t.Errorf("fix %s (%s), want GOPROXY=%s saying %q:\n%s", fix.Command, fix.Title, tt.want, tt.note, checktest.Dump(r))
			}
			if !strings.Contains(f.Detail, "https://"+tt.host+"/mod: ") || !strings.Contains(f.Detail, "http://"+tt.host+"/mod: ") {
				t.Errorf("the measurement is not in the detail:\n%s", f.Detail)
			}
			if !tt.goOK {
				return
			}
			sb := fixtures.NewSandbox(t, proxy.URL)
			dir := t.TempDir()
			checktest.WriteTree(t, dir, map[string]string{"go.mod": checktest.AppGoMod, "go.sum": checktest.HelloSum})
			extra := append([]string{"GOPROXY=" + fix.ApplyValue(), "SSL_CERT_FILE=" + ca.File, "GOSUMDB=off"}, checktest.Contain...)
			if out, ok := checktest.GoModDownload(t, sb, dir, extra, time.Minute); !ok {
				t.Errorf("go mod download with GOPROXY=%s fails:\n%s", fix.ApplyValue(), out)
			}
			if out, ok := checktest.GoModDownload(t, sb, dir, append(extra, "GOPROXY="+typo), time.Minute); ok {
				t.Errorf("go mod download with the typo succeeds:\n%s", out)
			}
		})
	}
}

// Only a misspelled scheme is measured: one spelled right with a mangled
// separator says what was meant.
func TestSchemeTypoWhatIsMeasured(t *testing.T) {
	for raw, want := range map[string]string{
		"htps://h.test:8080/mod": "h.test:8080/mod",
		"HTTPS;//h.test":         "",
		"https//h.test":          "",
		"http:/h.test":           "",
		"hhttp://h.test":         "h.test",
		"direct":                 "",
	} {
		for _, e := range goenv.ParseProxyList(raw).Entries {
			if got := schemeTypo(e); got != want {
				t.Errorf("%s: %q, want %q (suggest %q)", raw, got, want, e.Suggest)
			}
		}
	}
}
