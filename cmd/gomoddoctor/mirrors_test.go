package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// mirrorsSandbox: five candidates on loopback (a stale one and an
// incomplete one, both fast; a fast and a slow complete fresh one; a
// dead one) replacing the defaults, GOPROXY=direct in the GOENV file,
// and a module requiring the three modules of fixtures.MirrorModules.
type mirrorsSandbox struct {
	environ                          []string
	dir, file                        string
	stale, missing, fast, slow, dead string
}

func newMirrorsSandbox(t *testing.T) *mirrorsSandbox {
	t.Helper()
	fresh := fixtures.MirrorModules(false)
	m := &mirrorsSandbox{
		stale:   fixtures.NewMirror(t, fixtures.MirrorModules(true), 0).URL,
		missing: fixtures.NewMirror(t, fixtures.Without(fresh, "example.test/extra"), 2*time.Millisecond).URL,
		fast:    fixtures.NewMirror(t, fresh, 10*time.Millisecond).URL,
		slow:    fixtures.NewMirror(t, fresh, 250*time.Millisecond).URL,
		dead:    "http://" + fixtures.ClosedAddr(t) + "/mod",
	}
	sb := fixtures.NewSandbox(t, "")
	delete(sb.Vars, "GOPROXY") // the GOENV file says it
	sb.Vars["GOSUMDB"] = "off" // the generated modules are in no database
	sb.Vars["GOMODDOCTOR_MIRRORS"] = strings.Join([]string{m.stale, m.missing, m.fast, m.slow, m.dead}, ",")
	m.file = sb.Vars["GOENV"]
	if err := os.WriteFile(m.file, []byte("GOPROXY=direct\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m.environ = sb.Environ(contain...)
	m.dir = fixtures.WriteApp(t, fixtures.MirrorAppGoMod)
	return m
}

func TestMirrorsText(t *testing.T) {
	m := newMirrorsSandbox(t)
	code, out := runCLI(m.environ, "mirrors", "-C", m.dir)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	t.Log("\n" + out)
	rank := func(u string) int { return strings.Index(out, "│ "+u) }
	if !(rank(m.fast) > 0 && rank(m.fast) < rank(m.slow) && rank(m.slow) < rank(m.missing) && rank(m.missing) < rank(m.stale) && rank(m.stale) < rank(m.dead)) {
		t.Errorf("table not ranked fast, slow, missing, stale, dead")
	}
	flat := strings.Join(strings.Fields(out), " ") // the prose is wrapped
	for _, want := range []string{
		"│ # │ Mirror", "3/3", "✗ 2 stale", "✗ TCP", "lacks example.test/extra@v1.0.0: 404 Not Found",
		"stale: example.test/lib@latest is v1.0.0 here, v1.1.0 at another mirror",
		"'go get example.test/lib@latest' through it gets v1.0.0",
		"stale: example.test/branchy@latest is " + fixtures.MirrorBranchOld + " here, " + fixtures.MirrorBranchNew,
		"does not answer: TCP:",
		"go env -w GOPROXY=" + m.fast + ",direct",
	} {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), " ")) {
			t.Errorf("no %q", want)
		}
	}
}

func TestMirrorsJSONAndMarkdown(t *testing.T) {
	m := newMirrorsSandbox(t)
	var stdout, stderr bytes.Buffer
	code := run(streams{in: strings.NewReader(""), out: &stdout, err: &stderr, environ: m.environ}, []string{"mirrors", "-C", m.dir, "--json"})
	if code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	var res struct {
		SchemaVersion int `json:"schema_version"`
		MaxRequests   int `json:"max_requests"`
		Candidates    []struct {
			URL, Origin string
			Rank        int
			Fresh       bool
			Requests    int
			Stale       []struct{ Path, Got, Want string }
		}
		Recommendation struct {
			Mirror  struct{ URL string }
			Value   string
			Command string
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("%v:\n%s", err, stdout.String())
	}
	if res.SchemaVersion != 1 || len(res.Candidates) != 5 || res.Candidates[0].URL != m.fast || !res.Candidates[0].Fresh ||
		res.Candidates[3].URL != m.stale || len(res.Candidates[3].Stale) != 2 || res.Recommendation.Mirror.URL != m.fast ||
		res.Recommendation.Value != m.fast+",direct" || res.Candidates[0].Origin != "$GOMODDOCTOR_MIRRORS" {
		t.Errorf("json:\n%s", stdout.String())
	}
	for _, c := range res.Candidates {
		if c.Requests > res.MaxRequests {
			t.Errorf("%s: %d requests", c.URL, c.Requests)
		}
	}
	code, out := runCLI(m.environ, "mirrors", "-C", m.dir, "--format", "markdown")
	if code != 0 || !strings.Contains(out, "| # | Mirror |") || !strings.Contains(out, "### Recommendation") ||
		!strings.Contains(out, "```sh\ngo env -w GOPROXY="+m.fast+",direct\n```") {
		t.Errorf("markdown: exit %d:\n%s", code, out)
	}
	if code, out := runCLI(m.environ, "mirrors", "--format", "github"); code != 2 || !strings.Contains(out, "no --format github") {
		t.Errorf("--format github: exit %d:\n%s", code, out)
	}
}

// --fix applies the recommendation with consent, backup and undo, and the
// real go command then gets the fresh versions.
func TestMirrorsFix(t *testing.T) {
	m := newMirrorsSandbox(t)
	// Declined on a terminal: nothing changes.
	code, out := runTerminal(m.environ, "n\n", "mirrors", "-C", m.dir, "--fix")
	if code != 1 || !strings.Contains(out, "Apply: change "+m.file+"? [y/N] ") || !strings.Contains(out, "Not applied.") {
		t.Errorf("declined: exit %d:\n%s", code, out)
	}
	if got, _ := os.ReadFile(m.file); string(got) != "GOPROXY=direct\n" {
		t.Fatalf("GOENV file after a refusal: %q", got)
	}
	code, out = runCLI(m.environ, "mirrors", "-C", m.dir, "--fix", "--yes")
	if code != 0 || !strings.Contains(out, "Undo with: gomoddoctor undo") {
		t.Fatalf("--fix --yes: exit %d:\n%s", code, out)
	}
	if got, _ := os.ReadFile(m.file); string(got) != "GOPROXY="+m.fast+",direct\n" {
		t.Errorf("GOENV file after --fix: %q", got)
	}
	goCmd := func(args ...string) string {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = m.dir, m.environ
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goCmd("get", "example.test/lib@latest", "example.test/branchy@latest")
	if got, want := goCmd("list", "-m", "-f", "{{.Version}}", "example.test/lib", "example.test/branchy"), "v1.1.0\n"+fixtures.MirrorBranchNew+"\n"; got != want {
		t.Errorf("after --fix the go command gets\n%s\nwant\n%s", got, want)
	}
	if code, out := runCLI(m.environ, "undo"); code != 0 {
		t.Errorf("undo: exit %d:\n%s", code, out)
	}
	if got, _ := os.ReadFile(m.file); string(got) != "GOPROXY=direct\n" {
		t.Errorf("GOENV file after undo: %q", got)
	}
}

// Credentials in a candidate's URL appear in no output.
func TestMirrorsCredentials(t *testing.T) {
	m := newMirrorsSandbox(t)
	environ := append(m.environ, "GOMODDOCTOR_MIRRORS=none")
	u := strings.Replace(m.fast, "http://", "https://alice:pw-sekrit@", 1)
	for _, format := range []string{"text", "json", "markdown"} {
		code, out := runCLI(environ, "mirrors", "-C", m.dir, "--mirror", u, "--format", format, "-v")
		if code != 1 || strings.Contains(out, "pw-sekrit") || !strings.Contains(out, "alice") {
			t.Errorf("%s: exit %d:\n%s", format, code, out)
		}
	}
}
