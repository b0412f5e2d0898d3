package mirrors

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
)

// An originAnswer is the origin's answer to one @latest query.
type originAnswer struct {
	version, err string
}

// askOrigin resolves each query at the origin servers exactly as
// GOPROXY=direct would: it runs the go command ('go list -m -json
// path@latest') with GOPROXY=direct, outside any module, with a module
// cache of its own (removed afterwards, so the user's is not touched)
// and without the checksum database (only the version is wanted). The
// queries are public modules only (see plan).
func askOrigin(ctx context.Context, e *checks.Env, queries []*Query) []originAnswer {
	out := make([]originAnswer, len(queries))
	dir, err := os.MkdirTemp("", "gomoddoctor-origin-")
	if err != nil {
		for i := range out {
			out[i].err = err.Error()
		}
		return out
	}
	defer removeAll(dir)
	over := map[string]string{
		"GOPROXY": "direct", "GOSUMDB": "off", "GOFLAGS": "-modcacherw",
		"GO111MODULE": "on", "GOWORK": "off",
		"GOMODCACHE": filepath.Join(dir, "mod"),
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, q := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			data, err := e.Go.Run(ctx, dir, over, "list", "-m", "-json", q.Path+"@latest")
			if err != nil {
				out[i].err = checks.RedactString(probe.FirstLine(strings.TrimSpace(err.Error())))
				return
			}
			var m struct{ Version string }
			if err := json.Unmarshal(data, &m); err != nil || m.Version == "" {
				out[i].err = "the go command gave no version"
				return
			}
			out[i].version = m.Version
		}()
	}
	wg.Wait()
	return out
}

// removeAll removes a module cache the go command made (its directories
// may be read-only).
func removeAll(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
	os.RemoveAll(dir)
}
