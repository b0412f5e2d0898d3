package goenv_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// environ returns the sandbox environment without the named keys.
func environ(sb *fixtures.Sandbox, drop ...string) []string {
	var out []string
	for _, kv := range sb.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, d := range drop {
			if k == d {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

func TestReadAttributesSources(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	sb := fixtures.NewSandbox(t, "https://proxy.example.test")
	file := "GOPROXY=https://file.example.test,direct\nGOPRIVATE=corp.example.test\nGOSUMDB=off\nHTTPS_PROXY=http://ignored.example.test\n"
	if err := os.WriteFile(sb.Vars["GOENV"], []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	names, _ := goenv.KnownSumDBs()
	env := append(environ(sb, "GOPROXY", "GOTOOLCHAIN", "GOPRIVATE", "GOSUMDB"), "GOSUMDB="+names[0])
	g := goenv.Read(context.Background(), goenv.Options{Dir: t.TempDir(), Environ: env})
	if g.GoEnvErr != nil || g.GoVersionErr != nil {
		t.Fatalf("go env: %v; go version: %v", g.GoEnvErr, g.GoVersionErr)
	}
	check := func(key, value string, src goenv.Source) {
		t.Helper()
		v := g.Var(key)
		if v.Value != value || v.Source != src {
			t.Errorf("%s = %q from %s, want %q from %s", key, v.Value, v.Source, value, src)
		}
	}
	check("GOPROXY", "https://file.example.test,direct", goenv.SourceFile)
	check("GOSUMDB", names[0], goenv.SourceProcess)
	check("GONOPROXY", "corp.example.test", goenv.SourceDefault) // from GOPRIVATE
	check("GOPATH", sb.Vars["GOPATH"], goenv.SourceProcess)
	if v := g.Var("GOSUMDB"); !v.InFile || v.FileValue != "off" {
		t.Errorf("GOSUMDB file value = %q (in file %v), want off", v.FileValue, v.InFile)
	}
	if v := g.Var("GOTOOLCHAIN"); v.Source != goenv.SourceGOROOT || !v.InGOROOT {
		t.Errorf("GOTOOLCHAIN = %q from %s, want the go.env default", v.Value, v.Source)
	}
	if g.IsGoKey("HTTPS_PROXY") {
		t.Errorf("HTTPS_PROXY counted as a Go setting because the GOENV file mentions it")
	}
	if g.EnvFile != sb.Vars["GOENV"] || !g.EnvFileExists {
		t.Errorf("EnvFile = %q (exists %v)", g.EnvFile, g.EnvFileExists)
	}
	if !strings.HasPrefix(g.GoVersion, "go1.") {
		t.Errorf("GoVersion = %q", g.GoVersion)
	}
}

func TestReadWithoutWorkingGo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	sb := fixtures.NewSandbox(t, "https://proxy.example.test")
	if err := os.WriteFile(sb.Vars["GOENV"], []byte("GOPROXY=https://file.example.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := environ(sb, "GOPROXY")

	// A go command that refuses to run: attribution still works.
	g := goenv.Read(context.Background(), goenv.Options{Dir: t.TempDir(), Environ: append(env, "GO111MODULE=bad")})
	if g.GoEnvErr == nil || !strings.Contains(g.GoEnvErr.Error(), "GO111MODULE=bad") {
		t.Errorf("GoEnvErr = %v, want the go command's complaint", g.GoEnvErr)
	}
	if v := g.Var("GOPROXY"); v.Value != "https://file.example.test" || v.Source != goenv.SourceFile {
		t.Errorf("GOPROXY = %q from %s", v.Value, v.Source)
	}
	if !strings.HasPrefix(g.GoVersion, "go1.") {
		t.Errorf("GoVersion = %q: 'go version' still runs", g.GoVersion)
	}
	if got := g.Get("GOMODCACHE"); got != sb.Vars["GOMODCACHE"] {
		t.Errorf("GOMODCACHE = %q", got)
	}

	// No go command at all.
	g = goenv.Read(context.Background(), goenv.Options{Dir: t.TempDir(), Environ: env, GoBin: "/nonexistent/bin/go"})
	if g.GoEnvErr == nil || g.GoVersionErr == nil {
		t.Errorf("missing go: errors %v / %v", g.GoEnvErr, g.GoVersionErr)
	}
	if g.Get("GOPROXY") != "https://file.example.test" {
		t.Errorf("GOPROXY = %q without a go command", g.Get("GOPROXY"))
	}
}

func TestReadHonoursDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a script")
	}
	// A "go" that never answers must not hang the doctor.
	dir := t.TempDir()
	slow := dir + "/go"
	if err := os.WriteFile(slow, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	g := goenv.Read(ctx, goenv.Options{Dir: dir, GoBin: slow, Environ: []string{"PATH=" + os.Getenv("PATH")}})
	if g.GoEnvErr == nil || !strings.Contains(g.GoEnvErr.Error(), "did not finish") {
		t.Errorf("GoEnvErr = %v, want a timeout", g.GoEnvErr)
	}
}
