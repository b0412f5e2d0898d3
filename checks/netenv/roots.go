package netenv

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Roots are the certificate authorities the go command trusts.
type Roots struct {
	Pool *x509.CertPool
	// Count is the number of certificates loaded.
	Count int
	// CertFile is the bundle file that was read ("" when none was), and
	// CertFileVar whether SSL_CERT_FILE chose it. Dirs are the
	// directories read, and DirVar whether SSL_CERT_DIR chose them.
	CertFile    string
	CertFileVar bool
	Dirs        []string
	DirVar      bool
	// Problems are what went wrong on the way, in words: a missing
	// SSL_CERT_FILE, an unreadable directory.
	Problems []string
	// System is true when the platform verifies with its own store (the
	// files above play no part).
	System bool

	origin map[[32]byte]string // root certificate (by hash of its DER) → file
}

// Origin returns the file a trusted certificate was loaded from, or "".
func (r *Roots) Origin(c *x509.Certificate) string {
	if r == nil || c == nil {
		return ""
	}
	return r.origin[sha256.Sum256(c.Raw)]
}

// SystemBundle is the platform's default bundle file that exists, or "".
func SystemBundle() string {
	for _, f := range certFiles {
		if fi, err := os.Stat(f); err == nil && !fi.IsDir() {
			return f
		}
	}
	return ""
}

// Roots returns the roots, loaded once the way crypto/x509 loads the
// system pool on Linux and the BSDs: SSL_CERT_FILE replaces the list of
// bundle files (the first one that can be read is used), SSL_CERT_DIR
// (colon-separated) replaces the list of directories, and every
// directory's files are added, same-directory symlinks skipped.
func (n *Net) Roots() *Roots {
	l := n.roots
	l.once.Do(func() {
		if len(certFiles) == 0 {
			l.roots = systemRoots()
			return
		}
		l.roots = loadRoots(n.Getenv("SSL_CERT_FILE"), n.Getenv("SSL_CERT_DIR"))
	})
	return l.roots
}

// rootsLoad loads a Net's roots once; they are read-only after.
type rootsLoad struct {
	once  sync.Once
	roots *Roots
}

func loadRoots(certFile, certDir string) *Roots {
	r := &Roots{Pool: x509.NewCertPool(), origin: map[[32]byte]string{}}
	files := certFiles
	if certFile != "" {
		files = []string{certFile}
		r.CertFileVar = true
	}
	for _, f := range files {
		data, err := readLimited(f, 64<<20)
		if err == nil {
			r.CertFile = f
			if r.add(f, data) == 0 {
				r.Problems = append(r.Problems, f+" contains no PEM certificate")
			}
			break
		}
		if r.CertFileVar {
			r.Problems = append(r.Problems, "SSL_CERT_FILE="+f+": "+describeFileErr(err))
		}
	}
	dirs := certDirectories
	if certDir != "" {
		dirs = strings.Split(certDir, ":")
		r.DirVar = true
	}
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			if r.DirVar {
				r.Problems = append(r.Problems, "SSL_CERT_DIR entry "+d+": "+describeFileErr(err))
			}
			continue
		}
		r.Dirs = append(r.Dirs, d)
		for _, e := range entries {
			if isSameDirSymlink(e, d) {
				continue
			}
			p := d + "/" + e.Name()
			if data, err := readLimited(p, 16<<20); err == nil {
				r.add(p, data)
			}
		}
	}
	return r
}

// add appends the certificates of a PEM file as AppendCertsFromPEM does
// and returns how many it added.
func (r *Roots) add(file string, data []byte) int {
	added := 0
	for len(data) > 0 {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" || len(block.Headers) != 0 {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		r.Pool.AddCert(c)
		key := sha256.Sum256(c.Raw)
		if _, dup := r.origin[key]; !dup {
			r.origin[key] = file
			r.Count++
		}
		added++
	}
	return added
}

func isSameDirSymlink(e fs.DirEntry, dir string) bool {
	if e.Type()&fs.ModeSymlink == 0 {
		return false
	}
	target, err := os.Readlink(filepath.Join(dir, e.Name()))
	return err == nil && !strings.Contains(target, "/")
}

func describeFileErr(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

// Fingerprint is the SHA-256 of the sorted SHA-256 hashes of the
// certificates loaded from files, in hex: two machines trusting the same
// set have the same one. "" when none were loaded (or the platform
// verifies with its own store).
func (r *Roots) Fingerprint() string {
	if r == nil || len(r.origin) == 0 {
		return ""
	}
	keys := make([][32]byte, 0, len(r.origin))
	for k := range r.origin {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	h := sha256.New()
	for _, k := range keys {
		h.Write(k[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}
