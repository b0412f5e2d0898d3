package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// fixSandbox is a sandbox whose GOENV file turns modules off, and a
// module to run in.
func fixSandbox(t *testing.T) (environ []string, dir, goenvFile string) {
	t.Helper()
	proxy := fixtures.GoProxy(t)
	sb := fixtures.NewSandbox(t, proxy.URL)
	goenvFile = sb.Vars["GOENV"]
	if err := os.WriteFile(goenvFile, []byte("# mine\nGO111MODULE=off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return sb.Environ(contain...), writeModule(t, helloGoMod, helloGoSum), goenvFile
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// runTerminal runs the command line in-process as if standard input were
// a terminal on which the user types answer.
func runTerminal(environ []string, answer string, args ...string) (int, string) {
	var out bytes.Buffer
	code := run(streams{in: strings.NewReader(answer), out: &out, err: &out, environ: environ, inTTY: true}, args)
	return code, out.String()
}

// On a terminal --fix asks; anything but yes changes nothing.
func TestFixDeclined(t *testing.T) {
	environ, dir, file := fixSandbox(t)
	before := fileHash(t, file)
	for _, answer := range []string{"n\n", "\n", "", "no thanks\n", "YESS\n"} {
		code, out := runTerminal(environ, answer, "-C", dir, "--fix")
		if code != 1 {
			t.Errorf("answer %q: exit %d, want 1:\n%s", answer, code, out)
		}
		if !strings.Contains(out, "Apply: change "+file+"? [y/N] ") || !strings.Contains(out, "Not applied.") {
			t.Errorf("answer %q: no question, or no refusal:\n%s", answer, out)
		}
		if fileHash(t, file) != before {
			t.Fatalf("answer %q changed the GOENV file", answer)
		}
		if _, err := os.Stat(file + ".gomoddoctor"); !os.IsNotExist(err) {
			t.Fatalf("answer %q left a backup directory: %v", answer, err)
		}
	}
	// --dry-run does not even ask.
	code, out := runTerminal(environ, "y\n", "-C", dir, "--fix", "--dry-run")
	if code != 1 || strings.Contains(out, "[y/N]") || !strings.Contains(out, "Dry run: nothing was changed.") || fileHash(t, file) != before {
		t.Errorf("--dry-run: exit %d:\n%s", code, out)
	}
}

// Answering yes applies; undo restores the same bytes.
func TestFixConfirmed(t *testing.T) {
	environ, dir, file := fixSandbox(t)
	before := fileHash(t, file)
	code, out := runTerminal(environ, "y\n", "-C", dir, "--fix")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if got, _ := os.ReadFile(file); string(got) != "# mine\n" {
		t.Errorf("GOENV file after --fix: %q", got)
	}
	if code, out := runCLI(environ, "undo"); code != 0 || fileHash(t, file) != before {
		t.Errorf("undo: exit %d:\n%s", code, out)
	}
}

// --fix --yes --json: one JSON report, of the run after the fix, with
// what --fix did; the messages go to standard error.
func TestFixJSON(t *testing.T) {
	environ, dir, file := fixSandbox(t)
	var stdout, stderr bytes.Buffer
	code := run(streams{in: strings.NewReader(""), out: &stdout, err: &stderr, environ: environ}, []string{"-C", dir, "--fix", "--yes", "--json"})
	if code != 0 {
		t.Fatalf("exit %d:\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if err := validateContract(stdout.Bytes()); err != nil {
		t.Fatalf("%v:\n%s", err, stdout.String())
	}
	var rep struct {
		Status string
		Plan   []any
		Fix    struct {
			Result, File, Diff, Backup string
			Applied                    []struct{ Command string }
			Before                     []struct{ ID, Status string }
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status == "fail" || len(rep.Plan) != 0 || rep.Fix.Result != "applied" || rep.Fix.File != file ||
		!strings.Contains(rep.Fix.Diff, "-GO111MODULE=off") || filepath.Dir(rep.Fix.Backup) != file+".gomoddoctor" ||
		len(rep.Fix.Applied) != 1 || rep.Fix.Applied[0].Command != "go env -u GO111MODULE" {
		t.Errorf("report:\n%s", stdout.String())
	}
	if len(rep.Fix.Before) == 0 || rep.Fix.Before[0].ID != "env" || rep.Fix.Before[0].Status != "fail" {
		t.Errorf("before: %+v", rep.Fix.Before)
	}
	if !strings.Contains(stderr.String(), "Undo with: gomoddoctor undo") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

// undo --dry-run says what it would drop, and drops nothing: a backup
// taken by a --fix killed before it changed the file (its record says
// the file is still what it saved) stays until an undo that is not a
// dry run.
func TestUndoDryRunDropsNothing(t *testing.T) {
	environ, _, file := fixSandbox(t)
	cur, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	state := file + ".gomoddoctor"
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	before, after := sha256.Sum256(cur), sha256.Sum256([]byte("# mine\n"))
	meta := fmt.Sprintf(`{"id": "20260101T000000.000Z", "file": %q, "existed": true, "mode": 420, "before": "%x", "after": "%x", "keys": ["GO111MODULE"], "time": "2026-01-01T00:00:00Z"}`, file, before, after)
	backup := map[string]string{
		filepath.Join(state, "backup-20260101T000000.000Z.json"): meta,
		filepath.Join(state, "backup-20260101T000000.000Z.env"):  string(cur),
	}
	for p, data := range backup {
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, out := runCLI(environ, "undo", "--dry-run")
	if code != 1 || !strings.Contains(out, "Dry run: undo would drop 1 backup") || strings.Contains(out, "Dropped") {
		t.Errorf("undo --dry-run: exit %d:\n%s", code, out)
	}
	for p := range backup {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("undo --dry-run dropped %s: %v", p, err)
		}
	}
	code, out = runCLI(environ, "undo")
	if code != 1 || !strings.Contains(out, "Dropped 1 backup") {
		t.Errorf("undo: exit %d:\n%s", code, out)
	}
	for p := range backup {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("undo kept %s: %v", p, err)
		}
	}
	if got, _ := os.ReadFile(file); !bytes.Equal(got, cur) {
		t.Errorf("the GOENV file changed: %q", got)
	}
}
