package probe

import (
	"context"
	"fmt"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// Choosing a working proxy. When the configured GOPROXY chain cannot
// fetch the probe modules, the proxy check measures candidate module
// proxies, concurrently and with the module proxy protocol (the same
// requests the go command makes), and recommends the fastest that serves
// every probe module. Privacy: the candidates are asked only about the
// probe modules, which are never private (see Scope.Probes), and only
// when the configured chain fails.

var mirrorBudget = 3 * time.Second

// A MirrorResult is how one candidate answered.
type MirrorResult struct {
	checks.Mirror
	OK      bool          // it served every probe module
	Latency time.Duration // the sum of its answers' times
	Served  int           // probe modules served
	Err     string        // why it does not work, in the go command's words
	Stopped bool          // cut short by the measurement's end
}

// MirrorGrace is how long the measurement goes on after the first
// candidate served every probe module: the others, started at the same
// time, are slower; they get that long to show by how much.
var MirrorGrace = 500 * time.Millisecond

// MeasureMirrors asks each candidate, concurrently, for the probe
// modules the way the go command would, within mirrorBudget and ctx.
// Once one candidate has served them all, the others are given
// MirrorGrace more, then stopped as slower.
func MeasureMirrors(ctx context.Context, e *checks.Env, probes []ProbeModule, mirrors []checks.Mirror) []MirrorResult {
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
			out[i] = measureMirror(slower, e, probes, m)
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
				t := time.NewTimer(MirrorGrace)
				defer t.Stop()
				stop = t.C
			}
		case <-stop:
			stopSlower() // the candidates still asking return at once
			stop = nil
		}
	}
	for i := range out {
		if out[i].Stopped && found && ctx.Err() == nil {
			out[i].Err = fmt.Sprintf("slower than the fastest (%s): stopped", Millis(best))
		}
	}
	return out
}

func measureMirror(ctx context.Context, e *checks.Env, probes []ProbeModule, m checks.Mirror) MirrorResult {
	r := MirrorResult{Mirror: m}
	entries := goenv.ParseProxyList(m.URL).Active()
	if len(entries) != 1 || !entries[0].IsHTTP() || entries[0].Err != nil {
		r.Err = "not the URL of a module proxy (want https://host/path)"
		return r
	}
	entries[0].FallBackOnError = false
	for _, p := range probes {
		mc := WalkModule(ctx, e, entries, p)
		for _, st := range mc.Steps {
			if st.Resp != nil {
				r.Latency += st.Resp.Total
			}
		}
		if !mc.OK || mc.Direct {
			if r.Err == "" && mc.Final != nil {
				r.Err = checks.RedactString(mc.Final.Err)
				if mc.Final.Hang && (mc.Final.Resp == nil || mc.Final.Resp.Silent == 0) {
					r.Err = fmt.Sprintf("no complete answer within %s", Millis(mirrorBudget))
				}
			}
			continue
		}
		r.Served++
	}
	r.OK = r.Served == len(probes) && len(probes) > 0
	r.Stopped = !r.OK && ctx.Err() != nil
	return r
}
