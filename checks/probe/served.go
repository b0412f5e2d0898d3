package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// What the proxies serve, checked as the go command checks a download
// before keeping it: the hash of a go.mod (modfetch.checkGoMod), and a
// module zip's structure and hash (modfetch.downloadZip, hashZip). The
// go command compares them with go.sum, else with the checksum
// database: the proxy check compares with go.sum, the sumdb check with
// the database's records it looks up anyway.

// A ServedMod is the go.mod a GOPROXY entry served for a probe module
// during the chain walk, with its go.sum hash.
type ServedMod struct {
	Mod   module.Version
	Entry int    // index in Scope.Entries
	URL   string // redacted
	Size  int
	Hash  string // "h1:..." as modfetch.goModSum computes it
}

// ServedMods returns the go.mod files the chain walk fetched from a
// GOPROXY entry (a module of known version: the go command's first
// request), hashed. A go.mod that does not parse is left out (the walk
// reports it, PROXY_NOT_A_PROXY), and so is one cut at the body limit.
func ServedMods(rep *ChainReport) []ServedMod {
	if rep == nil {
		return nil
	}
	var out []ServedMod
	for _, mc := range rep.Modules {
		if mc == nil || mc.Probe.Version == "" {
			continue
		}
		for _, st := range mc.Steps {
			if st.Op != mc.Version+".mod" || !st.OK || st.Invalid || st.Resp == nil || st.Resp.Truncated {
				continue
			}
			out = append(out, ServedMod{
				Mod:   module.Version{Path: mc.Probe.Path, Version: mc.Version},
				Entry: st.Entry, URL: st.Resp.URL, Size: len(st.Resp.Body),
				Hash: modcachex.GoModHash(st.Resp.Body),
			})
		}
	}
	return out
}

// Bounds of the zip probe: how many modules, how much of a zip's end is
// asked for (the end-of-central-directory record lies in the last 64 KiB
// plus 22 bytes), and how much of a body is ever kept (the body limit of
// a .mod): a zip up to that size is read whole and hashed, a larger one
// is only checked at its end.
const (
	maxZipProbes = 2
	zipTail      = 128 << 10
	limitZip     = limitMod
)

// A ServedZip is what the GOPROXY walk of a module's zip found: the
// entry that serves it and what is wrong with the zip, as far as a
// bounded read can tell.
type ServedZip struct {
	Mod   module.Version
	Steps []Step
	// Final is the failure of the walk (no entry serves the zip); nil
	// when one did (Entry) or the walk reached direct (Direct).
	Final  *Step
	Entry  int // -1 unless an entry served it
	Direct bool
	URL    string // redacted
	Size   int64  // the zip's size, -1 when unknown
	Ranged bool   // the proxy answered the Range request (206)
	Whole  bool   // the whole zip was read
	// Err is the go command's error for the zip it would download
	// ("zip: not a valid zip file ..."); "" when the checks passed.
	Err string
	// Hash is the zip's hash (dirhash.HashZip) when it was read whole
	// and is valid.
	Hash string
	// Entries is the number of files its end record announces.
	Entries uint64
	// Unchecked says what could not be checked, and why.
	Unchecked string
}

// ZipCandidates are the probe modules whose zip the go command would
// download: served by a GOPROXY entry, of a known version, and not in
// the module cache already (the go command then opens its copy).
func ZipCandidates(e *checks.Env, rep *ChainReport) []module.Version {
	if rep == nil {
		return nil
	}
	cache := modcachex.Cache{Root: e.Go.Get("GOMODCACHE")}
	var out []module.Version
	for _, mc := range rep.Modules {
		if mc == nil || !mc.OK || mc.Direct || mc.Entry < 0 || mc.Probe.Version == "" {
			continue
		}
		m := module.Version{Path: mc.Probe.Path, Version: mc.Version}
		if cache.Root != "" {
			if p, err := cache.File(m, "zip"); err == nil {
				if _, err := os.Stat(p); err == nil {
					continue
				}
			}
		}
		if len(out) < maxZipProbes {
			out = append(out, m)
		}
	}
	return out
}

// ServedZips walks the GOPROXY list for the zips of ZipCandidates, once
// per run, with the go command's ',' and '|' rules, and checks what the
// entry that serves each one serves. ok is false when ctx ended first.
func ServedZips(ctx context.Context, e *checks.Env) ([]*ServedZip, bool) {
	rep, ok := Chains(ctx, e)
	if !ok {
		return nil, false
	}
	return state(e).zips.Do(ctx, "zips", func() []*ServedZip {
		s := ScopeOf(e)
		var out []*ServedZip
		for _, m := range ZipCandidates(e, rep) {
			out = append(out, walkZip(ctx, e, s.Entries, m))
		}
		return out
	})
}

func walkZip(ctx context.Context, e *checks.Env, entries []goenv.ProxyEntry, m module.Version) *ServedZip {
	z := &ServedZip{Mod: m, Entry: -1, Size: -1}
	esc, err := module.EscapePath(m.Path)
	ev, err2 := module.EscapeVersion(m.Version)
	if err != nil || err2 != nil {
		z.Final = &Step{Entry: -1, Err: fmt.Sprint(errors.Join(err, err2)), Code: "PROXY_BAD_PROBE"}
		return z
	}
	steps, okAt, final := tryProxies(entries, func(i int, en goenv.ProxyEntry) Step {
		st, settled := entryStep(i, en, m.Version+".zip")
		if settled {
			return st
		}
		u, err := url.Parse(strings.TrimSuffix(en.URL, "/") + "/" + esc + "/@v/" + ev + ".zip")
		if err != nil {
			st.Err, st.Code = err.Error(), "PROXY_ERROR"
			return st
		}
		r := e.Net().GetTail(silenced(ctx), u, zipTail, limitZip)
		if r.Kind == netenv.KindOK && r.StatusCode == http.StatusRequestedRangeNotSatisfiable {
			// An empty body has no last bytes: ask as the go command does.
			r = e.Net().Get(silenced(ctx), u, limitZip)
		}
		st.Resp = r
		st.Hang = hung(ctx, r)
		if r.Kind == netenv.KindOK && r.StatusCode == http.StatusPartialContent && r.BodyErr == nil || r.OK() {
			st.OK = true
			return st
		}
		st.NotExist = r.NotExist()
		st.Code, st.What = classifyResponse(r)
		st.Err = goError(r)
		return st
	})
	z.Steps = steps
	if final != nil {
		z.Final = final
		return z
	}
	if entries[okAt].Kind == goenv.ProxyDirect {
		z.Direct = true
		return z
	}
	z.Entry = okAt
	u, err := url.Parse(strings.TrimSuffix(entries[okAt].URL, "/") + "/" + esc + "/@v/" + ev + ".zip")
	if err != nil {
		return z
	}
	z.examine(ctx, e, u, steps[len(steps)-1].Resp)
	return z
}

// errOutside is a read of the zip outside the part that was fetched.
var errOutside = errors.New("outside the part of the zip fetched")

// tailReader reads the part of a zip a Range request fetched.
type tailReader struct {
	first int64
	data  []byte
}

func (t tailReader) ReadAt(p []byte, off int64) (int, error) {
	if off < t.first || off+int64(len(p)) > t.first+int64(len(t.data)) {
		return 0, errOutside
	}
	return copy(p, t.data[off-t.first:]), nil
}

// examine checks the zip an entry served at u: its end record from the
// tail (or the whole body, when the proxy ignored the Range request),
// then, when the zip is small enough to be read whole, what the go
// command checks after a download. A Range answer the doctor cannot use
// is followed by a plain, capped read.
func (z *ServedZip) examine(ctx context.Context, e *checks.Env, u *url.URL, r *netenv.Response) {
	z.URL = r.URL
	tooLarge := func(n int64) bool {
		if n > modcachex.MaxZipFile {
			z.Err = fmt.Sprintf("downloaded zip file too large (%s, over the %s the go command accepts)", modcachex.HumanBytes(n), modcachex.HumanBytes(modcachex.MaxZipFile))
			return true
		}
		return false
	}
	whole := func() bool {
		r = e.Net().Get(silenced(ctx), u, limitZip)
		if !r.OK() {
			z.Unchecked = "reading it whole failed (" + r.Describe() + ")"
			return false
		}
		return true
	}
	if r.StatusCode == http.StatusPartialContent {
		first, size, ok := r.ContentRange()
		switch {
		case !ok || first+int64(len(r.Body)) != size:
			// Not a usable tail ("bytes 0--1/0" for an empty body,
			// a range that is not the end): read it as the go command
			// does, up to the limit.
			if !whole() {
				return
			}
		default:
			z.Ranged = true
			z.Size = size
			if tooLarge(size) {
				return
			}
			n, err := modcachex.ZipEnd(tailReader{first, r.Body}, size)
			switch {
			case errors.Is(err, errOutside):
				z.Unchecked = "its end record points outside the last " + modcachex.HumanBytes(int64(len(r.Body))) + " (zip64): not checked further"
				return
			case err != nil:
				z.Err = "zip: not a valid zip file (" + err.Error() + ")"
				return
			}
			z.Entries = n
			if size > limitZip {
				z.Unchecked = fmt.Sprintf("its end record is sound; at %s it is larger than the %s the doctor downloads, so its content and hash were not checked", modcachex.HumanBytes(size), modcachex.HumanBytes(limitZip))
				return
			}
			if first > 0 {
				if !whole() {
					return
				}
				if int64(len(r.Body)) != size || r.Truncated {
					z.Unchecked = "its end record is sound; read whole, it is not the size the Range answer said"
					return
				}
			}
		}
	}
	if r.Truncated {
		if n, err := parseSize(r.Header.Get("Content-Length")); err == nil {
			z.Size = n
			if tooLarge(n) {
				return
			}
		}
		z.Unchecked = fmt.Sprintf("the proxy ignores Range requests and the zip is larger than the %s the doctor reads: not checked", modcachex.HumanBytes(limitZip))
		return
	}
	z.Size = int64(len(r.Body))
	z.Whole = true
	h, err := modcachex.CheckServedZip(ctx.Done(), z.Mod, r.Body)
	switch {
	case err != nil && ctx.Err() != nil:
		z.Unchecked = "hashing it did not finish before the deadline"
	case err != nil:
		z.Err = err.Error()
	default:
		z.Hash = h
		n, _ := modcachex.ZipEnd(readerAt(r.Body), int64(len(r.Body)))
		z.Entries = n
	}
}

type readerAt []byte

func (b readerAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func parseSize(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n, nil
}
