// Package envedit changes the GOENV file (the file 'go env -w' writes)
// safely:
//
//   - through the go command itself ('go env -w', 'go env -u'), so that
//     the file's format is always the toolchain's;
//   - atomically: the go command rewrites the file in place, so it is
//     run on a copy (GOENV=<copy>), and the copy is renamed over the file
//     only when it holds exactly the change previewed. A process killed at
//     any moment leaves the old file or the new one, never a mix;
//   - under a lock, so that concurrent runs (and undo) do not lose each
//     other's changes: the change is made only if the file is still the
//     one previewed;
//   - with a backup first, which Undo restores byte for byte.
//
// Its state lives next to the file (resolved through symbolic links, so
// that a link into a dotfiles repository stays a link): the directory
// <file>.gomoddoctor holds the lock, the backups and, briefly, the copy.
package envedit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/rogpeppe/go-internal/lockedfile"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// A Change sets or removes one key of the GOENV file.
type Change struct {
	Key   string
	Value string // the value to write, credentials included
	Unset bool
}

// An Editor edits one GOENV file with one go command.
type Editor struct {
	// File is the GOENV file as the go command names it.
	File string
	// Go runs the go command with vars overriding its environment and
	// returns its standard output, or an error carrying its standard
	// error (goenv.Env.Run, run in a directory outside any module).
	Go func(ctx context.Context, vars map[string]string, args ...string) ([]byte, error)
	// Vars are variables the go command needs to start whatever the file
	// holds now (such as GOROOT, when the file sets a broken one).
	Vars map[string]string
	// LockWait bounds the wait for another run holding the lock; zero
	// means 10 seconds.
	LockWait time.Duration
	// Hook, when set, is called at the stages of Apply: "backup" (the
	// backup is written, the file not yet) and "commit" (the new file is
	// ready beside the old one), with Apply's context; and of Preview:
	// "preview" (the go command changed the copy). An error stops
	// Apply there. Tests use it to interrupt Apply at a known point.
	Hook func(ctx context.Context, stage string) error
}

// A Preview is the file before and after a change, computed on a copy.
type Preview struct {
	File    string // the file changed (symbolic links resolved)
	Existed bool   // the file existed before
	Before  []byte
	After   []byte
}

// Changed reports whether the change alters the file.
func (p *Preview) Changed() bool {
	return !bytes.Equal(p.Before, p.After) || p.Existed != (p.After != nil)
}

// Diff is the change as a unified diff of the file (named by its base
// name: the full path is said elsewhere).
func (p *Preview) Diff() string {
	name := filepath.Base(p.File)
	return unified(name+" (now)", p.Before, name+" (after --fix)", p.After)
}

// unified is a unified diff, without the "diff a b" line that precedes
// the "---" and "+++" lines.
func unified(oldName string, old []byte, newName string, new []byte) string {
	d := string(diff.Diff(oldName, old, newName, new))
	if strings.HasPrefix(d, "diff ") {
		_, d, _ = strings.Cut(d, "\n")
	}
	return d
}

// ErrChanged is returned by Apply when the file is no longer the one
// previewed (another program changed it meanwhile).
var ErrChanged = errors.New("the GOENV file changed since the plan was made; nothing was changed: run again")

// target is the file to change: File with symbolic links resolved,
// the last one too when it dangles (a dotfiles manager's link to a file
// not made yet): 'go env -w' writes through such a link and creates the
// file it names, and so does --fix.
func (ed *Editor) target() string { return resolve(ed.File) }

// resolve follows the symbolic links of path, as opening it would; when
// the last link names a file that does not exist, that file.
func resolve(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	p := path
	for range 40 { // the system's own bound on links followed
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			break
		}
		dest, err := os.Readlink(p)
		if err != nil {
			break
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		return filepath.Join(dir, filepath.Base(p))
	}
	return p
}

// stateDir holds the lock and the backups of a file.
func stateDir(file string) string { return file + ".gomoddoctor" }

// Preview makes the change on a copy of the file (a MemFile: in memory
// where the system allows, so that no copy of it survives a kill) and
// returns the file before and after it. Nothing is written next to the
// file.
func (ed *Editor) Preview(ctx context.Context, changes []Change) (*Preview, error) {
	file := ed.target()
	before, existed, err := readFile(file)
	if err != nil {
		return nil, err
	}
	after, err := ed.edit(ctx, before, existed, changes)
	if err != nil {
		return nil, err
	}
	return &Preview{File: file, Existed: existed, Before: before, After: after}, nil
}

// edit runs the go command on a copy of before, checks that it did what
// was asked, and returns the new content (nil when there is no file).
// An empty copy stands for a file that does not exist: the go command
// reads both the same way.
func (ed *Editor) edit(ctx context.Context, before []byte, existed bool, changes []Change) ([]byte, error) {
	mf, err := NewMemFile(before)
	if err != nil {
		return nil, err
	}
	defer mf.Close()
	present := map[string]bool{}
	for _, l := range goenv.ParseEnvFile(before) {
		if l.Key != "" {
			present[l.Key] = true
		}
	}
	vars := map[string]string{}
	for k, v := range ed.Vars {
		vars[k] = v
	}
	var sets, unsets []string
	for _, c := range changes {
		switch {
		case !c.Unset:
			sets = append(sets, c.Key+"="+c.Value)
			// The new value also in the environment of the go command:
			// a broken value in the file (a relative GOPATH) cannot then
			// stop it from starting.
			vars[c.Key] = c.Value
		case present[c.Key]:
			unsets = append(unsets, c.Key)
		}
	}
	vars["GOENV"] = mf.Path
	if len(sets) > 0 {
		if _, err := ed.Go(ctx, vars, append([]string{"env", "-w"}, sets...)...); err != nil {
			return nil, fmt.Errorf("go env -w: %v", err)
		}
	}
	if len(unsets) > 0 {
		if _, err := ed.Go(ctx, vars, append([]string{"env", "-u"}, unsets...)...); err != nil {
			return nil, fmt.Errorf("go env -u: %v", err)
		}
	}
	if err := ed.hook(ctx, "preview"); err != nil {
		return nil, err
	}
	var after []byte
	if existed || len(sets) > 0 {
		// The go command wrote it (or kept it).
		if after, err = mf.Read(); err != nil {
			return nil, err
		}
	}
	if err := verify(after, changes); err != nil {
		return nil, err
	}
	return after, nil
}

// verify checks that the file says what the changes asked, read the way
// the go command reads it.
func verify(data []byte, changes []Change) error {
	vals := map[string]string{}
	has := map[string]bool{}
	for _, l := range goenv.ParseEnvFile(data) {
		if l.Key != "" {
			vals[l.Key], has[l.Key] = l.Value, true
		}
	}
	for _, c := range changes {
		switch {
		case c.Unset && has[c.Key]:
			return fmt.Errorf("go env -u %s left the key in the file", c.Key)
		case !c.Unset && (!has[c.Key] || vals[c.Key] != c.Value):
			return fmt.Errorf("go env -w %s=... did not write the value asked for", c.Key)
		}
	}
	return nil
}

// A Backup is a copy of the GOENV file taken before a change.
type Backup struct {
	ID       string    `json:"id"`
	File     string    `json:"file"`    // the file it is a copy of
	Existed  bool      `json:"existed"` // false: there was no file
	Mode     uint32    `json:"mode"`    // the file's permission bits
	Before   string    `json:"before"`  // SHA-256 of the content saved
	After    string    `json:"after"`   // SHA-256 of the content written
	Keys     []string  `json:"keys"`    // the keys changed (no values: they may hold credentials)
	Time     time.Time `json:"time"`    // when
	DataPath string    `json:"-"`       // the saved content ("" when there was no file)
	metaPath string

	// Earlier are the SHA-256 of contents written before After by the
	// same --fix run (ApplyAfter): undo restores the saved content from
	// any of them too.
	Earlier []string `json:"earlier,omitempty"`
}

// Apply makes the previewed change: under the lock, if the file is still
// p.Before, it saves a backup, writes p.After (what the go command made
// of those same bytes in the preview) to a copy next to the file, and
// renames the copy over the file.
func (ed *Editor) Apply(ctx context.Context, changes []Change, p *Preview) (*Backup, error) {
	return ed.apply(ctx, changes, p, nil)
}

// ApplyAfter makes a further change in the same --fix run as the one
// that took prev, reusing prev: no new backup is saved, prev's record
// now ends with p.After, so that one undo restores the file as it was
// before the run. The file must still be what the run last wrote.
func (ed *Editor) ApplyAfter(ctx context.Context, changes []Change, p *Preview, prev *Backup) (*Backup, error) {
	if prev == nil || prev.metaPath == "" {
		return nil, errors.New("no backup of this run to continue")
	}
	return ed.apply(ctx, changes, p, prev)
}

func (ed *Editor) apply(ctx context.Context, changes []Change, p *Preview, prev *Backup) (*Backup, error) {
	if !p.Changed() {
		return nil, nil
	}
	file := ed.target()
	if file != p.File {
		return nil, ErrChanged
	}
	if err := writable(file); err != nil {
		return nil, err
	}
	state := stateDir(file)
	// The GOENV file's directory as 'go env -w' would make it; the state
	// directory private to the user.
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, err
	}
	if err := os.Mkdir(state, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	unlock, err := lock(ctx, filepath.Join(state, "lock"), ed.LockWait)
	if err != nil {
		return nil, err
	}
	defer unlock()
	cleanStale(state)

	before, existed, err := readFile(file)
	if err != nil {
		return nil, err
	}
	if existed != p.Existed || !bytes.Equal(before, p.Before) {
		return nil, ErrChanged
	}
	mode := fs.FileMode(0o644)
	fi, statErr := os.Stat(file)
	if statErr == nil {
		mode = fi.Mode().Perm()
	}

	var b *Backup
	if prev != nil {
		if prev.File != file || !existed || sum(before) != prev.After {
			return nil, ErrChanged
		}
		next := *prev
		next.Keys = slices.Clone(prev.Keys)
		next.Earlier = append(slices.Clone(prev.Earlier), prev.After)
		next.After = sum(p.After)
		b = &next
	} else {
		t := time.Now().UTC()
		b = &Backup{
			ID: backupID(state, t), File: file, Existed: existed, Mode: uint32(mode),
			Before: sum(before), After: sum(p.After), Time: t,
		}
		b.metaPath = filepath.Join(state, "backup-"+b.ID+".json")
	}
	for _, c := range changes {
		if !slices.Contains(b.Keys, c.Key) {
			b.Keys = append(b.Keys, c.Key)
		}
	}
	// A run that fails before the rename takes back what it wrote: no
	// backup of a change never made is left behind (a run killed
	// outright leaves one, which the next run or undo drops).
	committed := false
	defer func() {
		switch {
		case committed:
		case prev == nil:
			b.remove()
		default:
			if meta, err := json.MarshalIndent(prev, "", "  "); err == nil {
				writeAtomic(prev.metaPath, meta, 0o600)
			}
		}
	}()
	if prev == nil && existed {
		b.DataPath = filepath.Join(state, "backup-"+b.ID+".env")
		if err := writeAtomic(b.DataPath, before, 0o600); err != nil {
			return nil, fmt.Errorf("backing up the GOENV file: %v", err)
		}
	}
	if err := ed.hook(ctx, "backup"); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err // interrupted before the file was touched
	}

	// The new content is the one the go command wrote in the preview,
	// from the same bytes: the change shown is the change made.
	copyPath := filepath.Join(state, "tmp-"+b.ID)
	defer os.Remove(copyPath)
	if err := os.WriteFile(copyPath, p.After, 0o600); err != nil {
		return nil, err
	}
	meta, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(b.metaPath, meta, 0o600); err != nil {
		return nil, fmt.Errorf("backing up the GOENV file: %v", err)
	}
	if err := ed.hook(ctx, "commit"); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err // interrupted before the file was touched
	}
	if err := os.Chmod(copyPath, mode); err != nil {
		return nil, err
	}
	if statErr == nil {
		keepOwner(copyPath, fi) // run with sudo, the file stays its owner's
	}
	if err := syncFile(copyPath); err != nil {
		return nil, err
	}
	if err := os.Rename(copyPath, file); err != nil {
		return nil, err
	}
	committed = true
	syncDir(filepath.Dir(file))
	return b, nil
}

func (ed *Editor) hook(ctx context.Context, stage string) error {
	if ed.Hook == nil {
		return nil
	}
	return ed.Hook(ctx, stage)
}

// ErrNoBackup is returned by Undo when there is nothing to undo.
var ErrNoBackup = errors.New("no backup to restore: 'gomoddoctor --fix' has not changed this GOENV file")

// ModifiedError is returned by Undo when the file changed after the
// --fix that the last backup undoes.
type ModifiedError struct{ Backup *Backup }

func (e *ModifiedError) Error() string {
	return fmt.Sprintf("the GOENV file was changed after 'gomoddoctor --fix' wrote it (by hand, or by 'go env -w'): undo would lose that change; the backup is %s (use --force to restore it anyway)", e.Backup.where())
}

func (b *Backup) where() string {
	if b.DataPath != "" {
		return b.DataPath
	}
	return b.metaPath + " (there was no file)"
}

// An Undone is what Undo did.
type Undone struct {
	Backup *Backup
	// Before and After are the file's content before the undo and after
	// it (nil: no file).
	Before, After []byte
	// Saved is where the file's content was saved before a forced undo
	// overwrote changes made after the fix; "" otherwise.
	Saved string
	// Discarded counts backups of --fix runs that were interrupted before
	// they changed the file, dropped on the way.
	Discarded int
}

// Diff is the undo as a unified diff of the file.
func (u *Undone) Diff() string {
	name := filepath.Base(u.Backup.File)
	return unified(name+" (now)", u.Before, name+" (restored)", u.After)
}

// Undo restores the newest backup of file, byte for byte, and removes
// it (so that the next Undo restores the one before). It refuses when
// the file changed after the fix that took the backup, unless force is
// set; then the current content is saved first. With dryRun nothing
// changes.
func Undo(ctx context.Context, file string, force, dryRun bool, lockWait time.Duration) (*Undone, error) {
	ed := &Editor{File: file}
	file = ed.target()
	state := stateDir(file)
	if _, err := os.Stat(state); errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoBackup
	}
	unlock, err := lock(ctx, filepath.Join(state, "lock"), lockWait)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if !dryRun {
		cleanStale(state)
	}
	backups, err := list(state)
	if err != nil {
		return nil, err
	}
	cur, exists, err := readFile(file)
	if err != nil {
		return nil, err
	}
	u := &Undone{Before: cur}
	for _, b := range backups {
		switch {
		case exists && (sum(cur) == b.After || slices.Contains(b.Earlier, sum(cur))):
		case exists == b.Existed && (!exists || sum(cur) == b.Before):
			// The --fix that took it was stopped before it wrote.
			u.Discarded++
			if !dryRun {
				b.remove()
			}
			continue
		case !force:
			return nil, &ModifiedError{Backup: b}
		}
		var data []byte
		if b.Existed {
			data, err = os.ReadFile(b.DataPath)
			if err != nil {
				return nil, fmt.Errorf("reading the backup: %v", err)
			}
			if sum(data) != b.Before {
				return nil, fmt.Errorf("the backup %s is damaged (its content does not match its checksum)", b.DataPath)
			}
		}
		u.Backup, u.After = b, data
		if dryRun {
			return u, nil
		}
		if exists && sum(cur) != b.After {
			u.Saved = filepath.Join(state, "replaced-"+b.ID+".env")
			if err := writeAtomic(u.Saved, cur, 0o600); err != nil {
				return nil, err
			}
		}
		if b.Existed {
			var like []os.FileInfo
			if fi, err := os.Stat(file); err == nil {
				like = append(like, fi)
			}
			if err := writeAtomic(file, data, fs.FileMode(b.Mode), like...); err != nil {
				return nil, err
			}
		} else if exists {
			if err := os.Remove(file); err != nil {
				return nil, err
			}
			syncDir(filepath.Dir(file))
		}
		b.remove()
		return u, nil
	}
	if u.Discarded > 0 {
		return u, ErrNoBackup
	}
	return nil, ErrNoBackup
}

// list reads the complete backups of a state directory (those with
// their metadata), newest first.
func list(state string) ([]*Backup, error) {
	metas, err := filepath.Glob(filepath.Join(state, "backup-*.json"))
	if err != nil {
		return nil, err
	}
	var out []*Backup
	for _, m := range metas {
		data, err := os.ReadFile(m)
		if err != nil {
			return nil, err
		}
		b := &Backup{}
		if err := json.Unmarshal(data, b); err != nil {
			return nil, fmt.Errorf("%s: %v", m, err)
		}
		b.metaPath = m
		if b.Existed {
			b.DataPath = strings.TrimSuffix(m, ".json") + ".env"
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

func (b *Backup) remove() {
	if b.DataPath != "" {
		os.Remove(b.DataPath)
	}
	if b.metaPath != "" {
		os.Remove(b.metaPath)
	}
}

// ReadOnlyError is returned by Apply when this user cannot write the
// GOENV file, or the directory it is replaced in: 'go env -w' fails
// there too. Nothing was changed.
type ReadOnlyError struct {
	File  string // the GOENV file
	Dir   bool   // its directory is the one not writable
	State bool   // the directory of its backups is the one not writable
	Err   error
}

func (e *ReadOnlyError) Error() string {
	if e.State {
		state := stateDir(e.File)
		return fmt.Sprintf("cannot change the GOENV file %s: the directory of its backups, %s, is not writable by this user (%v; left by a 'sudo gomoddoctor --fix'?); give it back to your user (sudo chown -R $(id -u):$(id -g) %s) or remove it", e.File, state, e.Err, state)
	}
	if e.Dir {
		dir := filepath.Dir(e.File)
		return fmt.Sprintf("cannot change the GOENV file %s: its directory %s is not writable by this user (%v), and --fix replaces the file there; make the directory writable (chmod u+w %s) or set GOENV to a file in a directory you can write", e.File, dir, e.Err, dir)
	}
	return fmt.Sprintf("cannot change the GOENV file %s: it is not writable by this user (%v), and 'go env -w' fails on it too; make it writable (chmod u+w %s) or set GOENV to a file you can write", e.File, e.Err, e.File)
}

func (e *ReadOnlyError) Unwrap() error { return e.Err }

// writable checks that this user may write file (when it exists) and
// replace it in its directory (when that exists: Apply makes it
// otherwise, as 'go env -w' does).
func writable(file string) error {
	if _, err := os.Lstat(file); err == nil {
		if err := canWrite(file); err != nil {
			return &ReadOnlyError{File: file, Err: err}
		}
	}
	dir := filepath.Dir(file)
	if _, err := os.Stat(dir); err == nil {
		if err := canWrite(dir); err != nil {
			return &ReadOnlyError{File: file, Dir: true, Err: err}
		}
	}
	if _, err := os.Lstat(stateDir(file)); err == nil {
		if err := canWrite(stateDir(file)); err != nil {
			return &ReadOnlyError{File: file, State: true, Err: err}
		}
	}
	return nil
}

// cleanStale removes what an interrupted run left: copies, and backups
// whose metadata was never written (the run stopped before it wrote the
// file). The caller holds the lock.
func cleanStale(state string) {
	entries, err := os.ReadDir(state)
	if err != nil {
		return
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, "tmp-"), strings.HasPrefix(n, ".tmp-"):
			os.Remove(filepath.Join(state, n))
		case strings.HasPrefix(n, "backup-") && strings.HasSuffix(n, ".env"):
			if !slices.Contains(names, strings.TrimSuffix(n, ".env")+".json") {
				os.Remove(filepath.Join(state, n))
			}
		}
	}
}

// backupID names a backup by its time, made unique in state.
func backupID(state string, t time.Time) string {
	base := t.Format("20060102T150405.000Z")
	id := base
	for i := 1; ; i++ {
		if _, err := os.Stat(filepath.Join(state, "backup-"+id+".json")); errors.Is(err, fs.ErrNotExist) {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, i)
	}
}

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// readFile reads a file, with exists false (and no error) when there is
// none.
func readFile(path string) (data []byte, exists bool, err error) {
	data, err = os.ReadFile(path)
	switch {
	case err == nil:
		if data == nil {
			data = []byte{}
		}
		return data, true, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	}
	return nil, false, err
}

// writeAtomic writes data to path through a synced temporary file in the
// same directory, renamed over it; with like set, the file gets like's
// owner where that can be done.
func writeAtomic(path string, data []byte, mode fs.FileMode, like ...os.FileInfo) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, fi := range like {
		keepOwner(tmp, fi)
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// syncDir makes a rename in dir durable, where the system allows.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// lock takes the lock file at path, waiting at most wait (10 seconds
// when zero) for another run to release it.
func lock(ctx context.Context, path string, wait time.Duration) (func(), error) {
	if wait <= 0 {
		wait = 10 * time.Second
	}
	type result struct {
		unlock func()
		err    error
	}
	ch := make(chan result, 1)
	go func() {
		unlock, err := lockedfile.MutexAt(path).Lock()
		ch <- result{unlock, err}
	}()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case r := <-ch:
		return r.unlock, r.err
	case <-t.C:
	case <-ctx.Done():
	}
	// Give up; release the lock if it comes after all.
	go func() {
		if r := <-ch; r.err == nil {
			r.unlock()
		}
	}()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("another gomoddoctor is changing %s (it holds the lock %s): waited %v; try again when it is done", strings.TrimSuffix(filepath.Dir(path), ".gomoddoctor"), path, wait)
}
