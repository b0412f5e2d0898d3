// Package cachefile reads and writes the files the doctor keeps in its
// own cache directory to remember work between runs (the hashes of the
// module cache, the checksum database's records already proven). Such a
// file may only ever make a run faster: Read refuses one that is
// damaged or that is not this user's alone, and says why, so that the
// caller ignores it with a note and does the work.
package cachefile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Read reads a file written by Write if it can be trusted: a regular
// file (not a symbolic link) of at most limit bytes, owned by this user
// and writable by no one else, ending with the checksum of what
// precedes it. It returns that content; else why is not "" and says
// what is wrong. A missing file is no reason: both are then empty.
func Read(path string, limit int64) (body []byte, why string) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, ""
	case err != nil:
		return nil, err.Error()
	case !fi.Mode().IsRegular():
		return nil, "not a regular file"
	case fi.Mode().Perm()&0o022 != 0:
		return nil, fmt.Sprintf("others may write it (mode %v)", fi.Mode().Perm())
	case fi.Size() > limit:
		return nil, fmt.Sprintf("%d bytes, more than such a file can be", fi.Size())
	}
	if own, ok := ownerOf(fi); ok && own != os.Geteuid() {
		return nil, fmt.Sprintf("it belongs to user %d, not to this user (%d)", own, os.Geteuid())
	}
	f, err := os.OpenFile(path, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return nil, err.Error()
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err.Error()
	}
	if int64(len(data)) > limit {
		return nil, "it grew while being read"
	}
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return nil, "damaged: it does not end with its checksum (truncated?)"
	}
	i := bytes.LastIndexByte(data[:len(data)-1], '\n')
	body, last := data[:i+1], string(data[i+1:len(data)-1])
	sumHex, ok := strings.CutPrefix(last, "sum ")
	if !ok {
		return nil, "damaged: it does not end with its checksum (truncated?)"
	}
	sum := sha256.Sum256(body)
	if sumHex != hex.EncodeToString(sum[:]) {
		return nil, "damaged: its checksum does not match its content"
	}
	return body, ""
}

// Write replaces the file at path by body and its checksum, readable
// and writable by this user only, through a temporary file renamed into
// place: a reader sees the old file or the new one, never half of one.
func Write(path string, body []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	_, err = f.Write(body)
	if err == nil {
		_, err = fmt.Fprintf(f, "sum %x\n", sum)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
