package sumdb

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// buildGosumcheck builds golang.org/x/mod/gosumcheck, a tool of this
// module (go.mod), from the module cache: no network.
func buildGosumcheck(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "gosumcheck")
	cmd := exec.Command("go", "build", "-o", bin, "golang.org/x/mod/gosumcheck")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("building gosumcheck: %v\n%s", err, out)
	}
	return bin
}

// sideBySide is a go.sum with every kind of line, and a database that
// knows some of them.
type sideBySide struct {
	db    *fixtures.SumDB
	dir   string // the main module
	gosum string // its go.sum
	env   []string
}

// newSideBySide writes a module whose go.sum has n made-up module
// versions the database knows, the fixture modules, a changed content
// hash, a changed go.mod hash, a module the database does not know and
// a module GONOSUMDB exempts.
func newSideBySide(tb testing.TB, n int, name string) *sideBySide {
	fake := fixtures.FakeGoSum("bench.test/m", n)
	db := fixtures.NewSumDB(tb, fixtures.SumDBOptions{Name: name, Lines: fake})
	var lines []string
	lines = append(lines, db.Lines("example.test/hello", "v1.0.0")...)
	lines = append(lines, db.Lines("example.test/greet", "v0.1.0")...)
	lines = append(lines, fake...)
	tamper := func(i int) { lines[i] = lines[i][:len(lines[i])-8] + "AAAAAAA=" }
	tamper(4)                                                                                        // a content hash
	tamper(7)                                                                                        // a go.mod hash
	lines = append(lines, "unknown.test/lib v1.0.0 h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=", // a module the database has never seen
		"unknown.test/lib v1.0.0/go.mod h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg=",
		"corp.example/private v1.2.0 h1:StbJkgJJdpSvU0w7yh7n+CcHebG+wCYYErwZsJuH1tg=", // exempt: never named
		"corp.example/private v1.2.0/go.mod h1:JwpVfrTV6z2W/mZsFukDK54Oqn1g+oXVQJ84BABYpVA=")
	gosum := strings.Join(lines, "\n") + "\n"
	dir := sumdbModule(tb, "module example.test/app\n\ngo 1.21\n", gosum)
	return &sideBySide{db: db, dir: dir, gosum: filepath.Join(dir, "go.sum"),
		env: []string{"GOSUMDB=" + db.GOSUMDBDirect(), "GONOSUMDB=corp.example"}}
}

// gosumcheckLine reads gosumcheck's report: "go.sum:N: message".
var gosumcheckLine = regexp.MustCompile(`(?m)^.*?go\.sum:(\d+): (.*)$`)

// gosumcheckVerdicts runs gosumcheck on the side-by-side module and
// classifies each line as the doctor does.
func gosumcheckVerdicts(tb testing.TB, bin string, s *sideBySide, sb *fixtures.Sandbox) (map[int]string, string) {
	tb.Helper()
	cmd := exec.Command(bin, "-k", s.db.Key, "-u", s.db.URL, "go.sum")
	cmd.Dir, cmd.Env = s.dir, sb.Environ(s.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("gosumcheck: %v\n%s", err, out)
	}
	v := map[int]string{}
	for _, m := range gosumcheckLine.FindAllStringSubmatch(string(out), -1) {
		n, _ := strconv.Atoi(m[1])
		switch msg := m[2]; {
		case strings.Contains(msg, "skipped (listed in GONOSUMDB)"):
			v[n] = "exempt"
		case strings.Contains(msg, "hash mismatch"):
			v[n] = "mismatch"
		case strings.Contains(msg, "404 Not Found"), strings.Contains(msg, "410 Gone"):
			v[n] = "not-found"
		default:
			v[n] = "error"
		}
	}
	return v, string(out)
}

// TestSumDBAgreesWithGosumcheck audits the same go.sum against the same
// fixture database with the doctor and with gosumcheck: the verdict on
// every line is the same.
func TestSumDBAgreesWithGosumcheck(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gosumcheck")
	}
	bin := buildGosumcheck(t)
	s := newSideBySide(t, 40, "sum.side.test")
	sb := fixtures.NewSandbox(t, fixtures.GoProxy(t).URL)
	want, out := gosumcheckVerdicts(t, bin, s, sb)

	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: s.dir, Environ: sb.Environ(s.env...)})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	recordVerdicts = true // not parallel: no other test runs meanwhile
	defer func() { recordVerdicts = false }()
	r, err := sumdbAudit(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(s.gosum)
	n := strings.Count(string(data), "\n")
	seen := map[string]int{}
	for i := 1; i <= n; i++ {
		got := r.verdicts[lineID{s.gosum, i}]
		w := want[i]
		if w == "" {
			w = "ok"
		}
		seen[got]++
		if got != w {
			t.Errorf("go.sum:%d: doctor %q, gosumcheck %q", i, got, w)
		}
	}
	// Every kind of verdict was exercised.
	for _, k := range []string{"ok", "mismatch", "not-found", "exempt"} {
		if seen[k] == 0 {
			t.Errorf("no line got %q: %v", k, seen)
		}
	}
	for _, p := range s.db.Requests() {
		if strings.Contains(p, "corp.example") {
			t.Errorf("the exempt module was named to the database: %s", p)
		}
	}
	if t.Failed() {
		t.Logf("gosumcheck:\n%s\ndoctor:\n%s", out, checktest.Dump(checks.CheckResult{Findings: r.out}))
	}
	t.Logf("%d lines: %v", n, fmt.Sprint(seen))
}
