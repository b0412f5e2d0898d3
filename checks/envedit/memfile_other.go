//go:build !linux

package envedit

import "errors"

// newMemFD has no memory-only file here: NewMemFile uses a temporary
// directory.
func newMemFD([]byte) (*MemFile, error) { return nil, errors.New("no memfd") }
