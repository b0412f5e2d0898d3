package proxy

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// slowMirror is the fixture module proxy behind a front that waits delay
// before each answer; it returns the GOPROXY URL and the requests' log.
func slowMirror(t *testing.T, proxy *fixtures.ModProxy, delay time.Duration) (string, *checktest.RequestLog) {
	t.Helper()
	back, err := url.Parse(strings.TrimSuffix(proxy.URL, "/mod"))
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(back)
	log := &checktest.RequestLog{}
	srv := fixtures.HTTPServer(t, log.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		rp.ServeHTTP(w, r)
	})))
	return srv.URL + "/mod", log
}

// The chain fails: of three working candidates of different latency and
// one dead, the fastest is recommended. The candidates are asked only
// about the public probe module, never about the private requirement.
func TestMirrorChoosesFastest(t *testing.T) {
	defer func(g time.Duration) { probe.MirrorGrace = g }(probe.MirrorGrace)
	probe.MirrorGrace = 5 * time.Second // let every candidate finish
	proxy := fixtures.GoProxy(t)
	fast, fastLog := slowMirror(t, proxy, 0)
	medium, mediumLog := slowMirror(t, proxy, 150*time.Millisecond)
	slow, _ := slowMirror(t, proxy, 500*time.Millisecond)
	dead := "http://" + fixtures.ClosedAddr(t) + "/mod"
	broken := fixtures.HTTPServer(t, fixtures.Status(500, "text/plain", "down")).URL

	env := checktest.Env(t, checktest.Case{
		Process: map[string]string{"GOPRIVATE": "private.corp.test"},
		File:    map[string]string{"GOPROXY": broken},
		GoMod:   checktest.AppGoMod + "require private.corp.test/lib v1.0.0\n",
	})
	env.Options.Mirrors = []checks.Mirror{
		{URL: slow, Origin: checks.MirrorFlag}, {URL: dead, Origin: checks.MirrorFlag},
		{URL: medium, Origin: checks.MirrorFlag}, {URL: fast, Origin: checks.MirrorToolchain},
	}
	r := checktest.Run(t, env, Check, 10*time.Second)
	checktest.Want(t, r, "PROXY_MODULE_UNAVAILABLE fail", "PROXY_MIRRORS info")
	f := checktest.Finding(r, "PROXY_MODULE_UNAVAILABLE")
	var fix *checks.Fix
	for i := range f.Fixes {
		if f.Fixes[i].Key == "GOPROXY" && f.Fixes[i].Kind == checks.FixGoEnv {
			fix = &f.Fixes[i]
		}
	}
	if fix == nil {
		t.Fatalf("no GOPROXY fix:\n%s", checktest.Dump(r))
	}
	// direct stays: there are private modules.
	if want := fast + ",direct"; fix.ApplyValue() != want || !fix.Auto {
		t.Errorf("fix %s (auto %v), want GOPROXY=%s, auto:\n%s", fix.Command, fix.Auto, want, checktest.Dump(r))
	}
	detail := checktest.Finding(r, "PROXY_MIRRORS").Detail
	lines := strings.Split(detail, "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], fast) || !strings.HasPrefix(lines[1], medium) || !strings.HasPrefix(lines[2], slow) ||
		!strings.HasPrefix(lines[3], dead) || !strings.Contains(lines[3], "does not work") {
		t.Errorf("measurements not in order fast, medium, slow, dead:\n%s", detail)
	}
	for _, l := range []*checktest.RequestLog{fastLog, mediumLog} {
		all := l.All()
		if !strings.Contains(all, "example.test/hello/@v/v1.0.0") || strings.Contains(all, "private.corp.test") {
			t.Errorf("a candidate was asked:\n%s", all)
		}
	}

	// The plan applies it.
	plan := advisor.Advise(env, []checks.CheckResult{r})
	if s := checktest.StepFor(plan, checks.FixGoEnv, "GOPROXY"); s == nil || s.AppliedBy != checks.ByFix || s.ApplyValue() != fast+",direct" {
		t.Errorf("plan:\n%s", checktest.PlanDump(plan))
	}
}

// Once the fastest has answered, the slower ones are not waited for.
func TestMirrorStopsSlower(t *testing.T) {
	defer func(g time.Duration) { probe.MirrorGrace = g }(probe.MirrorGrace)
	probe.MirrorGrace = 50 * time.Millisecond
	proxy := fixtures.GoProxy(t)
	fast, _ := slowMirror(t, proxy, 0)
	slow, _ := slowMirror(t, proxy, 2*time.Second)
	broken := fixtures.HTTPServer(t, fixtures.Status(500, "text/plain", "down")).URL
	env := checktest.Env(t, checktest.Case{File: map[string]string{"GOPROXY": broken}, GoMod: checktest.AppGoMod})
	env.Options.Mirrors = []checks.Mirror{{URL: slow, Origin: checks.MirrorFlag}, {URL: fast, Origin: checks.MirrorFlag}}
	r := checktest.Run(t, env, Check, 10*time.Second)
	detail := checktest.Finding(r, "PROXY_MIRRORS").Detail
	lines := strings.Split(detail, "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], fast) || !strings.HasPrefix(lines[1], slow) || !strings.Contains(lines[1], "slower than the fastest") {
		t.Errorf("measurements:\n%s", detail)
	}
}

// With no working candidate, the fix is a manual step that says so.
func TestMirrorNoneWorks(t *testing.T) {
	broken := fixtures.HTTPServer(t, fixtures.Status(500, "text/plain", "down")).URL
	env := checktest.Env(t, checktest.Case{File: map[string]string{"GOPROXY": broken}, GoMod: checktest.AppGoMod})
	env.Options.Mirrors = []checks.Mirror{
		{URL: "http://" + fixtures.ClosedAddr(t), Origin: checks.MirrorFlag},
		{URL: fixtures.HTTPServer(t, fixtures.Status(404, "text/plain", "no")).URL, Origin: checks.MirrorPublic},
		{URL: fixtures.HTTPServer(t, fixtures.CaptivePortal()).URL, Origin: checks.MirrorToolchain},
	}
	r := checktest.Run(t, env, Check, 10*time.Second)
	f := checktest.Finding(r, "PROXY_MODULE_UNAVAILABLE")
	if f == nil {
		t.Fatalf("no failure:\n%s", checktest.Dump(r))
	}
	last := f.Fixes[len(f.Fixes)-1]
	if last.Kind != checks.FixManual || !strings.Contains(last.Title, "none of the 3 candidate mirrors serves example.test/hello@v1.0.0") {
		t.Errorf("want a manual step saying none works:\n%s", checktest.Dump(r))
	}
	if m := checktest.Finding(r, "PROXY_MIRRORS"); m == nil || !strings.Contains(m.Message, "none of the 3 candidate mirrors") {
		t.Errorf("no measurement finding:\n%s", checktest.Dump(r))
	}
	for _, x := range f.Fixes {
		if x.Key == "GOPROXY" && x.Auto {
			t.Errorf("an automatic GOPROXY fix although no mirror works: %s", x.Command)
		}
	}
}

// A public third-party mirror needs the user's decision; nothing is
// measured while the configured chain works.
func TestMirrorPublicIsAChoice(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	mirror, log := slowMirror(t, proxy, 0)
	broken := fixtures.HTTPServer(t, fixtures.Status(500, "text/plain", "down")).URL
	env := checktest.Env(t, checktest.Case{File: map[string]string{"GOPROXY": broken}, GoMod: checktest.AppGoMod})
	env.Options.Mirrors = []checks.Mirror{{URL: mirror, Origin: checks.MirrorPublic}}
	r := checktest.Run(t, env, Check, 10*time.Second)
	plan := advisor.Advise(env, []checks.CheckResult{r})
	s := checktest.StepFor(plan, checks.FixGoEnv, "GOPROXY")
	if s == nil || s.AppliedBy != checks.ByYou || s.ApplyValue() != mirror || !strings.Contains(s.Title, "third-party") {
		t.Errorf("want a suggestion to use the public mirror:\n%s", checktest.PlanDump(plan))
	}

	before := len(log.All())
	env = checktest.Env(t, checktest.Case{File: map[string]string{"GOPROXY": proxy.URL}, GoMod: checktest.AppGoMod})
	env.Options.Mirrors = []checks.Mirror{{URL: mirror, Origin: checks.MirrorPublic}}
	r = checktest.Run(t, env, Check, 10*time.Second)
	checktest.Absent(t, r, "PROXY_MIRRORS")
	if len(log.All()) != before {
		t.Errorf("a mirror was asked although the chain works:\n%s", log.All())
	}
}

func TestDefaultMirrorsReadGoEnv(t *testing.T) {
	env := checktest.Env(t, checktest.Case{})
	ms := checks.DefaultMirrors(env.Go)
	if len(ms) != 1+len(checks.PublicMirrors) || ms[0].URL != "https://proxy.example.test" || ms[0].Origin != checks.MirrorToolchain {
		t.Errorf("default mirrors %v", ms)
	}
	for _, m := range ms[1:] {
		if m.Origin != checks.MirrorPublic {
			t.Errorf("%v", m)
		}
	}
}

// A proxy that accepts connections and never answers: the go command
// would wait forever. The doctor says so after the silence bound, not at
// the end of --timeout, and spends the rest measuring the candidate
// mirrors: the healthy one is recommended, automatically.
func TestHangingProxyLeavesTimeForMirrors(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	mirror, log := slowMirror(t, proxy, 0)
	hanging := "http://" + fixtures.Hanging(t)
	env := checktest.Env(t, checktest.Case{File: map[string]string{"GOPROXY": hanging}, GoMod: checktest.AppGoMod})
	env.Options.Mirrors = []checks.Mirror{{URL: mirror, Origin: checks.MirrorToolchain}}
	start := time.Now()
	r := checktest.Run(t, env, Check, 10*time.Second) // the default --timeout
	took := time.Since(start)
	t.Logf("the check took %v of its 10s", took)
	checktest.Want(t, r, "PROXY_TIMEOUT fail", "PROXY_MODULE_UNAVAILABLE fail", "PROXY_MIRRORS info")
	if f := checktest.Finding(r, "PROXY_TIMEOUT"); f == nil || !strings.Contains(f.Message, "wait forever") || !strings.Contains(f.Message, "no answer within 3000ms") {
		t.Errorf("the finding does not say the go command would wait forever:\n%s", checktest.Dump(r))
	}
	if !strings.Contains(log.All(), "example.test/hello/@v/v1.0.0") {
		t.Errorf("the mirror was not measured:\n%s", log.All())
	}
	plan := advisor.Advise(env, []checks.CheckResult{r})
	if s := checktest.StepFor(plan, checks.FixGoEnv, "GOPROXY"); s == nil || s.AppliedBy != checks.ByFix || s.ApplyValue() != mirror {
		t.Errorf("want the mirror, applied by --fix:\n%s", checktest.PlanDump(plan))
	}
	if took >= 9*time.Second {
		t.Errorf("the check used %v of its 10s deadline", took)
	}
}

// A proxy that is the team's own (it has credentials in its URL or in
// .netrc, it asks for them, or its name is not a public one) is never
// replaced automatically by a mirror, even a measured and healthy one:
// the fix is a suggestion that says why. A failing proxy with none of
// these signs is replaced by --fix (TestMirrorChoosesFastest).
func TestMirrorNeverReplacesTeamProxyAutomatically(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	mirror, _ := slowMirror(t, proxy, 0)
	ca := fixtures.NewCA(t, "Fixture CA")
	unauthorized := fixtures.Status(401, "text/plain", "login first")
	plain := fixtures.HTTPServer(t, unauthorized).URL
	secure := fixtures.HTTPSServer(t, unauthorized, ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}}), nil).URL
	netrc := filepath.Join(t.TempDir(), "netrc")
	fixtures.WriteFile(t, netrc, []byte("machine "+checktest.HostPortOf(plain)+" login bob password team-pw-9\n"))
	refused := "http://" + fixtures.ClosedAddr(t)
	for _, tt := range []struct {
		name    string
		goproxy string
		process map[string]string
		why     string
	}{
		{"401, credentials in the URL", strings.Replace(secure, "https://", "https://bob:team-pw-9@", 1), map[string]string{"SSL_CERT_FILE": ca.File}, "credentials in its URL"},
		{"401, credentials in .netrc", plain, map[string]string{"NETRC": netrc}, "credentials for it in"},
		{"401, no credentials", plain, nil, "it asks for credentials"},
		{"a name that is not public", "https://goproxy.corp.test", nil, "not a public host name"},
		{"a refusing proxy with credentials in .netrc", refused, map[string]string{"NETRC": netrc}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			process := map[string]string{}
			for k, v := range tt.process {
				process[k] = v
			}
			env := checktest.Env(t, checktest.Case{Process: process, File: map[string]string{"GOPROXY": tt.goproxy}, GoMod: checktest.AppGoMod})
			env.Options.Mirrors = []checks.Mirror{{URL: mirror, Origin: checks.MirrorToolchain}}
			r := checktest.Run(t, env, Check, 10*time.Second)
			checktest.Want(t, r, "PROXY_MIRRORS info")
			var fix *checks.Fix
			for _, f := range r.Findings {
				for i := range f.Fixes {
					if f.Fixes[i].Key == "GOPROXY" && f.Fixes[i].ApplyValue() == mirror {
						fix = &f.Fixes[i]
					}
				}
			}
			plan := advisor.Advise(env, []checks.CheckResult{r})
			s := checktest.StepFor(plan, checks.FixGoEnv, "GOPROXY")
			if tt.why == "" { // the .netrc line is for another host: no sign
				if fix == nil || !fix.Auto || s == nil || s.AppliedBy != checks.ByFix || s.ApplyValue() != mirror {
					t.Errorf("want the mirror applied by --fix:\n%s", checktest.PlanDump(plan))
				}
				return
			}
			if fix == nil || fix.Auto || !strings.Contains(fix.Title, "your team's own proxy ("+tt.why) {
				t.Errorf("want the mirror as a suggestion saying %q:\n%s", tt.why, checktest.Dump(r))
			}
			if s != nil && s.AppliedBy == checks.ByFix {
				t.Errorf("--fix would change GOPROXY:\n%s", checktest.PlanDump(plan))
			}
			if strings.Contains(checktest.Dump(r)+checktest.PlanDump(plan), "team-pw-9") {
				t.Errorf("a credential leaked")
			}
		})
	}
}
