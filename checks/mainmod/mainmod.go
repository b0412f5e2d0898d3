// Package mainmod loads the main module the go command would use from a
// directory: its go.mod, go.sum, vendor directory and go.work workspace,
// parsed with golang.org/x/mod/modfile. A file that does not parse is
// recorded as an error, never fatal: diagnosing it is the point.
package mainmod

import (
	"errors"
	"go/version"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// Module is the main module and its workspace.
type Module struct {
	Dir   string        // the module root
	GoMod string        // path of go.mod
	File  *modfile.File // nil when go.mod does not parse
	Err   error         // why go.mod could not be read or parsed
	GoSum string        // path of go.sum, "" when there is none
	// VendorDir is true when the module has a vendor directory;
	// ModulesTxt when vendor/modules.txt exists.
	VendorDir  bool
	ModulesTxt bool

	Work     string            // path of go.work, "" outside a workspace
	WorkFile *modfile.WorkFile // nil when go.work does not parse
	WorkErr  error
}

// Path returns the module path declared by go.mod, or "".
func (m *Module) Path() string {
	if m == nil || m.File == nil || m.File.Module == nil {
		return ""
	}
	return m.File.Module.Mod.Path
}

// GoVersion returns the go directive of go.mod, or "".
func (m *Module) GoVersion() string {
	if m == nil || m.File == nil || m.File.Go == nil {
		return ""
	}
	return m.File.Go.Version
}

// DefaultVendor reports whether the go command builds from vendor/
// without being told to: a vendor directory and a go directive of 1.14 or
// later (cmd/go/internal/modload.setDefaultBuildMod), outside a workspace.
func (m *Module) DefaultVendor() bool {
	if m == nil || !m.VendorDir || m.Work != "" {
		return false
	}
	v := m.GoVersion()
	return v != "" && version.Compare("go"+v, "go1.14") >= 0
}

// DropSyntax frees the syntax tree of a parsed go.mod, keeping its
// directives: the doctor reads them and never writes the file back, and
// the tree of a go.mod with 50,000 requirements is some 14 MB of the
// run's memory.
func DropSyntax(f *modfile.File) {
	if f == nil {
		return
	}
	f.Syntax = nil
	if f.Module != nil {
		f.Module.Syntax = nil
	}
	if f.Go != nil {
		f.Go.Syntax = nil
	}
	if f.Toolchain != nil {
		f.Toolchain.Syntax = nil
	}
	for _, x := range f.Godebug {
		x.Syntax = nil
	}
	for _, x := range f.Require {
		x.Syntax = nil
	}
	for _, x := range f.Exclude {
		x.Syntax = nil
	}
	for _, x := range f.Replace {
		x.Syntax = nil
	}
	for _, x := range f.Retract {
		x.Syntax = nil
	}
	for _, x := range f.Tool {
		x.Syntax = nil
	}
	for _, x := range f.Ignore {
		x.Syntax = nil
	}
}

// Load reads the module whose go.mod is gomod and the workspace file
// gowork, as reported by 'go env GOMOD GOWORK'. It returns nil when gomod
// is empty or the null device (no main module) and there is no workspace.
func Load(gomod, gowork string) *Module {
	if gomod == os.DevNull {
		gomod = ""
	}
	if gomod == "" && gowork == "" {
		return nil
	}
	m := &Module{}
	if gomod != "" {
		m.GoMod = gomod
		m.Dir = filepath.Dir(gomod)
		data, err := os.ReadFile(gomod)
		if err == nil {
			m.File, err = modfile.Parse(gomod, data, nil)
		}
		if err == nil {
			err = checkModulePath(m.File)
			DropSyntax(m.File)
		}
		m.Err = err
		if sum := filepath.Join(m.Dir, "go.sum"); fileExists(sum) {
			m.GoSum = sum
		}
		if fi, err := os.Stat(filepath.Join(m.Dir, "vendor")); err == nil && fi.IsDir() {
			m.VendorDir = true
		}
		m.ModulesTxt = fileExists(filepath.Join(m.Dir, "vendor", "modules.txt"))
	}
	if gowork != "" && gowork != "off" {
		m.Work = gowork
		if m.Dir == "" {
			m.Dir = filepath.Dir(gowork)
		}
		data, err := os.ReadFile(gowork)
		if err == nil {
			m.WorkFile, err = modfile.ParseWork(gowork, data, nil)
		}
		m.WorkErr = err
	}
	return m
}

// checkModulePath rejects the module path of f as the go command does
// when it loads the main module (modload: module.CheckImportPath, the
// error's kind "module"): "malformed module path "a.test/app\n...":
// invalid char '\n'". The file parses, but every go command fails.
func checkModulePath(f *modfile.File) error {
	if f == nil || f.Module == nil {
		return nil
	}
	err := module.CheckImportPath(f.Module.Mod.Path)
	var pathErr *module.InvalidPathError
	if errors.As(err, &pathErr) {
		pathErr.Kind = "module"
	}
	return err
}

// Find returns the go.mod governing dir, searching upwards as the go
// command does, or "" when there is none.
func Find(dir string) string {
	dir = filepath.Clean(dir)
	for {
		if p := filepath.Join(dir, "go.mod"); fileExists(p) {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
