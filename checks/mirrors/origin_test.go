package mirrors_test

import (
	"context"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/mirrors"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// With --origin, @latest is also resolved at the origin as
// GOPROXY=direct would (the real go command, git over HTTPS from a
// fixture server): two mirrors that agree with each other but are both
// behind the origin are named stale, and none is recommended; without
// --origin nothing can tell.
func TestOrigin(t *testing.T) {
	t.Parallel()
	gs := fixtures.NewGitServer(t, "git.origin.test", "", "")
	files := map[string]string{"go.mod": "module git.origin.test/lib\n\ngo 1.21\n", "lib.go": "package lib\n"}
	gs.AddModule(t, "lib", files, "v1.0.0")
	gs.AddModule(t, "lib", map[string]string{"lib.go": "package lib\n\nconst V = 1\n"}, "v1.1.0")
	gs.AddModule(t, "lib", map[string]string{"lib.go": "package lib\n\nconst V = 2\n"}, "v1.2.0")
	var mods []fixtures.Module
	for _, v := range []string{"v1.0.0", "v1.1.0"} {
		mods = append(mods, fixtures.Module{Path: "git.origin.test/lib", Version: v, Files: files})
	}
	a, b := fixtures.NewMirror(t, mods, 0), fixtures.NewMirror(t, mods, 0)
	sb := fixtures.NewSandbox(t, a.URL+",direct")
	sb.Vars["GOSUMDB"] = "off"
	dir := fixtures.WriteApp(t, "module example.test/app\n\ngo 1.21\n\nrequire git.origin.test/lib v1.0.0\n")
	cands := []checks.Mirror{{URL: a.URL, Origin: "a"}, {URL: b.URL, Origin: "b"}}
	for _, origin := range []bool{false, true} {
		env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(gs.Environ()...)})
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		res := mirrors.Measure(ctx, env, mirrors.Options{Candidates: cands, Origin: origin})
		cancel()
		q := res.Queries[0]
		if !origin {
			if q.Origin != "" || !res.Candidates[0].Fresh || res.Recommend.Mirror == nil {
				t.Errorf("without --origin:\n%s", dump(res))
			}
			continue
		}
		if q.Origin != "v1.2.0" || q.Freshest != "v1.2.0" || q.OriginErr != "" {
			t.Fatalf("origin: %+v\n%s", q, dump(res))
		}
		for _, c := range res.Candidates {
			if c.Fresh || len(c.Stale) != 1 || c.Stale[0].From != "origin" || c.Stale[0].Got != "v1.1.0" {
				t.Errorf("%s: %+v", c.URL, c.Stale)
			}
		}
		if res.Recommend.Mirror != nil {
			t.Errorf("recommended a stale mirror: %+v", res.Recommend)
		}
	}
	if len(gs.Hits()) == 0 {
		t.Errorf("the origin was not asked")
	}
}
