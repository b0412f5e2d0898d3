package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// scriptFixturesKey keys a script's fixtures in testscript's Values.
type scriptFixturesKey struct{}

// scriptFixtures are the servers one script started.
type scriptFixtures struct {
	t     *testing.T // the test running the scripts
	proxy string     // the module proxy fixture's URL
	ca    *fixtures.CA
}

// scriptTB lets fixtures, written for tests, live as long as a script:
// failures fail the script, cleanups run when it ends, temporary
// directories are under its $WORK.
type scriptTB struct {
	testing.TB
	ts *testscript.TestScript
}

func (s scriptTB) Helper()                        {}
func (s scriptTB) Cleanup(f func())               { s.ts.Defer(f) }
func (s scriptTB) Fatal(args ...any)              { s.ts.Fatalf("%s", fmt.Sprint(args...)) }
func (s scriptTB) Fatalf(format string, a ...any) { s.ts.Fatalf(format, a...) }
func (s scriptTB) Errorf(format string, a ...any) { s.ts.Fatalf(format, a...) }
func (s scriptTB) Logf(format string, a ...any)   { s.ts.Logf(format, a...) }
func (s scriptTB) TempDir() string {
	dir, err := os.MkdirTemp(s.ts.Getenv("WORK"), "fixture")
	s.ts.Check(err)
	return dir
}

// cmdServe starts a fixture server on 127.0.0.1 for the rest of the
// script and sets $VAR to its URL (or address, or file), and for a URL
// $VAR_HOSTPORT to its host:port (testscript has no ${VAR#prefix}):
//
//	serve VAR status CODE   a server answering CODE to everything
//	serve VAR captive       a captive portal's login page, with 200
//	serve VAR hang          accepts connections and never answers
//	serve VAR hangtls       the same, as an https URL (the TLS handshake hangs)
//	serve VAR closed        a port where nothing listens
//	serve VAR silentdns     a DNS server that never answers
//	serve VAR ca            the script's certificate authority (a PEM file)
//	serve VAR https         the module proxy over https, certificate from the CA
//	serve VAR connect       a CONNECT proxy routing goproxy.corp.test:443 to it
//	serve VAR connect407    the same, demanding carol's credentials (proxy-pw-5)
//	serve VAR lacks PATH,...
//	                        a module proxy serving the fixture modules and
//	                        the sandbox checksum database, but answering 404
//	                        for the modules listed
//	serve VAR toolchain GOVERSION
//	                        a module proxy serving the fixture modules and
//	                        the Go toolchain GOVERSION for this GOOS/GOARCH
//	                        (fixtures.NewToolchain), with a checksum
//	                        database of its own that knows them all, whose
//	                        GOSUMDB value goes in $VAR_GOSUMDB
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: serve VAR KIND [ARG]")
	}
	fx := ts.Value(scriptFixturesKey{}).(*scriptFixtures)
	tb := scriptTB{TB: fx.t, ts: ts}

	needCA := func() *fixtures.CA {
		if fx.ca == nil {
			fx.ca = fixtures.NewCA(tb, "Fixture CA")
		}
		return fx.ca
	}
	front := func() string {
		ca := needCA()
		leaf := ca.Leaf(tb, fixtures.LeafOptions{Hosts: []string{"127.0.0.1", "goproxy.corp.test"}})
		return fixtures.HTTPSServer(tb, fixtures.Forward(fx.proxy), leaf, nil).URL
	}
	var val string
	switch kind := args[1]; kind {
	case "status":
		if len(args) != 3 {
			ts.Fatalf("usage: serve VAR status CODE")
		}
		code, err := strconv.Atoi(args[2])
		ts.Check(err)
		val = fixtures.HTTPServer(tb, fixtures.Status(code, "text/plain", http.StatusText(code)+"\n")).URL
	case "captive":
		val = fixtures.HTTPServer(tb, fixtures.CaptivePortal()).URL
	case "hang":
		val = "http://" + fixtures.Hanging(tb)
	case "hangtls":
		val = "https://" + fixtures.Hanging(tb)
	case "closed":
		val = "http://" + fixtures.ClosedAddr(tb)
	case "silentdns":
		val = fixtures.DNS(tb, fixtures.DNSZone{Silent: true}).Addr
	case "ca":
		val = needCA().File
	case "https":
		val = front() + "/mod"
	case "connect", "connect407":
		routes := map[string]string{"goproxy.corp.test:443": strings.TrimPrefix(front(), "https://")}
		user, pw := "", ""
		if kind == "connect407" {
			user, pw = "carol", "proxy-pw-5"
		}
		val = fixtures.NewConnectProxy(tb, routes, user, pw).URL
	case "lacks":
		if len(args) != 3 {
			ts.Fatalf("usage: serve VAR lacks PATH,...")
		}
		status := map[string]int{}
		for _, p := range strings.Split(args[2], ",") {
			status[p] = http.StatusNotFound
		}
		val = fixtures.NewModProxy(tb, fixtures.ModProxyOptions{Status: status}).URL
	case "toolchain":
		if len(args) != 3 {
			ts.Fatalf("usage: serve VAR toolchain GOVERSION")
		}
		tc := fixtures.NewToolchain(tb, args[2])
		db := fixtures.NewSumDB(tb, fixtures.SumDBOptions{Name: "sum.toolchain.test", Seed: "toolchain", Lines: tc.Lines})
		val = fixtures.NewModProxy(tb, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{db}, Toolchains: []*fixtures.Toolchain{tc}}).URL
		ts.Setenv(args[0]+"_GOSUMDB", db.GOSUMDB())
	default:
		ts.Fatalf("serve: unknown kind %q", kind)
	}
	ts.Setenv(args[0], val)
	if _, rest, ok := strings.Cut(val, "://"); ok {
		hostport, _, _ := strings.Cut(rest, "/")
		ts.Setenv(args[0]+"_HOSTPORT", hostport)
	}
}
