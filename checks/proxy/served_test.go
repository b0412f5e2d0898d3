package proxy

import (
	"archive/zip"
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// helloSums are the go.sum lines of the fixture module the tests require.
const helloSums = "example.test/hello v1.0.0 h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=\n" +
	"example.test/hello v1.0.0/go.mod h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg=\n"

// noRange serves h's answers to requests stripped of their Range
// header: a proxy that ignores Range and always sends the whole body.
func noRange(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Range")
		h.ServeHTTP(w, r)
	})
}

// zipStatus answers requests for zips with status, and forwards the
// rest to the fixture proxy.
func zipStatus(proxyURL string, status int) http.Handler {
	return zipHandler(proxyURL, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, http.StatusText(status), status)
	}))
}

// zipHandler answers requests for zips with h, and forwards the rest to
// the fixture proxy.
func zipHandler(proxyURL string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".zip") {
			h.ServeHTTP(w, r)
			return
		}
		fixtures.Forward(proxyURL).ServeHTTP(w, r)
	})
}

// statusBesidesSlow is the check's status without PROXY_SLOW, which a
// loaded machine (tests under -race) can cause on its own.
func statusBesidesSlow(r checks.CheckResult) checks.Status {
	if r.Status != checks.StatusWarn {
		return r.Status
	}
	for _, f := range r.Findings {
		if f.Severity == checks.SevWarn && f.Code != "PROXY_SLOW" {
			return r.Status
		}
	}
	return checks.StatusPass
}

// zipHangs never answers requests for zips (until the test ends), and
// forwards the rest to the fixture proxy.
func zipHangs(t *testing.T, proxyURL string) http.Handler {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".zip") {
			select {
			case <-done:
			case <-r.Context().Done():
			}
			return
		}
		fixtures.Forward(proxyURL).ServeHTTP(w, r)
	})
}

// bigZip is a valid module zip of hello of 2 MiB (a stored,
// incompressible file beside the module's own), made once.
func bigZip(b []byte) []byte {
	bigZipOnce.Do(func() { bigZipData = makeBigZip(b) })
	return bigZipData
}

var (
	bigZipOnce sync.Once
	bigZipData []byte
)

func makeBigZip(b []byte) []byte {
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return b
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range r.File {
		w.Copy(f)
	}
	fw, _ := w.CreateHeader(&zip.FileHeader{Name: "example.test/hello@v1.0.0/blob.bin", Method: zip.Store})
	buf := make([]byte, 2<<20)
	rand.NewChaCha8([32]byte{1}).Read(buf)
	fw.Write(buf)
	w.Close()
	return out.Bytes()
}

// byteCount counts the bytes of zips sent.
type byteCount struct{ zip atomic.Int64 }

func (c *byteCount) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".zip") {
			w = countingWriter{w, &c.zip}
		}
		h.ServeHTTP(w, r)
	})
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n.Add(int64(n))
	return n, err
}

// rangeLog counts the zip requests with and without a Range header.
type rangeLog struct {
	mu            sync.Mutex
	ranged, whole int
}

func (l *rangeLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".zip") {
			l.mu.Lock()
			if r.Header.Get("Range") != "" {
				l.ranged++
			} else {
				l.whole++
			}
			l.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func TestProxyCheckServedContent(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	srv := func(h http.Handler) string { return fixtures.HTTPServer(t, h).URL + "/mod" }
	same := func(b []byte) []byte { return b }
	ranged := &rangeLog{}
	served := &byteCount{}
	cases := []struct {
		name  string
		proxy string
		cache bool // the module cache holds the module's go.mod
		// timeout is the run's deadline, 20s when zero.
		timeout time.Duration
		status  checks.Status
		want    []string
		absent  []string
		detail  string // a substring of the detail of the first wanted finding
	}{
		{name: "healthy, Range honoured", proxy: srv(ranged.wrap(fixtures.Tampering(proxy.URL, ".zip", same))), status: checks.StatusPass,
			want: []string{"PROXY_ZIP_CHECKED info"}, absent: []string{"PROXY_MOD_MISMATCH", "PROXY_ZIP_INVALID", "PROXY_ZIP_MISMATCH"}, detail: "its hash matches go.sum"},
		{name: "healthy, Range ignored", proxy: proxy.URL, status: checks.StatusPass,
			want: []string{"PROXY_ZIP_CHECKED info"}, detail: "read whole"},
		{name: "tampered go.mod", proxy: srv(fixtures.Tampering(proxy.URL, ".mod", fixtures.AlterMod)), status: checks.StatusFail,
			want: []string{"PROXY_MOD_MISMATCH fail"}, detail: "go.sum:     h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg="},
		{name: "tampered go.mod, cached", proxy: srv(fixtures.Tampering(proxy.URL, ".mod", fixtures.AlterMod)), cache: true, status: checks.StatusWarn,
			want: []string{"PROXY_MOD_MISMATCH warn"}},
		{name: "truncated zip, Range honoured", proxy: srv(fixtures.Tampering(proxy.URL, ".zip", fixtures.HalfBody)), status: checks.StatusFail,
			want: []string{"PROXY_ZIP_INVALID fail"}, detail: "(Range: its last bytes)"},
		{name: "truncated zip, Range ignored", proxy: srv(noRange(fixtures.Tampering(proxy.URL, ".zip", fixtures.HalfBody))), status: checks.StatusFail,
			want: []string{"PROXY_ZIP_INVALID fail"}, detail: "read whole"},
		{name: "empty zip", proxy: srv(fixtures.Tampering(proxy.URL, ".zip", func([]byte) []byte { return nil })), status: checks.StatusFail,
			want: []string{"PROXY_ZIP_INVALID fail"}, detail: "0 bytes"},
		{name: "huge zip, Range ignored", proxy: srv(zipHandler(proxy.URL, fixtures.Huge(64<<20))), status: checks.StatusPass,
			want: []string{"PROXY_ZIP_CHECKED info"}, detail: "larger than the 1.0 MiB the doctor reads"},
		{name: "big zip, Range honoured", proxy: srv(served.wrap(fixtures.Tampering(proxy.URL, ".zip", bigZip))), status: checks.StatusPass,
			want: []string{"PROXY_ZIP_CHECKED info"}, detail: "its end record is sound; at 2.0 MiB it is larger than the 1.0 MiB the doctor downloads"},
		{name: "big zip cut short, Range honoured", proxy: srv(fixtures.Tampering(proxy.URL, ".zip", func(b []byte) []byte { z := bigZip(b); return z[:len(z)-1] })), status: checks.StatusFail,
			want: []string{"PROXY_ZIP_INVALID fail"}, detail: "(Range: its last bytes), 2.0 MiB"},
		{name: "zip over 500 MiB", proxy: srv(zipHandler(proxy.URL, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Claims 600 MB; only the tail is ever sent.
			w.Header().Set("Content-Range", "bytes 599999900-599999999/600000000")
			w.WriteHeader(http.StatusPartialContent)
			w.Write(make([]byte, 100))
		}))), status: checks.StatusFail, want: []string{"PROXY_ZIP_INVALID fail"}, detail: "(Range: its last bytes)"},
		{name: "zip refused", proxy: srv(zipStatus(proxy.URL, http.StatusForbidden)), status: checks.StatusFail,
			want: []string{"PROXY_ZIP_UNAVAILABLE fail"}, detail: "403 Forbidden"},
		{name: "zip refused, then '|' to a good proxy", proxy: srv(zipStatus(proxy.URL, http.StatusForbidden)) + "|" + proxy.URL, status: checks.StatusPass,
			want: []string{"PROXY_ZIP_CHECKED info"}, absent: []string{"PROXY_ZIP_UNAVAILABLE"}, detail: "entry 2"},
		{name: "zip hangs", proxy: srv(zipHangs(t, proxy.URL)), timeout: 4500 * time.Millisecond, status: checks.StatusFail,
			want: []string{"PROXY_ZIP_UNAVAILABLE fail"}, detail: "no answer"},
		{name: "altered zip", proxy: srv(fixtures.Tampering(proxy.URL, ".zip", fixtures.AlterZip)), status: checks.StatusFail,
			want: []string{"PROXY_ZIP_MISMATCH fail"}, detail: "go.sum:     h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk="},
	}
	// The cases run eight at a time in a pool of their own: they mostly
	// wait on sockets, and t.Parallel would run two at a time (-parallel
	// is GOMAXPROCS).
	type result struct {
		r       checks.CheckResult
		elapsed time.Duration
	}
	results := make([]chan result, len(cases))
	sem := make(chan struct{}, 8)
	for i, tt := range cases {
		results[i] = make(chan result, 1)
		cache := t.TempDir()
		if tt.cache {
			checktest.WriteTree(t, cache, map[string]string{"cache/download/example.test/hello/@v/v1.0.0.mod": "module example.test/hello\n\ngo 1.21\n"})
		}
		env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": tt.proxy, "GOMODCACHE": cache}, GoMod: checktest.AppGoMod})
		gosum := filepath.Join(t.TempDir(), "go.sum")
		if err := os.WriteFile(gosum, []byte(helloSums), 0o644); err != nil {
			t.Fatal(err)
		}
		env.Module.GoSum = gosum
		timeout := tt.timeout
		if timeout == 0 {
			timeout = 20 * time.Second // ample, however loaded the machine
		}
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			r := checks.Runner{Strict: true}.Run(ctx, env, []*checks.Check{Check})[0]
			results[i] <- result{r, time.Since(start)}
		}()
	}
	for i, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res := <-results[i]
			r := res.r
			if tt.timeout != 0 && res.elapsed > tt.timeout+time.Second {
				t.Errorf("the check took %s, past its deadline of %s", res.elapsed, tt.timeout)
			}
			if st := statusBesidesSlow(r); st != tt.status {
				t.Errorf("status %s, want %s", st, tt.status)
			}
			checktest.Want(t, r, tt.want...)
			checktest.Absent(t, r, tt.absent...)
			code, _, _ := strings.Cut(tt.want[0], " ")
			if f := checktest.Finding(r, code); f != nil && !strings.Contains(f.Detail, tt.detail) {
				t.Errorf("%s detail lacks %q", code, tt.detail)
			}
			if f := checktest.Finding(r, code); f != nil && f.Severity != checks.SevInfo {
				if !strings.Contains(f.Subject, "example.test/hello@v1.0.0") || !strings.Contains(f.Detail, "127.0.0.1") {
					t.Errorf("%s does not name the module and the proxy: %s / %s", code, f.Subject, f.Detail)
				}
				if !checktest.HasFix(r, "curl") {
					t.Errorf("no fix telling to report the proxy")
				}
			}
			if t.Failed() || os.Getenv("DUMP") != "" {
				t.Logf("\n%s", checktest.Dump(r))
			}
		})
	}
	t.Run("bounded reads", func(t *testing.T) {
		ranged.mu.Lock()
		defer ranged.mu.Unlock()
		if ranged.ranged == 0 {
			t.Errorf("no Range request was sent for the zip")
		}
		// Of a 2 MiB zip, the last 128 KiB only.
		if n := served.zip.Load(); n == 0 || n > 256<<10 {
			t.Errorf("%d bytes of the big zip were sent", n)
		}
	})
}

// TestServedContentAgreesWithGoCommand runs the real 'go mod download'
// beside the doctor against proxies that serve a tampered go.mod and a
// truncated zip, and against the good proxy the fix points to: the go
// command's failure text is the one the doctor's finding quotes, and
// with the fix both pass.
func TestServedContentAgreesWithGoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	proxy := fixtures.GoProxy(t)
	srv := func(h http.Handler) string { return fixtures.HTTPServer(t, h).URL + "/mod" }
	cases := []struct {
		name   string
		proxy  string
		goSays []string // in the go command's output, when it fails
		code   string
	}{
		{"tampered go.mod", srv(fixtures.Tampering(proxy.URL, ".mod", fixtures.AlterMod)), []string{"verifying example.test/hello@v1.0.0/go.mod: checksum mismatch", "SECURITY ERROR"}, "PROXY_MOD_MISMATCH"},
		{"truncated zip", srv(fixtures.Tampering(proxy.URL, ".zip", fixtures.HalfBody)), []string{"zip: not a valid zip file"}, "PROXY_ZIP_INVALID"},
		{"zip refused", srv(zipStatus(proxy.URL, http.StatusForbidden)), []string{"403 Forbidden"}, "PROXY_ZIP_UNAVAILABLE"},
		// The fix: the good proxy.
		{"fixed", proxy.URL, nil, ""},
	}
	var wg sync.WaitGroup
	for _, tt := range cases {
		wg.Add(1)
		t.Run(tt.name, func(t *testing.T) {
			defer wg.Done()
			sb := fixtures.NewSandbox(t, tt.proxy)
			dir := appModule(t)
			extra := append([]string{"GOFLAGS=-mod=mod"}, checktest.Contain...)
			out, goOK := checktest.GoModDownload(t, sb, dir, extra, time.Minute)
			env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			r := checks.Runner{Strict: true}.Run(ctx, env, []*checks.Check{Check})[0]
			if tt.code == "" {
				if !goOK || r.Status == checks.StatusFail {
					t.Errorf("with the good proxy: go mod download ok=%v, doctor %s\n%s\n%s", goOK, r.Status, out, checktest.Dump(r))
				}
				return
			}
			if goOK {
				t.Errorf("go mod download succeeded:\n%s", out)
			}
			for _, s := range tt.goSays {
				if !strings.Contains(out, s) {
					t.Errorf("the go command does not say %q:\n%s", s, out)
				}
			}
			f := checktest.Finding(r, tt.code)
			if r.Status != checks.StatusFail || f == nil || f.Severity != checks.SevFail {
				t.Fatalf("the doctor misses it (status %s):\n%s", r.Status, checktest.Dump(r))
			}
			for _, s := range tt.goSays {
				if !strings.Contains(f.Message, s) {
					t.Errorf("the finding does not quote %q: %s", s, f.Message)
				}
			}
		})
	}
	wg.Wait()
}
