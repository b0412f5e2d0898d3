package netenv_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// envOf makes a Getenv from pairs.
func envOf(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestProxyForFollowsNetHTTP(t *testing.T) {
	for _, tt := range []struct {
		name   string
		env    []string
		target string
		want   string // "" for direct
		varNam string
	}{
		{"https proxy", []string{"HTTPS_PROXY", "http://p.corp.test:3128"}, "https://goproxy.corp.test", "http://p.corp.test:3128", "HTTPS_PROXY"},
		{"upper-case wins, as in the go command's net/http", []string{"HTTPS_PROXY", "http://upper.test:1", "https_proxy", "http://lower.test:1"}, "https://goproxy.corp.test", "http://upper.test:1", "HTTPS_PROXY"},
		{"lower-case alone", []string{"https_proxy", "http://lower.test:1"}, "https://goproxy.corp.test", "http://lower.test:1", "https_proxy"},
		{"http proxy is not for https", []string{"HTTP_PROXY", "http://p.test:1"}, "https://goproxy.corp.test", "", ""},
		{"http proxy for http", []string{"HTTP_PROXY", "http://p.test:1"}, "http://goproxy.corp.test", "http://p.test:1", "HTTP_PROXY"},
		{"loopback never proxied", []string{"HTTPS_PROXY", "http://p.test:1"}, "https://127.0.0.1:8443", "", "HTTPS_PROXY"},
		{"localhost never proxied", []string{"HTTPS_PROXY", "http://p.test:1"}, "https://localhost:8443", "", "HTTPS_PROXY"},
		{"NO_PROXY domain", []string{"HTTPS_PROXY", "http://p.test:1", "NO_PROXY", ".corp.test"}, "https://goproxy.corp.test", "", "HTTPS_PROXY"},
		{"NO_PROXY other", []string{"HTTPS_PROXY", "http://p.test:1", "NO_PROXY", "other.test"}, "https://goproxy.corp.test", "http://p.test:1", "HTTPS_PROXY"},
		{"host:port form", []string{"HTTPS_PROXY", "p.test:3128"}, "https://goproxy.corp.test", "http://p.test:3128", "HTTPS_PROXY"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := netenv.New(netenv.Config{Getenv: envOf(tt.env...)})
			got, err := n.ProxyFor(mustURL(t, tt.target))
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tt.want == "") || got != nil && got.String() != tt.want {
				t.Errorf("ProxyFor(%s) = %v, want %q", tt.target, got, tt.want)
			}
			if v := n.Proxy().VarFor(mustURL(t, tt.target).Scheme); tt.varNam != "" && v != tt.varNam {
				t.Errorf("VarFor = %q, want %q", v, tt.varNam)
			}
		})
	}
	n := netenv.New(netenv.Config{Getenv: envOf("HTTP_PROXY", "http://p.test:1", "REQUEST_METHOD", "GET")})
	if _, err := n.ProxyFor(mustURL(t, "http://goproxy.corp.test")); err == nil {
		t.Error("HTTP_PROXY in a CGI environment: no error")
	}
}

func TestParseNetrc(t *testing.T) {
	data := `machine a.test login alice password pw1
machine b.test
  login bob
  password pw2
macdef init
machine hidden.test login x password y

machine a.test login second password pw3
default
machine after.test login z password zz
`
	got := netenv.ParseNetrc(data)
	want := []netenv.NetrcLine{
		{"a.test", "alice", "pw1", 1}, {"b.test", "bob", "pw2", 2}, {"a.test", "second", "pw3", 8},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseNetrc = %+v, want %+v", got, want)
	}
}

func FuzzParseNetrc(f *testing.F) {
	for _, s := range []string{
		"machine a login b password c", "machine a\nlogin b\npassword c\n", "macdef x\nmachine a login b password c\n\n",
		"default login a password b", "machine", "login password machine", "\x00\n\n\t",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		for _, l := range netenv.ParseNetrc(data) {
			if l.Machine == "" || l.Login == "" || l.Password == "" {
				t.Fatalf("incomplete entry %+v", l)
			}
		}
	})
}

func TestCredential(t *testing.T) {
	home := t.TempDir()
	netrc := "machine goproxy.corp.test login alice password s3cret-one\n" +
		"machine goproxy.corp.test/team login bob password s3cret-two\n" +
		"machine goproxy.corp.test login later password never-used\n" +
		"machine ported.test:8443 login carol password s3cret-three\n"
	if err := os.WriteFile(filepath.Join(home, ".netrc"), []byte(netrc), 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var secrets []string
	n := netenv.New(netenv.Config{Getenv: envOf("HOME", home), AddSecret: func(s string) {
		mu.Lock()
		secrets = append(secrets, s)
		mu.Unlock()
	}})
	for _, tt := range []struct {
		url, login string
	}{
		{"https://goproxy.corp.test/mod/x/@v/list", "alice"},
		{"https://goproxy.corp.test/team/x/@v/list", "bob"},
		{"https://goproxy.corp.test:8443/x", ""}, // the port is part of the prefix
		{"https://ported.test:8443/x", "carol"},
		{"http://goproxy.corp.test/x", ""},      // only https
		{"https://u:p@goproxy.corp.test/x", ""}, // URL credentials win
		{"https://other.test/goproxy.corp.test", ""},
	} {
		l, ok := n.Credential(mustURL(t, tt.url))
		if ok != (tt.login != "") || l.Login != tt.login {
			t.Errorf("Credential(%s) = %q %v, want %q", tt.url, l.Login, ok, tt.login)
		}
	}
	if len(secrets) != 4 {
		t.Errorf("registered secrets %d, want 4", len(secrets))
	}
	off := netenv.New(netenv.Config{Getenv: envOf("HOME", home), GOAUTH: "off"})
	if _, ok := off.Credential(mustURL(t, "https://goproxy.corp.test/x")); ok {
		t.Error("GOAUTH=off: .netrc still used")
	}
	custom := netenv.New(netenv.Config{Getenv: envOf("NETRC", filepath.Join(home, ".netrc")), GOAUTH: "netrc; git /src"})
	if _, ok := custom.Credential(mustURL(t, "https://goproxy.corp.test/x")); !ok || len(custom.Netrc().Commands) != 1 {
		t.Errorf("NETRC with GOAUTH=netrc;git: %+v", custom.Netrc())
	}
}

func TestMemo(t *testing.T) {
	var m netenv.Memo[string, int]
	var calls atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, ok := m.Do(context.Background(), "k", func() int {
				calls.Add(1)
				time.Sleep(10 * time.Millisecond)
				return 42
			})
			if !ok || v != 42 {
				t.Errorf("Do = %d %v", v, ok)
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Errorf("computed %d times", calls.Load())
	}

	// A caller whose context ends stops waiting, even for a computation
	// that ignores it.
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, ok := m.Do(ctx, "stuck", func() int { <-release; return 1 }); ok {
		t.Error("Do returned a value for a computation that never ended")
	}
}

func TestIsPublicName(t *testing.T) {
	for name, want := range map[string]bool{
		"goproxy.example.org": true, "proxy.corp.test": false, "sum.example": false, "localhost": false,
		"intranet": false, "127.0.0.1": false, "::1": false, "host.internal": false, "a.b.c.dev.": true,
	} {
		if got := netenv.IsPublicName(name); got != want {
			t.Errorf("IsPublicName(%q) = %v", name, got)
		}
	}
}

func TestClassify(t *testing.T) {
	if netenv.Classify(nil) != netenv.KindOK {
		t.Error("nil is not OK")
	}
	if k := netenv.Classify(context.DeadlineExceeded); k != netenv.KindTimeout {
		t.Errorf("deadline: %s", k)
	}
	if k := netenv.Classify(errors.New("something odd")); k != netenv.KindOther {
		t.Errorf("other: %s", k)
	}
}

// TestScanNetrc: every machine token with its line and what the go
// command makes of it; "default" ends the file only where a pair would
// start with it and nothing follows, as in the go command's parser.
func TestScanNetrc(t *testing.T) {
	data := "machine a.test login alice password pw1\n" + // 1: read
		"machine b.test login bob\n" + // 2: no password
		"default login x password y\n" + // 3: not the end (paired tokens)
		"macdef init\n" + // 4
		"machine in.macro login m password n\n" + // 5: inside the macro
		"\n" + // 6: ends it
		"machine c.test login carol password pw2\n" + // 7: read
		"default\n" + // 8: the end
		"machine after.test login z password zz\n" // 9: never read
	got, def := netenv.ScanNetrc(data)
	want := []netenv.NetrcMention{
		{Machine: "a.test", Line: 1, Complete: true},
		{Machine: "b.test", Line: 2, Ignored: "no login or password"},
		{Machine: "in.macro", Line: 5, Ignored: "inside a macro definition"},
		{Machine: "c.test", Line: 7, Complete: true},
		{Machine: "after.test", Line: 9, Ignored: "after default"},
	}
	if !reflect.DeepEqual(got, want) || def != 8 {
		t.Errorf("ScanNetrc = %+v, default line %d; want %+v, 8", got, def, want)
	}
	var read []string
	for _, l := range netenv.ParseNetrc(data) {
		read = append(read, l.Machine)
	}
	if strings.Join(read, ",") != "a.test,c.test" {
		t.Errorf("ParseNetrc reads %v, want a.test and c.test", read)
	}
}

func TestContentRange(t *testing.T) {
	for _, tt := range []struct {
		v           string
		first, size int64
		ok          bool
	}{
		{"bytes 100-199/200", 100, 200, true},
		{"bytes 0-0/1", 0, 1, true},
		{"bytes 0-199/*", 0, 0, false},
		{"bytes 100-99/200", 0, 0, false},
		{"bytes 100-200/200", 0, 0, false},
		{"bytes -1-5/10", 0, 0, false},
		{"items 1-2/3", 0, 0, false},
		{"", 0, 0, false},
		{"bytes 1-2/x", 0, 0, false},
	} {
		r := &netenv.Response{Header: http.Header{"Content-Range": {tt.v}}}
		first, size, ok := r.ContentRange()
		if ok != tt.ok || ok && (first != tt.first || size != tt.size) {
			t.Errorf("ContentRange(%q) = %d, %d, %v; want %d, %d, %v", tt.v, first, size, ok, tt.first, tt.size, tt.ok)
		}
	}
}
