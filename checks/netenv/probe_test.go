package netenv_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// zone is the fixture DNS every probe test resolves with: no test
// query ever reaches the system's resolvers.
var zone = fixtures.DNSZone{
	A:     map[string][]string{"goproxy.corp.test": {"127.0.0.1"}, "dual.corp.test": {"127.0.0.1"}},
	AAAA:  map[string][]string{"dual.corp.test": {"::1"}, "v6only.corp.test": {"::1"}},
	Rcode: map[string]int{"broken.corp.test": dns.RcodeServerFailure, "refused.corp.test": dns.RcodeRefused},
}

// testNet builds a Net whose every lookup goes to a fixture DNS server.
func testNet(t *testing.T, kv ...string) *netenv.Net {
	t.Helper()
	srv := fixtures.DNS(t, zone)
	return netenv.New(netenv.Config{Getenv: envOf(kv...), Resolver: srv.Addr})
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestGetClassifiesFailures(t *testing.T) {
	var hits atomic.Int32
	counting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); w.Write([]byte("v1.0.0\n")) })
	plain := fixtures.HTTPServer(t, counting)
	forbidden := fixtures.HTTPServer(t, fixtures.Status(403, "text/plain", "blocked by policy\n"))
	loop := fixtures.HTTPServer(t, fixtures.RedirectLoop())
	huge := fixtures.HTTPServer(t, fixtures.Huge(8<<20))
	drip := fixtures.HTTPServer(t, fixtures.SlowDrip(100*time.Millisecond, "text/plain", strings.Repeat("x", 100)))
	n := testNet(t)

	for _, tt := range []struct {
		name   string
		url    string
		limit  int64
		wait   time.Duration
		kind   netenv.Kind
		status int
		check  func(*testing.T, *netenv.Response)
	}{
		{name: "ok", url: plain.URL + "/x/@v/list", limit: 1 << 10, kind: netenv.KindOK, status: 200},
		{name: "refused", url: "http://" + fixtures.ClosedAddr(t) + "/x", kind: netenv.KindRefused},
		{name: "hanging", url: "http://" + fixtures.Hanging(t) + "/x", wait: 300 * time.Millisecond, kind: netenv.KindTimeout},
		{name: "reset", url: "http://" + fixtures.Resetting(t) + "/x", kind: netenv.KindReset},
		{name: "403", url: forbidden.URL + "/x", kind: netenv.KindOK, status: 403, check: func(t *testing.T, r *netenv.Response) {
			if string(r.Body) != "blocked by policy\n" || r.NotExist() {
				t.Errorf("body %q, NotExist %v", r.Body, r.NotExist())
			}
		}},
		{name: "redirect loop", url: loop.URL + "/x", kind: netenv.KindRedirects, check: func(t *testing.T, r *netenv.Response) {
			if len(r.Redirects) != 10 {
				t.Errorf("%d redirects recorded", len(r.Redirects))
			}
		}},
		{name: "huge body is cut", url: huge.URL, limit: 1000, kind: netenv.KindOK, status: 200, check: func(t *testing.T, r *netenv.Response) {
			if len(r.Body) != 1000 || !r.Truncated {
				t.Errorf("body %d bytes, truncated %v", len(r.Body), r.Truncated)
			}
		}},
		{name: "slow drip hits the deadline", url: drip.URL, limit: 1000, wait: 300 * time.Millisecond, kind: netenv.KindOK, status: 200, check: func(t *testing.T, r *netenv.Response) {
			if r.BodyErr == nil || r.OK() || netenv.Classify(r.BodyErr) != netenv.KindTimeout {
				t.Errorf("BodyErr %v, OK %v", r.BodyErr, r.OK())
			}
		}},
		{name: "name that does not resolve", url: "http://nowhere.corp.test:1/x", kind: netenv.KindDNS},
		{name: "name from the fixture DNS", url: strings.Replace(plain.URL, "127.0.0.1", "goproxy.corp.test", 1) + "/x", kind: netenv.KindOK, status: 200},
		{name: "credentials over plain http", url: "http://u:pw@" + strings.TrimPrefix(plain.URL, "http://") + "/x", kind: netenv.KindRefusedLocally, check: func(t *testing.T, r *netenv.Response) {
			if strings.Contains(r.Err.Error(), "pw@") {
				t.Errorf("error shows the password: %v", r.Err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.limit == 0 {
				tt.limit = 1 << 10
			}
			if tt.wait == 0 {
				tt.wait = time.Second
			}
			before := hits.Load()
			r := n.Get(ctxFor(t, tt.wait), mustURL(t, tt.url), tt.limit)
			if r.Kind != tt.kind || r.StatusCode != tt.status {
				t.Fatalf("Get(%s) = %s %d (%v), want %s %d", tt.url, r.Kind, r.StatusCode, r.Err, tt.kind, tt.status)
			}
			if tt.kind == netenv.KindRefusedLocally && hits.Load() != before {
				t.Error("a request was sent")
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestGetFileURLs(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "example.test", "m", "@v"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "example.test", "m", "@v", "list"), []byte("v1.0.0\n"), 0o644)
	n := testNet(t)
	ok := n.Get(context.Background(), mustURL(t, "file://"+filepath.ToSlash(dir)+"/example.test/m/@v/list"), 100)
	if !ok.OK() || string(ok.Body) != "v1.0.0\n" {
		t.Errorf("file list: %s %q", ok.Describe(), ok.Body)
	}
	missing := n.Get(context.Background(), mustURL(t, "file://"+filepath.ToSlash(dir)+"/nope/@v/list"), 100)
	if !missing.NotExist() {
		t.Errorf("missing file: %s", missing.Describe())
	}
	remote := n.Get(context.Background(), mustURL(t, "file://host.test/x"), 100)
	if remote.Kind != netenv.KindFile {
		t.Errorf("file URL with a host: %s", remote.Kind)
	}
}

func TestGetSendsNetrcCredentials(t *testing.T) {
	ca := fixtures.NewCA(t, "Fixture CA")
	srv := fixtures.HTTPSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "netrc-pass-1" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		w.Write([]byte("v1.0.0\n"))
	}), ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"goproxy.corp.test"}}), nil)
	// As in the go command, the machine name must carry the port when
	// the URL does.
	u := mustURL(t, strings.Replace(srv.URL, "127.0.0.1", "goproxy.corp.test", 1)+"/x/@v/list")
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, ".netrc"), []byte("machine "+u.Host+" login alice password netrc-pass-1\n"), 0o600)
	n := testNet(t, "HOME", home, "SSL_CERT_FILE", ca.File)
	r := n.Get(ctxFor(t, 2*time.Second), u, 100)
	if !r.OK() || r.Credentials != "netrc:"+u.Host {
		t.Fatalf("with .netrc: %s, credentials %q", r.Describe(), r.Credentials)
	}
	// Credentials in the URL are sent too (and a .netrc never matches
	// a URL that has them).
	withUser := *u
	withUser.User = url.UserPassword("alice", "netrc-pass-1")
	if r := testNet(t, "HOME", t.TempDir(), "SSL_CERT_FILE", ca.File).Get(ctxFor(t, 2*time.Second), &withUser, 100); !r.OK() || r.Credentials != "url" || strings.Contains(r.URL, "netrc-pass-1") {
		t.Errorf("with URL credentials: %s, credentials %q, URL %s", r.Describe(), r.Credentials, r.URL)
	}
	anon := testNet(t, "HOME", t.TempDir(), "SSL_CERT_FILE", ca.File)
	if r := anon.Get(ctxFor(t, 2*time.Second), u, 100); r.StatusCode != 401 || r.Credentials != "" {
		t.Errorf("without .netrc: %s", r.Describe())
	}
}

func TestGetThroughHTTPProxies(t *testing.T) {
	ca := fixtures.NewCA(t, "Fixture CA")
	target := fixtures.HTTPSServer(t, fixtures.Status(200, "text/plain", "v1.0.0\n"), ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"goproxy.corp.test"}}), nil)
	routes := map[string]string{"goproxy.corp.test:443": strings.TrimPrefix(target.URL, "https://")}
	good := fixtures.NewConnectProxy(t, routes, "", "")
	auth := fixtures.NewConnectProxy(t, routes, "carol", "proxy-pass-1")
	u := mustURL(t, "https://goproxy.corp.test/x/@v/list")

	r := testNet(t, "HTTPS_PROXY", good.URL, "SSL_CERT_FILE", ca.File).Get(ctxFor(t, 2*time.Second), u, 100)
	if !r.OK() || r.Via == nil || r.ViaVar != "HTTPS_PROXY" {
		t.Errorf("through a working proxy: %s via %v", r.Describe(), r.Via)
	}
	r = testNet(t, "HTTPS_PROXY", auth.URL, "SSL_CERT_FILE", ca.File).Get(ctxFor(t, 2*time.Second), u, 100)
	if r.Kind != netenv.KindProxyAns || r.ProxyStatus != 407 || !strings.Contains(r.ProxyAuth, "Basic") {
		t.Errorf("without proxy credentials: %s %d %q", r.Kind, r.ProxyStatus, r.ProxyAuth)
	}
	withCreds := strings.Replace(auth.URL, "http://", "http://carol:proxy-pass-1@", 1)
	r = testNet(t, "HTTPS_PROXY", withCreds, "SSL_CERT_FILE", ca.File).Get(ctxFor(t, 2*time.Second), u, 100)
	if !r.OK() {
		t.Errorf("with proxy credentials: %s", r.Describe())
	}
	r = testNet(t, "HTTPS_PROXY", "http://"+fixtures.ClosedAddr(t), "SSL_CERT_FILE", ca.File).Get(ctxFor(t, 2*time.Second), u, 100)
	if r.Kind != netenv.KindProxy {
		t.Errorf("dead proxy: %s (%v)", r.Kind, r.Err)
	}
	if got := good.Connects(); len(got) == 0 || got[0] != "goproxy.corp.test:443" {
		t.Errorf("CONNECT targets %v", got)
	}
}

func TestHandshake(t *testing.T) {
	ca := fixtures.NewCA(t, "Fixture CA")
	ok := ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}})
	now := time.Now()
	for _, tt := range []struct {
		name    string
		cert    tls.Certificate
		tweak   func(*tls.Config)
		plain   bool
		now     time.Time
		kind    netenv.Kind
		problem netenv.TLSProblem
	}{
		{name: "trusted", cert: ok, kind: netenv.KindOK},
		{name: "self-signed", cert: fixtures.SelfSigned(t, "127.0.0.1"), kind: netenv.KindOK, problem: netenv.TLSUnknownAuth},
		{name: "expired", cert: ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)}), kind: netenv.KindOK, problem: netenv.TLSExpired},
		{name: "clock behind", cert: ok, now: now.Add(-72 * time.Hour), kind: netenv.KindOK, problem: netenv.TLSNotYetValid},
		{name: "wrong host", cert: ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"other.corp.test"}}), kind: netenv.KindOK, problem: netenv.TLSHostname},
		{name: "old protocol", cert: ok, tweak: func(c *tls.Config) { c.MaxVersion = tls.VersionTLS11 }, kind: netenv.KindTLS, problem: netenv.TLSProtocolVersion},
		{name: "no common cipher", cert: ok, tweak: func(c *tls.Config) {
			c.MaxVersion = tls.VersionTLS12
			c.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}
		}, kind: netenv.KindTLS, problem: netenv.TLSHandshake},
		{name: "plain http", plain: true, kind: netenv.KindTLS, problem: netenv.TLSNotTLS},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var addr string
			if tt.plain {
				addr = strings.TrimPrefix(fixtures.HTTPServer(t, fixtures.Status(200, "", "")).URL, "http://")
			} else {
				addr = strings.TrimPrefix(fixtures.HTTPSServer(t, fixtures.Status(200, "", ""), tt.cert, tt.tweak).URL, "https://")
			}
			cfg := netenv.Config{Getenv: envOf("SSL_CERT_FILE", ca.File), Resolver: fixtures.DNS(t, zone).Addr}
			if !tt.now.IsZero() {
				cfg.Now = func() time.Time { return tt.now }
			}
			n := netenv.New(cfg)
			hs, done := n.Handshake(ctxFor(t, 2*time.Second), addr)
			if !done {
				t.Fatal("no result")
			}
			if hs.Kind != tt.kind || hs.Problem != tt.problem {
				t.Fatalf("Handshake = %s %q (%v / %v), want %s %q", hs.Kind, hs.Problem, hs.Err, hs.VerifyErr, tt.kind, tt.problem)
			}
			if tt.problem == "" && n.Roots().Origin(hs.Verified[0][len(hs.Verified[0])-1]) != ca.File {
				t.Errorf("trusted root not traced to %s", ca.File)
			}
		})
	}
}

func TestRootsFollowSSLCertVariables(t *testing.T) {
	ca := fixtures.NewCA(t, "Fixture CA")
	dir := t.TempDir()
	data, _ := os.ReadFile(ca.File)
	os.WriteFile(filepath.Join(dir, "corp.pem"), data, 0o644)
	os.Symlink("corp.pem", filepath.Join(dir, "abcd1234.0")) // same-directory link: skipped
	r := netenv.New(netenv.Config{Getenv: envOf("SSL_CERT_FILE", filepath.Join(dir, "missing.pem"), "SSL_CERT_DIR", dir)}).Roots()
	if r.Count != 1 || r.CertFile != "" || len(r.Problems) != 1 || !r.DirVar {
		t.Errorf("roots: %d certs, file %q, problems %v", r.Count, r.CertFile, r.Problems)
	}
	r = netenv.New(netenv.Config{Getenv: envOf("SSL_CERT_FILE", ca.File, "SSL_CERT_DIR", t.TempDir())}).Roots()
	if r.Count != 1 || r.CertFile != ca.File || !r.CertFileVar {
		t.Errorf("roots from SSL_CERT_FILE: %d certs, file %q", r.Count, r.CertFile)
	}
}

// A derived network (the advisor's trial of a setting) uses the roots
// its run loaded, unless it changes SSL_CERT_FILE or SSL_CERT_DIR.
func TestDeriveSharesRoots(t *testing.T) {
	ca := fixtures.NewCA(t, "Fixture CA")
	other := fixtures.NewCA(t, "Other CA")
	run := netenv.New(netenv.Config{Getenv: envOf("SSL_CERT_FILE", ca.File, "GOPROXY", "off")})
	same := run.Derive(netenv.Config{Getenv: envOf("SSL_CERT_FILE", ca.File, "GOPROXY", "direct")})
	if same.Roots() != run.Roots() {
		t.Error("a trial with the same SSL_CERT_FILE loads the roots again")
	}
	changed := run.Derive(netenv.Config{Getenv: envOf("SSL_CERT_FILE", other.File)})
	if r := changed.Roots(); r == run.Roots() || r.CertFile != other.File {
		t.Errorf("a trial with another SSL_CERT_FILE reads %q, want %q", r.CertFile, other.File)
	}
	dir := run.Derive(netenv.Config{Getenv: envOf("SSL_CERT_FILE", ca.File, "SSL_CERT_DIR", t.TempDir())})
	if dir.Roots() == run.Roots() || !dir.Roots().DirVar {
		t.Error("a trial with another SSL_CERT_DIR shares the run's roots")
	}
}

func TestExchange(t *testing.T) {
	srv := fixtures.DNS(t, zone)
	silent := fixtures.DNS(t, fixtures.DNSZone{Silent: true})
	n := netenv.New(netenv.Config{Resolver: srv.Addr + "," + silent.Addr})
	ns := n.Nameservers()
	if len(ns.Servers) != 2 || ns.From != "--resolver" {
		t.Fatalf("nameservers %+v", ns)
	}
	for _, tt := range []struct {
		name  string
		qt    uint16
		rcode int
		addrs int
	}{
		{"goproxy.corp.test", netenv.TypeA, netenv.RcodeSuccess, 1},
		{"goproxy.corp.test", netenv.TypeAAAA, netenv.RcodeSuccess, 0},
		{"v6only.corp.test", netenv.TypeAAAA, netenv.RcodeSuccess, 1},
		{"nowhere.corp.test", netenv.TypeA, netenv.RcodeNXDomain, 0},
		{"broken.corp.test", netenv.TypeA, netenv.RcodeServFail, 0},
		{"refused.corp.test", netenv.TypeA, netenv.RcodeRefused, 0},
	} {
		a := n.Exchange(ctxFor(t, time.Second), srv.Addr, tt.name, tt.qt)
		if a.Err != nil || a.Rcode != tt.rcode || len(a.Addrs) != tt.addrs {
			t.Errorf("%s %s: rcode %s, %d addrs, err %v", tt.name, netenv.QtypeName(tt.qt), netenv.RcodeName(a.Rcode), len(a.Addrs), a.Err)
		}
	}
	start := time.Now()
	a := n.Exchange(ctxFor(t, 200*time.Millisecond), silent.Addr, "goproxy.corp.test", netenv.TypeA)
	if !a.Timeout() || time.Since(start) > 2*time.Second {
		t.Errorf("silent server: %v after %v", a.Err, time.Since(start))
	}
	// Go's resolver goes to the first --resolver.
	addrs, err := n.GoResolver().LookupHost(ctxFor(t, time.Second), "goproxy.corp.test")
	if err != nil || len(addrs) != 1 || addrs[0] != "127.0.0.1" {
		t.Errorf("Go's resolver: %v %v", addrs, err)
	}
	if got := srv.Queries(); len(got) == 0 {
		t.Error("the fixture saw no query")
	}
}

func TestNameserversFromResolvConf(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "resolv.conf")
	os.WriteFile(conf, []byte("# comment\nnameserver 127.0.0.1\nnameserver ::1\nsearch corp.test\n"), 0o644)
	ns := netenv.New(netenv.Config{ResolvConf: conf}).Nameservers()
	if fmt.Sprint(ns.Servers) != "[127.0.0.1:53 [::1]:53]" || ns.From != conf {
		t.Errorf("nameservers %+v", ns)
	}
	empty := filepath.Join(dir, "empty.conf")
	os.WriteFile(empty, nil, 0o644)
	if ns := netenv.New(netenv.Config{ResolvConf: empty}).Nameservers(); len(ns.Servers) != 0 {
		t.Errorf("empty resolv.conf: %+v", ns)
	}
	if ns := netenv.New(netenv.Config{ResolvConf: filepath.Join(dir, "missing")}).Nameservers(); ns.Err == nil {
		t.Errorf("missing resolv.conf: %+v", ns)
	}
}

// A server that accepts the request and never answers is given up after
// the silence bound, not the run's deadline; a slow answer that starts
// within the bound, and a body that trickles in after the headers, are
// not cut by it.
func TestGetSilenceBound(t *testing.T) {
	hanging := "http://" + fixtures.Hanging(t) + "/mod/@v/list"
	slowHeaders := fixtures.HTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(100 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		w.Write([]byte("v1.0.0\n"))
	}))
	drip := fixtures.HTTPServer(t, fixtures.SlowDrip(50*time.Millisecond, "text/plain", strings.Repeat("x", 10)))
	n := testNet(t)
	get := func(raw string, bound time.Duration) (*netenv.Response, time.Duration) {
		u, _ := url.Parse(raw)
		start := time.Now()
		r := n.Get(netenv.WithSilenceBound(ctxFor(t, 10*time.Second), bound), u, 1<<10)
		return r, time.Since(start)
	}

	r, took := get(hanging, 300*time.Millisecond)
	if r.Kind != netenv.KindTimeout || r.Silent != 300*time.Millisecond || !strings.Contains(r.Err.Error(), "wait forever") {
		t.Errorf("hanging: kind %s, silent %v, err %v", r.Kind, r.Silent, r.Err)
	}
	if took > 5*time.Second {
		t.Errorf("hanging: gave up after %v, not after the silence bound", took)
	}
	if r, _ := get(slowHeaders.URL, time.Second); !r.OK() || r.Silent != 0 {
		t.Errorf("slow headers within the bound: %s, silent %v", r.Describe(), r.Silent)
	}
	if r, _ := get(drip.URL, 200*time.Millisecond); !r.OK() || string(r.Body) != strings.Repeat("x", 10) {
		t.Errorf("a body trickling in for longer than the bound: %s, %q", r.Describe(), r.Body)
	}
	// Without a bound, only the context ends the wait.
	u, _ := url.Parse(hanging)
	r = n.Get(ctxFor(t, 300*time.Millisecond), u, 1<<10)
	if r.Kind != netenv.KindTimeout || r.Silent != 0 {
		t.Errorf("no bound: kind %s, silent %v", r.Kind, r.Silent)
	}
}
