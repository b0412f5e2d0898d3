package sumdbx

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/gomoddoctor/gomoddoctor/checks/cachefile"
)

// A Proven remembers, from one run to the next, the records of a
// database the doctor proved to be in its log, and the signed tree
// head they were proven in. A log only grows: once the next run has
// verified the database's new signed tree head and proven (Check) that
// it contains the remembered one (a consistency proof, with a few
// tiles), every remembered record is in the new tree too, and needs no
// lookup and no inclusion proof of its own. A remembered head that
// the new one does not contain is a fork, and Check says so.
//
// It is kept in the doctor's cache directory, one file per database and
// key (cachefile: this user's alone, checksummed). A file that is
// damaged, or another user's, or made for another key, is ignored (Note
// says why). What it remembers is only ever used for a go.sum line that
// agrees with it: anything else is looked up afresh.
type Proven struct {
	file string
	key  string
	uid  int
	note string

	head []byte // the signed tree head the records were proven in
	tree tlog.Tree
	ok   bool // head verified and proven consistent with the timeline

	mu    sync.Mutex
	recs  map[string]provenRecord // by "path@version"
	fresh map[string]provenRecord
}

type provenRecord struct {
	id   int64
	text []byte
}

const (
	provenHeader = "gomoddoctor proven records 1"
	maxProven    = 32 << 20
	maxRecords   = 200_000
	maxRecordLen = 16 << 10
)

// OpenProven opens the memory of the database whose verifier key is key,
// kept in dir ("" means none: nil is returned, and a nil Proven
// remembers nothing).
func OpenProven(dir, key string) *Proven {
	if dir == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(key))
	p := &Proven{
		file: filepath.Join(dir, "sumdb-"+hex.EncodeToString(sum[:8])),
		key:  key, uid: os.Geteuid(),
		recs: map[string]provenRecord{}, fresh: map[string]provenRecord{},
	}
	if why := p.load(); why != "" {
		p.note = why
		p.head, p.recs = nil, map[string]provenRecord{}
	}
	return p
}

// File is where the memory is kept.
func (p *Proven) File() string { return p.file }

// Note says why the file was ignored, or "".
func (p *Proven) Note() string {
	if p == nil {
		return ""
	}
	return p.note
}

// Head is the remembered signed tree head (nil if none).
func (p *Proven) Head() []byte {
	if p == nil {
		return nil
	}
	return p.head
}

// Len is the number of records remembered.
func (p *Proven) Len() int {
	if p == nil {
		return 0
	}
	return len(p.recs)
}

func (p *Proven) load() string {
	body, why := cachefile.Read(p.file, maxProven)
	if why != "" || body == nil {
		return why
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), 4*maxRecordLen)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		switch n {
		case 1:
			if line != provenHeader {
				return "not a record memory of this version"
			}
			continue
		case 2:
			if line != "key "+p.key {
				return "made for another database or key"
			}
			continue
		case 3:
			if line != "uid "+strconv.Itoa(p.uid) {
				return fmt.Sprintf("made by another user (%s)", strings.TrimPrefix(line, "uid "))
			}
			continue
		case 4:
			h, ok := strings.CutPrefix(line, "head ")
			head, err := base64.StdEncoding.DecodeString(h)
			if !ok || err != nil || len(head) == 0 {
				return "damaged: line 4"
			}
			p.head = head
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 || f[0] != "r" {
			return fmt.Sprintf("damaged: line %d", n)
		}
		id, err1 := strconv.ParseInt(f[1], 10, 64)
		text, err2 := base64.StdEncoding.DecodeString(f[3])
		path, version, _ := strings.Cut(f[2], "@")
		if err1 != nil || err2 != nil || id < 0 || len(text) > maxRecordLen || path == "" || version == "" {
			return fmt.Sprintf("damaged: line %d", n)
		}
		if len(p.recs) >= maxRecords {
			return fmt.Sprintf("more than %d records", maxRecords)
		}
		p.recs[f[2]] = provenRecord{id: id, text: text}
	}
	if sc.Err() != nil || n < 4 {
		return "damaged"
	}
	return ""
}

// Check verifies the remembered signed tree head with the key and
// proves it consistent with c's timeline (c.Merge: an inclusion of the
// older tree in the newer). Until it succeeds, Get returns nothing. A
// *ForkError proves the database signed another history than the one
// the remembered records were proven in; any other error leaves the
// memory unused.
func (p *Proven) Check(c *Client) error {
	if p == nil || p.head == nil {
		return nil
	}
	tree, err := c.OpenHead(p.head)
	if err != nil {
		return err
	}
	for k, r := range p.recs {
		if r.id >= tree.N {
			delete(p.recs, k) // cannot be in that tree: never proven there
		}
	}
	if _, err := c.Merge(tree, p.head); err != nil {
		return err
	}
	p.tree, p.ok = tree, true
	return nil
}

// Tree is the remembered tree head, once Check proved it.
func (p *Proven) Tree() (tlog.Tree, bool) {
	if p == nil {
		return tlog.Tree{}, false
	}
	return p.tree, p.ok
}

// Get returns the remembered record of path@version (version without
// /go.mod), or nil. The record is in the remembered tree, which Check
// proved to be contained in the timeline's.
func (p *Proven) Get(path, version string) *Record {
	if p == nil || !p.ok {
		return nil
	}
	r, ok := p.recs[path+"@"+version]
	if !ok {
		return nil
	}
	return &Record{ID: r.id, Text: r.text, Tree: p.tree, Relation: Past, Remembered: true}
}

// Add remembers a record proven in this run.
func (p *Proven) Add(path, version string, r *Record) {
	if p == nil || r == nil || len(r.Text) > maxRecordLen {
		return
	}
	p.mu.Lock()
	p.fresh[path+"@"+version] = provenRecord{id: r.ID, text: r.Text}
	p.mu.Unlock()
}

// Save writes the records remembered and added, with the timeline's
// signed tree head, which contains them all (each was proven in a tree
// of the timeline). Records of a remembered head that Check did not
// prove are dropped. Nothing is written without a signed head.
func (p *Proven) Save(c *Client) error {
	if p == nil {
		return nil
	}
	_, head := c.Latest()
	if len(head) == 0 {
		return nil
	}
	p.mu.Lock()
	all := map[string]provenRecord{}
	if p.ok {
		for k, r := range p.recs {
			all[k] = r
		}
	}
	for k, r := range p.fresh {
		all[k] = r
	}
	p.mu.Unlock()
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > maxRecords {
		keys = keys[:maxRecords]
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s\nkey %s\nuid %d\nhead %s\n", provenHeader, p.key, p.uid, base64.StdEncoding.EncodeToString(head))
	for _, k := range keys {
		r := all[k]
		fmt.Fprintf(&buf, "r %d %s %s\n", r.id, k, base64.StdEncoding.EncodeToString(r.text))
	}
	return cachefile.Write(p.file, buf.Bytes())
}
