package env

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
)

// A GOTOOLCHAIN naming another toolchain is judged by asking the module
// proxy (on loopback) for golang.org/toolchain as the switch would: a
// toolchain it has is information; one it does not have, or refuses,
// makes every go command fail, and the fix of a GOENV line is the one
// command that can run then.
func TestGOTOOLCHAINAvailability(t *testing.T) {
	served := "/golang.org/toolchain/@v/" + probe.ToolchainModuleVersion("go1.30.1")
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Path)
		switch {
		case strings.HasPrefix(r.URL.Path, "/refused/"):
			http.Error(w, "forbidden", http.StatusForbidden)
		case r.URL.Path == "/ok"+served+".mod":
			w.Write([]byte("module golang.org/toolchain\n"))
		case r.URL.Path == "/ok"+served+".info":
			w.Write([]byte(`{"Version":"` + probe.ToolchainModuleVersion("go1.30.1") + `"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ok := srv.URL + "/ok"
	const localFix = "GOTOOLCHAIN=local go env -u GOTOOLCHAIN"
	for _, c := range []envCase{
		{name: "served", process: map[string]string{"GOPROXY": ok, "PATH": ""}, file: map[string]string{"GOTOOLCHAIN": "go1.30.1"}, want: []string{"GOTOOLCHAIN_SWITCH info"}},
		{name: "missing in file", process: map[string]string{"GOPROXY": ok, "PATH": ""}, file: map[string]string{"GOTOOLCHAIN": "go1.99.99"}, want: []string{"GOTOOLCHAIN_SWITCH fail"}, fix: localFix},
		{name: "missing in process", process: map[string]string{"GOPROXY": ok, "PATH": "", "GOTOOLCHAIN": "go1.99.99"}, want: []string{"GOTOOLCHAIN_SWITCH fail"}, fix: "export GOTOOLCHAIN=auto"},
		{name: "refused", process: map[string]string{"GOPROXY": srv.URL + "/refused", "PATH": ""}, file: map[string]string{"GOTOOLCHAIN": "go1.30.1"}, want: []string{"GOTOOLCHAIN_SWITCH fail"}, fix: localFix},
		{name: "missing then direct", process: map[string]string{"GOPROXY": ok + ",direct", "PATH": ""}, file: map[string]string{"GOTOOLCHAIN": "go1.99.99"}, want: []string{"GOTOOLCHAIN_SWITCH info"}},
		{name: "path only", process: map[string]string{"GOPROXY": ok, "PATH": ""}, file: map[string]string{"GOTOOLCHAIN": "go1.30.1+path"}, want: []string{"GOTOOLCHAIN_SWITCH fail"}, fix: localFix},
		{name: "off in file", process: map[string]string{"PATH": ""}, file: map[string]string{"GOTOOLCHAIN": "go1.99.99", "GOPROXY": "off"}, want: []string{"GOTOOLCHAIN_SWITCH fail"}, fix: localFix},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := runEnvCase(t, c)
			var f *checks.Finding
			for i := range fs {
				if fs[i].Code == "GOTOOLCHAIN_SWITCH" {
					f = &fs[i]
				}
			}
			code, sev, _ := strings.Cut(c.want[0], " ")
			if f == nil || string(f.Severity) != sev {
				t.Fatalf("want %s %s, got %+v", code, sev, fs)
			}
			if c.fix != "" && (len(f.Fixes) == 0 || f.Fixes[0].Command != c.fix) {
				t.Errorf("fixes %+v, want %q", f.Fixes, c.fix)
			}
			if c.fix == "" && len(f.Fixes) > 0 {
				t.Errorf("an information with fixes %+v", f.Fixes)
			}
		})
	}
	for _, p := range asked {
		if !strings.Contains(p, "/golang.org/toolchain/@v/v0.0.1-go1.") {
			t.Errorf("the proxy was asked for %s", p)
		}
	}
}
