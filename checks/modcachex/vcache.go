package modcachex

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/cachefile"
)

// A VerifyCache remembers, for each zip and extracted directory the deep
// pass hashed, what the file system said of it then (its stamps: size,
// mode, modification and change times, inode and device of the zip, or
// of every file and directory of the tree) and the hash it had, the way
// git's index remembers the files it hashed. The next run hashes only
// what the file system says changed. What it remembers is a hash, never
// a verdict: the hash is compared with .ziphash and go.sum on every run,
// as if it had just been computed.
//
// It cannot see a change that leaves every stamp as it was: a disk or a
// memory that flips bits, a file system that does not keep change times
// or inodes faithfully, a clock set back, or someone with access to the
// raw device. So a hash is re-used for at most MaxVerifyAge, and
// --scope all or --rehash hash everything again.
//
// The cache is one file per module cache in the doctor's cache
// directory, owned by the user and written by one rename. A file that
// is damaged (truncated, garbage, a checksum that does not match), made
// for another module cache, by another user, or that others may write
// is ignored (Note says why) and replaced: it can make a run slower,
// never make it trust more.
type VerifyCache struct {
	file   string
	root   string
	uid    int
	reuse  bool
	maxAge time.Duration
	now    func() time.Time

	note string

	mu    sync.Mutex
	old   map[string]vcEntry // read from the file
	seen  map[string]bool    // keys looked at in this run
	fresh map[string]vcEntry // hashed in this run

	hits, misses atomic.Int64
}

// A vcEntry is one remembered hash.
type vcEntry struct {
	fp   [sha256.Size]byte // of the stamps
	hash string            // h1:...
	at   int64             // when it was hashed, Unix seconds
}

// MaxVerifyAge bounds how long a remembered hash is re-used: past it,
// the content is hashed again whatever the stamps say.
const MaxVerifyAge = 24 * time.Hour

const (
	vcHeader = "gomoddoctor verification cache 1"
	// maxVCFile bounds what is read of the file, and maxVCEntries what
	// is kept: about 150 bytes an entry, two entries a module version.
	maxVCFile    = 32 << 20
	maxVCEntries = 100_000
)

// racyWindow: a file whose modification or change time is this close
// to the moment it was looked at may change again within the same tick
// of the file system's clock without its stamp moving (git's "racily
// clean" entries): its hash is not remembered. Tests lower it.
var racyWindow = 2 * time.Second

// OpenVerifyCache opens the verification cache of the module cache at
// root, kept in dir ("" means none: nil is returned, and a nil cache
// remembers nothing). With reuse false, nothing remembered is used, but
// what this run hashes is remembered for the next.
func OpenVerifyCache(dir, root string, reuse bool) *VerifyCache {
	if dir == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(root))
	vc := &VerifyCache{
		file: filepath.Join(dir, "modcache-"+hex.EncodeToString(sum[:8])),
		root: root, uid: os.Geteuid(), reuse: reuse,
		maxAge: MaxVerifyAge, now: time.Now,
		old: map[string]vcEntry{}, seen: map[string]bool{}, fresh: map[string]vcEntry{},
	}
	// Read even when nothing is re-used, to keep what other runs
	// remembered of versions this run does not hash.
	if why := vc.load(); why != "" {
		if reuse {
			vc.note = why
		}
		vc.old = map[string]vcEntry{}
	}
	return vc
}

// File is where the cache is kept.
func (vc *VerifyCache) File() string { return vc.file }

// Note says why the file was ignored, or "" if it was not.
func (vc *VerifyCache) Note() string {
	if vc == nil {
		return ""
	}
	return vc.note
}

// Counts returns how many hashes were re-used and how many computed.
func (vc *VerifyCache) Counts() (reused, hashed int) {
	if vc == nil {
		return 0, 0
	}
	return int(vc.hits.Load()), int(vc.misses.Load())
}

// load reads the file; it returns why the file cannot be trusted, or ""
// (a missing file is no reason: the first run has none).
func (vc *VerifyCache) load() string {
	body, why := cachefile.Read(vc.file, maxVCFile)
	if why != "" || body == nil {
		return why
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), 1<<16)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		switch n {
		case 1:
			if line != vcHeader {
				return fmt.Sprintf("not a verification cache of this version (%q)", trimLong(line))
			}
			continue
		case 2:
			r, err := strconv.Unquote(strings.TrimPrefix(line, "root "))
			if err != nil || !strings.HasPrefix(line, "root ") {
				return fmt.Sprintf("damaged: line 2: %q", trimLong(line))
			}
			if r != vc.root {
				return fmt.Sprintf("made for another module cache (%s)", r)
			}
			continue
		case 3:
			uid, err := strconv.Atoi(strings.TrimPrefix(line, "uid "))
			if err != nil || !strings.HasPrefix(line, "uid ") {
				return fmt.Sprintf("damaged: line 3: %q", trimLong(line))
			}
			if uid != vc.uid {
				return fmt.Sprintf("made by another user (%d, not %d)", uid, vc.uid)
			}
			continue
		}
		key, e, err := parseVCLine(line)
		if err != nil {
			return fmt.Sprintf("damaged: line %d: %v", n, err)
		}
		if len(vc.old) >= maxVCEntries {
			return fmt.Sprintf("more than %d entries", maxVCEntries)
		}
		vc.old[key] = e
	}
	if err := sc.Err(); err != nil {
		return "damaged: " + err.Error()
	}
	if n < 3 {
		return "damaged: no header"
	}
	return ""
}

func trimLong(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// parseVCLine reads "<kind> <at> <hash> <fingerprint hex> <quoted path>".
func parseVCLine(line string) (string, vcEntry, error) {
	f := strings.SplitN(line, " ", 5)
	if len(f) != 5 || (f[0] != "z" && f[0] != "d") {
		return "", vcEntry{}, fmt.Errorf("malformed entry %q", trimLong(line))
	}
	var e vcEntry
	at, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || at <= 0 {
		return "", vcEntry{}, fmt.Errorf("bad time %q", trimLong(f[1]))
	}
	e.at = at
	if !strings.HasPrefix(f[2], "h1:") || len(f[2]) != 3+44 {
		return "", vcEntry{}, fmt.Errorf("bad hash %q", trimLong(f[2]))
	}
	e.hash = f[2]
	fp, err := hex.DecodeString(f[3])
	if err != nil || len(fp) != sha256.Size {
		return "", vcEntry{}, fmt.Errorf("bad fingerprint %q", trimLong(f[3]))
	}
	e.fp = [sha256.Size]byte(fp)
	p, err := strconv.Unquote(f[4])
	if err != nil || !filepath.IsAbs(p) {
		return "", vcEntry{}, fmt.Errorf("bad path %q", trimLong(f[4]))
	}
	return f[0] + p, e, nil
}

// lookup returns the remembered hash of the zip (kind 'z') or directory
// ('d') at path, if its stamps are still fp and it is recent enough.
func (vc *VerifyCache) lookup(kind byte, path string, fp [sha256.Size]byte) (string, bool) {
	key := string(kind) + path
	vc.mu.Lock()
	vc.seen[key] = true
	e, ok := vc.old[key]
	vc.mu.Unlock()
	now := vc.now().Unix()
	if vc.reuse && ok && e.fp == fp && e.at <= now+60 && now-e.at <= int64(vc.maxAge/time.Second) {
		vc.hits.Add(1)
		vc.mu.Lock()
		vc.fresh[key] = e // carries its first time: the age bound holds
		vc.mu.Unlock()
		return e.hash, true
	}
	vc.misses.Add(1)
	return "", false
}

// store remembers a hash computed at t.
func (vc *VerifyCache) store(kind byte, path string, fp [sha256.Size]byte, h string, t time.Time) {
	vc.mu.Lock()
	vc.fresh[string(kind)+path] = vcEntry{fp: fp, hash: h, at: t.Unix()}
	vc.mu.Unlock()
}

// Save writes what this run hashed or re-used, and what the file held
// that this run did not look at (another module's build list) if still
// recent, replacing the file by one rename.
func (vc *VerifyCache) Save() error {
	if vc == nil {
		return nil
	}
	vc.mu.Lock()
	now := vc.now().Unix()
	keep := make(map[string]vcEntry, len(vc.fresh)+len(vc.old))
	for k, e := range vc.old {
		if !vc.seen[k] && now-e.at <= int64(vc.maxAge/time.Second) {
			keep[k] = e
		}
	}
	for k, e := range vc.fresh {
		keep[k] = e
	}
	vc.mu.Unlock()
	keys := make([]string, 0, len(keep))
	for k := range keep {
		keys = append(keys, k)
	}
	if len(keys) > maxVCEntries {
		// the oldest go first
		slices.SortFunc(keys, func(a, b string) int { return int(keep[b].at - keep[a].at) })
		keys = keys[:maxVCEntries]
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s\nroot %s\nuid %d\n", vcHeader, strconv.Quote(vc.root), vc.uid)
	for _, k := range keys {
		e := keep[k]
		fmt.Fprintf(&buf, "%c %d %s %x %s\n", k[0], e.at, e.hash, e.fp, strconv.Quote(k[1:]))
	}
	return cachefile.Write(vc.file, buf.Bytes())
}

// A fingerprinter accumulates the stamps of a zip or a tree; ok turns
// false when one cannot be trusted (a platform without stamps, a
// symbolic link whose target's changes its own stamp does not show, a
// racily clean file).
type fingerprinter struct {
	buf []byte
	h   hash.Hash
	t0  time.Time
	ok  bool
}

func newFingerprinter() *fingerprinter {
	return &fingerprinter{h: sha256.New(), t0: time.Now(), ok: true}
}

func (f *fingerprinter) add(rel string, fi fs.FileInfo) {
	sp, ok := stampOf(fi)
	f.addStamp(rel, sp, ok && fi.Mode()&fs.ModeSymlink == 0)
}

// addStamp adds the stamp of name; ok false spoils the fingerprint.
func (f *fingerprinter) addStamp(rel string, sp stamp, ok bool) {
	if !f.ok {
		return
	}
	if !ok {
		f.ok = false
		return
	}
	limit := f.t0.Add(-racyWindow).UnixNano()
	if sp.Mtime >= limit || sp.Ctime >= limit {
		f.ok = false
		return
	}
	b := f.buf[:0]
	b = binary.LittleEndian.AppendUint64(b, uint64(len(rel)))
	b = append(b, rel...)
	for _, v := range [...]uint64{uint64(sp.Size), uint64(sp.Mode), uint64(sp.Mtime), uint64(sp.Ctime), sp.Ino, sp.Dev} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	f.h.Write(b)
	f.buf = b
}

func (f *fingerprinter) sum() [sha256.Size]byte { return [sha256.Size]byte(f.h.Sum(nil)) }
