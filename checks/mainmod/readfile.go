package mainmod

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge is the error of ReadFileLimit for a file over its limit.
var ErrTooLarge = errors.New("file too large")

// ReadFileLimit reads a file of at most limit bytes: a larger one is an
// error wrapping ErrTooLarge, read no further than limit+1 bytes, so
// that a hostile or corrupted file cannot exhaust memory.
func ReadFileLimit(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}
