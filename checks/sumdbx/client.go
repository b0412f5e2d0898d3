// Package sumdbx verifies a checksum database the way the go command's
// client (golang.org/x/mod/sumdb.Client, as cmd/go/internal/modfetch
// drives it) does, but as a diagnostician: read-only, under a context,
// with bounded concurrency, and with every failure returned as a typed
// error carrying its evidence instead of a message or a fatal exit.
//
// A Client holds one timeline of signed tree heads, starting from the
// one the go command keeps ($GOPATH/pkg/sumdb/<name>/latest), and moves
// it forward only after proving, with tiles of the log
// (golang.org/x/mod/sumdb/tlog), that the newer tree contains the older
// one. A lookup's record is accepted only when the tiles prove it is in
// the tree (an inclusion proof). Lookups and tiles are read from the go
// command's cache ($GOMODCACHE/cache/download/sumdb/<name>/) first, as
// the go command reads them, and never written there: the doctor leaves
// the go command's files as they are.
package sumdbx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// TileHeight is the tile height of the go command's client.
const TileHeight = 8

// A Fetcher reads a path of the database ("latest", "lookup/<path>@<v>",
// "tile/8/0/000") relative to its base URL. A failure is a *FetchError.
type Fetcher func(ctx context.Context, path string) ([]byte, error)

// FetchKind classifies a failed read.
type FetchKind string

const (
	FetchNotFound FetchKind = "not-found" // 404 or 410
	FetchStatus   FetchKind = "status"    // another HTTP status
	FetchNetwork  FetchKind = "network"   // no answer: DNS, connection, TLS, timeout
	FetchTooLarge FetchKind = "too-large" // a body over the limit
)

// A FetchError is a read of the database that failed.
type FetchError struct {
	Path       string // relative path asked for
	URL        string // the full URL, credentials redacted
	Kind       FetchKind
	StatusCode int
	Status     string // "410 Gone"
	Body       string // the first line of the body, if short text
	Err        error  // for FetchNetwork
}

func (e *FetchError) Error() string {
	switch {
	case e.Err != nil:
		return fmt.Sprintf("reading %s: %v", e.URL, e.Err)
	case e.Kind == FetchTooLarge:
		return fmt.Sprintf("reading %s: response too large", e.URL)
	case e.Body != "":
		return fmt.Sprintf("reading %s: %s\n\tserver response: %s", e.URL, e.Status, e.Body)
	}
	return fmt.Sprintf("reading %s: %s", e.URL, e.Status)
}

// HeadKind classifies a signed tree head that does not verify.
type HeadKind string

const (
	// HeadWrongKey: no signature by the key in force (signed by another
	// key, perhaps of the same name): the go command says "note has no
	// verifiable signatures".
	HeadWrongKey HeadKind = "wrong-key"
	// HeadBadSignature: a signature claims the key but does not verify.
	HeadBadSignature HeadKind = "bad-signature"
	// HeadMalformed: not a signed note, or not a tree head.
	HeadMalformed HeadKind = "malformed"
)

// A HeadError is a signed tree head that does not verify with the key.
type HeadError struct {
	Kind HeadKind
	Err  error
	// Signers are the key names and hashes the note's signatures claim
	// ("name+hash"), for evidence.
	Signers []string
	Note    []byte // the note as received (bounded by the fetcher)
}

func (e *HeadError) Error() string { return "reading tree note: " + e.Err.Error() }

// A ForkError proves that two signed tree heads cannot both be true:
// the newer tree does not contain the older one. The go command stops
// with "SECURITY ERROR ... go.sum database server misbehavior detected".
type ForkError struct {
	Older, Newer         tlog.Tree
	OlderNote, NewerNote []byte
	// Computed is the hash of the first Older.N records as the newer
	// tree's tiles give it; Older.Hash was signed for the same records.
	Computed tlog.Hash
	Proof    tlog.TreeProof
}

func (e *ForkError) Error() string {
	return fmt.Sprintf("SECURITY ERROR: go.sum database server misbehavior detected: the signed tree of %d records (hash %v) does not contain the signed tree of %d records (hash %v): its first %d records hash to %v",
		e.Newer.N, e.Newer.Hash, e.Older.N, e.Older.Hash, e.Older.N, e.Computed)
}

// A ProofError is a proof that could not be completed: a tile that
// could not be read, or that does not hash to the signed tree.
type ProofError struct {
	What string // "checking tree#5 against tree#9", "checking record 3"
	Err  error
}

func (e *ProofError) Error() string { return e.What + ": " + e.Err.Error() }

func (e *ProofError) Unwrap() error { return e.Err }

// A RecordError is a lookup answer that is not a valid record of the
// log: malformed, or not proven to be in the signed tree.
type RecordError struct {
	Err error
}

func (e *RecordError) Error() string { return e.Err.Error() }

// Relation says where a tree head stands relative to the timeline.
type Relation int

const (
	Same   Relation = iota // the tree the timeline is at
	Past                   // an older tree the timeline contains
	Future                 // a newer tree that contains the timeline: it moved forward
)

// Options configure a Client.
type Options struct {
	Key   string  // the verifier key (GOSUMDB's first field, after known names)
	Fetch Fetcher // reads the database
	// CacheDir is the go command's cache of lookups and tiles,
	// $GOMODCACHE/cache/download/sumdb; "" reads none.
	CacheDir string
	// Concurrency bounds the reads of the database in flight; 0 means 8.
	Concurrency int
}

// Stats count where the client read lookups and tiles: from the go
// command's cache, or from the database (asked, whatever the answer).
type Stats struct {
	CachedLookups, RemoteLookups int64
	CachedTiles, RemoteTiles     int64
}

// A Client verifies one database for one run. It is safe for
// concurrent use.
type Client struct {
	ctx      context.Context
	name     string
	verifier note.Verifier
	fetch    Fetcher
	cacheDir string
	sem      chan struct{}

	mu        sync.Mutex
	latest    tlog.Tree
	latestMsg []byte

	tiles   netenv.Memo[tlog.Tile, tileResult]
	lookups netenv.Memo[string, lookupResult]
	trees   netenv.Memo[[2]tlog.Tree, error] // consistency of (older, newer)

	cachedLookups, remoteLookups atomic.Int64
	cachedTiles, remoteTiles     atomic.Int64
}

// New returns a client for the database whose verifier key is
// opts.Key; every read is bounded by ctx.
func New(ctx context.Context, opts Options) (*Client, error) {
	v, err := note.NewVerifier(opts.Key)
	if err != nil {
		return nil, err
	}
	n := opts.Concurrency
	if n <= 0 {
		n = 8
	}
	empty, _ := tlog.TreeHash(0, nil)
	return &Client{
		ctx: ctx, name: v.Name(), verifier: v, fetch: opts.Fetch,
		cacheDir: opts.CacheDir, sem: make(chan struct{}, n),
		latest: tlog.Tree{N: 0, Hash: empty},
	}, nil
}

// Name is the database's name.
func (c *Client) Name() string { return c.name }

// Stats returns the counts so far.
func (c *Client) Stats() Stats {
	return Stats{
		CachedLookups: c.cachedLookups.Load(), RemoteLookups: c.remoteLookups.Load(),
		CachedTiles: c.cachedTiles.Load(), RemoteTiles: c.remoteTiles.Load(),
	}
}

// Latest returns the timeline's tree head and its signed note (nil for
// the empty tree a client starts with).
func (c *Client) Latest() (tlog.Tree, []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.latest, c.latestMsg
}

// OpenHead verifies a signed tree head with the key and parses it.
func (c *Client) OpenHead(msg []byte) (tlog.Tree, error) {
	n, err := note.Open(msg, note.VerifierList(c.verifier))
	if err != nil {
		he := &HeadError{Err: err, Note: msg}
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &invalid):
			he.Kind = HeadBadSignature
			he.Signers = []string{signer(invalid.Name, invalid.Hash)}
		case errors.As(err, &unverified):
			he.Kind = HeadWrongKey
			for _, sig := range unverified.Note.UnverifiedSigs {
				he.Signers = append(he.Signers, signer(sig.Name, sig.Hash))
			}
		default:
			he.Kind = HeadMalformed
		}
		return tlog.Tree{}, he
	}
	tree, err := tlog.ParseTree([]byte(n.Text))
	if err != nil {
		return tlog.Tree{}, &HeadError{Kind: HeadMalformed, Err: fmt.Errorf("reading tree: %v", err), Note: msg}
	}
	return tree, nil
}

// signer names a signature's key as "name+hash", the form of the
// verifier key's first two fields, without the signature itself.
func signer(name string, hash uint32) string { return fmt.Sprintf("%s+%08x", name, hash) }

// Start sets the timeline to a tree head the go command kept (empty
// means none): it must verify with the key, or the go command's client
// fails to start ("initializing sumdb.Client").
func (c *Client) Start(msg []byte) error {
	if len(msg) == 0 {
		return nil
	}
	tree, err := c.OpenHead(msg)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.latest, c.latestMsg = tree, msg
	c.mu.Unlock()
	return nil
}

// Merge places a verified tree head on the timeline, as the go command's
// client does with every tree head it sees (sumdb.Client.mergeLatestMem):
// an older or equal one must be contained in the timeline's, a newer one
// must contain it and becomes the timeline. A *ForkError proves that
// they disagree; a *ProofError says the tiles for the proof could not be
// had.
func (c *Client) Merge(tree tlog.Tree, msg []byte) (Relation, error) {
	for {
		c.mu.Lock()
		latest, latestMsg := c.latest, c.latestMsg
		c.mu.Unlock()
		if tree.N <= latest.N {
			if err := c.checkTrees(tree, msg, latest, latestMsg); err != nil {
				return 0, err
			}
			if tree.N < latest.N {
				return Past, nil
			}
			return Same, nil
		}
		if err := c.checkTrees(latest, latestMsg, tree, msg); err != nil {
			return 0, err
		}
		c.mu.Lock()
		if c.latest == latest {
			c.latest, c.latestMsg = tree, msg
			c.mu.Unlock()
			return Future, nil
		}
		c.mu.Unlock()
	}
}

// checkTrees proves that newer contains older (sumdb.Client.checkTrees).
func (c *Client) checkTrees(older tlog.Tree, olderMsg []byte, newer tlog.Tree, newerMsg []byte) error {
	err, ok := c.trees.Do(c.ctx, [2]tlog.Tree{older, newer}, func() error {
		thr := tlog.TileHashReader(newer, c.tileReader())
		h, err := tlog.TreeHash(older.N, thr)
		if err != nil {
			what := fmt.Sprintf("checking tree#%d against tree#%d", older.N, newer.N)
			if older.N == newer.N {
				what = fmt.Sprintf("checking tree#%d", older.N)
			}
			return &ProofError{What: what, Err: err}
		}
		if h == older.Hash {
			return nil
		}
		fe := &ForkError{Older: older, Newer: newer, OlderNote: olderMsg, NewerNote: newerMsg, Computed: h}
		if p, err := tlog.ProveTree(newer.N, older.N, thr); err == nil && tlog.CheckTree(p, newer.N, newer.Hash, older.N, h) == nil {
			fe.Proof = p
		}
		return fe
	})
	if !ok {
		return &ProofError{What: fmt.Sprintf("checking tree#%d against tree#%d", older.N, newer.N), Err: c.ctx.Err()}
	}
	return err
}

// A Record is a lookup's answer, verified: its record was proven to be
// in the timeline's tree.
type Record struct {
	ID        int64
	Text      []byte // the go.sum lines of the module version
	Tree      tlog.Tree
	Relation  Relation // of its tree head to the timeline when it arrived
	FromCache bool     // read from the go command's lookup cache
	// Remembered is set for a record a Proven remembered from an
	// earlier run: proven then, in a tree the timeline contains.
	Remembered bool
	CacheFile  string // that file, when FromCache
}

// Lines returns the record's go.sum lines for path at version (with or
// without the /go.mod suffix).
func (r *Record) Lines(path, version string) []string {
	prefix := path + " " + version + " "
	var out []string
	for _, line := range strings.Split(string(r.Text), "\n") {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return out
}

type lookupResult struct {
	rec *Record
	err error
}

// Lookup returns the verified record of path@version (version without
// /go.mod), read from the go command's cache or the database, with the
// checks of sumdb.Client.Lookup: the record parses, its signed tree head
// verifies and agrees with the timeline, and the tiles prove the record
// is in the tree.
func (c *Client) Lookup(path, version string) (*Record, error) {
	epath, err := module.EscapePath(path)
	if err != nil {
		return nil, &RecordError{Err: err}
	}
	evers, err := module.EscapeVersion(version)
	if err != nil {
		return nil, &RecordError{Err: err}
	}
	remote := "lookup/" + epath + "@" + evers
	file := c.name + "/" + remote
	res, ok := c.lookups.Do(c.ctx, file, func() lookupResult {
		rec := &Record{}
		data, cacheFile, err := c.readCache(file)
		if err == nil {
			rec.FromCache, rec.CacheFile = true, cacheFile
			c.cachedLookups.Add(1)
		} else {
			c.remoteLookups.Add(1)
			data, err = c.remote(remote)
			if err != nil {
				return lookupResult{err: err}
			}
		}
		id, text, treeMsg, err := tlog.ParseRecord(data)
		if err != nil {
			return lookupResult{err: &RecordError{Err: err}}
		}
		tree, err := c.OpenHead(treeMsg)
		if err != nil {
			return lookupResult{err: err}
		}
		rel, err := c.Merge(tree, treeMsg)
		if err != nil {
			return lookupResult{err: err}
		}
		if err := c.checkRecord(id, text); err != nil {
			return lookupResult{err: err}
		}
		rec.ID, rec.Text, rec.Tree, rec.Relation = id, text, tree, rel
		return lookupResult{rec: rec}
	})
	if !ok {
		return nil, &FetchError{Path: remote, Kind: FetchNetwork, Err: c.ctx.Err(), URL: remote}
	}
	return res.rec, res.err
}

// checkRecord proves that record id holds data (sumdb.Client.checkRecord):
// the tiles of the timeline's tree give the record's hash, each tile
// verified against the signed tree hash.
func (c *Client) checkRecord(id int64, data []byte) error {
	latest, _ := c.Latest()
	if id >= latest.N {
		return &RecordError{Err: fmt.Errorf("cannot validate record %d in tree of size %d", id, latest.N)}
	}
	hashes, err := tlog.TileHashReader(latest, c.tileReader()).ReadHashes([]int64{tlog.StoredHashIndex(0, id)})
	if err != nil {
		return &ProofError{What: fmt.Sprintf("checking record %d", id), Err: err}
	}
	if hashes[0] != tlog.RecordHash(data) {
		return &RecordError{Err: fmt.Errorf("cannot authenticate record data in server response (record %d)", id)}
	}
	return nil
}

// readCache reads a file of the go command's sumdb cache; an empty file
// counts as missing, as the go command treats it.
func (c *Client) readCache(file string) ([]byte, string, error) {
	if c.cacheDir == "" {
		return nil, "", fs.ErrNotExist
	}
	p := filepath.Join(c.cacheDir, filepath.FromSlash(file))
	data, err := readBounded(p, maxCacheFile)
	if err == nil && len(data) == 0 {
		err = fs.ErrNotExist
	}
	return data, p, err
}

// maxCacheFile bounds what is read of one cache file: a lookup or a
// tile is a few kilobytes.
const maxCacheFile = 1 << 20

func readBounded(p string, limit int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > limit {
		return nil, fmt.Errorf("%s: not a regular file of at most %d bytes", p, limit)
	}
	data := make([]byte, fi.Size())
	n, err := f.ReadAt(data, 0)
	if n == len(data) {
		err = nil
	}
	return data[:n], err
}

// remote reads from the database, at most Concurrency reads at a time.
func (c *Client) remote(path string) ([]byte, error) {
	select {
	case c.sem <- struct{}{}:
	case <-c.ctx.Done():
		return nil, &FetchError{Path: path, URL: path, Kind: FetchNetwork, Err: c.ctx.Err()}
	}
	defer func() { <-c.sem }()
	return c.fetch(c.ctx, path)
}

type tileResult struct {
	data []byte
	err  error
}

func (c *Client) tileReader() tlog.TileReader { return (*tileReader)(c) }

// tileReader reads tiles as sumdb.Client does: the tile from the go
// command's cache, or the full tile it is a prefix of; else from the
// database, the tile or the full one. Nothing is saved.
type tileReader Client

func (r *tileReader) Height() int { return TileHeight }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	c := (*Client)(r)
	data := make([][]byte, len(tiles))
	errs := make([]error, len(tiles))
	var wg sync.WaitGroup
	for i, t := range tiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data[i], errs[i] = c.readTile(t)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return data, nil
}

func (r *tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

func (c *Client) readTile(t tlog.Tile) ([]byte, error) {
	res, ok := c.tiles.Do(c.ctx, t, func() tileResult {
		full := t
		full.W = 1 << uint(t.H)
		if data, _, err := c.readCache(c.name + "/" + t.Path()); err == nil {
			c.cachedTiles.Add(1)
			return tileResult{data: data}
		}
		if t != full {
			if data, _, err := c.readCache(c.name + "/" + full.Path()); err == nil {
				c.cachedTiles.Add(1)
				return tileResult{data: data[:len(data)/full.W*t.W]}
			}
		}
		c.remoteTiles.Add(1)
		data, err := c.remote(t.Path())
		if err == nil {
			return tileResult{data: data}
		}
		if t != full {
			c.remoteTiles.Add(1)
			if fdata, ferr := c.remote(full.Path()); ferr == nil {
				return tileResult{data: fdata[:len(fdata)/full.W*t.W]}
			}
		}
		return tileResult{err: err}
	})
	if !ok {
		return nil, c.ctx.Err()
	}
	return res.data, res.err
}
