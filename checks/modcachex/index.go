package modcachex

import (
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"strings"
)

// IndexEntry returns the file in the build cache gocache where the go
// command of version goVersion ('go env GOVERSION') keeps its index of
// the extracted module at moduleDir (cmd/go/internal/modindex), or "".
//
// The go command takes the module cache as immutable and keys that
// index by the directory's path alone (modindex.moduleHash): once a
// damaged module has been indexed (its file list, its imports, even a
// "permission denied"), removing and downloading the module again does
// not refresh the index, and builds keep failing or misbehaving. A
// targeted repair removes this file too; the go command rebuilds it.
//
// The key is the action ID of cmd/go/internal/cache.NewHash("moduleIndex")
// over "module index <version> <indexVersion> <dir>\n", the hash salted
// with the version without its GOEXPERIMENT suffix; the file is
// <gocache>/<first byte in hex>/<id in hex>-a.
func IndexEntry(gocache, goVersion, moduleDir string) string {
	if gocache == "" || gocache == "off" || !filepath.IsAbs(gocache) || goVersion == "" {
		return ""
	}
	h := sha256.New()
	h.Write([]byte(stripExperiment(goVersion)))
	fmt.Fprintf(h, "module index %s %s %v\n", goVersion, modIndexVersion, moduleDir)
	id := h.Sum(nil)
	return filepath.Join(gocache, fmt.Sprintf("%02x", id[0]), fmt.Sprintf("%x-a", id))
}

// modIndexVersion is cmd/go/internal/modindex.indexVersion.
const modIndexVersion = "go index v2"

// stripExperiment is cmd/go/internal/cache.stripExperiment.
func stripExperiment(version string) string {
	if i := strings.Index(version, " X:"); i >= 0 {
		return version[:i]
	}
	if i := strings.Index(version, "-X:"); i >= 0 {
		return version[:i]
	}
	return version
}
