package explain

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/suite"
)

func parse(t *testing.T, in string) *Log {
	t.Helper()
	l, err := Parse(strings.NewReader(in), Limits{})
	if err != nil {
		t.Fatalf("Parse(%q): %v", in, err)
	}
	return l
}

// TestSyntheticErrors covers the causes no loopback sandbox can produce
// for real (DNS, expired certificates, timeouts, git credentials...).
// Each input is written in the exact format of the go command's (or
// git's) message, from cmd/go/internal and net/http.
func TestSyntheticErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		subj string
	}{
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": dial tcp: lookup proxy.corp.example on 127.0.0.53:53: no such host`, "DNS_NXDOMAIN", "proxy.corp.example"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": dial tcp: lookup proxy.corp.example on 127.0.0.53:53: server misbehaving`, "DNS_SERVFAIL", "proxy.corp.example"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": dial tcp: lookup proxy.corp.example on 127.0.0.53:53: read udp 127.0.0.1:40000->127.0.0.53:53: i/o timeout`, "DNS_RESOLVER_UNREACHABLE", "127.0.0.53:53"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": dial tcp: lookup proxy.corp.example: i/o timeout`, "DNS_TIMEOUT", "proxy.corp.example"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": dial tcp 192.0.2.10:443: i/o timeout`, "PROXY_TIMEOUT", "proxy.corp.example"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": net/http: TLS handshake timeout`, "TLS_HANDSHAKE_FAILED", "proxy.corp.example"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2030-01-01T00:00:00Z is after 2029-01-01T00:00:00Z`, "TLS_EXPIRED", "proxy.corp.example"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": tls: failed to verify certificate: x509: certificate is valid for portal.example, not proxy.corp.example`, "TLS_HOSTNAME_MISMATCH", "proxy.corp.example"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": dial tcp 192.0.2.10:443: connect: network is unreachable`, "PROXY_UNREACHABLE", "proxy.corp.example"},
		{`go: example.test/m@v1.0.0: Get "http://127.0.0.1:40001/example.test/m/@v/v1.0.0.mod": read tcp 127.0.0.1:40002->127.0.0.1:40001: read: connection reset by peer`, "PROXY_RESET", "127.0.0.1"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": EOF`, "PROXY_RESET", "proxy.corp.example"},
		{"go: example.test/m@v1.0.0: reading https://proxy.corp.example/example.test/m/@v/v1.0.0.mod: 401 Unauthorized\n\tserver response: login required", "PROXY_UNAUTHORIZED", "proxy.corp.example"},
		{`go: example.test/m@v1.0.0: reading https://proxy.corp.example/example.test/m/@v/v1.0.0.mod: 429 Too Many Requests`, "PROXY_HTTP_ERROR", "proxy.corp.example"},
		{`go: example.test/m@v1.0.0: reading https://proxy.corp.example/example.test/m/@v/v1.0.0.mod: 502 Bad Gateway`, "PROXY_SERVER_ERROR", "proxy.corp.example"},
		{`go: module example.test/m: invalid response from proxy "https://portal.corp.example": invalid character '<' looking for beginning of value`, "PROXY_NOT_A_PROXY", "portal.corp.example"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/list": redirected from secure URL https://proxy.corp.example/example.test/m/@v/list to insecure URL http://portal.corp.example/login`, "PROXY_REDIRECT", "proxy.corp.example"},
		{"go: git.corp.example/team/lib@v1.2.0: verifying module: git.corp.example/team/lib@v1.2.0: reading https://sum.example.test/lookup/git.corp.example/team/lib@v1.2.0: 404 Not Found\n\tserver response: not found", "SUMDB_NOT_FOUND", "git.corp.example/team/lib"},
		{`go: example.test/m@v1.0.0: verifying module: example.test/m@v1.0.0: Get "https://sum.example.test/lookup/example.test/m@v1.0.0": dial tcp: lookup sum.example.test on 127.0.0.53:53: no such host`, "SUMDB_UNREACHABLE", "sum.example.test"},
		{"go: example.test/m@v1.0.0: verifying go.mod: example.test/m@v1.0.0/go.mod: reading tree note: note has no verifiable signatures\nnote:\ngo.sum database tree\n306\nabc=\n\n— sum.example.test xyz=", "SUMDB_WRONG_KEY", "GOSUMDB"},
		{"go: git.corp.example/team/lib@v1.0.0: git ls-remote -q origin in $WORK/gopath/pkg/mod/cache/vcs/abc: exit status 128:\n\tfatal: could not read Username for 'https://git.corp.example': terminal prompts disabled\nConfirm the import path was entered correctly.\nIf this is a private repository, see the FAQ for additional information.", "PRIVATE_TERMINAL_PROMPTS_DISABLED", "git.corp.example"},
		{"go: git.corp.example/team/lib@v1.0.0: git ls-remote -q origin in $WORK/x: exit status 128:\n\tgit@git.corp.example: Permission denied (publickey).\n\tfatal: Could not read from remote repository.", "PRIVATE_AUTH_FAILED", "git.corp.example/team/lib"},
		{`go: git.corp.example/team/lib@v1.0.0: GOVCS disallows using git for private git.corp.example/team/lib; see 'go help vcs'`, "PRIVATE_GOVCS_DISALLOWED", "git.corp.example/team/lib"},
		{`go: git.corp.example/team/lib@v1.0.0: git ls-remote -q origin: exec: "git": executable file not found in $PATH`, "PRIVATE_VCS_MISSING", "git"},
		{`go: downloading go1.99.1 (linux/amd64)` + "\n" + `go: download go1.99.1 for linux/amd64: toolchain not available`, "MODULE_TOOLCHAIN_UNAVAILABLE", "go1.99.1"},
		{`go: example.test/m@v1.0.0: mkdir $WORK/gopath/pkg/mod/cache/download/example.test/m/@v: permission denied`, "MODCACHE_NOT_WRITABLE", "GOMODCACHE"},
		{`example.test/m v1.0.0: dir has been modified ($WORK/gopath/pkg/mod/example.test/m@v1.0.0)`, "MODCACHE_DIR_MODIFIED", "example.test/m"},
		{`go: example.test/m@v1.0.0: write $WORK/gopath/pkg/mod/cache/download/example.test/m/@v/v1.0.0.zip: no space left on device`, "MODCACHE_LOW_SPACE", "GOMODCACHE"},
		{`go: -insecure flag is no longer supported; use GOINSECURE instead`, "GOFLAGS_INSECURE", "GOFLAGS"},
		{`go: cannot find GOROOT directory: /opt/nogo`, "GOROOT_INVALID", "GOROOT"},
		{`go: unknown environment setting GO111MODULE=yes`, "GO111MODULE_INVALID", "GO111MODULE"},
		{`go: example.test/m@v1.0.0: Get "https://proxy.corp.example/example.test/m/@v/v1.0.0.mod": checksum database disabled by GOSUMDB=off`, "GOSUMDB_OFF", "GOSUMDB"},
		{`go: directory prefix . does not contain main module or its selected dependencies`, "MODULE_NO_GOMOD", "go.mod"},
	} {
		l := parse(t, tc.in)
		if len(l.causes) == 0 || l.causes[0].rule.Code != tc.want {
			t.Errorf("%q:\n got %v, want %s", tc.in, l.Codes(), tc.want)
			continue
		}
		if got := l.causes[0].subject; got != tc.subj {
			t.Errorf("%q: subject %q, want %q", tc.in, got, tc.subj)
		}
		if len(l.Unrecognised) > 0 {
			t.Errorf("%q: unrecognised %v", tc.in, l.Unrecognised)
		}
	}
}

// A remote proxy's account of its own network (its DNS, its git) is not
// a fact about this machine: a DNS failure inside "server response" is
// not DNS_NXDOMAIN here.
func TestServerResponseIsTheProxysWord(t *testing.T) {
	in := "go: example.test/m@v1.0.0: reading https://proxy.corp.example/example.test/m/@v/v1.0.0.info: 404 Not Found\n\tserver response: not found: dial tcp: lookup example.test: no such host"
	if got := parse(t, in).Codes(); !slices.Equal(got, []string{"PRIVATE_MODULE_NOT_EXCLUDED"}) {
		t.Errorf("got %v", got)
	}
	in = "go: example.test/m@v1.0.0: reading https://proxy.corp.example/example.test/m/@v/v1.0.0.info: 500 Internal Server Error\n\tserver response: dial tcp: lookup upstream.example: no such host"
	if got := parse(t, in).Codes(); !slices.Equal(got, []string{"PROXY_SERVER_ERROR"}) {
		t.Errorf("got %v", got)
	}
}

func TestNoErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"\n\n",
		"go: downloading example.test/greet v0.1.0\ngo: downloading example.test/hello v1.0.0\n",
		"ok  \texample.test/app\t0.012s\n",
		"# get https://proxy.corp.example/example.test/m/@v/list: 404 Not Found (0.1s)\n# get https://proxy.corp.example/example.test/m/@v/list: 200 OK (0.1s)\n",
		"go: warning: \"./...\" matched no packages\n",
		"go: rsc.example/needall@v0.0.1 requires go >= 1.23; switching to go1.23.9\ngo: downloading go1.23.9 (linux/amd64)\n",
		"{\"Path\":\"example.test/m\",\"Version\":\"v1.0.0\",\"Info\":\"/x/v1.0.0.info\"}\n",
		"Lorem ipsum dolor sit amet\nconsectetur adipiscing elit\n",
	} {
		l := parse(t, in)
		if l.HasErrors() {
			t.Errorf("%q: errors %v, unrecognised %v", in, l.Codes(), l.Unrecognised)
		}
		if lr := Explain(l, nil, "-"); ExitCode(lr) != 0 || Status(lr) != checks.StatusPass {
			t.Errorf("%q: exit %d", in, ExitCode(lr))
		}
	}
}

func TestUnrecognisedAreListed(t *testing.T) {
	in := "# example.test/app\n./main.go:5:2: undefined: foo\ngo: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n--- FAIL: TestX (0.00s)\nFAIL\texample.test/app [build failed]\nfatal: something new\n"
	l := parse(t, in)
	if got := l.Codes(); !slices.Equal(got, []string{"GOPROXY_OFF"}) {
		t.Errorf("codes %v", got)
	}
	var texts []string
	for _, e := range l.Unrecognised {
		texts = append(texts, e.Text)
	}
	want := []string{"./main.go:5:2: undefined: foo", "--- FAIL: TestX (0.00s)"}
	for _, w := range want {
		if !slices.Contains(texts, w) {
			t.Errorf("unrecognised %q missing from %q", w, texts)
		}
	}
	if l.Unrecognised[0].Line != 2 {
		t.Errorf("line number %d", l.Unrecognised[0].Line)
	}
	if lr := Explain(l, nil, "-"); ExitCode(lr) != 1 {
		t.Errorf("exit %d", ExitCode(lr))
	}
	// Only unrecognised errors: the command failed all the same.
	l = parse(t, "./main.go:5:2: undefined: foo\n")
	if lr := Explain(l, nil, "-"); ExitCode(lr) != 1 || len(lr.Causes) != 0 || len(lr.Unrecognised) != 1 {
		t.Errorf("exit %d, %+v", ExitCode(lr), lr)
	}
}

func TestEntriesGroupContinuationLines(t *testing.T) {
	in := "go: example.com/m imports\n\texample.net/x: cannot find module providing package example.net/x\ngo: example.com/m imports\n\texample.net/y: cannot find module providing package example.net/y\n"
	l := parse(t, in)
	if l.Errors != 2 || len(l.causes) != 2 || l.causes[1].evidence[0].Line != 3 {
		t.Fatalf("errors %d, causes %v", l.Errors, l.Codes())
	}
	if l.causes[0].subject != "example.net/x" || !strings.Contains(l.causes[0].evidence[0].Text, "\texample.net/x:") {
		t.Errorf("cause %+v", l.causes[0])
	}
	// The same cause twice is one cause seen twice.
	l = parse(t, "go: a.example/m@v1.0.0: module lookup disabled by GOPROXY=off\ngo: b.example/m@v1.0.0: module lookup disabled by GOPROXY=off\n")
	if len(l.causes) != 1 || l.causes[0].count != 2 || len(l.causes[0].evidence) != 2 {
		t.Errorf("causes %+v", l.causes)
	}
}

func TestCleaning(t *testing.T) {
	for name, in := range map[string]string{
		"colours":  "\x1b[31mgo: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\x1b[0m\n",
		"crlf":     "go: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\r\n",
		"github":   "2024-05-01T12:00:00.1234567Z go: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n",
		"errorcmd": "##[error]go: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n",
		"progress": "50%\rgo: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n",
		"docker":   "#12 3.456 go: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n",
		"bom":      "\ufeffgo: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n",
	} {
		l := parse(t, in)
		if got := l.Codes(); !slices.Equal(got, []string{"GOPROXY_OFF"}) {
			t.Errorf("%s: %v", name, got)
		}
		if strings.ContainsAny(l.causes[0].evidence[0].Text, "\x1b\r") {
			t.Errorf("%s: evidence %q", name, l.causes[0].evidence[0].Text)
		}
	}
}

func TestUTF16(t *testing.T) {
	// PowerShell's '>' writes UTF-16 with a byte order mark.
	text := "go: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\r\n"
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xFE})
	for _, u := range utf16.Encode([]rune(text)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	l, err := Parse(&b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Codes(); !slices.Equal(got, []string{"GOPROXY_OFF"}) {
		t.Errorf("got %v", got)
	}
}

func TestJSONOutputs(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"mod download -json": {
			"{\n\t\"Path\": \"example.test/m\",\n\t\"Version\": \"v9.9.9\",\n\t\"Error\": \"reading https://proxy.corp.example/example.test/m/@v/v9.9.9.info: 404 Not Found\"\n}\n",
			"PROXY_NOT_FOUND",
		},
		"list -m -json": {
			"{\n\t\"Path\": \"example.test/m\",\n\t\"Error\": {\n\t\t\"Err\": \"module lookup disabled by GOPROXY=off\"\n\t}\n}\n",
			"GOPROXY_OFF",
		},
		"build -json": {
			`{"ImportPath":"example.test/app","Action":"build-output","Output":"main.go:3:8: missing go.sum entry for module providing package example.test/m (imported by example.test/app); to add:\n"}` + "\n" +
				`{"ImportPath":"example.test/app","Action":"build-output","Output":"\tgo get example.test/app\n"}` + "\n" +
				`{"ImportPath":"example.test/app","Action":"build-fail"}` + "\n",
			"MODULE_MISSING_GOSUM",
		},
		"test -json": {
			`{"Time":"2024-01-01T00:00:00Z","Action":"output","Package":"example.test/app","Output":"go: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n"}` + "\n",
			"GOPROXY_OFF",
		},
	} {
		l := parse(t, tc.in)
		if got := l.Codes(); !slices.Equal(got, []string{tc.want}) {
			t.Errorf("%s: got %v, want %s (unrecognised %v)", name, got, tc.want, l.Unrecognised)
		}
	}
	// The build -json output keeps go's suggestion with its error.
	l := parse(t, `{"Action":"build-output","Output":"main.go:3:8: missing go.sum entry for module providing package example.test/m (imported by example.test/app); to add:\n"}`+"\n"+`{"Action":"build-output","Output":"\tgo get example.test/app\n"}`+"\n")
	if v := l.causes[0].vars["suggest"]; v != "go get example.test/app" {
		t.Errorf("suggest %q", v)
	}
	// A brace that opens no JSON is text.
	l = parse(t, "{\ngo: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n")
	if got := l.Codes(); !slices.Equal(got, []string{"GOPROXY_OFF"}) {
		t.Errorf("unterminated object: got %v", got)
	}
}

func TestNotText(t *testing.T) {
	for name, in := range map[string][]byte{
		"nul":     []byte("go: x\x00y\n"),
		"elf":     append([]byte("\x7fELF\x02\x01\x01"), bytes.Repeat([]byte{0, 1, 2, 3}, 100)...),
		"random":  []byte("\xf3\x8a\x01\x9c\xff\xfe\x80\x81\x02\x03\xc0\xc1\xf5\xf6\x90"),
		"control": bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 'a'}, 100),
	} {
		_, err := Parse(bytes.NewReader(in), Limits{})
		var nt *NotTextError
		if !errors.As(err, &nt) {
			t.Errorf("%s: err %v, want NotTextError", name, err)
		}
	}
	// A stray Latin-1 byte in a log is still a log.
	if _, err := Parse(strings.NewReader("go: a caf\xe9 in the path: module lookup disabled by GOPROXY=off\n"+strings.Repeat("ok\n", 10)), Limits{}); err != nil {
		t.Errorf("latin-1: %v", err)
	}
}

func TestLimits(t *testing.T) {
	// A long line is cut, not held whole.
	long := "go: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off " + strings.Repeat("x", 1<<20) + "\n"
	l, err := Parse(strings.NewReader(long), Limits{MaxLineBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.causes) != 1 || len(l.causes[0].evidence[0].Text) > 1024 {
		t.Errorf("long line: %v, %d bytes kept", l.Codes(), len(l.causes[0].evidence[0].Text))
	}
	// A log past MaxBytes is read up to it and reported truncated.
	big := strings.Repeat("noise\n", 10000) + "go: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n"
	l, err = Parse(strings.NewReader(big), Limits{MaxBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if !l.Truncated || l.Bytes > 1000 || l.HasErrors() {
		t.Errorf("truncated %v after %d bytes, errors %d", l.Truncated, l.Bytes, l.Errors)
	}
	// Many distinct errors: unrecognised ones past the limit are counted,
	// causes past the limit are merged by code.
	var b strings.Builder
	for i := range 500 {
		b.WriteString("./main.go:" + itoa(i+1) + ":2: undefined: x\n")
		b.WriteString("go: example.test/m" + itoa(i) + "@v1.0.0: module lookup disabled by GOPROXY=off\n")
		b.WriteString("go: example.test/m" + itoa(i) + "@v1.0.0: reading https://p.example/x/@v/v1.0.0.info: 404 Not Found\n")
	}
	l, err = Parse(strings.NewReader(b.String()), Limits{MaxUnrecognised: 10, MaxCauses: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Unrecognised) != 10 || l.UnrecognisedOmitted != 490 {
		t.Errorf("unrecognised %d + %d", len(l.Unrecognised), l.UnrecognisedOmitted)
	}
	total := 0
	for _, c := range l.causes {
		total += c.count
	}
	if total != 1000 || len(l.causes) > 21 || l.Errors != 1500 {
		t.Errorf("%d causes, counts %d, errors %d", len(l.causes), total, l.Errors)
	}
	// An entry keeps at most MaxEntryLines lines.
	l = parse(t, "go: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n"+strings.Repeat("\tmore\n", 1000))
	if n := strings.Count(l.causes[0].evidence[0].Text, "\n"); n > DefaultLimits.MaxEntryLines+1 {
		t.Errorf("entry of %d lines", n)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// Values taken from a hostile log never become shell syntax in a fix.
func TestFixesAreShellSafe(t *testing.T) {
	in := "go: example.test/m$(touch${IFS}pwned)@v1.0.0: reading https://p.example/x/@v/v1.0.0.info: 404 Not Found\n" +
		"main.go:1:1: missing go.sum entry for module providing package x.example/p; to add:\n\tgo get x.example/p;rm -rf ~\n" +
		"verifying a.example/m`id`@v1.0.0: checksum mismatch\n"
	lr := Explain(parse(t, in), nil, "-")
	for _, c := range lr.Causes {
		for _, f := range c.Fixes {
			if strings.ContainsAny(f.Command, "`;") || strings.Contains(f.Command, "$(touch") || strings.Contains(f.Command, "rm -rf") {
				t.Errorf("%s: unsafe fix command %q", c.Code, f.Command)
			}
		}
	}
}

// Credentials in the log never reach the report, wherever they appear.
func TestLogCredentialsAreScrubbed(t *testing.T) {
	in := "go: git.corp.example/lib@v1.0.0: Get \"https://ci-bot:tok3n-pw-123@git.corp.example/lib?go-get=1\": dial tcp: lookup git.corp.example: no such host\n" +
		"go: git.corp.example/lib@v1.0.0: git ls-remote https://ghp_S3CRETT0KEN@git.corp.example/lib: exit status 128\n" +
		"fatal: tok3n-pw-123 ghp_S3CRETT0KEN appear again\n"
	lr := Explain(parse(t, in), nil, "-")
	var all strings.Builder
	for _, c := range lr.Causes {
		all.WriteString(c.Message + c.Subject)
		for _, e := range c.Evidence {
			all.WriteString(e.Text)
		}
		for _, f := range c.Fixes {
			all.WriteString(f.Title + f.Command + f.Value)
		}
	}
	for _, e := range lr.Unrecognised {
		all.WriteString(e.Text)
	}
	if s := all.String(); strings.Contains(s, "tok3n-pw-123") || strings.Contains(s, "S3CRETT0KEN") {
		t.Errorf("a credential reached the report:\n%s", s)
	}
}

// Fixes of Go settings are aimed where the value is set on this machine,
// like the env check aims its own.
func TestEnvFixesAreAimed(t *testing.T) {
	log := "go: example.test/m@v1.0.0: module lookup disabled by GOPROXY=off\n"
	defaults := map[string]string{"GOPROXY": "https://proxy.example.test,direct", "GOSUMDB": "sum.example.test"}
	for _, tc := range []struct {
		name          string
		process, file map[string]string
		want          string
	}{
		{"process", map[string]string{"GOPROXY": "off"}, nil, "export GOPROXY=https://proxy.example.test,direct"},
		{"goenv file", nil, map[string]string{"GOPROXY": "off"}, "go env -u GOPROXY"},
		{"elsewhere", nil, nil, "unset GOPROXY"},
	} {
		env := checks.NewEnv("/w", goenv.New(tc.process, tc.file, defaults), nil)
		lr := Explain(parse(t, log), env, "-")
		if got := lr.Causes[0].Fixes[0].Command; got != tc.want {
			t.Errorf("%s: fix %q, want %q", tc.name, got, tc.want)
		}
	}
	// GOPRIVATE grows; the user's entries stay.
	in := "go: git.corp.example/team/lib/v2@v2.0.0: reading https://proxy.example.test/git.corp.example/team/lib/v2/@v/v2.0.0.mod: 410 Gone\n\tserver response: not found: fatal: could not read Username for 'https://git.corp.example': terminal prompts disabled\n"
	env := checks.NewEnv("/w", goenv.New(nil, map[string]string{"GOPRIVATE": "other.example/x", "GONOSUMDB": "other.example/x"}, defaults), nil)
	lr := Explain(parse(t, in), env, "-")
	f := lr.Causes[0].Fixes[0]
	if f.Command != "go env -w GOPRIVATE=other.example/x,git.corp.example/team/lib" || !strings.Contains(f.Title, "GONOSUMDB=other.example/x,git.corp.example/team/lib") {
		t.Errorf("fix %+v", f)
	}
	// Already covered here: the failing run had another environment.
	env = checks.NewEnv("/w", goenv.New(map[string]string{"GOPRIVATE": "git.corp.example"}, nil, defaults), nil)
	lr = Explain(parse(t, in), env, "-")
	if f := lr.Causes[0].Fixes[0]; f.Kind != checks.FixManual || !strings.Contains(f.Title, "already covers") {
		t.Errorf("fix %+v", f)
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"a": "A", "b": ""}
	for _, tc := range []struct {
		tmpl, want string
		ok         bool
	}{
		{"x {a} y", "x A y", true},
		{"x {b} y", "x  y", false},
		{"{b|fall {a}}", "fall A", true},
		{"{a?, with {a}}", ", with A", true},
		{"{b?, with {b}}", "", true},
		{"${TMPDIR:-/tmp} {A}", "${TMPDIR:-/tmp} {A}", true},
		{"{unclosed", "{unclosed", true},
	} {
		got, ok := expand(tc.tmpl, vars, nil)
		if got != tc.want || ok != tc.ok {
			t.Errorf("expand(%q) = %q, %v; want %q, %v", tc.tmpl, got, ok, tc.want, tc.ok)
		}
	}
}

// The keyword prefilter must never hide a match: every corpus line and
// every captured log is matched with and without it.
func TestKeywordFilterIsSound(t *testing.T) {
	var texts []string
	for _, c := range harvest(t) {
		texts = append(texts, c.sample)
	}
	for _, r := range cat().rules {
		for i, p := range r.Match {
			texts = append(texts, p) // patterns often match their own text
			_ = i
		}
	}
	for _, s := range texts {
		for _, r := range cat().rules {
			for i, re := range r.res {
				if re.MatchString(s) && !r.candidate(i, s) {
					t.Errorf("%s pattern %q matches %q but its keywords %q are not found", r.Code, r.Match[i], s, r.keywords[i])
				}
				if re.MatchString(s) && !cat().kw.any(s) {
					t.Errorf("the keyword index misses %q", s)
				}
			}
		}
	}
}

// TestCatalogCodes: a cause explain names for a log is a finding of a
// live check, with the code that check declares (checks.Check.Codes),
// unless the rule says no live check can rule it out (NoRuleOut).
func TestCatalogCodes(t *testing.T) {
	declared := map[string]map[string]bool{}
	for _, c := range suite.All() {
		declared[c.ID] = map[string]bool{}
		for _, d := range c.Codes {
			declared[c.ID][d.Code] = true
		}
	}
	envCodes := declared["env"]
	for _, c := range Codes() {
		codes, ok := declared[c.Check]
		switch {
		case !ok:
			t.Errorf("%s is owned by %q, which is no check of the suite", c.Code, c.Check)
		case c.Check == "env" && !codes[c.Code]:
			t.Errorf("%s is owned by the env check, which does not declare it", c.Code)
		case !codes[c.Code] && !c.NoRuleOut:
			t.Errorf("%s is owned by the %s check, which does not declare it", c.Code, c.Check)
		}
	}
	for _, r := range cat().rules {
		if len(r.Fixes) == 0 {
			t.Errorf("%s has no fix", r.Code)
		}
		for _, f := range r.Fixes {
			if f.when != "" && predicates[f.when] == nil {
				t.Errorf("%s: unknown predicate %q", r.Code, f.when)
			}
		}
		for _, code := range r.Confirms {
			if strings.HasPrefix(code, "GO") && !envCodes[code] {
				t.Errorf("%s is confirmed by %s, which the env check does not declare", r.Code, code)
			}
			// A confirming code of the env check is looked for only in
			// the results of the checks the rule names.
			if envCodes[code] && r.Check != "env" && !slices.Contains(r.Also, "env") {
				t.Errorf("%s is confirmed by the env check's %s but does not name the env check", r.Code, code)
			}
		}
	}
}

// Fixes are exact where the log says enough.
func TestExactFixes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"go: rsc.example/quote@v1.5.2: missing go.sum entry for go.mod file; to add it:\n\tgo mod download rsc.example/quote", "go mod download rsc.example/quote@v1.5.2"},
		{"go: rsc.example/quote@v1.5.2: missing go.sum entry for go.mod file; to add it:\n\tgo mod download rsc.example/quote", "go mod download rsc.example/quote"},
		{"go: example.test/m@v1.9.9: reading https://p.example/example.test/m/@v/v1.9.9.info: 404 Not Found", "go list -m -versions example.test/m"},
		{"go: example.test/old@v1.0.0: parsing go.mod:\n\tmodule declares its path as: example.test/new\n\t        but was required as: example.test/old", "go get example.test/new@v1.0.0"},
		{"verifying example.test/m@v1.0.0: checksum mismatch\n\tdownloaded: h1:x\n\tgo.sum:     h1:y", `awk '!($1 == "example.test/m" && ($2 == "v1.0.0" || $2 == "v1.0.0/go.mod"))' go.sum > go.sum.new && mv go.sum.new go.sum && go mod download example.test/m@v1.0.0`},
		// Module cache paths are escaped as the go command escapes them.
		{"go: example.test/Big@v1.0.0: missing ziphash: open /x/ziphash", `chmod -R u+w "$(go env GOMODCACHE)"/cache/download/'example.test/!big'/@v && rm -f "$(go env GOMODCACHE)"/cache/download/'example.test/!big/@v/v1.0.0'.* && go mod download example.test/Big@v1.0.0`},
		{"example.test/m v1.0.0: dir has been modified (/x)", `chmod -R u+w "$(go env GOMODCACHE)"/'example.test/m@v1.0.0' && rm -rf "$(go env GOMODCACHE)"/'example.test/m@v1.0.0' && go mod download example.test/m@v1.0.0`},
	} {
		lr := Explain(parse(t, tc.in), nil, "-")
		var cmds []string
		for _, c := range lr.Causes {
			for _, f := range c.Fixes {
				cmds = append(cmds, f.Command)
			}
		}
		if !slices.Contains(cmds, tc.want) {
			t.Errorf("%q: fixes %q, want %q", tc.in, cmds, tc.want)
		}
	}
}

// A 401 from a proxy on a port that is not the default: the .netrc
// machine is host:port, what the go command matches (never the bare
// host, which it ignores for that URL).
func TestNetrcMachineHasThePort(t *testing.T) {
	in := "go: example.test/m@v1.0.0: reading https://127.0.0.1:8443/mod/example.test/m/@v/v1.0.0.mod: 401 Unauthorized\n"
	env := checks.NewEnv("/w", goenv.New(nil, nil, map[string]string{"GOPROXY": "https://proxy.example.test,direct"}), nil)
	lr := Explain(parse(t, in), env, "-")
	if len(lr.Causes) == 0 || len(lr.Causes[0].Fixes) == 0 {
		t.Fatalf("no cause or fix for %q", in)
	}
	if got := lr.Causes[0].Fixes[0].Command; !strings.Contains(got, "machine 127.0.0.1:8443 login") {
		t.Errorf("fix %q, want machine 127.0.0.1:8443", got)
	}
}
