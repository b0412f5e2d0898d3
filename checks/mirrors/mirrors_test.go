package mirrors_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/checks/mirrors"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// world is the acceptance fixture: five candidates on loopback.
type world struct {
	stale, missing, fast, slow *fixtures.Mirror
	dead                       string
}

func newWorld(t testing.TB, sumdb string) *world {
	fresh := fixtures.MirrorModules(false)
	return &world{
		// The stale and the incomplete mirrors are the fastest: the
		// recommendation must pass them over.
		stale:   fixtures.NewMirror(t, fixtures.MirrorModules(true), 0, sumdb),
		missing: fixtures.NewMirror(t, fixtures.Without(fresh, "example.test/extra"), 2*time.Millisecond, sumdb),
		fast:    fixtures.NewMirror(t, fresh, 10*time.Millisecond, sumdb),
		slow:    fixtures.NewMirror(t, fresh, 250*time.Millisecond, sumdb),
		dead:    "http://" + fixtures.ClosedAddr(t) + "/mod",
	}
}

func (w *world) all() []*fixtures.Mirror {
	return []*fixtures.Mirror{w.stale, w.missing, w.fast, w.slow}
}

// measure runs the measurement with the stale mirror as the GOPROXY in
// force (followed by direct) and the others named with --mirror.
func measure(t testing.TB, w *world, process map[string]string, gomod string) (*checks.Env, *mirrors.Result) {
	p := map[string]string{"GOSUMDB": checktest.KnownSumDB()}
	for k, v := range process {
		p[k] = v
	}
	// 127.0.0.1 stands for a public mirror's host here (a host that is
	// not a public name would be kept as the user's own infrastructure).
	// GOPROXY is in the GOENV file, where 'go env -w' changes it.
	env := checktest.Env(t, checktest.Case{Process: p, File: map[string]string{"GOPROXY": w.stale.URL + ",direct"}, GoMod: gomod, Public: "127.0.0.1"})
	cands := mirrors.Candidates(env.Go, []string{w.missing.URL, w.fast.URL, w.slow.URL, w.dead}, "none", "GOMODDOCTOR_MIRRORS")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return env, mirrors.Measure(ctx, env, mirrors.Options{Candidates: cands})
}

func dump(res *mirrors.Result) string {
	var b strings.Builder
	for _, c := range res.Candidates {
		fmt.Fprintf(&b, "%d %s (%s) reach=%v/%s median=%s p90=%s served=%d lacks=%v stale=%v sumdb=%q fresh=%v why=%q requests=%d\n",
			c.Rank, c.URL, c.Origin, c.Reach.OK, c.Reach.Stage, c.Median, c.P90, c.Served, c.Lacks, c.Stale, c.SumDB, c.Fresh, c.Why, c.Requests)
	}
	fmt.Fprintf(&b, "recommend: %+v\n", res.Recommend)
	return b.String()
}

func TestRanksStaleMissingDead(t *testing.T) {
	w := newWorld(t, checktest.KnownSumDB())
	_, res := measure(t, w, nil, fixtures.MirrorAppGoMod)
	t.Log("\n" + dump(res))
	// Fresh ones by speed; then those that answer, by how many problems
	// they have (missing: one module; stale: two answers); then the dead.
	want := []string{w.fast.URL, w.slow.URL, w.missing.URL, w.stale.URL, w.dead}
	for i, u := range want {
		if i >= len(res.Candidates) || res.Candidates[i].URL != u {
			t.Fatalf("rank %d: want %s\n%s", i+1, u, dump(res))
		}
	}
	fast, slow, missing, stale, dead := res.Candidates[0], res.Candidates[1], res.Candidates[2], res.Candidates[3], res.Candidates[4]
	if !fast.Fresh || !slow.Fresh || stale.Fresh || missing.Fresh || dead.Fresh {
		t.Errorf("fresh verdicts wrong:\n%s", dump(res))
	}
	if fast.Median >= slow.Median || fast.Median < 10*time.Millisecond {
		t.Errorf("latencies: fast %s, slow %s", fast.Median, slow.Median)
	}
	if stale.Origin != checks.MirrorGOPROXY || fast.Origin != checks.MirrorFlag {
		t.Errorf("origins: %s %s", stale.Origin, fast.Origin)
	}
	// What is stale, and what the go command would get through it.
	got := map[string]string{}
	for _, s := range stale.Stale {
		got[s.Path] = s.Got + "<" + s.Want
	}
	if got["example.test/lib"] != "v1.0.0<v1.1.0" || got["example.test/branchy"] != fixtures.MirrorBranchOld+"<"+fixtures.MirrorBranchNew || len(got) != 2 {
		t.Errorf("stale: %v", stale.Stale)
	}
	if !strings.Contains(stale.Why, "example.test/lib@latest is v1.0.0, not v1.1.0") {
		t.Errorf("stale why: %s", stale.Why)
	}
	if len(fast.Stale)+len(slow.Stale)+len(missing.Stale) != 0 {
		t.Errorf("fresh mirrors called stale:\n%s", dump(res))
	}
	if len(missing.Lacks) != 1 || missing.Lacks[0].Module != "example.test/extra@v1.0.0" || missing.Lacks[0].Answer != "404 Not Found" || missing.Served != 2 {
		t.Errorf("missing: %+v", missing.Lacks)
	}
	if dead.Reach.OK || dead.Reach.Stage != "TCP" || dead.Requests != 1 {
		t.Errorf("dead: %+v, %d requests", dead.Reach, dead.Requests)
	}
	for _, c := range res.Candidates {
		if c.Requests > mirrors.MaxRequests {
			t.Errorf("%s: %d requests > %d", c.URL, c.Requests, mirrors.MaxRequests)
		}
		if c.Reach.OK && (c.SumDB != "proxied" || c.Zip == nil || c.Zip.Err != "" || c.Zip.Bytes == 0) {
			t.Errorf("%s: sumdb %q zip %+v", c.URL, c.SumDB, c.Zip)
		}
	}
	rec := res.Recommend
	if rec.Mirror == nil || rec.Mirror.URL != w.fast.URL {
		t.Fatalf("recommendation: %+v", rec)
	}
	if rec.Value != w.fast.URL+",direct" || rec.Command != "go env -w GOPROXY="+w.fast.URL+",direct" {
		t.Errorf("value %q, command %q", rec.Value, rec.Command)
	}
}

// TestRecommendedGetsFresh runs the real go command with the GOPROXY
// the measurement recommends: it gets the fresh versions, where the
// GOPROXY in force (the stale mirror) gets the old ones.
func TestRecommendedGetsFresh(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	w := newWorld(t, checktest.KnownSumDB())
	_, res := measure(t, w, nil, fixtures.MirrorAppGoMod)
	if res.Recommend.Mirror == nil {
		t.Fatalf("no recommendation:\n%s", dump(res))
	}
	for _, c := range []struct {
		goproxy, lib, branchy string
	}{
		{w.stale.URL + ",direct", "v1.0.0", fixtures.MirrorBranchOld},
		{res.Recommend.Value, "v1.1.0", fixtures.MirrorBranchNew},
	} {
		sb := fixtures.NewSandbox(t, c.goproxy)
		sb.Vars["GOSUMDB"] = "off" // the generated modules are in no database
		app := fixtures.WriteApp(t, fixtures.MirrorAppGoMod)
		if out, ok := checktest.GoCmd(t, sb, app, checktest.Contain, "get", "example.test/lib@latest", "example.test/branchy@latest"); !ok {
			t.Fatalf("GOPROXY=%s go get: %s", c.goproxy, out)
		}
		out, ok := checktest.GoCmd(t, sb, app, checktest.Contain, "list", "-m", "-f", "{{.Path}} {{.Version}}", "example.test/lib", "example.test/branchy")
		want := "example.test/lib " + c.lib + "\nexample.test/branchy " + c.branchy + "\n"
		if !ok || out != want {
			t.Errorf("GOPROXY=%s: go list -m says\n%s\nwant\n%s", c.goproxy, out, want)
		}
	}
}

// TestPrivacy: with GOPRIVATE (and GONOSUMDB) set, no request names a
// private path to any candidate, and the private requirements are
// reported as named to nobody.
func TestPrivacy(t *testing.T) {
	w := newWorld(t, checktest.KnownSumDB())
	gomod := strings.Replace(fixtures.MirrorAppGoMod, "require (\n",
		"require (\n\tcorp.example.test/secret v1.0.0\n\tteam.example.test/lib v1.2.0 // indirect\n", 1)
	_, res := measure(t, w, map[string]string{
		"GOPRIVATE": "corp.example.test", "GONOSUMDB": "team.example.test",
	}, gomod)
	for _, m := range w.all() {
		for _, p := range m.Paths() {
			if strings.Contains(p, "corp.example.test") || strings.Contains(p, "team.example.test") {
				t.Errorf("%s was asked for %s", m.URL, p)
			}
		}
		if len(m.Paths()) == 0 {
			t.Errorf("%s was asked nothing", m.URL)
		}
	}
	if len(res.Private) != 2 || res.Private[0].Var == "GONOSUMDB" || res.Private[0].ViaProxy || res.Private[1].Var != "GONOSUMDB" || !res.Private[1].ViaProxy {
		t.Errorf("private: %+v", res.Private)
	}
	notes := strings.Join(res.Recommend.Notes, "\n")
	if !strings.Contains(notes, "nothing changes for them") || !strings.Contains(notes, "GONOSUMDB only") {
		t.Errorf("notes: %s", notes)
	}
	for _, r := range res.Requirements {
		if strings.Contains(r, "example.test/secret") || strings.Contains(r, "team.example.test") {
			t.Errorf("private requirement measured: %s", r)
		}
	}
}

// TestKeepsPrivateEntries: an entry of the user's GOPROXY on a host
// that is not a public name stays first, with its '|'.
func TestKeepsPrivateEntries(t *testing.T) {
	w := newWorld(t, checktest.KnownSumDB())
	corp := strings.Replace(w.slow.URL, "127.0.0.1", "goproxy.corp.test", 1)
	env := checktest.Env(t, checktest.Case{Process: map[string]string{
		"GOPROXY": corp + "|" + w.stale.URL + ",direct", "GOSUMDB": checktest.KnownSumDB(),
	}, GoMod: fixtures.MirrorAppGoMod, Public: "127.0.0.1"})
	cands := mirrors.Candidates(env.Go, []string{w.fast.URL}, "none", "GOMODDOCTOR_MIRRORS")
	res := mirrors.Measure(context.Background(), env, mirrors.Options{Candidates: cands})
	if res.Recommend.Mirror == nil || res.Recommend.Mirror.URL != w.fast.URL {
		t.Fatalf("recommendation:\n%s", dump(res))
	}
	if want := corp + "|" + w.fast.URL + ",direct"; res.Recommend.Value != want {
		t.Errorf("value %q, want %q", res.Recommend.Value, want)
	}
	if len(res.Recommend.Kept) != 1 || res.Recommend.Kept[0] != corp {
		t.Errorf("kept: %v", res.Recommend.Kept)
	}
}

// TestNoneFresh: when no candidate serves everything fresh there is no
// recommendation, and the reason says so.
func TestNoneFresh(t *testing.T) {
	w := newWorld(t, "")
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": "off"}, GoMod: fixtures.MirrorAppGoMod})
	cands := mirrors.Candidates(env.Go, []string{w.stale.URL, w.missing.URL, w.dead}, "none", "X")
	res := mirrors.Measure(context.Background(), env, mirrors.Options{Candidates: cands})
	if res.Recommend.Mirror != nil || !strings.Contains(res.Recommend.None, "none of the 3 candidate mirrors serves every requirement") {
		t.Errorf("recommendation: %+v\n%s", res.Recommend, dump(res))
	}
	if res.SumDB != "" || res.Candidates[0].SumDB != "" {
		t.Errorf("sumdb asked with GOSUMDB=off")
	}
}

// TestHanging: a mirror that never answers is reported as such within
// the deadline, and the others are measured.
func TestHanging(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "")
	hang := "http://" + fixtures.Hanging(t) + "/mod"
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": "direct"}, GoMod: fixtures.MirrorAppGoMod})
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	res := mirrors.Measure(ctx, env, mirrors.Options{Candidates: []checks.Mirror{{URL: hang, Origin: "x"}, {URL: w.fast.URL, Origin: "x"}}})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s", d)
	}
	if res.Candidates[1].Reach.OK || res.Candidates[1].Reach.Stage != "timeout" || !res.Candidates[0].Fresh {
		t.Errorf("\n%s", dump(res))
	}
	if res.Recommend.Value != w.fast.URL+",direct" {
		t.Errorf("value %q", res.Recommend.Value)
	}
}

// The candidates: the GOPROXY in force (here the toolchain's default,
// named once with both origins), --mirror, then the public mirrors or
// the list that replaces them.
func TestCandidates(t *testing.T) {
	env := checktest.Env(t, checktest.Case{})
	def := strings.TrimSuffix(checktest.Defaults["GOPROXY"], ",direct")
	got := func(replace string) string {
		var s []string
		for _, m := range mirrors.Candidates(env.Go, []string{"https://m.example.test/"}, replace, "X") {
			s = append(s, m.URL+" ("+m.Origin+")")
		}
		return strings.Join(s, "; ")
	}
	want := def + " (GOPROXY, toolchain default); https://m.example.test (--mirror)"
	for _, u := range checks.PublicMirrors {
		want += "; " + u + " (public mirror)"
	}
	if g := got(""); g != want {
		t.Errorf("default:\n got %s\nwant %s", g, want)
	}
	if g := got("none"); g != def+" (GOPROXY); https://m.example.test (--mirror)" {
		t.Errorf("none: %s", g)
	}
	if g := got("https://a.example.test, ftp://bad, https://m.example.test"); g != def+" (GOPROXY); https://m.example.test (--mirror); https://a.example.test ($X)" {
		t.Errorf("replaced: %s", g)
	}
}
