package cachefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadWrite(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "f")
	if body, why := Read(p, 1<<20); body != nil || why != "" {
		t.Fatalf("missing file: %q %q", body, why)
	}
	if err := Write(p, []byte("a\nb\n")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if body, why := Read(p, 1<<20); string(body) != "a\nb\n" || why != "" {
		t.Fatalf("round trip: %q %q", body, why)
	}
	data, _ := os.ReadFile(p)
	for name, c := range map[string]struct {
		data []byte
		why  string
	}{
		"truncated": {data[:len(data)-3], "damaged"},
		"flipped":   {append([]byte("A"), data[1:]...), "checksum does not match"},
		"no_sum":    {[]byte("a\nb\n"), "damaged"},
		"empty":     {nil, "damaged"},
	} {
		os.WriteFile(p, c.data, 0o600)
		if body, why := Read(p, 1<<20); body != nil || !strings.Contains(why, c.why) {
			t.Errorf("%s: %q %q", name, body, why)
		}
	}
	os.WriteFile(p, data, 0o600)
	if _, why := Read(p, 4); !strings.Contains(why, "more than") {
		t.Errorf("over the limit: %q", why)
	}
	os.Chmod(p, 0o620)
	if _, why := Read(p, 1<<20); !strings.Contains(why, "others may write") {
		t.Errorf("group-writable: %q", why)
	}
}
