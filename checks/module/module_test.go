package module

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// TestModuleCheckAgreesWithGoCommand: for each broken module, the real go
// command fails exactly when the module check says fail, with the
// finding the case names; healthy variants pass on both sides.
func TestModuleCheckAgreesWithGoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	proxy := fixtures.GoProxy(t)
	hello := map[string]string{"go.mod": checktest.HelloReq, "go.sum": checktest.HelloSum, "main.go": checktest.HelloMain}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range hello {
			m[k] = v
		}
		for k, v := range extra {
			if v == "" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	vendored := map[string]string{
		"vendor/example.test/hello/hello.go": "package hello\n\nconst Hello = \"hello\"\n",
		"vendor/modules.txt":                 "# example.test/hello v1.0.0\n## explicit; go 1.21\nexample.test/hello\n",
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		env   []string
		args  []string // the go command; default: build ./...
		ok    bool
		code  string // the finding, when not ok
		same  bool   // the finding's detail is the go command's error
	}{
		{name: "healthy", files: hello, ok: true},
		{name: "go 1.99 with GOTOOLCHAIN=local", files: with(map[string]string{"go.mod": "module example.test/app\n\ngo 1.99\n"}), args: []string{"mod", "download"}, code: "MODULE_REQUIRES_NEWER_GO"},
		{name: "go 1.99 with GOTOOLCHAIN=auto", files: with(map[string]string{"go.mod": "module example.test/app\n\ngo 1.99\n"}), env: []string{"GOTOOLCHAIN=auto"}, args: []string{"mod", "download"}, code: "MODULE_TOOLCHAIN_UNAVAILABLE"},
		{name: "go 1.99 with GOTOOLCHAIN=path", files: with(map[string]string{"go.mod": "module example.test/app\n\ngo 1.99\n"}), env: []string{"GOTOOLCHAIN=path"}, args: []string{"mod", "download"}, code: "MODULE_TOOLCHAIN_UNAVAILABLE"},
		{name: "toolchain line with GOTOOLCHAIN=local", files: with(map[string]string{"go.mod": checktest.HelloReq + "\ntoolchain go1.99.1\n"}), ok: true},
		{name: "replacement directory missing", files: with(map[string]string{"go.mod": checktest.HelloReq + "\nreplace example.test/hello => ../nowhere\n"}), code: "MODULE_REPLACE_INVALID"},
		{name: "replacement directory without go.mod", files: with(map[string]string{"go.mod": checktest.HelloReq + "\nreplace example.test/hello => ./lib\n", "lib/hello.go": "package hello\n"}), code: "MODULE_REPLACE_INVALID"},
		{name: "replacement directory", files: with(map[string]string{"go.mod": checktest.HelloReq + "\nreplace example.test/hello => ./lib\n", "lib/go.mod": "module example.test/hello\n", "lib/hello.go": "package hello\n\nconst Hello = 1\n"}), ok: true},
		{name: "major version without /v2", files: with(map[string]string{"go.mod": "module example.test/app\n\ngo 1.21\n\nrequire example.test/hello v2.0.0\n"}), code: "MODULE_MAJOR_VERSION_MISMATCH"},
		{name: "module path with newlines", files: with(map[string]string{"go.mod": "module \"a.test/app\\n::error title=X::INJECTED\\n::add-mask::y\"\n\ngo 1.21\n"}), code: "MODULE_MALFORMED_PATH", same: true},
		{name: "vendor consistent", files: with(vendored), ok: true},
		{name: "vendor inconsistent", files: with(map[string]string{
			"vendor/example.test/hello/hello.go": vendored["vendor/example.test/hello/hello.go"],
			"vendor/modules.txt":                 "# example.test/hello v0.9.0\n## explicit; go 1.21\nexample.test/hello\n",
		}), code: "MODULE_VENDOR_INCONSISTENT"},
		{name: "vendor directory without modules.txt", files: with(map[string]string{"vendor/example.test/hello/hello.go": vendored["vendor/example.test/hello/hello.go"]}), code: "MODULE_VENDOR_INCONSISTENT"},
		{name: "vendor directory ignored before go 1.14", files: with(map[string]string{"go.mod": strings.Replace(checktest.HelloReq, "go 1.21", "go 1.13", 1), "vendor/README": "old\n"}), args: []string{"mod", "download"}, ok: true},
		{name: "go.sum line missing", files: with(map[string]string{"go.sum": ""}), code: "MODULE_MISSING_GOSUM"},
		{name: "go.work uses a missing directory", files: with(map[string]string{"go.work": "go 1.21\n\nuse (\n\t.\n\t./gone\n)\n"}), args: []string{"list", "-m"}, code: "MODULE_GOWORK_MISSING_DIR"},
		{name: "go.work older than a module", files: with(map[string]string{"go.work": "go 1.21\n\nuse (\n\t.\n\t./sub\n)\n", "sub/go.mod": "module example.test/sub\n\ngo 1.22\n"}), args: []string{"list", "-m"}, code: "MODULE_GOWORK_OUTDATED"},
		{name: "go.work healthy", files: with(map[string]string{"go.work": "go 1.22\n\nuse (\n\t.\n\t./sub\n)\n", "sub/go.mod": "module example.test/sub\n\ngo 1.22\n"}), args: []string{"list", "-m"}, ok: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := fixtures.NewSandbox(t, proxy.URL)
			dir := filepath.Join(sb.Root, "app")
			checktest.WriteTree(t, dir, tc.files)
			extra := append(append([]string(nil), checktest.Contain...), tc.env...)
			args := tc.args
			if args == nil {
				args = []string{"build", "./..."}
			}
			// The doctor first: 'go mod download' may rewrite go.mod.
			r := checktest.Doctor(t, sb, dir, extra, Check)
			out, goOK := checktest.GoCmd(t, sb, dir, extra, args...)
			if goOK != tc.ok {
				t.Fatalf("go %s: ok=%v, the case expects %v:\n%s", strings.Join(args, " "), goOK, tc.ok, out)
			}
			doctorOK := r.Status != checks.StatusFail
			if doctorOK != goOK {
				t.Errorf("go %s ok=%v but the module check says %s:\n%s\ndoctor:\n%s", strings.Join(args, " "), goOK, r.Status, out, checktest.Dump(r))
			}
			if tc.code != "" {
				checktest.Want(t, r, tc.code+" fail")
			}
			if f := checktest.Finding(r, tc.code); tc.same && (f == nil || !strings.Contains(out, "go: "+f.Detail+"\n")) {
				t.Errorf("the go command says\n%s\nthe doctor:\n%s", out, checktest.Dump(r))
			}
		})
	}
}

// TestModuleNewerGoFix: go 1.99 with GOTOOLCHAIN=local fails; the
// fixture proxy has no such toolchain, so the doctor's fix lowers the go
// line (rather than GOTOOLCHAIN=auto, which would fail too), and with it
// the go command succeeds.
func TestModuleNewerGoFix(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	proxy := fixtures.GoProxy(t)
	sb := fixtures.NewSandbox(t, proxy.URL)
	dir := filepath.Join(sb.Root, "app")
	checktest.WriteTree(t, dir, map[string]string{"go.mod": strings.Replace(checktest.HelloReq, "go 1.21", "go 1.99", 1), "go.sum": checktest.HelloSum, "main.go": checktest.HelloMain})
	out, ok := checktest.GoModDownload(t, sb, dir, checktest.Contain, time.Minute)
	if ok || !strings.Contains(out, "requires go >= 1.99 (running go") {
		t.Fatalf("go mod download: ok=%v\n%s", ok, out)
	}
	r := checktest.Doctor(t, sb, dir, checktest.Contain, Check)
	checktest.Want(t, r, "MODULE_REQUIRES_NEWER_GO fail")
	if cmds := checktest.FixCommands(r, "MODULE_REQUIRES_NEWER_GO"); !strings.HasPrefix(cmds, "go mod edit -go=") || strings.Contains(cmds, "GOTOOLCHAIN") {
		t.Fatalf("fixes %q", cmds)
	}
	checktest.ApplyFixes(t, sb, dir, checktest.Contain, r, "MODULE_REQUIRES_NEWER_GO")
	if out, ok := checktest.GoModDownload(t, sb, dir, checktest.Contain, time.Minute); !ok {
		t.Fatalf("go mod download fails after the fix:\n%s", out)
	}
	if r := checktest.Doctor(t, sb, dir, checktest.Contain, Check); r.Status != checks.StatusPass {
		t.Errorf("after the fix:\n%s", checktest.Dump(r))
	}
}

// TestModuleToolchainProxy: a switch needs the proxy to serve
// golang.org/toolchain: served, absent (404) and refused (403) are told
// apart. With GOTOOLCHAIN=auto that is the verdict; with local (the go
// line is too new) and path (the toolchain is not on PATH) it decides
// the fix: GOTOOLCHAIN=auto, which --fix applies only when the toolchain
// is served (anything else could fail after the change), and no
// GOTOOLCHAIN=auto at all when the proxy does not have it (the go
// command would then fail with "toolchain not available").
func TestModuleToolchainProxy(t *testing.T) {
	target := "v0.0.1-go1.99.0." + runtime.GOOS + "-" + runtime.GOARCH
	dir := t.TempDir()
	if err := fixtures.WriteModules(dir, []fixtures.Module{{Path: "golang.org/toolchain", Version: target,
		Files: map[string]string{"go.mod": "module golang.org/toolchain\n"}}}); err != nil {
		t.Fatal(err)
	}
	served := fixtures.ServeModules(t, dir)
	forbidden := fixtures.HTTPServer(t, fixtures.Status(http.StatusForbidden, "text/plain", "not on the allow-list"))
	empty := fixtures.GoProxy(t)
	const none = ""
	for _, tc := range []struct {
		name, gotoolchain, proxy, want string
		auto                           string // the GOTOOLCHAIN=auto fix: "auto", "ask" (not Auto) or none
	}{
		{"auto/served", "auto", served.URL, "MODULE_TOOLCHAIN_SWITCH info", none},
		{"auto/absent", "auto", empty.URL, "MODULE_TOOLCHAIN_UNAVAILABLE fail", none},
		{"auto/refused", "auto", forbidden.URL, "MODULE_TOOLCHAIN_UNAVAILABLE fail", none},
		{"path/served", "path", served.URL, "MODULE_TOOLCHAIN_UNAVAILABLE fail", "auto"},
		{"path/absent", "path", empty.URL, "MODULE_TOOLCHAIN_UNAVAILABLE fail", none},
		{"path/refused", "path", forbidden.URL, "MODULE_TOOLCHAIN_UNAVAILABLE fail", "ask"},
		{"local/served", "local", served.URL, "MODULE_REQUIRES_NEWER_GO fail", "auto"},
		{"local/absent", "local", empty.URL, "MODULE_REQUIRES_NEWER_GO fail", none},
		{"local/refused", "local", forbidden.URL, "MODULE_REQUIRES_NEWER_GO fail", "ask"},
		// GOPROXY=off: the go command may not download it; no claim that
		// the release does not exist, and no GOTOOLCHAIN=auto.
		{"auto/off", "auto", "off", "MODULE_TOOLCHAIN_UNAVAILABLE fail", none},
		{"path/off", "path", "off", "MODULE_TOOLCHAIN_UNAVAILABLE fail", none},
		{"local/off", "local", "off", "MODULE_REQUIRES_NEWER_GO fail", none},
		// direct, which the doctor never asks: unknown, a suggestion.
		{"local/direct", "local", "direct", "MODULE_REQUIRES_NEWER_GO fail", "ask"},
		{"path/direct", "path", "direct", "MODULE_TOOLCHAIN_UNAVAILABLE fail", "ask"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// GOTOOLCHAIN in the GOENV file, where --fix can change it.
			env := checktest.Env(t, checktest.Case{
				Process: map[string]string{"GOPROXY": tc.proxy, "PATH": ""},
				File:    map[string]string{"GOTOOLCHAIN": tc.gotoolchain},
				GoMod:   "module example.test/app\n\ngo 1.99\n",
			})
			r := checktest.Run(t, env, Check, 10*time.Second)
			checktest.Want(t, r, tc.want)
			code, _, _ := strings.Cut(tc.want, " ")
			var got *checks.Fix
			for _, x := range checktest.Finding(r, code).Fixes {
				if x.Key == "GOTOOLCHAIN" {
					got = &x
				}
			}
			switch {
			case tc.auto == none && got != nil:
				t.Errorf("fix %q (auto=%v), want no GOTOOLCHAIN fix:\n%s", got.Command, got.Auto, checktest.Dump(r))
			case tc.auto == none && tc.proxy == "off":
				f := checktest.Finding(r, code)
				var titles string
				for _, x := range f.Fixes {
					titles += x.Title + "\n"
				}
				if !strings.Contains(f.Message+titles, "GOPROXY=off") || strings.Contains(titles, "no Go release") {
					t.Errorf("GOPROXY=off not named as the cause, or a release called absent:\n%s", checktest.Dump(r))
				}
			case tc.auto == none:
				if tc.gotoolchain != "auto" && !strings.Contains(checktest.FixCommands(r, code), "go mod edit -go=") {
					t.Errorf("no fix lowers the go line:\n%s", checktest.Dump(r))
				}
			case got == nil:
				t.Errorf("no GOTOOLCHAIN fix:\n%s", checktest.Dump(r))
			case got.Command != "go env -w GOTOOLCHAIN=auto" || got.Kind != checks.FixGoEnv || got.Auto != (tc.auto == "auto"):
				t.Errorf("fix %q kind %s auto=%v, want go env -w GOTOOLCHAIN=auto with auto=%v", got.Command, got.Kind, got.Auto, tc.auto == "auto")
			}
		})
	}
}

// TestModuleBranchStale: go.mod requires a pseudo-version of branch
// main; the branch moved on at the origin, but the proxy still answers
// @main with the old commit. The doctor explains the proxy's cache and
// gives 'GOPROXY=direct go get module@main', which does update.
func TestModuleBranchStale(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	fixtures.NeedGit(t)
	gs := fixtures.NewGitServer(t, "git.corp.test", "", "")
	old := gs.AddModule(t, "tool", checktest.LibFiles("git.corp.test/tool"))
	tip := gs.AddModule(t, "tool", map[string]string{"new.go": "package lib\n\nconst New = 1\n"})
	pseudo := "v0.0.0-20240101000000-" + old[:12]
	stale := fixtures.HTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/mod/git.corp.test/tool/@v/main.info" {
			w.Write([]byte(`{"Version":"` + pseudo + `","Time":"2024-01-01T00:00:00Z"}`))
			return
		}
		http.NotFound(w, r)
	}))
	sb := fixtures.NewSandbox(t, stale.URL+"/mod")
	dir := filepath.Join(sb.Root, "app")
	checktest.WriteTree(t, dir, map[string]string{"go.mod": "module example.test/app\n\ngo 1.21\n\nrequire git.corp.test/tool " + pseudo + "\n"})
	extra := append(gs.Environ(), "GONOSUMDB=git.corp.test")
	// Without --probe-branches the origin is not asked.
	if r := checktest.Doctor(t, sb, dir, extra, Check); checktest.Finding(r, "MODULE_BRANCH_STALE") != nil || len(gs.Hits()) > 0 {
		t.Fatalf("the origin was asked without --probe-branches: %q\n%s", gs.Hits(), checktest.Dump(r))
	}
	r := checktest.Doctor(t, sb, dir, extra, Check, func(o *checks.Options) { o.ProbeBranches = true })
	checktest.Want(t, r, "MODULE_BRANCH_STALE warn")
	if !strings.Contains(checktest.FixCommands(r, "MODULE_BRANCH_STALE"), "GOPROXY=direct go get git.corp.test/tool@main") {
		t.Fatalf("%s", checktest.Dump(r))
	}
	// The remedy works: the origin gives the tip.
	if out, ok := checktest.GoCmd(t, sb, dir, extra, "get", "-x", "git.corp.test/tool@main"); ok && strings.Contains(checktest.ReadFile(t, filepath.Join(dir, "go.mod")), tip[:12]) {
		t.Fatalf("through the proxy, go get updated to the tip: the proxy is not stale\n%s", out)
	}
	if out, ok := checktest.GoCmd(t, sb, dir, append(extra, "GOPROXY=direct"), "get", "git.corp.test/tool@main"); !ok {
		t.Fatalf("GOPROXY=direct go get: %s", out)
	}
	if gomod := checktest.ReadFile(t, filepath.Join(dir, "go.mod")); !strings.Contains(gomod, tip[:12]) {
		t.Errorf("go.mod after the remedy:\n%s", gomod)
	}
	if r := checktest.Doctor(t, sb, dir, extra, Check); checktest.Finding(r, "MODULE_BRANCH_STALE") != nil {
		t.Errorf("still stale after the remedy:\n%s", checktest.Dump(r))
	}
}

// TestMissingGoSumDownloadAll: past maxDownloadArgs modules, the fix is
// 'go mod download all' rather than a command line naming each (50,000
// of them are 1.3 MB); run by the real go command, it writes the missing
// lines, and the build and the check then pass.
func TestMissingGoSumDownloadAll(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	defer func(n int) { maxDownloadArgs = n }(maxDownloadArgs)
	maxDownloadArgs = 0
	proxy := fixtures.GoProxy(t)
	sb := fixtures.NewSandbox(t, proxy.URL)
	dir := filepath.Join(sb.Root, "app")
	checktest.WriteTree(t, dir, map[string]string{"go.mod": checktest.HelloReq, "main.go": checktest.HelloMain})
	r := checktest.Doctor(t, sb, dir, checktest.Contain, Check)
	f := checktest.Finding(r, "MODULE_MISSING_GOSUM")
	if f == nil || len(f.Fixes) == 0 || f.Fixes[0].Command != "go mod download all" {
		t.Fatalf("want the fix 'go mod download all':\n%s", checktest.Dump(r))
	}
	cmd := exec.Command("sh", "-c", f.Fixes[0].Command)
	cmd.Dir, cmd.Env = dir, sb.Environ(checktest.Contain...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", f.Fixes[0].Command, err, out)
	}
	if out, ok := checktest.GoCmd(t, sb, dir, checktest.Contain, "build", "./..."); !ok {
		t.Fatalf("go build fails after the fix:\n%s", out)
	}
	if r := checktest.Doctor(t, sb, dir, checktest.Contain, Check); r.Status != checks.StatusPass {
		t.Errorf("after the fix:\n%s", checktest.Dump(r))
	}
}
