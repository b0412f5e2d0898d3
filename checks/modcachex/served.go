package modcachex

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/mod/module"
)

// What a module proxy serves, checked as the go command checks a
// download before it keeps it (modfetch.downloadZip, checkGoMod): the
// same hashes and structural tests as for the cache's own files.

// GoModHash is the go.sum hash ("h1:...") of go.mod content, as the go
// command computes it for a go.mod it downloads (modfetch.goModSum).
func GoModHash(data []byte) string { return goModHash(data) }

// ZipEnd checks the end-of-central-directory record of a zip of size
// bytes read through r, reading at most its last 64 KiB (and, for
// zip64, the record the locator points to): the cheap test that catches
// truncated and non-zip files. It returns the number of entries the
// record announces.
func ZipEnd(r io.ReaderAt, size int64) (uint64, error) {
	end, err := readZipEnd(r, size)
	return end.entries, err
}

// MaxZipFile is the largest module zip the go command accepts
// (golang.org/x/mod/zip.MaxZipFile, codehost.MaxZipFile): 500 MiB.
const MaxZipFile = 500 << 20

// CheckServedZip checks a whole module zip held in memory the way
// modfetch.downloadZip does after a download: archive/zip must read it
// ("zip: not a valid zip file" otherwise), every name must start with
// <path>@<version>/, and its hash is dirhash.HashZip's. It returns the
// hash, or the go command's error. Hashing stops when done is closed (a
// small zip may decompress to much more: the run's deadline bounds it).
func CheckServedZip(done <-chan struct{}, m module.Version, data []byte) (string, error) {
	end, err := readZipEnd(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%w (%v)", zip.ErrFormat, err)
	}
	if end.entries > uint64(maxFiles) {
		return "", &tooManyError{n: end.entries}
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	prefix := m.Path + "@" + m.Version + "/"
	files := make([]string, 0, len(z.File))
	byName := make(map[string]*zip.File, len(z.File))
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, prefix) {
			return "", fmt.Errorf("zip for %s has unexpected file %s", prefix[:len(prefix)-1], f.Name)
		}
		files = append(files, f.Name)
		byName[f.Name] = f
	}
	return newHasher(done).hash1(files, func(name string) (io.ReadCloser, error) {
		f := byName[name]
		if f == nil {
			return nil, fmt.Errorf("file %q not found in zip", name)
		}
		return f.Open()
	})
}
