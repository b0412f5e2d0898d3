package env

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"golang.org/x/mod/modfile"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
)

type envCase struct {
	name    string
	process map[string]string
	file    map[string]string
	module  *mainmod.Module
	tweak   func(*goenv.Env)
	// want lists "CODE severity" entries that must be present; fix is a
	// substring of the first fix command of the first wanted finding.
	want []string
	fix  string
	// absent lists codes that must not be reported.
	absent []string
}

func runEnvCase(t *testing.T, c envCase) []checks.Finding {
	t.Helper()
	process := map[string]string{"GOPATH": t.TempDir(), "HOME": "/home/gopher"}
	for k, v := range c.process {
		process[k] = v
	}
	if _, ok := process["GOMODCACHE"]; !ok {
		process["GOMODCACHE"] = filepath.Join(process["GOPATH"], "pkg", "mod")
	}
	g := goenv.New(process, c.file, checktest.Defaults)
	if c.tweak != nil {
		c.tweak(g)
	}
	return checktest.Findings(t, checks.NewEnv("/work", g, c.module), Check)
}

func moduleWith(t *testing.T, goVersion string, vendorDir, modulesTxt bool) *mainmod.Module {
	t.Helper()
	f, err := modfile.Parse("go.mod", []byte("module example.test/app\n\ngo "+goVersion+"\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return &mainmod.Module{Dir: "/work", GoMod: "/work/go.mod", File: f, VendorDir: vendorDir, ModulesTxt: modulesTxt}
}

func TestEnvCheck(t *testing.T) {
	file := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	env := file
	noVendor := moduleWith(t, "1.21", false, false)
	vendored := moduleWith(t, "1.21", true, true)
	cases := []envCase{
		{name: "healthy defaults", absent: []string{"GOPROXY_OFF", "GOSUMDB_OFF", "GOPROXY_INVALID"}},
		{name: "off in process", process: env("GOPROXY", "off"), want: []string{"GOPROXY_OFF fail"}, fix: "export GOPROXY=https://proxy.example.test,direct"},
		{name: "off in file", file: file("GOPROXY", "off"), want: []string{"GOPROXY_OFF fail"}, fix: "go env -u GOPROXY"},
		{name: "off but vendored", process: env("GOPROXY", "off"), module: vendored, want: []string{"GOPROXY_OFF info"}},
		{name: "off first", process: env("GOPROXY", "off,https://a.example.test"), want: []string{"GOPROXY_OFF fail", "GOPROXY_UNTIDY warn"}},
		{name: "empty line in file", file: file("GOPROXY", ""), want: []string{"GOPROXY_EMPTY fail"}, fix: "go env -u GOPROXY"},
		{name: "only commas", process: env("GOPROXY", ",|"), want: []string{"GOPROXY_EMPTY fail"}},
		{name: "bad scheme", file: file("GOPROXY", "htps://a.example.test,direct"), want: []string{"GOPROXY_INVALID fail"}, fix: "go env -w GOPROXY=https://a.example.test,direct"},
		{name: "missing colon", process: env("GOPROXY", "https//a.example.test"), want: []string{"GOPROXY_TYPO fail"}, fix: "export GOPROXY=https://a.example.test"},
		{name: "two typos one fix", process: env("GOPROXY", "htps://a.example.test,https//b.example.test,diret"), want: []string{"GOPROXY_INVALID fail", "GOPROXY_TYPO fail"}, fix: "export GOPROXY=https://a.example.test,https://b.example.test,direct"},
		{name: "invalid without suggestion", process: env("GOPROXY", "ftp://a.example.test"), want: []string{"GOPROXY_INVALID fail"}, fix: "export GOPROXY=https://proxy.example.test,direct"},
		{name: "direct only", file: file("GOPROXY", "direct"), want: []string{"GOPROXY_DIRECT_ONLY warn"}, fix: "go env -u GOPROXY"},
		{name: "no direct", process: env("GOPROXY", "https://a.example.test"), want: []string{"GOPROXY_NO_DIRECT info"}, fix: "export GOPROXY=https://a.example.test,direct"},
		{name: "untidy", process: env("GOPROXY", " https://a.example.test ,,https://a.example.test,direct,https://never.example.test"), want: []string{"GOPROXY_UNTIDY warn"}, fix: "export GOPROXY=https://a.example.test,direct"},
		{name: "chain", process: env("GOPROXY", "https://a.example.test|https://b.example.test,direct"), want: []string{"GOPROXY_CHAIN info"}},
		{name: "credentials over http", process: env("GOPROXY", "http://u:p4ss@a.example.test,direct"), want: []string{"GOPROXY_HTTP_CREDENTIALS fail"}, fix: "export GOPROXY=https://u:xxxxx@a.example.test,direct"},
		{name: "plain http", process: env("GOPROXY", "http://a.example.test,direct"), want: []string{"GOPROXY_PLAIN_HTTP warn"}},
		{name: "plain http loopback", process: env("GOPROXY", "http://127.0.0.1:3000/mod,direct"), absent: []string{"GOPROXY_PLAIN_HTTP"}},

		{name: "sumdb off", process: env("GOSUMDB", "off"), want: []string{"GOSUMDB_OFF warn"}, fix: "export GOSUMDB=" + checktest.KnownSumDB()},
		{name: "sumdb empty in file", file: file("GOSUMDB", ""), want: []string{"GOSUMDB_INVALID fail"}, fix: "go env -u GOSUMDB"},
		{name: "sumdb unknown", process: env("GOSUMDB", "sum.corp.example.test"), want: []string{"GOSUMDB_INVALID fail"}},
		{name: "sumdb OFF", process: env("GOSUMDB", "OFF"), want: []string{"GOSUMDB_INVALID fail"}, fix: "export GOSUMDB=off"},
		{name: "sumdb custom", process: env("GOSUMDB", "sum.test.example+5f53a2b3+AXc95WO1X4gsuY44S6Fh04L9J+kri+V1BtmFYpPcUDQv http://127.0.0.1:1"), want: []string{"GOSUMDB_CUSTOM info", "GOSUMDB_PLAIN_HTTP info"}},

		{name: "private scheme", file: file("GOPRIVATE", "https://git.corp.example.test/x,ok.example.test"), want: []string{"GOPRIVATE_BAD_PATTERN warn"}, fix: "go env -w GOPRIVATE=git.corp.example.test/x,ok.example.test"},
		{name: "nosumdb port", process: env("GONOSUMDB", "git.corp.example.test:22"), want: []string{"GONOSUMDB_BAD_PATTERN warn"}, fix: "export GONOSUMDB=git.corp.example.test"},
		{name: "private star", process: env("GOPRIVATE", "*"), want: []string{"GOPRIVATE_TOO_BROAD warn"}},
		{name: "insecure", process: env("GOINSECURE", "git.corp.example.test"), want: []string{"GOINSECURE_SET warn"}},
		{name: "nosumdb narrows private", process: env("GOPRIVATE", "corp.example.test,other.example.test", "GONOSUMDB", "other.example.test"), want: []string{"GONOSUMDB_NARROWS_GOPRIVATE warn"}, fix: "export GONOSUMDB=other.example.test,corp.example.test"},
		{name: "noproxy none", process: env("GOPRIVATE", "corp.example.test", "GONOPROXY", "none"), want: []string{"GONOPROXY_NARROWS_GOPRIVATE info"}},
		{name: "derived patterns are not reported twice", process: env("GOPRIVATE", "https://x.example.test"), want: []string{"GOPRIVATE_BAD_PATTERN warn"}, absent: []string{"GONOPROXY_BAD_PATTERN", "GONOSUMDB_BAD_PATTERN"}},

		{name: "vendor without vendor dir", process: env("GOFLAGS", "-mod=vendor"), module: noVendor, want: []string{"GOFLAGS_MOD_VENDOR fail"}, fix: "unset GOFLAGS"},
		{name: "vendor with vendor dir", file: file("GOFLAGS", "-mod=vendor -modcacherw"), module: vendored, want: []string{"GOFLAGS_MOD_VENDOR warn"}, fix: "go env -w GOFLAGS=-modcacherw"},
		{name: "mod bogus", process: env("GOFLAGS", "-mod=bogus"), want: []string{"GOFLAGS_INVALID fail"}},
		{name: "mod readonly", process: env("GOFLAGS", "-mod=readonly"), want: []string{"GOFLAGS_MOD_READONLY info"}},
		{name: "insecure flag", process: env("GOFLAGS", "-insecure -x"), want: []string{"GOFLAGS_INSECURE fail"}, fix: "export GOFLAGS=-x"},
		{name: "non-flag", process: env("GOFLAGS", "mod=vendor"), want: []string{"GOFLAGS_INVALID fail"}},
		{name: "unterminated quote", process: env("GOFLAGS", "'-tags=a b"), want: []string{"GOFLAGS_INVALID fail"}},
		{name: "all failing flags removed by each fix", process: env("GOFLAGS", "-insecure -mod=bogus -x"), module: noVendor, want: []string{"GOFLAGS_INSECURE fail", "GOFLAGS_INVALID fail"}, fix: "export GOFLAGS=-x"},
		{name: "modfile", process: env("GOFLAGS", "-modfile=other.mod"), want: []string{"GOFLAGS_MODFILE warn"}},

		{name: "modules off", process: env("GO111MODULE", "off"), want: []string{"GO111MODULE_OFF fail"}, fix: "unset GO111MODULE"},
		{name: "modules off in file", file: file("GO111MODULE", "off"), want: []string{"GO111MODULE_OFF fail"}, fix: "go env -u GO111MODULE"},
		{name: "modules auto", process: env("GO111MODULE", "auto"), want: []string{"GO111MODULE_AUTO info"}},
		{name: "modules bad", process: env("GO111MODULE", "yes"), want: []string{"GO111MODULE_INVALID fail"}},

		{name: "toolchain invalid", process: env("GOTOOLCHAIN", "go1.22+local"), want: []string{"GOTOOLCHAIN_INVALID fail"}, fix: "export GOTOOLCHAIN=auto"},
		{name: "toolchain garbage", file: file("GOTOOLCHAIN", "bash"), want: []string{"GOTOOLCHAIN_INVALID fail"}, fix: "go env -u GOTOOLCHAIN"},
		{name: "toolchain pinned offline", process: env("GOTOOLCHAIN", "go1.30.1", "GOPROXY", "off"), want: []string{"GOTOOLCHAIN_SWITCH fail"}},
		{name: "toolchain local", process: env("GOTOOLCHAIN", "local"), absent: []string{"GOTOOLCHAIN_SWITCH", "GOTOOLCHAIN_INVALID"}},
		{name: "toolchain auto suffix", process: env("GOTOOLCHAIN", "go1.21.0+auto", "GOPROXY", "off"), absent: []string{"GOTOOLCHAIN_INVALID"}},

		{name: "gopath relative", process: env("GOPATH", "go", "GOMODCACHE", "/tmp/x"), want: []string{"GOPATH_RELATIVE fail"}},
		{name: "gopath tilde", process: env("GOPATH", "~/go", "GOMODCACHE", "/tmp/x"), want: []string{"GOPATH_RELATIVE fail"}, fix: "export GOPATH=/home/gopher/go"},
		{name: "modcache relative", process: env("GOMODCACHE", "cache"), want: []string{"GOMODCACHE_RELATIVE fail"}},
		{name: "nothing set", tweak: func(g *goenv.Env) {}, process: env("GOPATH", "", "GOMODCACHE", "", "HOME", ""), want: []string{"GOPATH_UNSET fail"}},

		{name: "https proxy invalid", process: env("HTTPS_PROXY", "socks4://127.0.0.1:1080"), want: []string{"HTTP_PROXY_INVALID fail"}},
		{name: "https proxy no host", process: env("https_proxy", "http://:3128"), want: []string{"HTTP_PROXY_INVALID fail"}},
		{name: "https proxy fine", process: env("HTTPS_PROXY", "proxy.corp.example.test:3128"), absent: []string{"HTTP_PROXY_INVALID", "HTTPS_PROXY_MISSING"}},
		{name: "all_proxy only", process: env("ALL_PROXY", "socks5://127.0.0.1:1080"), want: []string{"ALL_PROXY_IGNORED warn"}, fix: "export HTTPS_PROXY=socks5://127.0.0.1:1080"},
		{name: "http proxy only", process: env("http_proxy", "http://proxy.corp.example.test:3128"), want: []string{"HTTPS_PROXY_MISSING warn"}},
		{name: "proxy case conflict", process: env("HTTPS_PROXY", "http://a.example.test:1", "https_proxy", "http://b.example.test:1"), want: []string{"PROXY_VAR_CONFLICT warn"}},
		{name: "no_proxy entries", process: env("NO_PROXY", "https://corp.example.test/x,.corp.example.test,10.0.0.0/8,*"), want: []string{"NO_PROXY_BAD_ENTRY warn"}, fix: "export 'NO_PROXY=corp.example.test,.corp.example.test,10.0.0.0/8,*'"},

		{name: "git prompt in CI", process: env("GIT_TERMINAL_PROMPT", "1"), want: []string{"GIT_TERMINAL_PROMPT_ON warn"}, fix: "export GIT_TERMINAL_PROMPT=0"},
		{name: "legacy var", process: env("GONOSUMCHECK", "corp.example.test", "GONOSUMDB", "a.example.test"), want: []string{"LEGACY_VAR warn"}, fix: "export GONOSUMDB=a.example.test,corp.example.test"},

		{name: "env overrides file", process: env("GOPROXY", "https://a.example.test,direct"), file: file("GOPROXY", "https://b.example.test,direct"), want: []string{"ENV_OVERRIDES_GOENV_FILE info"}},
		{name: "go missing", tweak: func(g *goenv.Env) { g.GoBin = "" }, want: []string{"GO_NOT_FOUND fail"}},
		{name: "goroot broken", tweak: func(g *goenv.Env) {
			g.GoVersionErr = errors.New("go: cannot find GOROOT directory: /nope")
			g.GoEnvErr = g.GoVersionErr
		}, process: env("GOROOT", "/nope"), want: []string{"GOROOT_INVALID fail"}, fix: "unset GOROOT", absent: []string{"GO_ENV_FAILED", "GO_VERSION_FAILED"}},
		{name: "go env fails otherwise", tweak: func(g *goenv.Env) { g.GoEnvErr = errors.New("go: something new") }, want: []string{"GO_ENV_FAILED fail"}},
		{name: "explained failures are not repeated", process: env("GO111MODULE", "bad"), tweak: func(g *goenv.Env) {
			g.GoEnvErr = errors.New("go: unknown environment setting GO111MODULE=bad")
		}, want: []string{"GO111MODULE_INVALID fail"}, absent: []string{"GO_ENV_FAILED"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := runEnvCase(t, c)
			have := map[string]checks.Finding{}
			var list []string
			for _, f := range fs {
				key := f.Code + " " + string(f.Severity)
				if _, dup := have[key]; !dup {
					have[key] = f
				}
				list = append(list, key)
			}
			for _, w := range c.want {
				if _, ok := have[w]; !ok {
					t.Errorf("missing %q; got %q", w, list)
				}
			}
			for _, a := range c.absent {
				for _, f := range fs {
					if f.Code == a {
						t.Errorf("unexpected %s: %s", a, f.Message)
					}
				}
			}
			if c.name == "healthy defaults" {
				for _, f := range fs {
					if f.Severity != checks.SevInfo {
						t.Errorf("healthy environment: %s %s: %s", f.Code, f.Severity, f.Message)
					}
				}
			}
			if c.fix != "" {
				f := have[c.want[0]]
				if len(f.Fixes) == 0 || !strings.Contains(f.Fixes[0].Command, c.fix) {
					t.Errorf("%s fix = %+v, want %q", c.want[0], f.Fixes, c.fix)
				}
			}
		})
	}
}

func TestEnvCheckGOENVFile(t *testing.T) {
	g := goenv.New(map[string]string{"GOPATH": t.TempDir()}, map[string]string{"GOPROXY": "https://a.example.test,direct"}, checktest.Defaults)
	g.FileLines = goenv.ParseEnvFile([]byte("GOPROXY=https://x.example.test\nGOPROXY=https://a.example.test,direct\nHTTPS_PROXY=http://p.example.test:3128\ngoprivate=corp.example.test\nexport GOSUMDB=off\njunk\nGOFLAGS=-x\r\n"))
	fs, _ := runEnv(context.Background(), checks.NewEnv("/work", g, nil))
	codes := map[string]int{}
	for _, f := range fs {
		codes[f.Code]++
		if f.Code == "GOENV_FILE_IGNORED_LINE" && strings.Contains(f.Detail, "goprivate=") {
			if len(f.Fixes) == 0 || f.Fixes[0].Command != "go env -w GOPRIVATE=corp.example.test" {
				t.Errorf("lower-case line fix = %+v", f.Fixes)
			}
		}
	}
	for code, n := range map[string]int{"GOENV_FILE_DUPLICATE": 1, "GOENV_FILE_UNKNOWN_KEY": 1, "GOENV_FILE_IGNORED_LINE": 3, "GOENV_FILE_CRLF": 1} {
		if codes[code] != n {
			t.Errorf("%s reported %d times, want %d (%v)", code, codes[code], n, codes)
		}
	}
}

func TestEnvCheckModuleCacheDirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "afile")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []envCase{
		{name: "cache is a file", process: map[string]string{"GOMODCACHE": file}, want: []string{"GOMODCACHE_NOT_DIR fail"}},
		{name: "cache under a file", process: map[string]string{"GOMODCACHE": filepath.Join(file, "mod")}, want: []string{"GOMODCACHE_NOT_DIR fail"}},
		{name: "cache to be created", process: map[string]string{"GOMODCACHE": filepath.Join(dir, "new", "mod")}, absent: []string{"GOMODCACHE_NOT_DIR", "GOMODCACHE_NOT_WRITABLE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := runEnvCase(t, c)
			for _, w := range c.want {
				found := false
				for _, f := range fs {
					found = found || f.Code+" "+string(f.Severity) == w
				}
				if !found {
					t.Errorf("missing %s in %v", w, fs)
				}
			}
			for _, f := range fs {
				for _, a := range c.absent {
					if f.Code == a {
						t.Errorf("unexpected %s", a)
					}
				}
			}
		})
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		fs := runEnvCase(t, envCase{process: map[string]string{"GOMODCACHE": ro}})
		found := false
		for _, f := range fs {
			found = found || f.Code == "GOMODCACHE_NOT_WRITABLE"
		}
		if !found {
			t.Errorf("read-only cache not reported: %v", fs)
		}
	}
}

func TestEnvCheckHostileGOENVFile(t *testing.T) {
	g := goenv.New(map[string]string{"GOPATH": t.TempDir()}, map[string]string{}, checktest.Defaults)
	g.EnvFileBinary = true
	g.FileLines = goenv.ParseEnvFile([]byte("\x00\x1b[31mGOPROXY=x\n\xff\xfe"))
	fs, _ := runEnv(context.Background(), checks.NewEnv("/work", g, nil))
	n := 0
	for _, f := range fs {
		if strings.HasPrefix(f.Code, "GOENV_FILE") {
			n++
			if f.Code != "GOENV_FILE_NOT_TEXT" {
				t.Errorf("binary file: unexpected %s", f.Code)
			}
		}
	}
	if n != 1 {
		t.Errorf("binary file reported %d times, want once", n)
	}

	// Many ignored lines: at most five findings.
	var data strings.Builder
	for range 40 {
		data.WriteString("junk line\n")
	}
	g = goenv.New(map[string]string{"GOPATH": t.TempDir()}, map[string]string{}, checktest.Defaults)
	g.FileLines = goenv.ParseEnvFile([]byte(data.String()))
	fs, _ = runEnv(context.Background(), checks.NewEnv("/work", g, nil))
	n = 0
	for _, f := range fs {
		if f.Code == "GOENV_FILE_IGNORED_LINE" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("40 ignored lines gave %d findings, want 5", n)
	}
}

// GOPROXY=off and a broken GOSUMDB fail only when this project needs
// what they disable: a module missing from the cache, a hash missing
// from go.sum.
func TestEnvCheckVerdictsDependOnTheProject(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/go.mod", "module example.test/app\n\ngo 1.21\n\nrequire example.test/hello v1.0.0\n")
	cache := filepath.Join(dir, "modcache")
	sev := func(process map[string]string, code string) checks.Severity {
		t.Helper()
		process["GOMODCACHE"] = cache
		fs := runEnvCase(t, envCase{process: process, module: mainmod.Load(filepath.Join(dir, "app", "go.mod"), "")})
		for _, f := range fs {
			if f.Code == code {
				return f.Severity
			}
		}
		t.Fatalf("no %s in %v", code, fs)
		return ""
	}

	if s := sev(map[string]string{"GOPROXY": "off"}, "GOPROXY_OFF"); s != checks.SevFail {
		t.Errorf("GOPROXY=off with an empty cache: %s, want fail", s)
	}
	write("modcache/cache/download/example.test/hello/@v/v1.0.0.mod", "module example.test/hello\n")
	write("modcache/cache/download/example.test/hello/@v/v1.0.0.zip", "zip")
	if s := sev(map[string]string{"GOPROXY": "off"}, "GOPROXY_OFF"); s != checks.SevWarn {
		t.Errorf("GOPROXY=off with every requirement cached: %s, want warn", s)
	}

	if s := sev(map[string]string{"GOSUMDB": "sum.corp.example.test"}, "GOSUMDB_INVALID"); s != checks.SevFail {
		t.Errorf("invalid GOSUMDB without go.sum: %s, want fail", s)
	}
	write("app/go.sum", "example.test/hello v1.0.0 h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=\n"+
		"example.test/hello v1.0.0/go.mod h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg=\n")
	if s := sev(map[string]string{"GOSUMDB": "sum.corp.example.test"}, "GOSUMDB_INVALID"); s != checks.SevWarn {
		t.Errorf("invalid GOSUMDB with a complete go.sum: %s, want warn", s)
	}
}
