package goenv_test

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// contain keeps any direct (VCS or checksum database) traffic of the go
// command on loopback: an HTTP proxy that refuses connections, so that
// nothing is resolved or sent beyond 127.0.0.1.
var contain = []string{"HTTPS_PROXY=http://127.0.0.1:1", "HTTP_PROXY=http://127.0.0.1:1"}

// module writes a module requiring example.test/hello; with sum, its
// go.sum too.
func module(t *testing.T, sum bool) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.test/app\n\ngo 1.21\n\nrequire example.test/hello v1.0.0\n")
	if sum {
		write("go.sum", "example.test/hello v1.0.0 h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=\n"+
			"example.test/hello v1.0.0/go.mod h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg=\n")
	}
	return dir
}

// errCore is the part of an error message that the doctor and the go
// command word the same way: the text after the last ": " (the doctor
// drops the go command's `parse "<url>":` prefix, which repeats
// credentials), without the doctor's own explanation in parentheses.
func errCore(msg string) string {
	if i := strings.Index(msg, " (\""); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// TestProxyListAgreesWithGoCommand runs 'go mod download' with each
// GOPROXY value and checks that the go command rejects the list exactly
// when ParseProxyList reports an error, with the same message.
func TestProxyListAgreesWithGoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	proxy := fixtures.GoProxy(t)
	hostPath := strings.TrimPrefix(proxy.URL, "http://")
	values := []string{
		proxy.URL, proxy.URL + ",direct", proxy.URL + "|direct", "off", ",", " ", " , | ",
		"htps://" + hostPath, "diret", "DIRECT", "Off", proxy.URL + ",off", "off," + proxy.URL,
		"direct,htps://ignored.example", "file:///nonexistent/goproxy", "file://host/goproxy",
		"/abs/goproxy", proxy.URL + " " + proxy.URL, "ftp://" + hostPath, "http://u:p@" + hostPath,
		"http//" + hostPath, " " + proxy.URL + " ,, direct,", "%zz", "http://[::1", proxy.URL + ";direct",
	}
	for _, v := range values {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			sb := fixtures.NewSandbox(t, proxy.URL)
			out, err := sb.Go(t, module(t, true), append([]string{"GOPROXY=" + v}, contain...), "mod", "download")
			l := goenv.ParseProxyList(v)
			rejected := strings.Contains(out, "invalid proxy URL") || strings.Contains(out, ": parse \"") || strings.Contains(out, "GOPROXY list is not the empty string") || strings.Contains(out, "invalid file:// proxy URL")
			if l.Err != nil {
				if err == nil || !rejected || !strings.Contains(out, errCore(l.Err.Error())) {
					t.Errorf("GOPROXY=%q: doctor says %q; go mod download: err=%v\n%s", v, l.Err, err, out)
				}
				return
			}
			if rejected {
				t.Errorf("GOPROXY=%q: doctor accepts the list; the go command rejects it:\n%s", v, out)
			}
		})
	}
}

// TestSumDBAgreesWithGoCommand runs 'go mod download' on a module without
// go.sum with each GOSUMDB value and checks that the go command rejects
// the value exactly when ParseSumDB reports an error.
func TestSumDBAgreesWithGoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	proxy := fixtures.GoProxy(t)
	// A proxy that supports every checksum database and fails every
	// lookup: valid values fail late, after parsing, on loopback.
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/supported") {
			return
		}
		http.Error(w, "stub", http.StatusInternalServerError)
	}))
	t.Cleanup(stub.Close)
	_, vkey, err := note.GenerateKey(rand.Reader, "sum.test.example")
	if err != nil {
		t.Fatal(err)
	}
	names, aliases := goenv.KnownSumDBs()
	values := []string{
		"off", names[0], aliases[0], vkey, vkey + " http://127.0.0.1:1",
		vkey + " ftp://127.0.0.1/x", vkey + " %zz", "sum.corp.example", "bad", "a b c", " ",
		"OFF", vkey + "x", "sum.test.example+00000000+AQ", vkey + " " + stub.URL + " extra",
	}
	for _, v := range values {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			sb := fixtures.NewSandbox(t, proxy.URL+","+stub.URL)
			out, err := sb.Go(t, module(t, false), append([]string{"GOSUMDB=" + v}, contain...), "mod", "download")
			db := goenv.ParseSumDB(v)
			rejected := strings.Contains(out, "invalid GOSUMDB") || strings.Contains(out, "missing GOSUMDB") || strings.Contains(out, "invalid sumdb name") || strings.Contains(out, "unsupported scheme")
			if db.Err != nil {
				if err == nil || !rejected || !strings.Contains(out, errCore(db.Err.Error())) {
					t.Errorf("GOSUMDB=%q: doctor says %q; go mod download: err=%v\n%s", v, db.Err, err, out)
				}
				return
			}
			if rejected {
				t.Errorf("GOSUMDB=%q: doctor accepts it; the go command rejects it:\n%s", v, out)
			}
			if db.Off && err != nil {
				t.Errorf("GOSUMDB=off: go mod download failed:\n%s", out)
			}
		})
	}
}
