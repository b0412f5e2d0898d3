package sumdb

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// The sumdb tests' main module requires greet (which requires hello);
// its go.sum varies by case.
const sumdbGoMod = "module example.test/app\n\ngo 1.21\n\nrequire example.test/greet v0.1.0\n\nrequire example.test/hello v1.0.0 // indirect\n"

// checktest.HelloSum is hello's go.sum lines.
const (
	greetSum = "example.test/greet v0.1.0 h1:StbJkgJJdpSvU0w7yh7n+CcHebG+wCYYErwZsJuH1tg=\nexample.test/greet v0.1.0/go.mod h1:JwpVfrTV6z2W/mZsFukDK54Oqn1g+oXVQJ84BABYpVA=\n"
	// tamperedHello is hello's go.sum with its content hash changed.
	tamperedHello = "example.test/hello v1.0.0 h1:AAAAVEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=\nexample.test/hello v1.0.0/go.mod h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg=\n"
)

// sumdbModule writes a main module for a sumdb test.
func sumdbModule(t testing.TB, gomod, gosum string) string {
	t.Helper()
	dir := t.TempDir()
	if gomod == "" {
		gomod = sumdbGoMod
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if gosum != "" {
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(gosum), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A sumdbCase is a sandbox and what the doctor and the go command should
// say in it.
type sumdbCase struct {
	name  string
	gomod string // "" means sumdbGoMod
	gosum string
	env   []string
	// public is a host name suffix taken for a public name.
	public string
	// prep runs before the doctor (a kept tree head, a fork...).
	prep   func(t *testing.T, sb *fixtures.Sandbox)
	status checks.Status
	want   []string
	// goOK is whether the real 'go mod download' succeeds; exception
	// marks the case where the doctor deliberately says more than the
	// go command does (a proven fork fails even when go.sum spares the
	// go command from asking).
	goOK      bool
	exception bool
	// fix names a finding whose fixes are applied in the sandbox; the go
	// command must then succeed.
	fix string
	// check inspects the result further.
	check func(t *testing.T, r checks.CheckResult)
	// goSays are in the go command's output.
	goSays []string
}

// sumdbWorld holds the fixtures of the sumdb tests: databases, proxies
// serving them, a CA and a CONNECT proxy to reach databases at
// https://<name>.
type sumdbWorld struct {
	db, wrong, private *fixtures.SumDB
	proxy              *fixtures.ModProxy // serves db
	plain              *fixtures.ModProxy // modules only: /sumdb/ answers 404
	broken             *fixtures.ModProxy // /sumdb/ answers 500
	wrongProxy         *fixtures.ModProxy // serves wrong
	privateProxy       *fixtures.ModProxy // serves private (410 for other.test/tool)
	ca                 *fixtures.CA
	connect            *fixtures.ConnectProxy
	dns                string
}

func newSumDBWorld(t *testing.T) *sumdbWorld {
	w := &sumdbWorld{}
	w.db = fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.healthy.test"})
	w.wrong = fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.wrongkey.test", WrongKey: true})
	// A database that has never seen other.test/tool: a private module
	// the proxy serves.
	mods := fixtures.ModulesDir(t)
	if err := os.Remove(filepath.Join(mods, "other.test_tool_v1.0.0.txtar")); err != nil {
		t.Fatal(err)
	}
	w.private = fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.private.test", ModulesDir: mods, NotFound: 410})
	w.proxy = fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{w.db}})
	w.plain = fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{}})
	w.broken = fixtures.NewModProxy(t, fixtures.ModProxyOptions{SumDBStatus: 500})
	w.wrongProxy = fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{w.wrong}})
	w.privateProxy = fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{w.private}})
	w.ca = fixtures.NewCA(t, "Fixture CA")
	w.connect = fixtures.NewConnectProxy(t, map[string]string{w.db.Name + ":443": w.db.ServeTLS(t, w.ca)}, "", "")
	w.dns = fixtures.DNS(t, fixtures.DNSZone{}).Addr
	return w
}

// via is the environment of a database served by a proxy.
func via(p *fixtures.ModProxy, db *fixtures.SumDB) []string {
	return []string{"GOPROXY=" + p.URL, "GOSUMDB=" + db.GOSUMDB()}
}

// gopathOf is the sandbox's GOPATH.
func gopathOf(sb *fixtures.Sandbox) string { return sb.Vars["GOPATH"] }

func (w *sumdbWorld) cases(t *testing.T) []sumdbCase {
	otherTool := strings.Join(fixtures.SandboxSumDB().Lines("other.test/tool", "v1.0.0"), "\n") + "\n"
	toolMod := sumdbGoMod + "\nrequire other.test/tool v1.0.0\n"
	// The databases of the cases that change theirs.
	fork := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.fork.test"})
	forkProxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{fork}})
	forkFull := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.forkfull.test"})
	forkFullProxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{forkFull}})
	back := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.back.test"})
	backProxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{back}})
	backBare := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.backbare.test"})
	backBareProxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{backBare}})
	forkBack := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.forkback.test"})
	forkBackProxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{forkBack}})
	// The privacy case has a database of its own, to see what it is asked.
	mods := fixtures.ModulesDir(t)
	if err := os.Remove(filepath.Join(mods, "other.test_tool_v1.0.0.txtar")); err != nil {
		t.Fatal(err)
	}
	spied := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.spied.test", ModulesDir: mods, NotFound: 410})
	spiedProxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{spied}})
	keep := func(db *fixtures.SumDB, tiles bool, then func()) func(*testing.T, *fixtures.Sandbox) {
		return func(t *testing.T, sb *fixtures.Sandbox) {
			mc := ""
			if tiles {
				mc = sb.Vars["GOMODCACHE"]
			}
			if err := db.WarmCache(mc, gopathOf(sb)); err != nil {
				t.Fatal(err)
			}
			then()
		}
	}
	// Proxies in front of w.proxy that alter what they serve of greet,
	// whose hashes go.sum lacks: the go command asks the database.
	// Their fix, the unaltered w.proxy, is "healthy through a proxy".
	tampering := func(suffix string, alter func([]byte) []byte) *fixtures.ModProxy {
		return &fixtures.ModProxy{URL: fixtures.HTTPServer(t, fixtures.Tampering(w.proxy.URL, suffix, alter)).URL + "/mod"}
	}
	proxyMismatch := func(subject, goSays string) func(*testing.T, checks.CheckResult) {
		return func(t *testing.T, r checks.CheckResult) {
			f := checktest.Finding(r, "SUMDB_PROXY_MISMATCH")
			if f == nil || f.Subject != subject || !strings.Contains(f.Message, goSays) || !strings.Contains(f.Message, "SECURITY ERROR") || !strings.Contains(f.Detail, "downloaded: h1:") || !checktest.HasFix(r, "curl") {
				t.Errorf("proxy mismatch: %+v", f)
			}
		}
	}
	// The same, for a module GONOSUMDB exempts: the go command asks
	// the database nothing about it and accepts the altered go.mod, and
	// the doctor names it to no database either.
	exempt := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.exempt.test"})
	exemptProxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{exempt}})
	exemptTampering := &fixtures.ModProxy{URL: fixtures.HTTPServer(t, fixtures.Tampering(exemptProxy.URL, "greet/@v/v0.1.0.mod", fixtures.AlterMod)).URL + "/mod"}
	return []sumdbCase{
		{name: "a proxy serves an altered go.mod of an exempt module", gosum: checktest.HelloSum, env: append(via(exemptTampering, exempt), "GONOSUMDB=example.test/greet"),
			status: checks.StatusPass, goOK: true,
			check: func(t *testing.T, r checks.CheckResult) {
				checktest.Absent(t, r, "SUMDB_PROXY_MISMATCH")
				for _, p := range exempt.Requests() {
					if strings.Contains(p, "greet") {
						t.Errorf("the exempt module was named to the database: %s", p)
					}
				}
			}},
		{name: "a proxy serves an altered go.mod go.sum lacks", gosum: checktest.HelloSum, env: via(tampering("greet/@v/v0.1.0.mod", fixtures.AlterMod), w.db),
			status: checks.StatusFail, want: []string{"SUMDB_PROXY_MISMATCH fail"}, goOK: false, check: proxyMismatch("example.test/greet@v0.1.0/go.mod", "example.test/greet@v0.1.0: verifying go.mod: checksum mismatch"),
			goSays: []string{"example.test/greet@v0.1.0: verifying go.mod: checksum mismatch", "SECURITY ERROR", "This download does NOT match the one reported by the checksum server"}},
		{name: "a proxy serves an altered zip go.sum lacks", gosum: checktest.HelloSum, env: via(tampering("greet/@v/v0.1.0.zip", fixtures.AlterZip), w.db),
			status: checks.StatusFail, want: []string{"SUMDB_PROXY_MISMATCH fail"}, goOK: false, check: proxyMismatch("example.test/greet@v0.1.0", "example.test/greet@v0.1.0: verifying module: checksum mismatch"),
			goSays: []string{"example.test/greet@v0.1.0: verifying module: checksum mismatch", "SECURITY ERROR"}},
		{name: "healthy through a proxy", gosum: checktest.HelloSum, env: via(w.proxy, w.db),
			status: checks.StatusPass, want: []string{"SUMDB_ROUTE info", "SUMDB_TREE_OK info", "SUMDB_GOSUM_VERIFIED info", "SUMDB_COVERAGE info"}, goOK: true,
			check: func(t *testing.T, r checks.CheckResult) {
				if f := checktest.Finding(r, "SUMDB_ROUTE"); f == nil || !strings.Contains(f.Message, "through entry 1") {
					t.Errorf("route: %+v", f)
				}
				if f := checktest.Finding(r, "SUMDB_GOSUM_VERIFIED"); f == nil || !strings.Contains(f.Message, "2 go.sum line(s) match") || !strings.Contains(f.Detail, "example.test/greet@v0.1.0 (zip hash)") {
					t.Errorf("verified: %+v", f)
				}
			}},
		{name: "healthy direct (URL in GOSUMDB)", gosum: checktest.HelloSum, env: []string{"GOPROXY=" + w.plain.URL, "GOSUMDB=" + w.db.GOSUMDBDirect()},
			status: checks.StatusPass, want: []string{"SUMDB_ROUTE info", "SUMDB_TREE_OK info", "SUMDB_GOSUM_VERIFIED info"}, goOK: true},
		{name: "/supported 404, then the database's own host", gosum: checktest.HelloSum,
			env:    []string{"GOPROXY=" + w.plain.URL, "GOSUMDB=" + w.db.GOSUMDB(), "HTTPS_PROXY=" + w.connect.URL, "SSL_CERT_FILE=" + w.ca.File},
			status: checks.StatusPass, want: []string{"SUMDB_ROUTE info", "SUMDB_TREE_OK info", "SUMDB_GOSUM_VERIFIED info"}, goOK: true,
			check: func(t *testing.T, r checks.CheckResult) {
				if f := checktest.Finding(r, "SUMDB_ROUTE"); f == nil || !strings.Contains(f.Message, "https://"+w.db.Name) || !strings.Contains(f.Detail, "404") {
					t.Errorf("route: %+v", f)
				}
			}},
		{name: "a proxy that claims the default database but does not serve it", gosum: checktest.HelloSum, env: []string{"GOPROXY=" + w.proxy.URL, "GOSUMDB="},
			status: checks.StatusFail, want: []string{"SUMDB_LATEST_FAILED warn", "SUMDB_LOOKUP_FAILED fail"}, goOK: false,
			check: func(t *testing.T, r checks.CheckResult) {
				if f := checktest.Finding(r, "SUMDB_NOT_FOUND"); f != nil {
					t.Errorf("the modules are not unknown, the database is missing: %+v", f)
				}
			}},
		{name: "/supported 500", gosum: checktest.HelloSum, env: []string{"GOPROXY=" + w.broken.URL, "GOSUMDB=" + w.db.GOSUMDB()},
			status: checks.StatusFail, want: []string{"SUMDB_UNAVAILABLE fail"}, goOK: false},
		{name: "/supported 500, go.sum complete", gosum: checktest.HelloSum + greetSum, env: []string{"GOPROXY=" + w.broken.URL, "GOSUMDB=" + w.db.GOSUMDB()},
			status: checks.StatusWarn, want: []string{"SUMDB_UNAVAILABLE warn"}, goOK: true},
		{name: "wrong key", gosum: checktest.HelloSum, env: via(w.wrongProxy, w.wrong),
			status: checks.StatusFail, want: []string{"SUMDB_WRONG_KEY fail"}, goOK: false},
		{name: "forked log", gosum: checktest.HelloSum, env: via(forkProxy, fork), prep: keep(fork, false, fork.Fork),
			status: checks.StatusFail, want: []string{"SUMDB_FORK fail"}, goOK: false,
			check: func(t *testing.T, r checks.CheckResult) {
				if f := checktest.Finding(r, "SUMDB_FORK"); f == nil || !strings.HasPrefix(f.Message, "SECURITY:") || !strings.Contains(f.Detail, "proof") {
					t.Errorf("fork: %+v", f)
				}
			}},
		{name: "forked log, go.sum complete", gosum: checktest.HelloSum + greetSum, env: via(forkFullProxy, forkFull), prep: keep(forkFull, false, forkFull.Fork),
			status: checks.StatusFail, want: []string{"SUMDB_FORK fail"}, goOK: true, exception: true},
		{name: "went back to the same history, tiles kept", gosum: checktest.HelloSum, env: via(backProxy, back), prep: keep(back, true, func() { back.Truncate(int(back.Size()) - 30) }),
			status: checks.StatusPass, want: []string{"SUMDB_TREE_BEHIND info", "SUMDB_GOSUM_VERIFIED info"}, goOK: true},
		{name: "went back, no tiles kept", gosum: checktest.HelloSum, env: via(backBareProxy, backBare), prep: keep(backBare, false, func() { backBare.Truncate(int(backBare.Size()) - 30) }),
			status: checks.StatusFail, want: []string{"SUMDB_ROLLBACK fail"}, goOK: false},
		{name: "went back to another history", gosum: checktest.HelloSum, env: via(forkBackProxy, forkBack),
			prep:   keep(forkBack, true, func() { forkBack.Fork(); forkBack.Truncate(int(forkBack.Size()) - 30) }),
			status: checks.StatusFail, want: []string{"SUMDB_FORK fail"}, goOK: false,
			check: func(t *testing.T, r checks.CheckResult) {
				if f := checktest.Finding(r, "SUMDB_FORK"); f == nil || !strings.Contains(f.Message, "went back") {
					t.Errorf("fork: %+v", f)
				}
			}},
		{name: "tampered go.sum line", gosum: tamperedHello + greetSum, env: via(w.proxy, w.db),
			status: checks.StatusFail, want: []string{"SUMDB_GOSUM_MISMATCH fail"}, goOK: false, fix: "SUMDB_GOSUM_MISMATCH",
			check: func(t *testing.T, r checks.CheckResult) {
				f := checktest.Finding(r, "SUMDB_GOSUM_MISMATCH")
				if f == nil || f.Subject != "example.test/hello@v1.0.0" || !strings.Contains(f.Detail, "go.sum:1: example.test/hello v1.0.0 h1:AAAA") ||
					!strings.Contains(f.Message, "h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=") || !strings.Contains(f.Detail, "edited by hand") {
					t.Errorf("mismatch: %+v", f)
				}
			}},
		{name: "private module unknown to the database (410)", gomod: toolMod, gosum: checktest.HelloSum + greetSum, env: via(w.privateProxy, w.private),
			status: checks.StatusFail, want: []string{"SUMDB_NOT_FOUND fail"}, goOK: false, fix: "SUMDB_NOT_FOUND",
			check: func(t *testing.T, r checks.CheckResult) {
				f := checktest.Finding(r, "SUMDB_NOT_FOUND")
				// The smallest prefix that matches no other module of the
				// project (MinimalPatterns).
				if f == nil || len(f.Fixes) != 1 || f.Fixes[0].Command != "go env -w GONOSUMDB=other.test" || !strings.Contains(f.Detail, "410 Gone") {
					t.Errorf("not found: %+v", f)
				}
			}},
		{name: "a module of a public host unknown to the database (410)", gomod: toolMod, gosum: checktest.HelloSum + greetSum, env: via(w.privateProxy, w.private), public: "other.test",
			status: checks.StatusFail, want: []string{"SUMDB_NOT_FOUND fail"}, goOK: false, fix: "SUMDB_NOT_FOUND",
			check: func(t *testing.T, r checks.CheckResult) {
				// Its own path: the database not knowing it says
				// nothing of the host's other modules.
				f := checktest.Finding(r, "SUMDB_NOT_FOUND")
				if f == nil || len(f.Fixes) != 1 || f.Fixes[0].Command != "go env -w GONOSUMDB=other.test/tool" {
					t.Errorf("not found: %+v", f)
				}
			}},
		{name: "private module in go.sum, unknown to the database", gomod: toolMod, gosum: checktest.HelloSum + greetSum + otherTool,
			env:    append(via(w.privateProxy, w.private), "GONOSUMDB=corp.example"),
			status: checks.StatusWarn, want: []string{"SUMDB_NOT_FOUND warn"}, goOK: true,
			check: func(t *testing.T, r checks.CheckResult) {
				// Merged with the existing patterns, where they are set.
				if f := checktest.Finding(r, "SUMDB_NOT_FOUND"); f == nil || len(f.Fixes) != 1 || f.Fixes[0].Command != "export GONOSUMDB=corp.example,other.test" {
					t.Errorf("not found: %+v", f)
				}
			}},
		{name: "private module exempt by GONOSUMDB, merged with existing patterns", gomod: toolMod, gosum: checktest.HelloSum + greetSum,
			env:    append(via(spiedProxy, spied), "GONOSUMDB=corp.example,other.test/tool"),
			status: checks.StatusPass, want: []string{"SUMDB_GOSUM_VERIFIED info"}, goOK: true,
			check: func(t *testing.T, r checks.CheckResult) {
				if f := checktest.Finding(r, "SUMDB_COVERAGE"); f == nil || !strings.Contains(f.Message, "1 are exempt (GONOSUMDB)") || !strings.Contains(f.Detail, "other.test/tool@v1.0.0: not checked (GONOSUMDB pattern other.test/tool)") {
					t.Errorf("coverage: %+v", f)
				}
				if len(spied.Requests()) == 0 {
					t.Error("the database was asked nothing")
				}
				for _, p := range spied.Requests() {
					if strings.Contains(p, "other.test") {
						t.Errorf("the exempt module was named to the database: %s", p)
					}
				}
			}},
		{name: "GOSUMDB=off", gosum: checktest.HelloSum, env: []string{"GOPROXY=" + w.proxy.URL, "GOSUMDB=off"},
			status: checks.StatusSkip, goOK: true},
		{name: "malformed GOSUMDB", gosum: checktest.HelloSum, env: []string{"GOPROXY=" + w.proxy.URL, "GOSUMDB=sum.corp.example"},
			status: checks.StatusFail, want: []string{"SUMDB_CONFIG_INVALID fail"}, goOK: false},
		{name: "malformed GOSUMDB, go.sum complete", gosum: checktest.HelloSum + greetSum, env: []string{"GOPROXY=" + w.proxy.URL, "GOSUMDB=a+b c d"},
			status: checks.StatusWarn, want: []string{"SUMDB_CONFIG_INVALID warn"}, goOK: true},
		{name: "credentials in GOSUMDB's URL over plain http", gosum: checktest.HelloSum,
			env:    []string{"GOPROXY=" + w.plain.URL, "GOSUMDB=" + w.db.Key + " " + strings.Replace(w.db.URL, "http://", "http://carol:sumdb-pw-7@", 1)},
			status: checks.StatusFail, want: []string{"SUMDB_UNREACHABLE fail"}, goOK: false,
			check: func(t *testing.T, r checks.CheckResult) {
				if d := checktest.Dump(r); strings.Contains(d, "sumdb-pw-7") || !strings.Contains(d, "refusing to pass credentials") {
					t.Errorf("credential leaked, or the refusal not said:\n%s", d)
				}
			}},
		{name: "unreachable database", gosum: checktest.HelloSum, env: []string{"GOPROXY=" + w.plain.URL, "GOSUMDB=" + w.db.Key + " http://" + fixtures.ClosedAddr(t)},
			status: checks.StatusFail, want: []string{"SUMDB_UNREACHABLE fail"}, goOK: false},
	}
}

// TestSumDBVerdictAgreesWithGoCommand runs, in each sandbox, the doctor's
// sumdb check and then the real 'go mod download' with an empty module
// cache, and checks that the go command fails exactly when the doctor's
// verdict is fail; where the case names a fix, it applies the doctor's
// fixes and runs the go command again, which must then succeed.
func TestSumDBVerdictAgreesWithGoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	w := newSumDBWorld(t)
	cases := w.cases(t)
	type result struct {
		r            checks.CheckResult
		out          string
		goOK         bool
		fixOut       string
		fixOK, fixed bool
	}
	results := make([]chan result, len(cases))
	sem := make(chan struct{}, 4)
	// Every case finishes before the sandboxes are removed, those that
	// -run leaves out included.
	var wg sync.WaitGroup
	defer wg.Wait()
	for i, tc := range cases {
		results[i] = make(chan result, 1)
		sb := fixtures.NewSandbox(t, w.proxy.URL)
		dir := sumdbModule(t, tc.gomod, tc.gosum)
		extra := tc.env
		if !strings.Contains(strings.Join(extra, " "), "HTTPS_PROXY=") {
			extra = append(append([]string(nil), checktest.Contain...), extra...)
		}
		if tc.prep != nil {
			tc.prep(t, sb)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var res result
			env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
			env.Options.Resolver = w.dns
			if tc.public != "" {
				cfg := env.NetConfig()
				cfg.IsPublicName = func(h string) bool { return strings.HasSuffix(h, tc.public) }
				env.Network = netenv.New(cfg)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			res.r = checks.Runner{}.Run(ctx, env, []*checks.Check{Check})[0]
			cancel()
			res.out, res.goOK = checktest.GoModDownload(t, sb, dir, extra, time.Minute)
			if tc.fix != "" {
				res.fixed = true
				res.fixOut, res.fixOK = runFixes(t, res.r, tc.fix, sb, dir, extra)
			}
			results[i] <- res
		}()
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := <-results[i]
			r := res.r
			if r.Status != tc.status {
				t.Errorf("status %s, want %s", r.Status, tc.status)
			}
			checktest.Want(t, r, tc.want...)
			if tc.check != nil {
				tc.check(t, r)
			}
			if res.goOK != tc.goOK {
				t.Errorf("go mod download succeeded=%v, the case expects %v:\n%s", res.goOK, tc.goOK, res.out)
			}
			for _, say := range tc.goSays {
				if !strings.Contains(res.out, say) {
					t.Errorf("the go command does not say %q:\n%s", say, res.out)
				}
			}
			if doctorOK := r.Status != checks.StatusFail; doctorOK != res.goOK && !tc.exception {
				t.Errorf("the doctor says the go command %s, but go mod download succeeded=%v:\n%s",
					map[bool]string{true: "works", false: "fails"}[doctorOK], res.goOK, res.out)
			}
			if res.fixed && !res.fixOK {
				t.Errorf("after the doctor's fixes, go mod download still fails:\n%s", res.fixOut)
			}
			if t.Failed() || os.Getenv("SUMDB_DUMP") != "" {
				t.Logf("doctor:\n%s", checktest.Dump(r))
			}
		})
	}
}

// runFixes runs, in a shell in the module's directory and the
// sandbox's environment, every fix of the finding with that code, then
// 'go mod download'.
func runFixes(t *testing.T, r checks.CheckResult, code string, sb *fixtures.Sandbox, dir string, extra []string) (string, bool) {
	return runFixesIn(t, r, code, sb, dir, dir, extra)
}

// runFixesIn runs the fixes in runDir (where the doctor ran) and the
// go command in modDir.
func runFixesIn(t *testing.T, r checks.CheckResult, code string, sb *fixtures.Sandbox, runDir, modDir string, extra []string) (string, bool) {
	var log strings.Builder
	f := checktest.Finding(r, code)
	if f == nil || len(f.Fixes) == 0 {
		return "no " + code + " finding with fixes", false
	}
	for _, x := range f.Fixes {
		cmd := exec.Command("sh", "-c", x.Command)
		cmd.Dir, cmd.Env = runDir, sb.Environ(extra...)
		out, err := cmd.CombinedOutput()
		log.WriteString("$ " + x.Command + "\n" + string(out))
		if err != nil {
			log.WriteString(err.Error() + "\n")
			return log.String(), false
		}
	}
	out, ok := checktest.GoModDownload(t, sb, modDir, extra, time.Minute)
	log.WriteString("$ go mod download\n" + out)
	return log.String(), ok
}

// The fix for a tampered line restores the database's line, with
// verification on.
func TestSumDBFixRestoresTheLine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.fix.test"})
	proxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{db}})
	sb := fixtures.NewSandbox(t, proxy.URL)
	// A comment-free go.sum where the tampered line is the go.mod one,
	// in a subdirectory of where the doctor runs.
	dir := sumdbModule(t, "", checktest.HelloSum+strings.Replace(greetSum, "/go.mod h1:Jw", "/go.mod h1:Qw", 1))
	extra := append(append([]string(nil), checktest.Contain...), via(proxy, db)...)
	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
	env.Dir = filepath.Dir(dir)
	r := checktest.Run(t, env, Check, 20*time.Second)
	f := checktest.Finding(r, "SUMDB_GOSUM_MISMATCH")
	if f == nil || f.Subject != "example.test/greet@v0.1.0/go.mod" || !strings.HasPrefix(f.Fixes[0].Command, "cd ") {
		t.Fatalf("no go.mod mismatch with a cd:\n%s", checktest.Dump(r))
	}
	out, ok := runFixesIn(t, r, "SUMDB_GOSUM_MISMATCH", sb, env.Dir, dir, extra)
	if !ok {
		t.Fatalf("fix failed:\n%s", out)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "go.sum"))
	for _, l := range db.Lines("example.test/greet", "v0.1.0") {
		if !strings.Contains(string(data), l+"\n") {
			t.Errorf("go.sum lacks %q after the fix:\n%s", l, data)
		}
	}
	if strings.Contains(string(data), "h1:Qw") {
		t.Errorf("the tampered line survived:\n%s", data)
	}
}

// The audit reads the go command's lookups and tiles from its cache and
// sends the database nothing but /latest; no go.sum line of an exempt
// module is named to it, and outside a module nothing is looked up.
func TestSumDBReusesTheGoCommandsCache(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.warm.test"})
	proxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{db}})
	sb := fixtures.NewSandbox(t, proxy.URL)
	dir := sumdbModule(t, "", "")
	extra := append(append([]string(nil), checktest.Contain...), via(proxy, db)...)
	// The real go command fills its cache and go.sum.
	if out, err := sb.Go(t, dir, extra, "mod", "download", "example.test/greet@v0.1.0", "example.test/hello@v1.0.0"); err != nil {
		t.Fatalf("go mod download: %v\n%s", err, out)
	}
	before := len(db.Requests())
	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
	r := checktest.Run(t, env, Check, 20*time.Second)
	if r.Status != checks.StatusPass {
		t.Fatalf("status %s:\n%s", r.Status, checktest.Dump(r))
	}
	asked := db.Requests()[before:]
	if len(asked) != 1 || asked[0] != "/latest" {
		t.Errorf("with the go command's cache warm, the doctor asked the database %q; want only /latest", asked)
	}
	f := checktest.Finding(r, "SUMDB_GOSUM_VERIFIED")
	if f == nil || !regexp.MustCompile(`lookups: 2 from the go command's cache, 0 from the database; tiles: [1-9][0-9]* from the go command's cache, 0 from the database`).MatchString(f.Detail) {
		t.Errorf("verified: %+v", f)
	}
}

// Scripted: everything the check needs is the plan's business, and the
// plan alone decides what is named to the database.
func TestSumDBPlan(t *testing.T) {
	gomod := sumdbGoMod + "\nrequire (\n\tcorp.example/lib v1.2.0\n\tlocal.example/dir v1.0.0\n\tgolang.org/toolchain v0.0.1-go1.99.0.linux-amd64\n)\n\nreplace local.example/dir => ../dir\n"
	gosum := checktest.HelloSum + "corp.example/lib v1.2.0 h1:aaaa\ncorp.example/lib v1.2.0/go.mod h1:bbbb\nexample.test/odd v1.0.0 h2:cccc\nbad line\n"
	dir := sumdbModule(t, gomod, gosum)
	for _, tc := range []struct {
		process              map[string]string
		exemptVar            string
		audit, exempt, other int
		withheld             int
		needed, reqTotal     int
	}{
		{process: map[string]string{"GOPRIVATE": "corp.example"}, exemptVar: "GOPRIVATE", audit: 2, exempt: 2, other: 1, needed: 2, reqTotal: 5},
		// GONOSUMDB set: GOPRIVATE exempts nothing from the database,
		// but keeps corp.example from proxies (GONOPROXY's default): the
		// go command never names its go.sum lines to the database, nor
		// does the audit (withheld).
		{process: map[string]string{"GOPRIVATE": "corp.example", "GONOSUMDB": "example.test/hello"}, exemptVar: "GONOSUMDB", audit: 0, withheld: 2, exempt: 2, other: 1, needed: 2, reqTotal: 5},
		{process: map[string]string{"GONOSUMDB": "*"}, exemptVar: "GONOSUMDB", audit: 0, exempt: 5, needed: 1, reqTotal: 5},
	} {
		g := newGoEnvForPlan(tc.process)
		env := checks.NewEnv(dir, g, loadModule(t, dir))
		p := reqs.SumDB(env)
		if len(p.Audit) != tc.audit || len(p.Withheld) != tc.withheld || len(p.Exempt) != tc.exempt || len(p.Other) != tc.other || len(p.Bad) != 1 {
			t.Errorf("%v: audit %d withheld %d exempt %d other %d bad %d", tc.process, len(p.Audit), len(p.Withheld), len(p.Exempt), len(p.Other), len(p.Bad))
		}
		if p.NeededCount() != tc.needed || len(p.Reqs) != tc.reqTotal {
			t.Errorf("%v: needed %v of %d", tc.process, slices.Collect(p.Needed()), len(p.Reqs))
		}
		for _, e := range p.Exempt {
			if e.Var != tc.exemptVar {
				t.Errorf("%v: %s exempt by %s, want %s", tc.process, e.Path, e.Var, tc.exemptVar)
			}
		}
		// The toolchain module is always checked (modfetch.useSumDB).
		for _, q := range p.Reqs {
			if q.Fetch.Path == reqs.ToolchainModule && !q.Checked() {
				t.Errorf("%v: the toolchain module is exempt", tc.process)
			}
			if q.Mod.Path == "local.example/dir" && (q.Fetch != module.Version{} || q.Dir != "../dir") {
				t.Errorf("directory replacement: %+v", q)
			}
		}
	}
}

// newGoEnvForPlan is a Go environment with the given process variables
// over the test checktest.Defaults (goJSON absent: GONOSUMDB checktest.Defaults to GOPRIVATE
// as the go command computes it).
func newGoEnvForPlan(process map[string]string) *goenv.Env {
	return goenv.New(process, nil, checktest.Defaults)
}

func loadModule(t *testing.T, dir string) *mainmod.Module {
	t.Helper()
	m := mainmod.Load(filepath.Join(dir, "go.mod"), "")
	if m == nil || m.Err != nil {
		t.Fatalf("loading %s: %+v", dir, m)
	}
	return m
}

// A database that never answers, and one whose lookups never answer:
// the check ends at the run's deadline with what it knows.
func TestSumDBBoundedTime(t *testing.T) {
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.slow.test"})
	h := db.Handler()
	stalling := fixtures.HTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/lookup/example.test/greet") {
			<-r.Context().Done() // never answers
			return
		}
		h.ServeHTTP(w, r)
	}))
	proxy := fixtures.GoProxy(t)
	for _, tc := range []struct {
		name   string
		url    string
		status checks.Status
		want   string
	}{
		{"hanging database", "http://" + fixtures.Hanging(t), checks.StatusFail, "SUMDB_UNREACHABLE fail"},
		// greet is missing from go.sum: the go command would wait forever.
		{"hanging lookup", stalling.URL, checks.StatusFail, "SUMDB_INCOMPLETE fail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := fixtures.NewSandbox(t, proxy.URL)
			dir := sumdbModule(t, "", checktest.HelloSum)
			extra := append(append([]string(nil), checktest.Contain...), "GOSUMDB="+db.Key+" "+tc.url)
			env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
			start := time.Now()
			r := checktest.Run(t, env, Check, time.Second)
			if d := time.Since(start); d > time.Second+500*time.Millisecond {
				t.Errorf("took %v with a 1s deadline", d)
			}
			if r.Status != tc.status {
				t.Errorf("status %s, want %s:\n%s", r.Status, tc.status, checktest.Dump(r))
			}
			checktest.Want(t, r, tc.want)
		})
	}
}

// In a workspace, go.work.sum and every used module's go.sum are
// audited.
func TestSumDBPlanWorkspace(t *testing.T) {
	root := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.work", "go 1.21\n\nuse (\n\t./app\n\t./lib\n)\n")
	write("go.work.sum", greetSum)
	write("app/go.mod", sumdbGoMod)
	write("app/go.sum", checktest.HelloSum)
	write("lib/go.mod", "module example.test/lib\n\ngo 1.21\n")
	write("lib/go.sum", "other.test/tool v1.0.0/go.mod h1:x\n")
	m := mainmod.Load(filepath.Join(root, "app", "go.mod"), filepath.Join(root, "go.work"))
	env := checks.NewEnv(filepath.Join(root, "app"), newGoEnvForPlan(nil), m)
	p := reqs.SumDB(env)
	if len(p.Files) != 3 || len(p.Audit) != 5 {
		t.Errorf("files %q, %d lines to audit; want 3 files, 5 lines", p.Files, len(p.Audit))
	}
	if n := slices.Collect(p.Needed()); len(n) != 0 || p.NeededCount() != 0 {
		t.Errorf("greet's hashes are in go.work.sum, yet needed: %v", n)
	}
}

// A download in the module cache that the database does not vouch for
// (its .ziphash changed here; a proxy altering content looks the same):
// the go command's next download fails, and so does the check; the
// check's repair of that one entry makes both work again.
func TestSumDBDownloadMismatch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.altered.test"})
	proxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{db}})
	sb := fixtures.NewSandbox(t, proxy.URL)
	dir := sumdbModule(t, "", checktest.HelloSum+greetSum)
	extra := append(append([]string(nil), checktest.Contain...), via(proxy, db)...)
	if out, ok := checktest.GoModDownload(t, sb, dir, extra, time.Minute); !ok {
		t.Fatalf("go mod download: %s", out)
	}
	zh := filepath.Join(sb.Vars["GOMODCACHE"], "cache", "download", "example.test", "hello", "@v", "v1.0.0.ziphash")
	if err := os.WriteFile(zh, []byte("h1:AAAAVEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk="), 0o644); err != nil {
		t.Fatal(err)
	}
	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
	r := checktest.Run(t, env, Check, 20*time.Second)
	checktest.Want(t, r, "SUMDB_DOWNLOAD_MISMATCH fail")
	if out, ok := checktest.GoModDownload(t, sb, dir, extra, time.Minute); ok {
		t.Errorf("go mod download succeeds with the altered download, the check says it fails:\n%s", out)
	}
	// The repair: the entry's removal and its download, not the last
	// resort; nothing applied without consent.
	f := checktest.Finding(r, "SUMDB_DOWNLOAD_MISMATCH")
	for _, x := range f.Fixes {
		if x.Auto || x.Command == "go clean -modcache" {
			t.Errorf("fix %q: auto %v", x.Command, x.Auto)
		}
	}
	fixes := f.Fixes[:2]
	r.Findings = []checks.Finding{{Code: "X", Fixes: fixes}}
	if out, ok := runFixes(t, r, "X", sb, dir, extra); !ok {
		t.Errorf("after the repair: %s", out)
	}
	if r := checktest.Run(t, checks.NewEnv(env.Dir, env.Go, env.Module), Check, 20*time.Second); r.Status != checks.StatusPass {
		t.Errorf("after the repair, status %s:\n%s", r.Status, checktest.Dump(r))
	}
}

// TestSumDBWrongKeyFix: GOSUMDB in the GOENV file names a database whose
// key the go command carries built in, but with another key (an old or
// mistyped one): the database's tree head does not verify, the go
// command fails, and the fix --fix applies restores the built-in key
// (GOSUMDB=<name>). That fix cannot be shown to work on loopback: only
// the real database's signature verifies with the built-in key, so a
// fixture database under that name (served by the loopback proxy, so
// that nothing reaches the real one) still fails afterwards, and the
// doctor, now using the built-in key, no longer offers the fix. The
// fix_*.txtar scripts exempt SUMDB_WRONG_KEY for that reason
// (TestFixScriptsCoverAutoFixes).
func TestSumDBWrongKeyFix(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	names, _ := goenv.KnownSumDBs()
	if len(names) == 0 {
		t.Skip("the go command carries no database key")
	}
	name := names[0]
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: name, WrongKey: true})
	proxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{db}})
	sb := fixtures.NewSandbox(t, proxy.URL)
	delete(sb.Vars, "GOSUMDB")
	if err := os.WriteFile(sb.Vars["GOENV"], []byte("GOSUMDB="+db.GOSUMDB()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := sumdbModule(t, checktest.HelloReq, "")
	run := func() checks.CheckResult {
		env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(checktest.Contain...)})
		env.Options.Resolver = fixtures.DNS(t, checktest.DefaultZone()).Addr
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return checks.Runner{}.Run(ctx, env, []*checks.Check{Check})[0]
	}
	r := run()
	checktest.Want(t, r, "SUMDB_WRONG_KEY fail")
	var fix *checks.Fix
	for _, x := range checktest.Finding(r, "SUMDB_WRONG_KEY").Fixes {
		if x.Key == "GOSUMDB" {
			fix = &x
		}
	}
	if fix == nil || fix.Command != "go env -w GOSUMDB="+name || fix.Kind != checks.FixGoEnv || !fix.Auto {
		t.Fatalf("fix %+v, want go env -w GOSUMDB=%s, automatic:\n%s", fix, name, checktest.Dump(r))
	}
	if out, ok := checktest.GoModDownload(t, sb, dir, checktest.Contain, time.Minute); ok || !strings.Contains(out, "verifying") {
		t.Fatalf("go mod download with the wrong key: ok=%v\n%s", ok, out)
	}
	if out, err := sb.Go(t, dir, checktest.Contain, "env", "-w", "GOSUMDB="+name); err != nil {
		t.Fatalf("go env -w: %v\n%s", err, out)
	}
	r = run()
	if f := checktest.Finding(r, "SUMDB_WRONG_KEY"); f == nil || strings.Contains(checktest.FixCommands(r, "SUMDB_WRONG_KEY"), "GOSUMDB="+name) {
		t.Errorf("with the built-in key, want SUMDB_WRONG_KEY without the fix:\n%s", checktest.Dump(r))
	}
	if out, ok := checktest.GoModDownload(t, sb, dir, checktest.Contain, time.Minute); ok || !strings.Contains(out, "verifying") {
		t.Fatalf("go mod download with the built-in key and a fixture database: ok=%v\n%s", ok, out)
	}
}
