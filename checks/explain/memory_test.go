package explain

import (
	"io"
	"runtime"
	"slices"
	"testing"
)

// endlessLog produces n bytes of a CI log without holding them, sampling
// the heap as it goes.
type endlessLog struct {
	left, served int
	line         []byte
	pos          int
	maxHeap      uint64
}

func (e *endlessLog) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && e.left > 0 {
		c := copy(p[n:min(len(p), n+e.left)], e.line[e.pos:])
		e.pos = (e.pos + c) % len(e.line)
		n += c
		e.left -= c
	}
	e.served += n
	if e.served >= 1<<20 {
		e.served = 0
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		e.maxHeap = max(e.maxHeap, ms.HeapInuse)
	}
	return n, nil
}

// A huge log does not exhaust memory: the parser keeps bounded state, so
// the heap stays small however many bytes flow through it.
func TestHugeLogMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 12 MB")
	}
	lines := "go: example.test/m@v1.0.0: reading https://proxy.example.test/example.test/m/@v/v1.0.0.info: 404 Not Found\n" +
		"./main.go:5:2: undefined: foo\n" +
		"2024-05-01T12:00:00.1234567Z ok  \texample.test/app\t0.012s\n"
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	src := &endlessLog{left: 12 << 20, line: []byte(lines)}
	l, err := Parse(src, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	// (The stream ends inside a line, which may add a cause of its own.)
	if l.Bytes != 12<<20 || !slices.Contains(l.Codes(), "PROXY_NOT_FOUND") || len(l.Unrecognised) != DefaultLimits.MaxUnrecognised {
		t.Errorf("read %d bytes, causes %v, %d unrecognised", l.Bytes, l.Codes(), len(l.Unrecognised))
	}
	growth := int64(src.maxHeap) - int64(before.HeapInuse)
	t.Logf("heap in use grew by at most %d KB while reading 12 MB", growth>>10)
	if growth > 32<<20 {
		t.Errorf("heap grew by %d MB reading a 12 MB log", growth>>20)
	}
}
