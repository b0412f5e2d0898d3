package proxy

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// guardedProxy is an https module proxy on 127.0.0.1 (a port that is
// not 443) that wants the basic credentials alice / netrc-pass-3.
type guardedProxy struct {
	URL, Machine string
	CA           *fixtures.CA
}

func newGuardedProxy(t *testing.T) guardedProxy {
	t.Helper()
	proxy := fixtures.GoProxy(t)
	ca := fixtures.NewCA(t, "Fixture CA")
	srv := fixtures.HTTPSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "netrc-pass-3" {
			http.Error(w, "credentials needed", http.StatusUnauthorized)
			return
		}
		fixtures.Forward(proxy.URL).ServeHTTP(w, r)
	}), ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"127.0.0.1"}}), nil)
	return guardedProxy{URL: srv.URL, Machine: checktest.HostPortOf(srv.URL), CA: ca}
}

// TestProxyNetrcAdvice: for a proxy on a port that is not the default,
// the advised machine is host:port (what the go command matches); an
// entry the go command reads is edited at its line, never appended after
// (the first entry wins); and when an entry is there but not sent, the
// reason is named instead of the same entry being advised again.
func TestProxyNetrcAdvice(t *testing.T) {
	g := newGuardedProxy(t)
	m := g.Machine
	right := "machine " + m + " login alice password netrc-pass-3\n"
	for _, tt := range []struct {
		name    string
		netrc   string            // ~/.netrc
		process map[string]string // more of the process environment
		goproxy string            // instead of the proxy's URL
		msg     []string          // substrings of the finding's message
		fix     []string          // substrings of its fix commands
		notFix  []string
	}{
		{name: "no netrc", msg: []string{"no entry for " + m},
			fix: []string{"printf 'machine " + m + " login <user> password <token>\\n' >> ~/.netrc"}},
		{name: "host without its port", netrc: "machine 127.0.0.1 login alice password netrc-pass-3\n",
			msg: []string{"no entry for " + m, "line 1 names 127.0.0.1"}, fix: []string{"printf 'machine " + m + " "}},
		{name: "stale entry", netrc: "machine " + m + " login alice password old-pass-1\n",
			msg: []string{"sends the entry on line 1", "refuses it"}, fix: []string{"+1 "}, notFix: []string{">>"}},
		{name: "right entry after a stale one", netrc: "machine " + m + " login alice password old-pass-1\n" + right,
			msg: []string{"sends the entry on line 1", "line 2 for the same machine is never read"}, fix: []string{"+1 "}, notFix: []string{">>"}},
		{name: "GOAUTH without netrc", netrc: right, process: map[string]string{"GOAUTH": "git /tmp"},
			msg: []string{"GOAUTH does not include netrc"}, fix: []string{`GOAUTH="netrc;$GOAUTH"`}, notFix: []string{">>"}},
		{name: "GOAUTH=off", netrc: right, process: map[string]string{"GOAUTH": "off"},
			msg: []string{"GOAUTH=off"}, fix: []string{"unset GOAUTH"}, notFix: []string{">>"}},
		{name: "after default", netrc: "default\n  login x\n  password y\n" + right,
			msg: []string{"line 4", `"default" entry on line 1`}, fix: []string{"+4 "}, notFix: []string{">>"}},
		{name: "incomplete", netrc: "machine " + m + " login alice\n",
			msg: []string{"line 1", "lacks a login or a password"}, fix: []string{"+1 "}, notFix: []string{">>"}},
		{name: "NETRC elsewhere", netrc: right, process: map[string]string{"NETRC": "/nonexistent/netrc"},
			msg: []string{"NETRC=/nonexistent/netrc"}, fix: []string{"unset NETRC"}, notFix: []string{">>"}},
		{name: "unreadable", process: map[string]string{"NETRC": "DIR"},
			msg: []string{"cannot read"}, fix: []string{"chmod 600"}, notFix: []string{">>"}},
		{name: "user info in the URL", netrc: right, goproxy: strings.Replace(g.URL, "https://", "https://bob:wrong-pw-5@", 1),
			msg: []string{"its own user info"}, notFix: []string{">>"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			if tt.netrc != "" {
				if err := os.WriteFile(filepath.Join(home, ".netrc"), []byte(tt.netrc), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			goproxy := g.URL + "/mod"
			if tt.goproxy != "" {
				goproxy = tt.goproxy + "/mod"
			}
			process := map[string]string{"GOPROXY": goproxy, "HOME": home, "SSL_CERT_FILE": g.CA.File}
			for k, v := range tt.process {
				if v == "DIR" {
					v = t.TempDir() // a directory: reading it fails, even as root
				}
				process[k] = v
			}
			env := checktest.Env(t, checktest.Case{Process: process, GoMod: checktest.AppGoMod})
			r := checktest.Run(t, env, Check, 5*time.Second)
			checktest.Want(t, r, "PROXY_UNAUTHORIZED fail")
			f := checktest.Finding(r, "PROXY_UNAUTHORIZED")
			if f == nil {
				return
			}
			for _, s := range tt.msg {
				if !strings.Contains(f.Message, s) {
					t.Errorf("message lacks %q:\n%s", s, checktest.Dump(r))
				}
			}
			cmds := checktest.FixCommands(r, "PROXY_UNAUTHORIZED")
			for _, s := range tt.fix {
				if !strings.Contains(cmds, s) {
					t.Errorf("fixes lack %q:\n%s", s, checktest.Dump(r))
				}
			}
			for _, s := range tt.notFix {
				if strings.Contains(cmds, s) {
					t.Errorf("fixes have %q:\n%s", s, checktest.Dump(r))
				}
			}
			if d := checktest.Dump(r); strings.Contains(d, "netrc-pass-3") || strings.Contains(d, "old-pass-1") || strings.Contains(d, "wrong-pw-5") {
				t.Errorf("a secret leaked:\n%s", d)
			}
		})
	}
}

// TestProxyNetrcAgreement: the go command agrees, against the same
// proxy. It ignores "machine 127.0.0.1" for a proxy on 127.0.0.1:<port>
// and works with the entry the doctor advises; it ignores a right entry
// appended after a stale one (so the advice is to edit the stale one);
// and it sends nothing under GOAUTH without netrc until the doctor's
// GOAUTH fix is applied.
func TestProxyNetrcAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	g := newGuardedProxy(t)
	m := g.Machine
	right := "machine " + m + " login alice password netrc-pass-3\n"
	// setup gives each part a sandbox of its own (they run in parallel)
	// with a .netrc holding data, and the go command and the doctor in it.
	type part struct {
		sb       *fixtures.Sandbox
		dir, rc  string
		download func(what string, wantOK bool, more ...string)
		doctor   func(more ...string) checks.CheckResult
	}
	setup := func(t *testing.T, data string) *part {
		p := &part{sb: fixtures.NewSandbox(t, g.URL+"/mod"), dir: t.TempDir()}
		p.rc = filepath.Join(p.sb.Vars["HOME"], ".netrc")
		if err := os.WriteFile(p.rc, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		checktest.WriteTree(t, p.dir, map[string]string{"go.mod": checktest.AppGoMod})
		extra := []string{"SSL_CERT_FILE=" + g.CA.File, "GOFLAGS=-mod=mod -modcacherw"}
		p.download = func(what string, wantOK bool, more ...string) {
			t.Helper()
			// A module cache of its own: nothing is served from an earlier step.
			fresh := append([]string{"GOMODCACHE=" + filepath.Join(t.TempDir(), "mod")}, extra...)
			out, ok := checktest.GoModDownload(t, p.sb, p.dir, append(fresh, more...), time.Minute)
			if ok != wantOK {
				t.Fatalf("%s: go mod download ok=%v, want %v:\n%s", what, ok, wantOK, out)
			}
			if !ok && !strings.Contains(out, "401 Unauthorized") {
				t.Fatalf("%s: want a 401 from the go command:\n%s", what, out)
			}
		}
		p.doctor = func(more ...string) checks.CheckResult {
			t.Helper()
			r := checktest.Doctor(t, p.sb, p.dir, append(append([]string{}, extra...), more...), Check)
			checktest.Want(t, r, "PROXY_UNAUTHORIZED fail")
			return r
		}
		return p
	}

	// The host without its port: the go command ignores it; the advised
	// entry, filled in, works.
	t.Run("host without its port", func(t *testing.T) {
		t.Parallel()
		p := setup(t, "machine 127.0.0.1 login alice password netrc-pass-3\n")
		p.download("machine 127.0.0.1", false)
		r := p.doctor()
		cmd := checktest.FixCommands(r, "PROXY_UNAUTHORIZED")
		if !strings.Contains(cmd, "machine "+m+" ") {
			t.Fatalf("advised machine is not %s:\n%s", m, checktest.Dump(r))
		}
		fixed := strings.NewReplacer("<user>", "alice", "<token>", "netrc-pass-3", "~/.netrc", p.rc).Replace(cmd)
		if out, err := shell(p.sb, p.dir, fixed); err != nil {
			t.Fatalf("%s: %v\n%s", fixed, err, out)
		}
		p.download("the advised entry", true)
	})

	// A stale entry first: a right one appended after it is never read,
	// so the advice is to edit line 1, not to append.
	t.Run("stale entry first", func(t *testing.T) {
		t.Parallel()
		p := setup(t, "machine "+m+" login alice password old-pass-1\n"+right)
		p.download("right entry after a stale one", false)
		r := p.doctor()
		if cmds := checktest.FixCommands(r, "PROXY_UNAUTHORIZED"); strings.Contains(cmds, ">>") || !strings.Contains(cmds, "+1 ") {
			t.Errorf("advice for a stale first entry is not to edit line 1:\n%s", checktest.Dump(r))
		}
	})

	// The right entry, but GOAUTH without netrc: the advice is about
	// GOAUTH, not the same entry again, and it works.
	t.Run("GOAUTH without netrc", func(t *testing.T) {
		t.Parallel()
		p := setup(t, right)
		p.download("GOAUTH=/bin/true", false, "GOAUTH=/bin/true")
		r := p.doctor("GOAUTH=/bin/true")
		cmds := checktest.FixCommands(r, "PROXY_UNAUTHORIZED")
		if strings.Contains(cmds, ">>") || !strings.Contains(cmds, "GOAUTH") {
			t.Fatalf("advice under GOAUTH=/bin/true is not about GOAUTH:\n%s", checktest.Dump(r))
		}
		out, err := shell(p.sb, p.dir, cmds+` && echo "GOAUTH=$GOAUTH"`, "GOAUTH=/bin/true")
		if err != nil {
			t.Fatalf("%s: %v\n%s", cmds, err, out)
		}
		p.download("GOAUTH fixed", true, strings.TrimSpace(out[strings.LastIndex(out, "GOAUTH="):]))
	})
}

// shell runs a command line in dir with the sandbox's environment.
func shell(sb *fixtures.Sandbox, dir, line string, extra ...string) (string, error) {
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = dir
	cmd.Env = sb.Environ(extra...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
