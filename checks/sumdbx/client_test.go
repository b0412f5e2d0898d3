package sumdbx_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/sumdbx"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

var hello = module.Version{Path: "example.test/hello", Version: "v1.0.0"}

// httpFetcher reads a fixture database over loopback HTTP, counting the
// reads in flight.
type httpFetcher struct {
	base     string
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	mu       sync.Mutex
	paths    []string
}

func (f *httpFetcher) fetch(ctx context.Context, p string) ([]byte, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxSeen.Load()
		if n <= m || f.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	f.mu.Lock()
	f.paths = append(f.paths, p)
	f.mu.Unlock()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.base+"/"+p, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, &sumdbx.FetchError{Path: p, URL: f.base + "/" + p, Kind: sumdbx.FetchNetwork, Err: err}
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != 200 {
		k := sumdbx.FetchStatus
		if res.StatusCode == 404 || res.StatusCode == 410 {
			k = sumdbx.FetchNotFound
		}
		return nil, &sumdbx.FetchError{Path: p, URL: f.base + "/" + p, Kind: k, StatusCode: res.StatusCode, Status: res.Status}
	}
	return data, nil
}

func (f *httpFetcher) remote() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.paths...)
}

func newClient(t *testing.T, db *fixtures.SumDB, cacheDir string) (*sumdbx.Client, *httpFetcher) {
	t.Helper()
	f := &httpFetcher{base: db.URL}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, err := sumdbx.New(ctx, sumdbx.Options{Key: db.Key, Fetch: f.fetch, CacheDir: cacheDir, Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	return c, f
}

func TestLookupVerifies(t *testing.T) {
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{})
	c, f := newClient(t, db, "")
	rec, err := c.Lookup(hello.Path, hello.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rec.Lines(hello.Path, hello.Version), db.Lines(hello.Path, hello.Version)[:1]; len(got) != 1 || got[0] != want[0] {
		t.Errorf("lines %q, want %q", got, want)
	}
	if rec.FromCache {
		t.Error("record said to come from a cache there is none of")
	}
	if latest, _ := c.Latest(); latest.N != db.Size() {
		t.Errorf("timeline at %d records, want %d", latest.N, db.Size())
	}
	if f.maxSeen.Load() > 3 {
		t.Errorf("%d reads in flight, the bound is 3", f.maxSeen.Load())
	}
	// Unknown modules are "not found".
	_, err = c.Lookup("example.test/nowhere", "v1.0.0")
	var fe *sumdbx.FetchError
	if !errors.As(err, &fe) || fe.Kind != sumdbx.FetchNotFound {
		t.Errorf("unknown module: %v, want a not-found FetchError", err)
	}
}

// The go command's cache is read first, never written.
func TestLookupReadsTheGoCommandsCache(t *testing.T) {
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{})
	modcache := t.TempDir()
	if err := db.WarmCache(modcache, "", hello); err != nil {
		t.Fatal(err)
	}
	before := listFiles(t, modcache)
	c, f := newClient(t, db, filepath.Join(modcache, "cache", "download", "sumdb"))
	rec, err := c.Lookup(hello.Path, hello.Version)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.FromCache {
		t.Error("the cached lookup was not used")
	}
	if r := f.remote(); len(r) != 0 {
		t.Errorf("remote reads despite a warm cache: %q", r)
	}
	st := c.Stats()
	if st.CachedLookups != 1 || st.CachedTiles == 0 || st.RemoteTiles != 0 {
		t.Errorf("stats %+v", st)
	}
	if after := listFiles(t, modcache); after != before {
		t.Errorf("the cache changed:\n%s\nthen:\n%s", before, after)
	}
}

func listFiles(t *testing.T, root string) string {
	var b strings.Builder
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			fmt.Fprintf(&b, "%s %d %v\n", p, fi.Size(), fi.ModTime())
		}
		return nil
	})
	return b.String()
}

func TestForkAndRollback(t *testing.T) {
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{})
	old := db.Signed()
	modcache := t.TempDir()
	if err := db.WarmCache(modcache, ""); err != nil { // the tiles the go command kept
		t.Fatal(err)
	}
	db.Truncate(int(db.Size() - 20))
	stale := db.Signed()

	// A stale head (fewer records, the same history) is in the past of
	// the kept one: proven with the kept tiles.
	withTiles, _ := newClient(t, db, filepath.Join(modcache, "cache", "download", "sumdb"))
	if err := withTiles.Start(old); err != nil {
		t.Fatal(err)
	}
	tree, err := withTiles.OpenHead(stale)
	if err != nil {
		t.Fatal(err)
	}
	if rel, err := withTiles.Merge(tree, stale); err != nil || rel != sumdbx.Past {
		t.Errorf("stale head with the kept tiles: relation %v, err %v; want Past", rel, err)
	}
	// Without the kept tiles the proof needs the bigger tree's tiles,
	// which the truncated log no longer serves: a ProofError, as the go
	// command fails, not a fork.
	noTiles, _ := newClient(t, db, "")
	if err := noTiles.Start(old); err != nil {
		t.Fatal(err)
	}
	rel, err := noTiles.Merge(tree, stale)
	var pe *sumdbx.ProofError
	if !errors.As(err, &pe) {
		t.Errorf("stale head without tiles: relation %v, err %v; want a ProofError", rel, err)
	}

	// A forked log: same key, a different history.
	db2 := fixtures.NewSumDB(t, fixtures.SumDBOptions{})
	kept := db2.Signed()
	db2.Fork()
	c2, _ := newClient(t, db2, "")
	if err := c2.Start(kept); err != nil {
		t.Fatal(err)
	}
	tree2, err := c2.OpenHead(db2.Signed())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c2.Merge(tree2, db2.Signed())
	var fe *sumdbx.ForkError
	if !errors.As(err, &fe) {
		t.Fatalf("fork: %v, want a ForkError", err)
	}
	if fe.Older.N != tree2.N-1 || fe.Newer != tree2 || len(fe.Proof) == 0 || fe.Computed == fe.Older.Hash {
		t.Errorf("fork evidence: %+v", fe)
	}
	if !strings.Contains(fe.Error(), "SECURITY ERROR") {
		t.Errorf("fork error does not say SECURITY ERROR: %v", fe)
	}
	// A lookup meets the same fork.
	if _, err := c2.Lookup(hello.Path, hello.Version); !errors.As(err, &fe) {
		t.Errorf("lookup on a forked log: %v", err)
	}
}

func TestWrongKey(t *testing.T) {
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{WrongKey: true})
	c, _ := newClient(t, db, "")
	_, err := c.OpenHead(db.Signed())
	var he *sumdbx.HeadError
	if !errors.As(err, &he) || he.Kind != sumdbx.HeadWrongKey {
		t.Fatalf("%v, want a wrong-key HeadError", err)
	}
	if len(he.Signers) != 1 || !strings.HasPrefix(he.Signers[0], db.Name+"+") || strings.HasPrefix(db.Key, he.Signers[0]) {
		t.Errorf("signers %q (key %s)", he.Signers, db.Key)
	}
	if _, err := c.Lookup(hello.Path, hello.Version); !errors.As(err, &he) {
		t.Errorf("lookup: %v, want a HeadError", err)
	}
	if _, err := c.OpenHead([]byte("<html>login</html>")); !errors.As(err, &he) || he.Kind != sumdbx.HeadMalformed {
		t.Errorf("HTML: %v, want a malformed HeadError", err)
	}
}

// A record altered on the way does not authenticate.
func TestAlteredRecord(t *testing.T) {
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{})
	h := db.Handler()
	srv := fixtures.HTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/lookup/") {
			h.ServeHTTP(w, r)
			return
		}
		rec := &recorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		w.Write([]byte(strings.Replace(rec.body.String(), " h1:B", " h1:X", 1)))
	}))
	f := &httpFetcher{base: srv.URL}
	c, err := sumdbx.New(context.Background(), sumdbx.Options{Key: db.Key, Fetch: f.fetch})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Lookup(hello.Path, hello.Version)
	var re *sumdbx.RecordError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "cannot authenticate") {
		t.Errorf("%v, want a RecordError", err)
	}
}

type recorder struct {
	header http.Header
	body   strings.Builder
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(int)             {}

// A cancelled context stops the client at once.
func TestCancelled(t *testing.T) {
	db := fixtures.NewSumDB(t, fixtures.SumDBOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := &httpFetcher{base: db.URL}
	c, _ := sumdbx.New(ctx, sumdbx.Options{Key: db.Key, Fetch: f.fetch})
	start := time.Now()
	if _, err := c.Lookup(hello.Path, hello.Version); err == nil {
		t.Error("lookup succeeded under a cancelled context")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

// FuzzAnswers feeds arbitrary bytes as the database's answers: the
// client never panics and never accepts what the key did not sign.
func FuzzAnswers(f *testing.F) {
	db := fixtures.NewSumDB(f, fixtures.SumDBOptions{Seed: "fuzz", Filler: -1})
	f.Add(db.Signed(), []byte("0\nexample.test/hello v1.0.0 h1:x\n\n"))
	f.Add([]byte("go.sum database tree\n5\nAAAA\n\n— sum x\n"), []byte{})
	f.Add([]byte{}, []byte("<html>"))
	f.Fuzz(func(t *testing.T, latest, lookup []byte) {
		fetch := func(_ context.Context, p string) ([]byte, error) {
			if p == "latest" {
				return latest, nil
			}
			if strings.HasPrefix(p, "lookup/") {
				return lookup, nil
			}
			return nil, &sumdbx.FetchError{Path: p, Kind: sumdbx.FetchNotFound, Status: "404 Not Found"}
		}
		c, err := sumdbx.New(context.Background(), sumdbx.Options{Key: db.Key, Fetch: fetch})
		if err != nil {
			t.Fatal(err)
		}
		if tree, err := c.OpenHead(latest); err == nil {
			c.Merge(tree, latest)
		}
		if _, err := c.Lookup(hello.Path, hello.Version); err == nil {
			t.Fatalf("accepted a lookup answer no tile proves: %q", lookup)
		}
	})
}
