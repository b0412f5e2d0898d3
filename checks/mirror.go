package checks

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// Choosing a working proxy. When the configured GOPROXY chain cannot
// fetch the probe modules, the proxy check measures candidate module
// proxies, concurrently and with the module proxy protocol (the same
// requests the go command makes), and recommends the fastest that serves
// every probe module. Privacy: the candidates are asked only about the
// probe modules, which are never private (see Scope.Probes), and only
// when the configured chain fails.

// Origins of a candidate mirror.
const (
	MirrorToolchain = "toolchain default" // GOPROXY in $GOROOT/go.env
	MirrorFlag      = "--mirror"          // named by the user
	MirrorPublic    = "public mirror"     // PublicMirrors
)

// A Mirror is a candidate module proxy.
type Mirror struct {
	URL    string
	Origin string // MirrorToolchain, MirrorFlag or MirrorPublic
}

// PublicMirrors are well-known public module mirrors run by third
// parties, measured as candidates along with the toolchain's default.
// This is the one place they are named. Since a third party sees which
// public modules are fetched through it, --fix switches to one only
// with the user's decision (the fix is not Auto).
var PublicMirrors = []string{
	"https://goproxy.io",
	"https://goproxy.cn",
}

// DefaultMirrors are the candidates when the user names none: the
// module proxies of the toolchain's default GOPROXY (read from
// $GOROOT/go.env, never written in this code), then PublicMirrors.
func DefaultMirrors(g *goenv.Env) []Mirror {
	var out []Mirror
	add := func(u, origin string) {
		u = strings.TrimSuffix(u, "/")
		if !slices.ContainsFunc(out, func(m Mirror) bool { return m.URL == u }) {
			out = append(out, Mirror{URL: u, Origin: origin})
		}
	}
	if v := g.Var("GOPROXY"); v.InGOROOT {
		for _, en := range goenv.ParseProxyList(v.GOROOTValue).Active() {
			if en.IsHTTP() && en.Err == nil {
				add(en.URL, MirrorToolchain)
			}
		}
	}
	for _, u := range PublicMirrors {
		add(u, MirrorPublic)
	}
	return out
}

// mirrorBudget bounds the measurement: a candidate that has not served
// every probe module by then is too slow to recommend. The run's
// deadline bounds it too.
var mirrorBudget = 3 * time.Second

// A MirrorResult is how one candidate answered.
type MirrorResult struct {
	Mirror
	OK      bool          // it served every probe module
	Latency time.Duration // the sum of its answers' times
	Served  int           // probe modules served
	Err     string        // why it does not work, in the go command's words
	stopped bool          // cut short by the measurement's end
}

// mirrorGrace is how long the measurement goes on after the first
// candidate served every probe module: the others, started at the same
// time, are slower; they get that long to show by how much.
var mirrorGrace = 500 * time.Millisecond

// MeasureMirrors asks each candidate, concurrently, for the probe
// modules the way the go command would, within mirrorBudget and ctx.
// Once one candidate has served them all, the others are given
// mirrorGrace more, then stopped as slower.
func (e *Env) MeasureMirrors(ctx context.Context, probes []ProbeModule, mirrors []Mirror) []MirrorResult {
	ctx, cancel := context.WithTimeout(ctx, mirrorBudget)
	defer cancel()
	slower, stopSlower := context.WithCancel(ctx)
	defer stopSlower()
	out := make([]MirrorResult, len(mirrors))
	done := make(chan int, len(mirrors))
	sem := make(chan struct{}, 8)
	for i, m := range mirrors {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = e.measureMirror(slower, probes, m)
			done <- i
		}()
	}
	var best time.Duration
	found := false
	var stop <-chan time.Time
	for remaining := len(mirrors); remaining > 0; {
		select {
		case i := <-done:
			remaining--
			if out[i].OK && !found {
				found, best = true, out[i].Latency
				t := time.NewTimer(mirrorGrace)
				defer t.Stop()
				stop = t.C
			}
		case <-stop:
			stopSlower() // the candidates still asking return at once
			stop = nil
		}
	}
	for i := range out {
		if out[i].stopped && found && ctx.Err() == nil {
			out[i].Err = fmt.Sprintf("slower than the fastest (%s): stopped", ms(best))
		}
	}
	return out
}

func (e *Env) measureMirror(ctx context.Context, probes []ProbeModule, m Mirror) MirrorResult {
	r := MirrorResult{Mirror: m}
	entries := goenv.ParseProxyList(m.URL).Active()
	if len(entries) != 1 || !entries[0].IsHTTP() || entries[0].Err != nil {
		r.Err = "not the URL of a module proxy (want https://host/path)"
		return r
	}
	entries[0].FallBackOnError = false
	for _, p := range probes {
		mc := e.walkModule(ctx, entries, p)
		for _, st := range mc.Steps {
			if st.Resp != nil {
				r.Latency += st.Resp.Total
			}
		}
		if !mc.OK || mc.Direct {
			if r.Err == "" && mc.Final != nil {
				r.Err = RedactString(mc.Final.Err)
				if mc.Final.Hang {
					r.Err = fmt.Sprintf("no complete answer within %s", ms(mirrorBudget))
				}
			}
			continue
		}
		r.Served++
	}
	r.OK = r.Served == len(probes) && len(probes) > 0
	r.stopped = !r.OK && ctx.Err() != nil
	return r
}

// mirrorAdvice measures the candidates when the chain failed for some
// probe module, and returns the fix that switches to the fastest working
// one (or the manual step saying none works) and the finding with the
// measurements. ok is false when nothing was measured.
func (e *Env) mirrorAdvice(ctx context.Context, s *Scope, rep *ChainReport) (Fix, Finding, bool) {
	failed := slices.ContainsFunc(rep.Modules, func(mc *ModuleChain) bool { return !mc.OK })
	if !failed || len(e.Options.Mirrors) == 0 || len(s.Probes) == 0 || ctx.Err() != nil {
		return Fix{}, Finding{}, false
	}
	results := e.MeasureMirrors(ctx, s.Probes, e.Options.Mirrors)
	// Working ones first, fastest first; then those stopped as slower;
	// then those that do not work.
	rank := func(r MirrorResult) int {
		switch {
		case r.OK:
			return 0
		case r.stopped:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(results, func(a, b MirrorResult) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 || !a.OK {
			return c
		}
		return cmp.Compare(a.Latency, b.Latency)
	})
	var mods []string
	for _, p := range s.Probes {
		mods = append(mods, p.String())
	}
	var lines []string
	for _, r := range results {
		verdict := fmt.Sprintf("serves all %d probe module(s) in %s", len(s.Probes), ms(r.Latency))
		switch {
		case r.stopped:
			verdict = r.Err
		case !r.OK:
			verdict = fmt.Sprintf("does not work: %s", r.Err)
			if r.Served > 0 {
				verdict = fmt.Sprintf("serves %d of %d probe modules; %s", r.Served, len(s.Probes), r.Err)
			}
		}
		lines = append(lines, fmt.Sprintf("%s (%s): %s", RedactString(r.URL), r.Origin, verdict))
	}
	finding := Finding{
		Code: "PROXY_MIRRORS", Severity: SevInfo, Subject: "GOPROXY",
		Detail: strings.Join(lines, "\n"),
	}
	g := e.Go
	v := g.Var("GOPROXY")
	if len(results) == 0 || !results[0].OK {
		finding.Message = fmt.Sprintf("the GOPROXY chain fails, and none of the %d candidate mirrors serves %s either", len(results), strings.Join(mods, ", "))
		fix := Manual(fmt.Sprintf("none of the %d candidate mirrors serves %s from here: ask your network team which module proxy this network allows, then check it with --mirror", len(results), strings.Join(mods, ", ")),
			"gomoddoctor --mirror https://goproxy.corp.example")
		return fix, finding, true
	}
	best := results[0]
	value := best.URL
	keep := s.List.HasDirect() || len(s.Private) > 0
	if keep {
		value += ",direct"
	}
	finding.Message = fmt.Sprintf("the GOPROXY chain fails; of %d candidate mirrors, %s (%s) is the fastest that serves %s (%s)", len(results), RedactString(best.URL), best.Origin, strings.Join(mods, ", "), ms(best.Latency))
	title := fmt.Sprintf("use %s (%s), the fastest of %d candidate mirrors that serves the probe modules (%s)", RedactString(best.URL), best.Origin, len(results), ms(best.Latency))
	if keep {
		title += "; ',direct' stays, for modules the mirror does not serve and private ones"
	}
	fix := RestoreVar(g, v, value, title)
	if best.Origin == MirrorPublic {
		fix.Auto = false // a third party would see the modules fetched: the user decides
		fix.Title += " (a third-party mirror: it sees which public modules you fetch)"
	}
	return fix, finding, true
}
