package proxy

import (
	"archive/zip"
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

func TestProxyCheckClassifies(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	srv := func(h http.Handler) string { return fixtures.HTTPServer(t, h).URL }
	ca := fixtures.NewCA(t, "Fixture CA")
	tlsProxy := func(cert fixtures.LeafOptions) string {
		return fixtures.HTTPSServer(t, fixtures.Status(200, "text/plain", ""), ca.Leaf(t, cert), nil).URL
	}
	hello := "example.test/hello@v1.0.0"
	login := http.NewServeMux()
	login.Handle("/", fixtures.RedirectToLogin())
	for _, tt := range []struct {
		name    string
		process map[string]string
		timeout time.Duration
		status  checks.Status
		want    []string
		fix     string // a substring of some fix command
	}{
		{name: "healthy", process: map[string]string{"GOPROXY": proxy.URL},
			status: checks.StatusPass, want: []string{"PROXY_OK info", "PROXY_CHAIN_OK info"}},
		{name: "refused", process: map[string]string{"GOPROXY": "http://" + fixtures.ClosedAddr(t)},
			status: checks.StatusFail, want: []string{"PROXY_REFUSED fail", "PROXY_MODULE_UNAVAILABLE fail"}},
		{name: "hanging", process: map[string]string{"GOPROXY": "http://" + fixtures.Hanging(t)}, timeout: 500 * time.Millisecond,
			status: checks.StatusFail, want: []string{"PROXY_TIMEOUT fail"}},
		{name: "hanging before '|'", process: map[string]string{"GOPROXY": "http://" + fixtures.Hanging(t) + "|" + proxy.URL}, timeout: 1500 * time.Millisecond,
			status: checks.StatusFail, want: []string{"PROXY_TIMEOUT fail"}, fix: "GOPROXY=" + proxy.URL},
		{name: "reset", process: map[string]string{"GOPROXY": "http://" + fixtures.Resetting(t)},
			status: checks.StatusFail, want: []string{"PROXY_RESET fail"}},
		{name: "name does not resolve", process: map[string]string{"GOPROXY": "https://nowhere.corp.test"},
			status: checks.StatusFail, want: []string{"PROXY_DNS fail"}},
		{name: "untrusted certificate", process: map[string]string{"GOPROXY": tlsProxy(fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}})},
			status: checks.StatusFail, want: []string{"PROXY_TLS fail"}, fix: "--check tls"},
		{name: "401", process: map[string]string{"GOPROXY": srv(fixtures.Status(401, "text/plain", "login first"))},
			status: checks.StatusFail, want: []string{"PROXY_UNAUTHORIZED fail"}, fix: "GOPROXY=https://"}, // never .netrc over plain http
		{name: "403 with comma", process: map[string]string{"GOPROXY": srv(fixtures.Status(403, "text/plain", "not on the allow-list")) + "," + proxy.URL},
			status: checks.StatusFail, want: []string{"PROXY_FORBIDDEN fail", "PROXY_MODULE_UNAVAILABLE fail"}, fix: "|" + proxy.URL},
		{name: "403 with pipe", process: map[string]string{"GOPROXY": srv(fixtures.Status(403, "text/plain", "no")) + "|" + proxy.URL},
			status: checks.StatusWarn, want: []string{"PROXY_FORBIDDEN warn", "PROXY_CHAIN_OK info"}},
		{name: "404 falls through", process: map[string]string{"GOPROXY": srv(fixtures.Status(404, "text/plain", "not here")) + "," + proxy.URL},
			status: checks.StatusPass, want: []string{"PROXY_NOT_FOUND info", "PROXY_OK info", "PROXY_CHAIN_OK info"}},
		{name: "410 everywhere", process: map[string]string{"GOPROXY": srv(fixtures.Status(410, "text/plain", "gone"))},
			status: checks.StatusFail, want: []string{"PROXY_NOT_FOUND info", "PROXY_MODULE_NOT_FOUND fail"}, fix: "GOPRIVATE=example.test"},
		{name: "404 then direct", process: map[string]string{"GOPROXY": srv(fixtures.Status(404, "", "")) + ",direct"},
			status: checks.StatusPass, want: []string{"PROXY_MODULE_DIRECT info"}},
		{name: "500", process: map[string]string{"GOPROXY": srv(fixtures.Status(500, "text/plain", "oops")) + "," + proxy.URL},
			status: checks.StatusFail, want: []string{"PROXY_SERVER_ERROR fail"}},
		{name: "redirect loop", process: map[string]string{"GOPROXY": srv(fixtures.RedirectLoop())},
			status: checks.StatusFail, want: []string{"PROXY_REDIRECT_LOOP fail"}},
		{name: "redirect to a login page", process: map[string]string{"GOPROXY": srv(login)},
			status: checks.StatusFail, want: []string{"PROXY_CAPTIVE_PORTAL fail"}, fix: "xdg-open"},
		{name: "captive portal", process: map[string]string{"GOPROXY": srv(fixtures.CaptivePortal())},
			status: checks.StatusFail, want: []string{"PROXY_CAPTIVE_PORTAL fail"}},
		{name: "captive portal before '|'", process: map[string]string{"GOPROXY": srv(fixtures.CaptivePortal()) + "|" + proxy.URL},
			status: checks.StatusFail, want: []string{"PROXY_CAPTIVE_PORTAL fail", "PROXY_MODULE_UNAVAILABLE fail"}},
		{name: "redirect to another host", process: map[string]string{"GOPROXY": srv(redirectTo(proxy.URL)) + "/mod"},
			status: checks.StatusPass, want: []string{"PROXY_REDIRECT info", "PROXY_CHAIN_OK info"}},
		{name: "not a module proxy", process: map[string]string{"GOPROXY": srv(fixtures.Status(200, "text/plain", "hello, world"))},
			status: checks.StatusFail, want: []string{"PROXY_NOT_A_PROXY fail"}},
		{name: "huge body", process: map[string]string{"GOPROXY": srv(fixtures.Huge(64 << 20))},
			status: checks.StatusFail, want: []string{"PROXY_NOT_A_PROXY fail"}},
		{name: "slow drip", process: map[string]string{"GOPROXY": srv(fixtures.SlowDrip(200*time.Millisecond, "application/json", `{"Version":"v1.0.0"}`))}, timeout: 600 * time.Millisecond,
			status: checks.StatusFail, want: []string{"PROXY_TIMEOUT fail"}},
		{name: "credentials over plain http", process: map[string]string{"GOPROXY": strings.Replace(proxy.URL, "http://", "http://u:secret-pw-1@", 1)},
			status: checks.StatusFail, want: []string{"PROXY_HTTP_CREDENTIALS fail"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.timeout == 0 {
				tt.timeout = 5 * time.Second
			}
			env := checktest.Env(t, checktest.Case{Process: tt.process, GoMod: checktest.AppGoMod})
			r := checktest.Run(t, env, Check, tt.timeout)
			if r.Status != tt.status {
				t.Errorf("status %s, want %s", r.Status, tt.status)
			}
			checktest.Want(t, r, tt.want...)
			if tt.fix != "" && !checktest.HasFix(r, tt.fix) {
				t.Errorf("no fix containing %q:\n%s", tt.fix, checktest.Dump(r))
			}
			if strings.Contains(checktest.Dump(r), "secret-pw-1") {
				t.Errorf("a credential leaked:\n%s", checktest.Dump(r))
			}
			if t.Failed() {
				t.Logf("%s:\n%s", hello, checktest.Dump(r))
			}
		})
	}
}

func TestProxyCheckThroughHTTPProxies(t *testing.T) {
	ca := fixtures.NewCA(t, "Fixture CA")
	proxy := fixtures.GoProxy(t)
	// An https module proxy named goproxy.corp.test, reached only
	// through the CONNECT proxies below.
	front := fixtures.HTTPSServer(t, http.StripPrefix("", fixtures.Forward(proxy.URL)), ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"goproxy.corp.test"}}), nil)
	routes := map[string]string{"goproxy.corp.test:443": checktest.HostPortOf(front.URL)}
	good := fixtures.NewConnectProxy(t, routes, "", "")
	auth := fixtures.NewConnectProxy(t, routes, "carol", "proxy-pass-2")
	base := map[string]string{"GOPROXY": "https://goproxy.corp.test/mod", "SSL_CERT_FILE": ca.File}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tt := range []struct {
		name    string
		process map[string]string
		status  checks.Status
		want    []string
		fix     string
	}{
		{"working proxy", with("HTTPS_PROXY", good.URL), checks.StatusPass, []string{"PROXY_OK info"}, ""},
		{"407", with("HTTPS_PROXY", auth.URL), checks.StatusFail, []string{"PROXY_AUTH_REQUIRED fail"}, "export HTTPS_PROXY=http://USER:xxxxx@"},
		{"proxy credentials", with("HTTPS_PROXY", strings.Replace(auth.URL, "http://", "http://carol:proxy-pass-2@", 1)), checks.StatusPass, []string{"PROXY_OK info"}, ""},
		{"dead proxy", with("HTTPS_PROXY", "http://"+fixtures.ClosedAddr(t)), checks.StatusFail, []string{"PROXY_HTTP_PROXY_UNREACHABLE fail"}, "NO_PROXY=goproxy.corp.test"},
		{"lower-case loses to upper-case", with("HTTPS_PROXY", good.URL, "https_proxy", "http://"+fixtures.ClosedAddr(t)), checks.StatusPass, []string{"PROXY_OK info"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := checktest.Env(t, checktest.Case{Process: tt.process, GoMod: checktest.AppGoMod})
			r := checktest.Run(t, env, Check, 5*time.Second)
			if r.Status != tt.status {
				t.Errorf("status %s, want %s\n%s", r.Status, tt.status, checktest.Dump(r))
			}
			checktest.Want(t, r, tt.want...)
			if tt.fix != "" && !checktest.HasFix(r, tt.fix) {
				t.Errorf("no fix containing %q:\n%s", tt.fix, checktest.Dump(r))
			}
			if strings.Contains(checktest.Dump(r), "proxy-pass-2") {
				t.Errorf("a credential leaked:\n%s", checktest.Dump(r))
			}
		})
	}
}

func TestProxyCheckSlowAnswers(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	slow := fixtures.HTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(150 * time.Millisecond)
		fixtures.Forward(proxy.URL).ServeHTTP(w, r)
	}))
	old := slowProxy
	slowProxy = 100 * time.Millisecond
	defer func() { slowProxy = old }()
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": slow.URL + "/mod"}, GoMod: checktest.AppGoMod})
	r := checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "PROXY_SLOW warn", "PROXY_CHAIN_OK info")
}

func TestProxyCheckNetrcCredentials(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	ca := fixtures.NewCA(t, "Fixture CA")
	guarded := fixtures.HTTPSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "netrc-pass-3" {
			http.Error(w, "credentials needed", http.StatusUnauthorized)
			return
		}
		fixtures.Forward(proxy.URL).ServeHTTP(w, r)
	}), ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}}), nil)
	home := t.TempDir()
	netrc := "machine " + checktest.HostPortOf(guarded.URL) + " login alice password netrc-pass-3\n"
	if err := os.WriteFile(filepath.Join(home, ".netrc"), []byte(netrc), 0o600); err != nil {
		t.Fatal(err)
	}
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": guarded.URL + "/mod", "HOME": home, "SSL_CERT_FILE": ca.File}, GoMod: checktest.AppGoMod})
	r := checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "PROXY_OK info")
	if f := checktest.Finding(r, "PROXY_OK"); f == nil || !strings.Contains(f.Detail, "~/.netrc machine") {
		t.Errorf("credentials not reported:\n%s", checktest.Dump(r))
	}
	if strings.Contains(checktest.Dump(r), "netrc-pass-3") {
		t.Errorf("the .netrc password leaked:\n%s", checktest.Dump(r))
	}
}

func TestProxyCheckFileURLs(t *testing.T) {
	dir := t.TempDir()
	v := filepath.Join(dir, "example.test", "hello", "@v")
	os.MkdirAll(v, 0o755)
	os.WriteFile(filepath.Join(v, "v1.0.0.info"), []byte(`{"Version":"v1.0.0"}`), 0o644)
	os.WriteFile(filepath.Join(v, "v1.0.0.mod"), []byte("module example.test/hello\n"), 0o644)
	// Without the zip, 'go mod download' fails.
	noZip := t.TempDir()
	if err := fixtures.CopyTree(dir, noZip); err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	fw, _ := zw.Create("example.test/hello@v1.0.0/go.mod")
	fw.Write([]byte("module example.test/hello\n"))
	zw.Close()
	os.WriteFile(filepath.Join(v, "v1.0.0.zip"), zb.Bytes(), 0o644)
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o644)
	for _, tt := range []struct {
		goproxy string
		status  checks.Status
		want    []string
	}{
		{"file://" + filepath.ToSlash(dir), checks.StatusPass, []string{"PROXY_OK info", "PROXY_ZIP_CHECKED info"}},
		{"file://" + filepath.ToSlash(noZip), checks.StatusFail, []string{"PROXY_OK info", "PROXY_ZIP_UNAVAILABLE fail"}},
		{"file://" + filepath.ToSlash(filepath.Join(dir, "missing")), checks.StatusFail, []string{"PROXY_FILE_MISSING info", "PROXY_MODULE_NOT_FOUND fail"}},
		{"file://" + filepath.ToSlash(notDir), checks.StatusFail, []string{"PROXY_FILE_INVALID fail"}},
	} {
		env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": tt.goproxy}, GoMod: checktest.AppGoMod})
		r := checktest.Run(t, env, Check, 5*time.Second)
		if r.Status != tt.status {
			t.Errorf("GOPROXY=%s: status %s, want %s\n%s", tt.goproxy, r.Status, tt.status, checktest.Dump(r))
		}
		checktest.Want(t, r, tt.want...)
	}
}

// The privacy principle: a module matching GOPRIVATE is never named to
// a proxy.
func TestProxyCheckNeverNamesPrivateModules(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	var log checktest.RequestLog
	spy := fixtures.HTTPServer(t, log.Wrap(fixtures.Forward(proxy.URL)))
	gomod := "module example.test/app\n\ngo 1.21\n\nrequire (\n\texample.test/hello v1.0.0\n\texample.test/greet v0.1.0\n)\n"
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": spy.URL + "/mod", "GOPRIVATE": "example.test/hello", "GOSUMDB": ""}, GoMod: gomod})
	r := checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "PROXY_PRIVATE_NOT_PROBED info", "PROXY_OK info")
	if strings.Contains(log.All(), "hello") {
		t.Errorf("the private module was named to the proxy:\n%s", log.All())
	}
	if !strings.Contains(log.All(), "example.test/greet/@v/v0.1.0.info") {
		t.Errorf("the public module was not probed:\n%s", log.All())
	}
	// The only other request is the checksum database's /supported.
	for _, p := range strings.Split(log.All(), "\n") {
		if !strings.Contains(p, "greet") && !strings.HasSuffix(p, "/supported") {
			t.Errorf("unexpected request %s", p)
		}
	}
}

func TestProxyCheckProbeModule(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	// Outside a module, --probe-module asks for the latest version.
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": proxy.URL}, Probe: "example.test/hello"})
	r := checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "PROXY_CHAIN_OK info")
	if f := checktest.Finding(r, "PROXY_CHAIN_OK"); f == nil || !strings.Contains(f.Detail, "example.test/hello@v1.1.0") {
		t.Errorf("latest version not found:\n%s", checktest.Dump(r))
	}
	// A private --probe-module is refused.
	env = checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": proxy.URL, "GOPRIVATE": "example.test"}, Probe: "example.test/hello"})
	r = checktest.Run(t, env, Check, 5*time.Second)
	if r.Status != checks.StatusSkip {
		t.Errorf("private --probe-module: %s\n%s", r.Status, checktest.Dump(r))
	}
	// Outside a module, without --probe-module: the default module.
	env = checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": proxy.URL}})
	if p := probe.ScopeOf(env).Probes; len(p) != 1 || p[0].Path != probe.DefaultProbeModule {
		t.Errorf("default probes %v", p)
	}
}

func TestProxyCheckSumDBRoute(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	broken := fixtures.HTTPServer(t, fixtures.Status(500, "text/plain", "down")).URL
	notHere := fixtures.HTTPServer(t, fixtures.Status(404, "text/plain", "")).URL
	for _, tt := range []struct {
		goproxy string
		want    string
		entry   int
		direct  bool
	}{
		{proxy.URL, "PROXY_SUMDB_ROUTE info", 0, false},
		{notHere + "," + proxy.URL, "PROXY_SUMDB_ROUTE info", 1, false},
		{notHere + ",direct", "PROXY_SUMDB_ROUTE info", -1, true},
		{broken + "," + proxy.URL, "PROXY_SUMDB_UNAVAILABLE info", -1, false},
		{broken + "|direct", "PROXY_SUMDB_ROUTE info", -1, true}, // direct's "not found" outranks the 500
	} {
		env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": tt.goproxy, "GOSUMDB": ""}, GoMod: checktest.AppGoMod})
		r := checktest.Run(t, env, Check, 5*time.Second)
		checktest.Want(t, r, tt.want)
		route, _ := probe.SumDB(t.Context(), env)
		if route.Entry != tt.entry || route.Direct != tt.direct {
			t.Errorf("GOPROXY=%s: route entry %d direct %v, want %d %v", tt.goproxy, route.Entry, route.Direct, tt.entry, tt.direct)
		}
	}
}

// redirectTo redirects every request to the same path on the module
// proxy at target (which ends in /mod).
func redirectTo(target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.TrimSuffix(target, "/mod")+r.URL.Path, http.StatusFound)
	})
}

func TestProbeModulesFollowReplacements(t *testing.T) {
	gomod := `module example.test/app

go 1.21

require (
	example.test/hello v1.0.0
	example.test/local v1.0.0
	example.test/old v1.0.0
	example.test/ind v1.0.0 // indirect
	private.corp.test/lib v1.0.0
)

replace example.test/local => ../local

replace example.test/old v1.0.0 => example.test/new v1.2.0
`
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPRIVATE": "private.corp.test"}, GoMod: gomod})
	var got []string
	for _, p := range probe.ScopeOf(env).Probes {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "example.test/hello@v1.0.0 example.test/new@v1.2.0 example.test/ind@v1.0.0" {
		t.Errorf("probes %v", got)
	}
	if p := probe.ScopeOf(env).Private; len(p) != 1 || p[0].Path != "private.corp.test/lib" || !p[0].Direct {
		t.Errorf("private %+v", p)
	}
}

// TestProxyCheckFileMirrorGap: a file:// directory that lacks a module
// of a public code host is a mirror gap: the fixes are about the mirror,
// never GOPRIVATE for the host or its organization.
func TestProxyCheckFileMirrorGap(t *testing.T) {
	dir := t.TempDir()
	mirror := "file://" + filepath.ToSlash(dir)
	gomod := "module example.test/app\n\ngo 1.21\n\nrequire github.com/google/uuid v1.6.0\n"
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": mirror}, GoMod: gomod})
	r := checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "PROXY_MODULE_NOT_FOUND fail")
	cmds := checktest.FixCommands(r, "PROXY_MODULE_NOT_FOUND")
	if strings.Contains(cmds, "GOPRIVATE") {
		t.Errorf("GOPRIVATE advised for a mirror gap:\n%s", checktest.Dump(r))
	}
	if !strings.Contains(cmds, "GOPROXY="+mirror+","+checktest.Defaults["GOPROXY"]) || !strings.Contains(cmds, "go mod download github.com/google/uuid@v1.6.0") {
		t.Errorf("no mirror fix:\n%s", checktest.Dump(r))
	}
}
