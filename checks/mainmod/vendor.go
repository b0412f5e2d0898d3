package mainmod

import (
	"fmt"
	"go/version"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// VendorList is vendor/modules.txt as the go command reads it
// (cmd/go/internal/modload.readVendorList).
type VendorList struct {
	// Modules contribute packages, in order of appearance.
	Modules []module.Version
	// Replaced are the modules marked as replaced, with their replacement.
	Replaced    []module.Version
	Meta        map[module.Version]VendorMeta
	Version     map[string]string // module path → vendored version
	Workspace   bool              // the file starts with "## workspace"
	PackageDirs []string          // packages (import paths) listed
}

// VendorMeta is what modules.txt says about one module.
type VendorMeta struct {
	Explicit    bool
	Replacement module.Version
	GoVersion   string
}

// ParseModulesTxt parses the content of vendor/modules.txt exactly as the
// go command does; lines it does not understand are ignored, as there.
func ParseModulesTxt(data string) *VendorList {
	vl := &VendorList{Meta: map[module.Version]VendorMeta{}, Version: map[string]string{}}
	if first, _, _ := strings.Cut(data, "\n"); strings.HasPrefix(first, "## ") {
		for _, e := range strings.Split(strings.TrimPrefix(first, "## "), ";") {
			if strings.TrimSpace(e) == "workspace" {
				vl.Workspace = true
			}
		}
	}
	var mod module.Version
	for _, line := range strings.Split(data, "\n") {
		if strings.HasPrefix(line, "# ") {
			f := strings.Fields(line)
			if len(f) < 3 {
				continue
			}
			switch {
			case semver.IsValid(f[2]):
				mod = module.Version{Path: f[1], Version: f[2]}
				f = f[3:]
			case f[2] == "=>":
				mod = module.Version{Path: f[1]}
				f = f[2:]
			default:
				mod = module.Version{}
				continue
			}
			if len(f) >= 2 && f[0] == "=>" {
				meta := vl.Meta[mod]
				switch {
				case len(f) == 2:
					meta.Replacement = module.Version{Path: f[1]}
					vl.Replaced = append(vl.Replaced, mod)
				case len(f) == 3 && semver.IsValid(f[2]):
					meta.Replacement = module.Version{Path: f[1], Version: f[2]}
					vl.Replaced = append(vl.Replaced, mod)
				}
				vl.Meta[mod] = meta
			}
			continue
		}
		if mod.Path == "" {
			continue
		}
		if annotations, ok := strings.CutPrefix(line, "## "); ok {
			meta := vl.Meta[mod]
			for _, entry := range strings.Split(annotations, ";") {
				entry = strings.TrimSpace(entry)
				if entry == "explicit" {
					meta.Explicit = true
				}
				if gv, ok := strings.CutPrefix(entry, "go "); ok {
					meta.GoVersion = gv
				}
			}
			vl.Meta[mod] = meta
			continue
		}
		if f := strings.Fields(line); len(f) == 1 && module.CheckImportPath(f[0]) == nil {
			vl.PackageDirs = append(vl.PackageDirs, f[0])
			if v, ok := vl.Version[mod.Path]; !ok || semver.Compare(v, mod.Version) < 0 {
				vl.Modules = append(vl.Modules, mod)
				vl.Version[mod.Path] = mod.Version
			}
		}
	}
	return vl
}

// VendorInconsistencies mirrors modload.checkVendorConsistency for a
// single module (not a workspace): what the go command lists after
// "inconsistent vendoring" for go.mod file f and modules.txt vl.
func VendorInconsistencies(f *modfile.File, vl *VendorList) []string {
	var out []string
	errorf := func(m module.Version, format string, args ...any) {
		name := m.Path
		if m.Version != "" {
			name += "@" + m.Version
		}
		out = append(out, name+": "+fmt.Sprintf(format, args...))
	}
	pre114 := f.Go == nil || version.Compare("go"+f.Go.Version, "go1.14") < 0
	required := map[module.Version]bool{}
	for _, r := range f.Require {
		required[r.Mod] = true
		if vl.Meta[r.Mod].Explicit {
			continue
		}
		if pre114 {
			if vv, ok := vl.Version[r.Mod.Path]; ok && vv != r.Mod.Version {
				errorf(r.Mod, "is explicitly required in go.mod, but vendor/modules.txt indicates %s@%s", r.Mod.Path, vv)
			}
			continue
		}
		errorf(r.Mod, "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt")
	}
	describe := func(m module.Version) string {
		if m.Version == "" {
			return m.Path
		}
		return m.Path + "@" + m.Version
	}
	replaced := map[module.Version]module.Version{}
	seen := map[module.Version]bool{}
	for _, r := range f.Replace {
		replaced[r.Old] = r.New
		if seen[r.Old] {
			continue
		}
		seen[r.Old] = true
		vr := vl.Meta[r.Old].Replacement
		switch {
		case vr == (module.Version{}):
			if pre114 && (r.Old.Version == "" || vl.Version[r.Old.Path] != r.Old.Version) {
				continue
			}
			errorf(r.Old, "is replaced in go.mod, but not marked as replaced in vendor/modules.txt")
		case vr != r.New:
			errorf(r.Old, "is replaced by %s in go.mod, but marked as replaced by %s in vendor/modules.txt", describe(r.New), describe(vr))
		}
	}
	for _, m := range vl.Modules {
		if vl.Meta[m].Explicit && !required[m] {
			errorf(m, "is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod")
		}
	}
	for _, m := range vl.Replaced {
		_, exact := replaced[m]
		_, wild := replaced[module.Version{Path: m.Path}]
		if !exact && !wild {
			errorf(m, "is marked as replaced in vendor/modules.txt, but not replaced in go.mod")
		}
	}
	return out
}
