package modcachex

import (
	"context"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
)

// Progress is a report of how far a pass has come.
type Progress struct {
	Phase string // "structure" or "hashing"
	Done  int
	Total int // 0 when not known yet
}

// Stats count what a pass looked at.
type Stats struct {
	Versions int   // module versions seen
	Zips     int   // of which with a zip
	ZipBytes int64 // total size of the zips
	Hashed   int   // versions whose content was verified (deep pass)
	// Reused counts the versions among Hashed whose every hash came
	// from the verification cache (their stamps had not moved).
	Reused  int
	Stopped bool // the context ended the pass early
}

// A Scanner checks a module cache. Its fields are set before the first
// pass and not changed afterwards.
type Scanner struct {
	Cache Cache
	// Sums are the main modules' go.sum lines; nil outside a module.
	Sums mainmod.Sums
	// Workers bounds the concurrency; 0 means GOMAXPROCS.
	Workers int
	// UID, when CheckOwner is set, is the user that should own the
	// cache: files owned by anyone else are reported.
	UID        uint32
	CheckOwner bool
	// ReadOnlyModules says the go command leaves extracted modules
	// read-only (GOFLAGS has no -modcacherw): writable ones are noted.
	ReadOnlyModules bool
	// Progress, when set, is called (from several goroutines) as the
	// passes advance.
	Progress func(Progress)
	// Verified, when set, remembers hashes from run to run (see
	// VerifyCache); the deep passes re-hash only what changed.
	Verified *VerifyCache
	// Done, when set, is told of each module version the deep pass
	// verified (from several goroutines).
	Done func(module.Version)

	// The system seams, replaced by tests.
	lockHolder func(path string) (held bool, pid int, holder string)
	writable   func(dir string) bool

	mu      sync.Mutex
	foreign map[uint32]*Problem
	ro      *Problem
	rwMods  *Problem
}

// NewScanner returns a scanner of the cache at root, for the current
// user, with the system's lock and permission probes.
func NewScanner(root string) *Scanner {
	s := &Scanner{Cache: Cache{Root: root}, lockHolder: lockHolder, writable: writable}
	if uid := os.Geteuid(); uid > 0 {
		// root may write anywhere; for anyone else, files of another
		// user are a problem waiting to happen.
		s.UID, s.CheckOwner = uint32(uid), true
	}
	return s
}

func (s *Scanner) workers() int {
	if s.Workers > 0 {
		return s.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Structural walks the whole cache and reports every problem that can
// be found without hashing content. It runs GOMAXPROCS workers over a
// stream of entries; report is called from one goroutine at a time.
func (s *Scanner) Structural(ctx context.Context, report func(Problem)) (Stats, error) {
	report = serialized(report)
	s.mu.Lock()
	s.foreign, s.ro, s.rwMods = map[uint32]*Problem{}, nil, nil
	s.mu.Unlock()

	var st stats
	var done atomic.Int64
	err := s.run(ctx, report, true, func(w *walker) error {
		if err := w.walkDownload(); err != nil {
			return err
		}
		return w.walkExtracted()
	}, func(_ *hasher, e *Entry) error {
		st.add(e)
		s.structural(e, report)
		s.owners(e)
		if s.ReadOnlyModules && e.Dir.IsDir() && !e.Dir.Symlink && e.Dir.Mode.Perm()&0o200 != 0 {
			s.addWritable(e.Dir.Path)
		}
		s.progress("structure", int(done.Add(1)), 0)
		return nil
	})
	s.cacheWide(report)
	return st.result(err)
}

// Deep hashes the content of the given module versions (those not in
// the cache are skipped) and reports what disagrees.
func (s *Scanner) Deep(ctx context.Context, mods []module.Version, report func(Problem)) (Stats, error) {
	report = serialized(report)
	var st stats
	var done atomic.Int64
	total := len(mods)
	err := s.run(ctx, report, false, func(w *walker) error {
		for _, m := range mods {
			if ctx.Err() != nil {
				return errCanceled
			}
			e, err := s.Cache.LoadEntry(m)
			if err != nil || e == nil {
				s.progress("hashing", int(done.Add(1)), total)
				continue
			}
			if err := w.visit(e); err != nil {
				return err
			}
		}
		return nil
	}, s.hashEntry(&st, &done, total, report))
	return st.result(err)
}

// DeepAll hashes every module version in the cache. total is the
// number of versions the structural pass counted, for progress.
func (s *Scanner) DeepAll(ctx context.Context, total int, report func(Problem)) (Stats, error) {
	report = serialized(report)
	var st stats
	var done atomic.Int64
	err := s.run(ctx, func(Problem) {}, false, func(w *walker) error {
		if err := w.walkDownload(); err != nil {
			return err
		}
		return w.walkExtracted()
	}, s.hashEntry(&st, &done, total, report))
	return st.result(err)
}

// hashEntry is the deep pass's work on one module version: hash it,
// count it and advance the progress.
func (s *Scanner) hashEntry(st *stats, done *atomic.Int64, total int, report func(Problem)) func(*hasher, *Entry) error {
	return func(h *hasher, e *Entry) error {
		st.add(e)
		reused, err := s.deep(h, e, report)
		if err == nil {
			st.hashed.Add(1)
			if reused {
				st.reused.Add(1)
			}
			if s.Done != nil {
				s.Done(e.Mod)
			}
		}
		s.progress("hashing", int(done.Add(1)), total)
		return err
	}
}

// result ends a pass: a cancelled pass is not an error, it is a pass
// that stopped early.
func (st *stats) result(err error) (Stats, error) {
	out := st.get()
	out.Stopped = err == errCanceled
	if err == errCanceled {
		err = nil
	}
	return out, err
}

func (s *Scanner) progress(phase string, done, total int) {
	if s.Progress != nil {
		s.Progress(Progress{Phase: phase, Done: done, Total: total})
	}
}

// run streams the entries produce finds to workers running work. The
// channel between them is small: memory does not grow with the cache.
func (s *Scanner) run(ctx context.Context, report func(Problem), structural bool, produce func(*walker) error, work func(*hasher, *Entry) error) error {
	done := ctx.Done()
	n := s.workers()
	ch := make(chan *Entry, n)
	var (
		wg      sync.WaitGroup
		errOnce sync.Once
		werr    error
	)
	stop := make(chan struct{})
	var stopOnce sync.Once
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := newHasher(done)
			for e := range ch {
				if err := work(h, e); err != nil {
					errOnce.Do(func() { werr = err })
					stopOnce.Do(func() { close(stop) })
				}
			}
		}()
	}
	w := &walker{
		c: s.Cache, done: done, report: report,
		visit: func(e *Entry) error {
			select {
			case ch <- e:
				return nil
			case <-done:
				return errCanceled
			case <-stop:
				return errCanceled
			}
		},
	}
	if structural {
		w.writable, w.readOnly = s.writable, s.addReadOnly
		w.dir = func(path string, fi fs.FileInfo) {
			if own, ok := ownerOf(fi); ok && s.CheckOwner && own != s.UID {
				s.addForeign(own, path)
			}
		}
	}
	err := produce(w)
	close(ch)
	wg.Wait()
	if werr != nil {
		return werr
	}
	if err == nil && ctx.Err() != nil {
		err = errCanceled
	}
	return err
}

// owners records the files of an entry owned by another user.
func (s *Scanner) owners(e *Entry) {
	if !s.CheckOwner {
		return
	}
	for _, st := range append(e.Files[:], e.Dir) {
		if st.Exists && st.HasUID && st.Owner != s.UID {
			s.addForeign(st.Owner, st.Path)
		}
	}
}

// maxSamples bounds the paths a cache-wide problem names.
const maxSamples = 5

func (s *Scanner) addForeign(uid uint32, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.foreign[uid]
	if p == nil {
		p = &Problem{Kind: ForeignOwner, Owner: uid, OwnerKnown: true}
		s.foreign[uid] = p
	}
	p.Count++
	if len(p.Samples) < maxSamples {
		p.Samples = append(p.Samples, path)
	}
}

func (s *Scanner) addWritable(dir string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rwMods == nil {
		s.rwMods = &Problem{Kind: WritableModules}
	}
	s.rwMods.Count++
	if len(s.rwMods.Samples) < maxSamples {
		s.rwMods.Samples = append(s.rwMods.Samples, dir)
	}
}

func (s *Scanner) addReadOnly(dir string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ro == nil {
		s.ro = &Problem{Kind: NotWritable}
	}
	s.ro.Count++
	if len(s.ro.Samples) < maxSamples {
		s.ro.Samples = append(s.ro.Samples, dir)
	}
}

// cacheWide reports the problems of the cache as a whole: the download
// directory not writable, and the summaries of foreign owners and
// read-only module directories.
func (s *Scanner) cacheWide(report func(Problem)) {
	if s.writable != nil && s.writable(s.Cache.Root) {
		// The root itself is the env check's business; below it, the
		// go command creates cache/download (and cache/ for it).
		for _, dir := range []string{s.Cache.DownloadRoot(), s.Cache.Root + string(os.PathSeparator) + "cache"} {
			fi, err := os.Stat(dir)
			if err != nil {
				continue
			}
			if fi.IsDir() && !s.writable(dir) {
				report(Problem{Kind: NotWritable, Path: dir,
					Detail: dir + " is not writable by this user: every download of a module version not yet in the cache fails"})
			}
			break
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	uids := make([]uint32, 0, len(s.foreign))
	for uid := range s.foreign {
		uids = append(uids, uid)
	}
	slices.Sort(uids)
	for _, uid := range uids {
		report(*s.foreign[uid])
	}
	if s.ro != nil {
		report(*s.ro)
	}
	if s.rwMods != nil {
		report(*s.rwMods)
	}
}

// stats counts entries concurrently.
type stats struct {
	versions, zips, hashed atomic.Int64
	reused                 atomic.Int64
	zipBytes               atomic.Int64
}

func (st *stats) add(e *Entry) {
	st.versions.Add(1)
	if z := e.Files[Zip]; z.Regular() {
		st.zips.Add(1)
		st.zipBytes.Add(z.Size)
	}
}

func (st *stats) get() Stats {
	return Stats{
		Versions: int(st.versions.Load()), Zips: int(st.zips.Load()),
		ZipBytes: st.zipBytes.Load(), Hashed: int(st.hashed.Load()),
		Reused: int(st.reused.Load()),
	}
}

// serialized makes report safe to call from several goroutines.
// Problems of permissions learn who owns their path on the way.
func serialized(report func(Problem)) func(Problem) {
	var mu sync.Mutex
	return func(p Problem) {
		if p.Kind == Unreadable || p.Kind == NotWritable {
			p = p.withOwner()
		}
		mu.Lock()
		defer mu.Unlock()
		report(p)
	}
}
