package explain

// Tests of the patterns behind explain's misses on real logs (issue 14),
// each built from a real log of testdata/reallogs/tune (its header records
// the source), or, where the corpus has no log of the pattern, from a real
// message with its source given here.

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// explainFile explains a log of the tune part of the corpus.
func explainFile(t *testing.T, name string) (*Log, *checks.LogReport) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "reallogs", "tune", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := parseRealLog(string(data))
	if err != nil {
		t.Fatal(err)
	}
	return explainText(t, l.log)
}

func explainText(t *testing.T, text string) (*Log, *checks.LogReport) {
	t.Helper()
	parsed, err := Parse(strings.NewReader(text), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return parsed, Explain(parsed, nil, "test.log")
}

// privacySwitch reports whether a fix turns privacy or verification
// settings on or off.
func privacySwitch(f checks.Fix) bool {
	for _, k := range []string{"GOPRIVATE", "GONOSUMDB", "GONOPROXY", "GOSUMDB=off", "GOINSECURE", "GOFLAGS=-insecure"} {
		if f.Key == k || strings.Contains(f.Command, k) && !strings.HasPrefix(f.Command, "go env GO") {
			return true
		}
	}
	return false
}

type patternWant struct {
	code    string // first cause
	subject string // its subject, when set
	fix     string // a fix command or title (prefixed "title:") of the first cause
	noFix   func(checks.Fix) bool
}

func checkPattern(t *testing.T, lr *checks.LogReport, w patternWant) {
	t.Helper()
	if len(lr.Causes) == 0 {
		t.Fatalf("no cause; unrecognised %v", lr.Unrecognised)
	}
	c := lr.Causes[0]
	if c.Code != w.code {
		t.Errorf("first cause %s (%s), want %s", c.Code, c.Subject, w.code)
	}
	if w.subject != "" && c.Subject != w.subject {
		t.Errorf("subject %q, want %q", c.Subject, w.subject)
	}
	if w.fix != "" && !slices.ContainsFunc(c.Fixes, func(f checks.Fix) bool {
		if title, ok := strings.CutPrefix(w.fix, "title:"); ok {
			return strings.Contains(f.Title, title)
		}
		return strings.Contains(f.Command, w.fix)
	}) {
		t.Errorf("no fix %q among %+v", w.fix, c.Fixes)
	}
	for _, f := range c.Fixes {
		if w.noFix != nil && w.noFix(f) {
			t.Errorf("unwanted fix %q (%s)", f.Command, f.Title)
		}
	}
}

func TestIssuePatterns(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       patternWant
	}{
		// Windows and localized OS errors.
		{"connectex", "connectex-lux-install", patternWant{code: "PROXY_TIMEOUT", subject: "proxy.golang.example", fix: "GOPROXY="}},
		{"connectex in Chinese, console cut inside a word", "connectex-zh-wrapped-gostock", patternWant{code: "PROXY_TIMEOUT", fix: "GOPROXY="}},
		{"old unquoted Get URL form", "timeout-docker-hk-pulsar", patternWant{code: "PROXY_TIMEOUT", subject: "proxy.golang.example", fix: "GOPROXY="}},
		{"Jenkins timestamps, old form, dead proxy", "nxdomain-ci-brackets-tidb", patternWant{code: "DNS_NXDOMAIN", subject: "goproxy.onetool.net", fix: "GOPROXY="}},
		// Hard-wrapped consoles.
		{"PowerShell wrap at 80 columns", "unknownrev-wrapped-ps-ov", patternWant{code: "MODULE_UNKNOWN_REVISION", subject: "github.com/noborus/ov", fix: "go list -m -versions github.com/noborus/ov"}},
		{"Markdown-indented and wrapped", "connectex-wrapped-vendorjson-locust", patternWant{code: "PROXY_TIMEOUT", fix: "GOPROXY=", noFix: privacySwitch}},
		// terminal prompts disabled for a repository that does not exist.
		{"Confirm the import path", "prompts-private-then-notfound-asterisk", patternWant{code: "PRIVATE_REPO_NOT_FOUND", subject: "github.com/quintex/go-asterisk-api-client", fix: "git ls-remote https://github.com/quintex/go-asterisk-api-client"}},
		{"typo in GOPATH mode", "prompts-typo-blueprint", patternWant{code: "PRIVATE_REPO_NOT_FOUND", subject: "github.com/blue-ray/blueprint", fix: "title:confirm the import path"}},
		// 404/410 of the checksum database for public modules.
		{"sumdb 410 for a public module", "sumdb410-zip-malformed-codeowners", patternWant{code: "SUMDB_NOT_FOUND", fix: "go list -m -versions github.com/mszostok/codeowners-validator", noFix: privacySwitch}},
		{"sumdb 404: the database could not reach the origin", "sumdb404-github-refused-caddy", patternWant{code: "SUMDB_NOT_FOUND", fix: "title:retry later", noFix: privacySwitch}},
		{"sumdb mirror with a broken tile endpoint", "sumdb-tile404-goproxyio-stargz", patternWant{code: "SUMDB_UNREACHABLE", subject: "https://goproxy.io.example", fix: "go env -u GOPROXY", noFix: privacySwitch}},
		{"a +incompatible version that does not exist", "sumdb410-minio-incompatible", patternWant{code: "MODULE_MAJOR_VERSION_MISMATCH", fix: "go get github.com/minio/minio-go/v6", noFix: privacySwitch}},
		// A Go toolchain too old for the module.
		{"three-part go version", "gover3-mcpbazel", patternWant{code: "MODULE_REQUIRES_NEWER_GO", fix: "go install golang.org/dl/go1.24.2@latest && go1.24.2 download"}},
		{"toolchain directive", "toolchain-directive-go120-gost", patternWant{code: "MODULE_REQUIRES_NEWER_GO", fix: "golang.org/dl/go1.21.0"}},
		{"embed read as a module path", "embed-malformed-aidea", patternWant{code: "MODULE_REQUIRES_NEWER_GO", fix: "go get golang.org/dl/go1.16 && go1.16 download"}},
		{"GOROOT at the bin directory", "goroot-bin-stdlib-bytes", patternWant{code: "GOROOT_INVALID", fix: "GOROOT"}},
		// The DNS server itself unreachable.
		{"lookup on RESOLVER: no route to host", "dns-noroute-docker-acedocker", patternWant{code: "DNS_RESOLVER_UNREACHABLE", subject: "192.168.0.1:53", fix: "cat /etc/resolv.conf"}},
		// Proxies that serve broken zips or stale version lists.
		{"a proxy's broken zip", "zip-invalid-mirror-goplugins", patternWant{code: "MODULE_ZIP_INVALID", fix: "title:module proxy served a broken zip"}},
		{"a stale list first in GOPROXY", "stale-list-artifactory-deptree", patternWant{code: "MODULE_NO_MATCHING_VERSIONS", fix: "GOPROXY=direct go list -m -versions github.com/vc60er/deptree"}},
		{"re-tagged version", "retag-gosum-go113-tail", patternWant{code: "SUMDB_GOSUM_MISMATCH", fix: "go list -m -versions github.com/nxadm/tail", noFix: privacySwitch}},
		// The subject taken from the right place.
		{"reading .../go.mod at revision", "unknownrev-at-revision-gopherlua", patternWant{code: "MODULE_UNKNOWN_REVISION", subject: "github.com/edolphin-ydf/gopher-lua-debugger"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, lr := explainFile(t, tc.file)
			checkPattern(t, lr, tc.want)
		})
	}
}

// A file-path prefix is not the subject: the module in the error is.
func TestSubjectIsTheModuleInTheError(t *testing.T) {
	l, _ := explainFile(t, "connectex-win-dockerpull")
	if got := l.causes[0].vars["module"]; got != "github.com/xiao-ren-wu/restgo" {
		t.Errorf("module %q", got)
	}
}

// Windows compile errors are errors: a failed build does not exit 0 as
// "no go errors", and they are not module problems.
func TestWindowsCompileErrors(t *testing.T) {
	for _, name := range []string{"nonmodule-win-blkchain", "nonmodule-win-goawk", "nonmodule-win-raw"} {
		_, lr := explainFile(t, name)
		if ExitCode(lr) != checks.ExitFail || len(lr.Causes) > 0 {
			t.Errorf("%s: exit %d, causes %v", name, ExitCode(lr), lr.Causes)
		}
	}
	// A path with a space (D:\Program Files) is a file position too.
	_, lr := explainText(t, `D:\Program Files\proj\x.go:81:18: undefined: foo`)
	if ExitCode(lr) != checks.ExitFail {
		t.Error("a compile error with a space in its path was not noticed")
	}
}

// Real messages the corpus has no whole log of, in the go command's
// format around them.
func TestIssuePatternsFromMessages(t *testing.T) {
	for _, tc := range []struct {
		name, source, in string
		want             patternWant
	}{
		{
			"wsarecv", "https://github.com/golang/go/issues/71704 (title: 'wsarecv: An existing connection was forcibly closed by the remote host', go1.24.0 windows, Zscaler)",
			`go: github.com/spf13/cobra@v1.8.1: Get "https://proxy.golang.example/github.com/spf13/cobra/@v/v1.8.1.zip": read tcp 10.0.0.5:51514->142.250.196.209:443: wsarecv: An existing connection was forcibly closed by the remote host.`,
			patternWant{code: "PROXY_RESET", subject: "proxy.golang.example", fix: "GOPROXY="},
		},
		{
			"Windows timeout in Chinese", "the issue's own example of the Chinese Windows message",
			`go: github.com/gin-gonic/gin@v1.9.1: Get "https://proxy.golang.example/github.com/gin-gonic/gin/@v/v1.9.1.mod": dial tcp 142.251.43.17:443: connectex: 由于连接方在一段时间后没有正确答复或连接的主机没有反应，连接尝试失败。`,
			patternWant{code: "PROXY_TIMEOUT", fix: "GOPROXY="},
		},
		{
			"go get with a bare name", "https://github.com/golang/go/issues/48117 (title: 'cmd/go: no required module provides package main.go; to add it')",
			"no required module provides package main.go; to add it:\n\tgo get main.go",
			patternWant{code: "MODULE_PACKAGE_NOT_FOUND", noFix: func(f checks.Fix) bool { return strings.Contains(f.Command, "go get main.go") }},
		},
		{
			"Athens refuses checksum lookups of private modules", "https://docs.gomods.io/configuration/sumdb/ and gomods/athens#1208 (ATHENS_GONOSUM_PATTERNS: Athens answers 403 so that clients set GONOSUMDB)",
			"go: git.corp.example/team/lib@v1.2.0: verifying module: git.corp.example/team/lib@v1.2.0: reading https://athens.corp.example/sumdb/sum.golang.example/lookup/git.corp.example/team/lib@v1.2.0: 403 Forbidden",
			patternWant{code: "SUMDB_LOOKUP_FORBIDDEN", subject: "git.corp.example/team/lib", fix: "GONOSUMDB=git.corp.example/team/lib"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, lr := explainText(t, tc.in)
			checkPattern(t, lr, tc.want)
		})
	}
}

// No fix turns privacy or verification off for a module of a public host
// unless the log shows it is private: over the whole tune corpus.
func TestNoPrivacySwitchForPublicModules(t *testing.T) {
	for _, l := range loadRealLogs(t) {
		if l.part != "tune" {
			continue
		}
		parsed, err := Parse(strings.NewReader(l.log), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		lr := Explain(parsed, nil, l.name)
		for i, c := range lr.Causes {
			m := rootFirst(parsed.causes)[i]
			if m.vars["private_evidence"] != "" || !publicModule(subjectPath(m.vars)) {
				continue
			}
			for _, f := range c.Fixes {
				if privacySwitch(f) {
					t.Errorf("%s: %s on public %s: %q", l.name, c.Code, subjectPath(m.vars), f.Command)
				}
			}
		}
	}
}
