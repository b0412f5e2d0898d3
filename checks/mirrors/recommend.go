package mirrors

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
)

// A Recommendation is the mirror to use and the GOPROXY value that
// switches to it.
type Recommendation struct {
	// Mirror is the fastest candidate that serves everything fresh; nil
	// when none does (None says why).
	Mirror *checks.Mirror `json:"mirror,omitempty"`
	None   string         `json:"none,omitempty"`
	// Value is the GOPROXY value to use (credentials redacted), Command
	// the exact command that sets it, Fix the same as data (for --fix);
	// Unchanged is true when GOPROXY already says so.
	Value     string      `json:"value,omitempty"`
	Command   string      `json:"command,omitempty"`
	Fix       *checks.Fix `json:"fix,omitempty"`
	Unchanged bool        `json:"unchanged,omitempty"`
	// Kept are the user's private entries kept first (redacted).
	Kept []string `json:"kept,omitempty"`
	// Notes say what changes, and what does not, for private modules.
	Notes []string `json:"notes"`
}

// recommend picks the first ranked candidate if it is fresh, and words
// the GOPROXY value that uses it: the private entries of the GOPROXY in
// force first (with credentials, on a host that is not a public name, or
// a file:// directory: team infrastructure is never replaced), then the
// mirror, then ',direct' when the list in force reaches direct.
func recommend(e *checks.Env, res *Result) Recommendation {
	rec := Recommendation{Notes: []string{}}
	rec.Notes = append(rec.Notes, privateNotes(res)...)
	if len(res.Candidates) == 0 || !res.Candidates[0].Fresh {
		rec.None = noneReason(res)
		return rec
	}
	best := res.Candidates[0]
	rec.Mirror = &best.Mirror
	g := e.Go
	l := goenv.ParseProxyList(g.Get("GOPROXY"))
	var raw []string // the value, with credentials
	var seps []byte  // the separator after each element of raw
	bestIn := false
	if l.Err == nil {
		for _, en := range l.Active() {
			if en.Kind != goenv.ProxyURL || !privateEntry(e, en) {
				continue
			}
			if strings.TrimSuffix(en.URL, "/") == best.URL {
				bestIn = true
			} else {
				rec.Kept = append(rec.Kept, checks.RedactString(en.URL))
			}
			raw = append(raw, strings.TrimSpace(en.Raw))
			sep := byte(',')
			if en.FallBackOnError {
				sep = '|'
			}
			seps = append(seps, sep)
		}
	}
	if !bestIn {
		raw, seps = append(raw, best.URL), append(seps, ',')
	}
	if l.Err == nil && l.HasDirect() {
		raw, seps = append(raw, "direct"), append(seps, ',')
	}
	var b strings.Builder
	for i, s := range raw {
		if i > 0 {
			b.WriteByte(seps[i-1])
		}
		b.WriteString(s)
	}
	value := b.String()
	rec.Value = checks.RedactString(value)
	if value == g.Get("GOPROXY") {
		rec.Unchanged = true
		return rec
	}
	title := fmt.Sprintf("use %s (%s), the fastest of %d candidate mirrors that serves every requirement, fresh (median %s a request)",
		checks.RedactString(best.URL), best.Origin, len(res.Candidates), probe.Millis(best.Median))
	if len(rec.Kept) > 0 {
		title += "; your private entries stay first"
	}
	if l.Err == nil && l.HasDirect() {
		title += "; ',direct' stays"
	}
	fix := checks.RestoreVar(g, g.Var("GOPROXY"), value, title)
	if best.Origin == checks.MirrorPublic {
		fix.Title += " (a third-party mirror: it sees which public modules you fetch)"
	}
	rec.Fix = &fix
	rec.Command = fix.Command
	if len(rec.Kept) > 0 {
		rec.Notes = append(rec.Notes, fmt.Sprintf("Kept first: %s (your own infrastructure): the go command asks it first, as now, and %s only for what it does not have (404 or 410).",
			strings.Join(rec.Kept, ", "), checks.RedactString(best.URL)))
	}
	return rec
}

// privateEntry reports whether a GOPROXY entry is the user's own
// infrastructure: credentials in the URL or in .netrc, a file://
// directory, or a host that is not a public DNS name.
func privateEntry(e *checks.Env, en goenv.ProxyEntry) bool {
	if !en.IsHTTP() {
		return true // file://
	}
	u, err := url.Parse(en.URL)
	if err != nil {
		return true
	}
	if u.User != nil {
		return true
	}
	if _, ok := e.Net().Credential(u); ok {
		return true
	}
	return !e.Net().IsPublicName(u.Hostname())
}

// privateNotes say what the recommendation changes for private modules.
func privateNotes(res *Result) []string {
	var direct, via []string
	for _, p := range res.Private {
		if p.ViaProxy {
			via = append(via, p.Path+" ("+p.Var+"="+p.Pattern+")")
		} else {
			direct = append(direct, p.Path)
		}
	}
	var notes []string
	if len(direct) > 0 {
		notes = append(notes, fmt.Sprintf("%d private requirement(s) (GOPRIVATE, GONOPROXY) were named to no candidate; the go command fetches them from their origins whatever GOPROXY says: nothing changes for them.", len(direct)))
	}
	if len(via) > 0 {
		notes = append(notes, fmt.Sprintf("%d requirement(s) covered by GONOSUMDB only were named to no candidate, but the go command fetches them through GOPROXY: %s. If they must not reach a public mirror, add their patterns to GONOPROXY.", len(via), strings.Join(via, ", ")))
	}
	return notes
}

// noneReason says why no candidate is recommended.
func noneReason(res *Result) string {
	if len(res.Candidates) == 0 {
		return "no candidate mirror to measure"
	}
	answering := 0
	for _, c := range res.Candidates {
		if c.Reach.OK {
			answering++
		}
	}
	if answering == 0 {
		return fmt.Sprintf("none of the %d candidate mirrors answers from here", len(res.Candidates))
	}
	return fmt.Sprintf("none of the %d candidate mirrors serves every requirement, fresh (%d of them answer%s)", len(res.Candidates), answering, plural(answering, "s", ""))
}
