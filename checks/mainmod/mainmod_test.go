package mainmod

import (
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.test/app\n\ngo 1.22\n\nrequire example.test/hello v1.0.0\n")
	write(t, filepath.Join(dir, "go.sum"), "")
	write(t, filepath.Join(dir, "vendor", "modules.txt"), "# example.test/hello v1.0.0\n")
	write(t, filepath.Join(dir, "sub", "x.go"), "package sub\n")

	gomod := Find(filepath.Join(dir, "sub"))
	if gomod != filepath.Join(dir, "go.mod") {
		t.Fatalf("Find = %q", gomod)
	}
	m := Load(gomod, "")
	if m.Err != nil || m.Path() != "example.test/app" || m.GoVersion() != "1.22" {
		t.Fatalf("Load = %+v", m)
	}
	if m.GoSum == "" || !m.VendorDir || !m.ModulesTxt || !m.DefaultVendor() {
		t.Errorf("go.sum %q vendor %v modules.txt %v default vendor %v", m.GoSum, m.VendorDir, m.ModulesTxt, m.DefaultVendor())
	}
	if Load("", "") != nil || Load(os.DevNull, "") != nil {
		t.Errorf("no module must load as nil")
	}
}

func TestLoadBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.test/app\n\ngo 1.13\nrequire (\n")
	m := Load(filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.work"))
	if m.Err == nil || m.File != nil {
		t.Errorf("broken go.mod: err %v", m.Err)
	}
	if m.WorkErr == nil {
		t.Errorf("missing go.work: no error")
	}
	if m.Path() != "" || m.GoVersion() != "" || m.DefaultVendor() {
		t.Errorf("broken module answers %q %q %v", m.Path(), m.GoVersion(), m.DefaultVendor())
	}
	var nilMod *Module
	if nilMod.DefaultVendor() || nilMod.Path() != "" {
		t.Errorf("nil module")
	}
}
