package modcachex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// TestIndexEntryMatchesGoCommand lets the go command index a module of
// the cache and finds the index where IndexEntry says it is.
func TestIndexEntryMatchesGoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	c := fixtures.NewModCache(t, fixtures.GoProxy(t).URL)
	gocache := filepath.Join(c.Sandbox.Root, "gocache")
	extra := []string{"GOCACHE=" + gocache}
	if out, err := c.Go(t, c.App, extra, "list", "-deps", "."); err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	version, err := c.Go(t, c.App, extra, "env", "GOVERSION")
	if err != nil {
		t.Fatal(err)
	}
	dir := c.Entry("example.test/hello", "v1.0.0").Dir
	p := IndexEntry(gocache, strings.TrimSpace(version), dir)
	if _, err := os.Stat(p); err != nil {
		t.Errorf("no module index at %s: %v", p, err)
	}
	if IndexEntry("off", "go1.26.0", dir) != "" || IndexEntry(gocache, "", dir) != "" || IndexEntry("rel", "go1.26.0", dir) != "" {
		t.Errorf("IndexEntry without a usable build cache")
	}
	if stripExperiment("go1.26.0 X:foo") != "go1.26.0" || stripExperiment("devel go1.27-abc-X:bar") != "devel go1.27-abc" {
		t.Errorf("stripExperiment")
	}
}
