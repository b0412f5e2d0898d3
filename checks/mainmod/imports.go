package mainmod

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxImportFiles bounds how many Go files Imports reads.
const maxImportFiles = 5000

// Imports returns the import paths of the Go files of the module rooted
// at dir, tests included, whatever their build tags: the packages the
// module may need. It skips what the go command does not build as part
// of the module (vendor, testdata, directories starting with . or _,
// nested modules). complete is false when the file limit stopped it.
func Imports(dir string) (imports map[string]bool, complete bool) {
	imports = map[string]bool{}
	n := 0
	complete = true
	fset := token.NewFileSet()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p == dir {
				return nil
			}
			if name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return nil
		}
		if n++; n > maxImportFiles {
			complete = false
			return filepath.SkipAll
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil || f == nil {
			return nil
		}
		for _, im := range f.Imports {
			if path, err := strconv.Unquote(im.Path.Value); err == nil {
				imports[path] = true
			}
		}
		return nil
	})
	return imports, complete
}
