package sumdb

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// With GONOPROXY=corp.example (GONOSUMDB unset, so it exempts nothing)
// and corp.example/secret's hashes already in go.sum, the go command
// never names the module to the checksum database: go.sum vouches for
// it. The audit may not name it either; the public modules of go.sum are
// still audited, and a private one whose hash go.sum lacks is looked up,
// as the go command would.
func TestSumDBNeverNamesAPrivateModuleGoSumHas(t *testing.T) {
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{Name: "sum.spy.test"})
	proxy := fixtures.NewModProxy(t, fixtures.ModProxyOptions{Databases: []*fixtures.SumDB{db}})
	sb := fixtures.NewSandbox(t, proxy.URL)
	secret := "corp.example/secret v1.0.0 h1:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2U=\ncorp.example/secret v1.0.0/go.mod h1:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0Z28=\n"
	gomod := sumdbGoMod + "\nrequire (\n\tcorp.example/secret v1.0.0\n\tcorp.example/other v1.0.0\n)\n"
	dir := sumdbModule(t, gomod, checktest.HelloSum+greetSum+secret)
	for _, tc := range []struct {
		name string
		vars []string
	}{
		{"GONOPROXY", []string{"GONOPROXY=corp.example"}},
		{"GONOPROXY and GOPRIVATE elsewhere", []string{"GONOPROXY=corp.example", "GOPRIVATE=private.example", "GONOSUMDB=private.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			extra := append(append(append([]string(nil), checktest.Contain...), via(proxy, db)...), tc.vars...)
			before := len(db.Requests())
			env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
			r := checktest.Run(t, env, Check, 20*time.Second)
			asked := db.Requests()[before:]
			var lookups []string
			for _, p := range asked {
				if strings.HasPrefix(p, "/lookup/") {
					lookups = append(lookups, p)
				}
			}
			for _, p := range lookups {
				if strings.HasPrefix(p, "/lookup/corp.example/secret@") {
					t.Errorf("the database was asked about the private module go.sum has: %s\n%s", p, checktest.Dump(r))
				}
			}
			joined := strings.Join(lookups, " ")
			// Public modules of go.sum are audited; the private module
			// go.sum lacks is looked up as the go command would.
			for _, want := range []string{"/lookup/example.test/hello@v1.0.0", "/lookup/example.test/greet@v0.1.0", "/lookup/corp.example/other@v1.0.0"} {
				if !strings.Contains(joined, want) {
					t.Errorf("no %s among the lookups %v", want, lookups)
				}
			}
			f := checktest.Finding(r, "SUMDB_COVERAGE")
			if f == nil || !strings.Contains(f.Detail, "corp.example/secret") {
				t.Errorf("the coverage does not say why corp.example/secret was not looked up:\n%s", checktest.Dump(r))
			}
		})
	}
}
