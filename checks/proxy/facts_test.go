package proxy

import (
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// TestFacts: every request of the chain walk is a fact, with its entry,
// outcome, status and code; credentials in GOPROXY never appear in them.
func TestFacts(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	lacks := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Status: map[string]int{"example.test/hello": 404}}).URL
	withCreds := strings.Replace(proxy.URL, "http://", "http://u:secret-pw-7@", 1)
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": lacks + "," + withCreds}, GoMod: checktest.AppGoMod})
	checktest.Run(t, env, Check, 5*time.Second)
	f := env.Facts()
	if f == nil || len(f.Proxy) == 0 {
		t.Fatalf("no proxy facts: %+v", f)
	}
	var got []string
	for _, p := range f.Proxy {
		if strings.Contains(p.Proxy, "secret-pw-7") {
			t.Errorf("a credential in the facts: %+v", p)
		}
		if p.Module == "example.test/hello" && p.Op == "v1.0.0.mod" {
			got = append(got, p.Outcome)
			if p.Entry == 0 && (p.Outcome != checks.OutcomeNotFound || p.Status != 404) {
				t.Errorf("entry 0: %+v, want not-found 404", p)
			}
			// The doctor does not send credentials over plain http (nor
			// does the go command without GOINSECURE): an error, named.
			if p.Entry == 1 && (p.Code != "PROXY_HTTP_CREDENTIALS" || !strings.Contains(p.Proxy, "u:xxxxx@")) {
				t.Errorf("entry 1: %+v, want PROXY_HTTP_CREDENTIALS, the password redacted", p)
			}
		}
	}
	if strings.Join(got, ",") != "not-found,error" {
		t.Errorf("the .mod request's outcomes %v, want not-found at entry 0 then error at entry 1", got)
	}
}
