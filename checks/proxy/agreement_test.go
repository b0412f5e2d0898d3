package proxy

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// appModule writes the main module of the agreement tests, go.sum
// included (so that the checksum database plays no part).
func appModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", checktest.AppGoMod)
	write("go.sum", "example.test/hello v1.0.0 h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=\n"+
		"example.test/hello v1.0.0/go.mod h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg=\n")
	return dir
}

// TestProxyVerdictAgreesWithGoCommand runs, in the same sandbox, the real
// 'go mod download' and the doctor's proxy check (on the environment read
// by the real 'go env'), and checks that the go command fails exactly
// when the doctor's verdict is fail.
func TestProxyVerdictAgreesWithGoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	proxy := fixtures.GoProxy(t)
	dns := fixtures.DNS(t, checktest.DefaultZone())
	ca := fixtures.NewCA(t, "Fixture CA")
	now := time.Now()
	srv := func(h http.Handler) string { return fixtures.HTTPServer(t, h).URL }
	https := func(leaf fixtures.LeafOptions) string {
		return fixtures.HTTPSServer(t, fixtures.Forward(proxy.URL), ca.Leaf(t, leaf), nil).URL + "/mod"
	}
	local := []string{"127.0.0.1"}
	named := fixtures.HTTPSServer(t, fixtures.Forward(proxy.URL), ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"goproxy.corp.test"}}), nil)
	routes := map[string]string{"goproxy.corp.test:443": checktest.HostPortOf(named.URL)}
	connect := fixtures.NewConnectProxy(t, routes, "", "")
	auth := fixtures.NewConnectProxy(t, routes, "carol", "proxy-pass-4")
	viaProxy := func(proxyURL string) []string {
		return []string{"GOPROXY=https://goproxy.corp.test/mod", "HTTPS_PROXY=" + proxyURL, "HTTP_PROXY=http://127.0.0.1:1"}
	}

	cases := []struct {
		name string
		env  []string // GOPROXY and friends
		ok   bool     // the go command succeeds
	}{
		{"healthy", []string{"GOPROXY=" + proxy.URL}, true},
		{"refused", []string{"GOPROXY=http://" + fixtures.ClosedAddr(t)}, false},
		{"hanging", []string{"GOPROXY=http://" + fixtures.Hanging(t)}, false},
		{"hanging before '|'", []string{"GOPROXY=http://" + fixtures.Hanging(t) + "|" + proxy.URL}, false},
		{"403 with comma", []string{"GOPROXY=" + srv(fixtures.Status(403, "text/plain", "denied")) + "," + proxy.URL}, false},
		{"403 with pipe", []string{"GOPROXY=" + srv(fixtures.Status(403, "text/plain", "denied")) + "|" + proxy.URL}, true},
		{"404 then a working proxy", []string{"GOPROXY=" + srv(fixtures.Status(404, "text/plain", "")) + "," + proxy.URL}, true},
		{"410 alone", []string{"GOPROXY=" + srv(fixtures.Status(410, "text/plain", ""))}, false},
		{"401", []string{"GOPROXY=" + srv(fixtures.Status(401, "text/plain", "who"))}, false},
		{"500", []string{"GOPROXY=" + srv(fixtures.Status(500, "text/plain", "oops")) + "," + proxy.URL}, false},
		{"500 with pipe", []string{"GOPROXY=" + srv(fixtures.Status(500, "text/plain", "oops")) + "|" + proxy.URL}, true},
		{"captive portal", []string{"GOPROXY=" + srv(fixtures.CaptivePortal())}, false},
		{"captive portal with pipe", []string{"GOPROXY=" + srv(fixtures.CaptivePortal()) + "|" + proxy.URL}, false},
		{"HTML content type, valid answers", []string{"GOPROXY=" + srv(htmlTyped(fixtures.Forward(proxy.URL))) + "/mod"}, true},
		{"redirect loop", []string{"GOPROXY=" + srv(fixtures.RedirectLoop())}, false},
		{"not a module proxy", []string{"GOPROXY=" + srv(fixtures.Status(200, "text/plain", "hello"))}, false},
		{"trusted https", []string{"GOPROXY=" + https(fixtures.LeafOptions{Hosts: local}), "SSL_CERT_FILE=" + ca.File}, true},
		{"self-signed", []string{"GOPROXY=" + fixtures.HTTPSServer(t, fixtures.Forward(proxy.URL), fixtures.SelfSigned(t, local...), nil).URL + "/mod", "SSL_CERT_FILE=" + ca.File}, false},
		{"expired", []string{"GOPROXY=" + https(fixtures.LeafOptions{Hosts: local, NotBefore: now.Add(-72 * time.Hour), NotAfter: now.Add(-time.Hour)}), "SSL_CERT_FILE=" + ca.File}, false},
		{"wrong host", []string{"GOPROXY=" + https(fixtures.LeafOptions{Hosts: []string{"other.corp.test"}}), "SSL_CERT_FILE=" + ca.File}, false},
		{"working HTTPS_PROXY", append(viaProxy(connect.URL), "SSL_CERT_FILE="+ca.File), true},
		{"dead HTTPS_PROXY", append(viaProxy("http://"+fixtures.ClosedAddr(t)), "SSL_CERT_FILE="+ca.File), false},
		{"407", append(viaProxy(auth.URL), "SSL_CERT_FILE="+ca.File), false},
		{"407 answered", append(viaProxy(strings.Replace(auth.URL, "http://", "http://carol:proxy-pass-4@", 1)), "SSL_CERT_FILE="+ca.File), true},
	}

	// The cases run four at a time, the go command beside the doctor, in
	// a pool of their own (t.Parallel would be bounded by -parallel, that
	// is GOMAXPROCS, while these mostly wait on sockets and processes).
	type result struct {
		out  string
		goOK bool
		r    checks.CheckResult
	}
	results := make([]chan result, len(cases))
	sem := make(chan struct{}, 4)
	for i, tt := range cases {
		// Only the hanging cases should meet a deadline: everything else
		// gets ample time, however loaded the machine.
		goBound, doctorTimeout := time.Minute, 20*time.Second
		if strings.HasPrefix(tt.name, "hanging") {
			goBound, doctorTimeout = 3*time.Second, 2*time.Second
		}
		sb := fixtures.NewSandbox(t, proxy.URL)
		dir := appModule(t)
		extra := tt.env
		if !strings.Contains(strings.Join(extra, " "), "HTTPS_PROXY=") {
			extra = append(append([]string(nil), checktest.Contain...), extra...)
		}
		results[i] = make(chan result, 1)
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var res result
			done := make(chan struct{})
			go func() {
				defer close(done)
				res.out, res.goOK = checktest.GoModDownload(t, sb, dir, extra, goBound)
			}()
			env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
			env.Options.Resolver = dns.Addr
			ctx, cancel := context.WithTimeout(context.Background(), doctorTimeout)
			defer cancel()
			res.r = checks.Runner{}.Run(ctx, env, []*checks.Check{Check})[0]
			<-done
			results[i] <- res
		}()
	}
	for i, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res := <-results[i]
			doctorOK := res.r.Status != checks.StatusFail
			if res.goOK != tt.ok {
				t.Errorf("go mod download succeeded=%v, the case expects %v:\n%s", res.goOK, tt.ok, res.out)
			}
			if doctorOK != res.goOK {
				t.Errorf("the doctor says the go command %s, but go mod download succeeded=%v:\n%s\ndoctor:\n%s",
					map[bool]string{true: "works", false: "fails"}[doctorOK], res.goOK, res.out, checktest.Dump(res.r))
			}
		})
	}
}

// htmlTyped serves h's answers labelled as HTML, as some misconfigured
// servers do; the go command ignores the label.
func htmlTyped(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		h.ServeHTTP(w, r)
	})
}
