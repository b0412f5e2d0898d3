package envedit

import (
	"io"
	"os"
	"path/filepath"
)

// A MemFile is a copy of the GOENV file for the go command to read or
// change (GOENV=Path) that a process killed outright does not leave
// behind: the copy may hold credentials. Where the system allows
// (Linux), it lives in memory only and has no name in any directory:
// Path reaches it through /proc, for this process and the go commands it
// starts. Elsewhere it is a file in a new private temporary directory,
// removed by Close.
type MemFile struct {
	Path string
	f    *os.File
	dir  string // the temporary directory, where there is one
}

// NewMemFile makes a MemFile holding data.
func NewMemFile(data []byte) (*MemFile, error) {
	if m, err := newMemFD(data); err == nil {
		return m, nil
	}
	dir, err := os.MkdirTemp("", "gomoddoctor-env-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "env")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &MemFile{Path: path, dir: dir}, nil
}

// Read returns what the file holds now.
func (m *MemFile) Read() ([]byte, error) {
	if m.f == nil {
		return os.ReadFile(m.Path)
	}
	return io.ReadAll(io.NewSectionReader(m.f, 0, 1<<62))
}

// Close releases the file.
func (m *MemFile) Close() {
	if m.f != nil {
		m.f.Close()
	}
	if m.dir != "" {
		os.RemoveAll(m.dir)
	}
}
