package modcachex

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// MaxFiles bounds the number of files of one module (in its zip or its
// extracted directory) that the doctor hashes: the name list is the only
// thing hashing keeps in memory, and 100,000 names stay within a few
// megabytes. The largest public modules have a few tens of thousands.
const MaxFiles = 100_000

// maxFiles is MaxFiles; tests lower it.
var maxFiles = MaxFiles

// errCanceled reports that the scan was stopped.
var errCanceled = errors.New("scan stopped")

// A hasher holds one worker's buffer; it is not safe for concurrent use.
type hasher struct {
	done <-chan struct{}
	buf  []byte
}

func newHasher(done <-chan struct{}) *hasher {
	return &hasher{done: done, buf: make([]byte, 64<<10)}
}

func (h *hasher) stopped() bool {
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// hash1 is golang.org/x/mod/sumdb/dirhash.Hash1 with a reused buffer and
// a stop channel checked between reads: the SHA-256 of the sorted list
// of "<sha256 hex>  <name>\n" lines, base64-encoded after "h1:".
func (h *hasher) hash1(files []string, open func(string) (io.ReadCloser, error)) (string, error) {
	sum := sha256.New()
	files = slices.Clone(files)
	slices.Sort(files)
	for _, file := range files {
		if strings.Contains(file, "\n") {
			return "", errors.New("dirhash: filenames with newlines are not supported")
		}
		r, err := open(file)
		if err != nil {
			return "", err
		}
		hf := sha256.New()
		err = h.copy(hf, r)
		r.Close()
		if err != nil {
			return "", err
		}
		fmt.Fprintf(sum, "%x  %s\n", hf.Sum(nil), file)
	}
	return "h1:" + base64.StdEncoding.EncodeToString(sum.Sum(nil)), nil
}

func (h *hasher) copy(w io.Writer, r io.Reader) error {
	for {
		if h.stopped() {
			return errCanceled
		}
		n, err := r.Read(h.buf)
		if n > 0 {
			w.Write(h.buf[:n]) // a hash never fails to write
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// hashZip is dirhash.HashZip: every entry of the zip, by name, content
// decompressed. A zip with more than MaxFiles entries is refused with
// errTooManyFiles before its central directory is read into memory.
func (h *hasher) hashZip(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	end, err := readZipEnd(f, fi.Size())
	if err != nil {
		return "", &shapeError{err}
	}
	if end.entries > uint64(maxFiles) {
		return "", &tooManyError{n: end.entries}
	}
	z, err := zip.NewReader(f, fi.Size())
	if err != nil {
		return "", err
	}
	files := make([]string, 0, len(z.File))
	zfiles := make(map[string]*zip.File, len(z.File))
	for _, file := range z.File {
		files = append(files, file.Name)
		zfiles[file.Name] = file
	}
	return h.hash1(files, func(name string) (io.ReadCloser, error) {
		f := zfiles[name]
		if f == nil {
			return nil, fmt.Errorf("file %q not found in zip", name)
		}
		return f.Open()
	})
}

// A shapeError is a zip whose end record is wrong: the structural pass
// reports it.
type shapeError struct{ err error }

func (e *shapeError) Error() string { return e.err.Error() }

type tooManyError struct{ n uint64 }

func (e *tooManyError) Error() string {
	return fmt.Sprintf("%d files, more than the %d the doctor hashes", e.n, maxFiles)
}

// A dirIssue is a path inside an extracted directory that keeps it from
// being hashed, as 'go mod verify' would find it.
type dirIssue struct {
	kind   Kind // BrokenSymlink or Unreadable
	path   string
	detail string
}

// hashDir is dirhash.HashDir(dir, prefix, Hash1): every non-directory
// below dir (symbolic links included, as filepath.Walk reports them),
// named prefix/relative-path, read through os.Open. Problems that make
// the go command's hashing fail are returned as issues, all of them
// rather than the first: symbolic links that lead nowhere or to a
// directory, and unreadable directories and files.
//
// With a verification cache, the walk also takes the stamps of every
// file and directory of the tree (an fstatat(2) each): if they are what the
// cache remembers, its hash is returned (cached true) and nothing is
// read; else the tree is hashed and the hash remembered.
func (h *hasher) hashDir(dir, prefix string, vc *VerifyCache) (hash string, issues []dirIssue, cached bool, err error) {
	dir = filepath.Clean(dir)
	var files []string
	var fp *fingerprinter
	if vc != nil {
		fp = newFingerprinter()
		if fi, err := os.Lstat(dir); err == nil {
			fp.add(".", fi)
		} else {
			fp.ok = false
		}
	}
	var walk func(path, rel string) error
	walk = func(path, rel string) error {
		if h.stopped() {
			return errCanceled
		}
		ents, err := readDirStamps(path, fp)
		if err != nil {
			issues = append(issues, dirIssue{Unreadable, path, err.Error()})
			return nil
		}
		for _, d := range ents {
			p := filepath.Join(path, d.Name())
			r := d.Name()
			if rel != "" {
				r = rel + "/" + d.Name()
			}
			if d.IsDir() {
				if err := walk(p, r); err != nil {
					return err
				}
				continue
			}
			if len(files) >= maxFiles {
				return &tooManyError{n: uint64(len(files)) + 1}
			}
			files = append(files, prefix+"/"+r)
			if d.Type()&fs.ModeSymlink != 0 {
				if fi, err := os.Stat(p); err != nil {
					issues = append(issues, dirIssue{BrokenSymlink, p, symlinkError(p, err)})
				} else if fi.IsDir() {
					issues = append(issues, dirIssue{BrokenSymlink, p, symlinkTarget(p) + ": a directory where the module has a file"})
				}
			}
		}
		return nil
	}
	if err := walk(dir, ""); err != nil {
		return "", nil, false, err
	}
	if len(issues) > 0 {
		return "", issues, false, nil
	}
	remember := fp != nil && fp.ok
	var sum [32]byte
	if remember {
		sum = fp.sum()
		if hv, ok := vc.lookup('d', dir, sum); ok {
			return hv, nil, true, nil
		}
	}
	hash, err = h.hash1(files, func(name string) (io.ReadCloser, error) {
		return os.Open(filepath.Join(dir, strings.TrimPrefix(name, prefix)))
	})
	if err != nil && err != errCanceled {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			kind := Unreadable
			if errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ELOOP) {
				kind = BrokenSymlink
			}
			return "", []dirIssue{{kind, pe.Path, err.Error()}}, false, nil
		}
	}
	if err == nil && remember {
		vc.store('d', dir, sum, hash, fp.t0)
	}
	return hash, nil, false, err
}

// hashZipCached is hashZip through a verification cache: a zip whose
// stamps are what the cache remembers is not read.
func (h *hasher) hashZipCached(path string, vc *VerifyCache) (hash string, cached bool, err error) {
	if vc == nil {
		hash, err = h.hashZip(path)
		return hash, false, err
	}
	fp := newFingerprinter()
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
		fp.add(".", fi)
	} else {
		fp.ok = false
	}
	var sum [32]byte
	if fp.ok {
		sum = fp.sum()
		if hv, ok := vc.lookup('z', path, sum); ok {
			return hv, true, nil
		}
	}
	hash, err = h.hashZip(path)
	if err == nil && fp.ok {
		vc.store('z', path, sum, hash, fp.t0)
	}
	return hash, false, err
}

// symlinkTarget describes a symbolic link and where it points.
func symlinkTarget(p string) string {
	t, err := os.Readlink(p)
	if err != nil {
		return "symbolic link " + p
	}
	return fmt.Sprintf("symbolic link %s -> %s", p, t)
}

func symlinkError(p string, err error) string {
	switch {
	case errors.Is(err, syscall.ELOOP):
		return symlinkTarget(p) + ": a loop of symbolic links"
	case errors.Is(err, fs.ErrNotExist):
		return symlinkTarget(p) + ": the target does not exist"
	}
	return symlinkTarget(p) + ": " + err.Error()
}

// zipEnd is what the end-of-central-directory record says.
type zipEnd struct {
	entries  uint64
	dirSize  uint64
	dirStart uint64
}

const (
	eocdLen      = 22
	eocdSig      = 0x06054b50
	eocd64LocSig = 0x07064b50
	eocd64Sig    = 0x06064b50
	eocd64LocLen = 20
	eocd64Len    = 56
)

// readZipEnd finds and checks a zip's end-of-central-directory record,
// reading at most 64 KiB from the end of the file: a cheap test of a
// zip's shape that catches empty, truncated and non-zip files without
// reading the central directory (archive/zip.readDirectoryEnd).
func readZipEnd(r io.ReaderAt, size int64) (zipEnd, error) {
	if size < eocdLen {
		return zipEnd{}, fmt.Errorf("%d bytes: too short to be a zip file", size)
	}
	// The record is almost always the last 22 bytes (the go command
	// writes no comment): look in the last KiB first, then in the
	// whole 64 KiB a comment may take. The scan from the end finds the
	// same record in both when it is in the smaller window.
	var (
		buf []byte
		n   int64
		p   = -1
	)
	for _, window := range []int64{1 << 10, eocdLen + 0xffff} {
		n = min(size, window)
		buf = make([]byte, n)
		if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return zipEnd{}, err
		}
		p = -1
		for i := len(buf) - eocdLen; i >= 0; i-- {
			if binary.LittleEndian.Uint32(buf[i:]) == eocdSig {
				comment := int(binary.LittleEndian.Uint16(buf[i+20:]))
				if i+eocdLen+comment <= len(buf) {
					p = i
					break
				}
			}
		}
		if n == size || p >= eocd64LocLen {
			break
		}
	}
	if p < 0 {
		return zipEnd{}, errors.New("no end-of-central-directory record: the file is truncated or is not a zip file")
	}
	rec := buf[p:]
	end := zipEnd{
		entries:  uint64(binary.LittleEndian.Uint16(rec[10:])),
		dirSize:  uint64(binary.LittleEndian.Uint32(rec[12:])),
		dirStart: uint64(binary.LittleEndian.Uint32(rec[16:])),
	}
	eocdAt := uint64(size - n + int64(p))
	if end.entries == 0xffff || end.dirSize == 0xffffffff || end.dirStart == 0xffffffff {
		// zip64: a locator precedes the record and points to the
		// zip64 end record.
		if p < eocd64LocLen || binary.LittleEndian.Uint32(buf[p-eocd64LocLen:]) != eocd64LocSig {
			return zipEnd{}, errors.New("zip64 end-of-central-directory locator missing: the file is damaged")
		}
		off := binary.LittleEndian.Uint64(buf[p-eocd64LocLen+8:])
		if off > uint64(size)-eocd64Len {
			return zipEnd{}, errors.New("zip64 end-of-central-directory record beyond the end of the file: the file is truncated")
		}
		rec64 := make([]byte, eocd64Len)
		if _, err := r.ReadAt(rec64, int64(off)); err != nil {
			return zipEnd{}, err
		}
		if binary.LittleEndian.Uint32(rec64) != eocd64Sig {
			return zipEnd{}, errors.New("zip64 end-of-central-directory record missing: the file is damaged")
		}
		end.entries = binary.LittleEndian.Uint64(rec64[32:])
		end.dirSize = binary.LittleEndian.Uint64(rec64[40:])
		end.dirStart = binary.LittleEndian.Uint64(rec64[48:])
		eocdAt = off
	}
	if end.dirStart > eocdAt || end.dirSize > eocdAt-end.dirStart {
		return zipEnd{}, fmt.Errorf("the central directory (%d bytes at offset %d) does not fit before its end record at offset %d: the file is damaged", end.dirSize, end.dirStart, eocdAt)
	}
	return end, nil
}

// readDirStamps is os.ReadDir (entries sorted by name), also adding the
// stamps of the entries to fp, if any. Where the system allows it
// (readDirAt), the directory is read with one open, getdents(2) and an
// fstatat(2) per entry relative to it, which also gives the types.
func readDirStamps(path string, fp *fingerprinter) ([]fs.DirEntry, error) {
	if fp != nil && fp.ok {
		if ents, ok := readDirAt(path, fp); ok {
			return ents, nil
		}
		fp.ok = false
	}
	return os.ReadDir(path)
}

// A statEntry is a directory entry whose type came from its stamp.
type statEntry struct {
	name string
	mode fs.FileMode
}

func (e statEntry) Name() string               { return e.name }
func (e statEntry) IsDir() bool                { return e.mode.IsDir() }
func (e statEntry) Type() fs.FileMode          { return e.mode.Type() }
func (e statEntry) Info() (fs.FileInfo, error) { return nil, errors.New("statEntry: no FileInfo") }
