// Package sumdb is the sumdb check: how the go command reaches the
// checksum database, its signed tree head against the go command's
// cached one (a fork, a rollback, a wrong key), and an audit of every
// go.sum line the database covers, each record proven by inclusion in
// the signed tree (checks/sumdbx), with what reqs.SumDB says is never
// named to the database left out.
package sumdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/checks/sumdbx"
)

// SumDBCheck verifies the checksum database the go command would use,
// the path to it, and the main module's go.sum against it.
var Check = &checks.Check{
	ID:    "sumdb",
	Title: "Checksum DB",
	Doc: `Verifies the checksum database the way the go command uses it, and
audits go.sum against it. Configuration: GOSUMDB parsed as the go command
parses it (off, a known name with its built-in key, name+key, name+key URL),
and which of the main module's requirements GONOSUMDB (or GOPRIVATE, its
default) exempts; GONOSUMCHECK and GOFLAGS=-insecure turn nothing off.
The path: the <proxy>/sumdb/<name>/supported rule (200 uses that proxy and
nothing else, 404/410 tries the next entry, anything else makes the
database unavailable), then https://<name>. The signed tree head (/latest),
verified with the key, and proven with tlog tiles to contain the tree head
the go command keeps in $GOPATH/pkg/sumdb/<name>/latest: a log that forked
or went back to another history is a security failure. Then every go.sum
and go.work.sum line of a module the database covers is looked up (the
go command's cache in $GOMODCACHE/cache/download/sumdb first, read-only)
and its record proven to be in the signed tree (inclusion proofs), 16 at
a time: a line that disagrees names the line, the database's hash and the
likely causes; modules the database does not know get a minimal GONOSUMDB
pattern. Where go.sum lacks a hash, the go command checks what it
downloads against the database's record: so does the doctor, for the
go.mod and zips the proxy check's probes fetched (a proxy serving
altered content). Modules GONOSUMDB/GOPRIVATE exempts are never named to
the database. Problems are failures when the go command needs the database
for this project (a requirement missing from go.sum), warnings otherwise.`,
	Codes: codes,
	Run:   runSumDB,
}

// Body limits of the checksum database's answers: a signed tree head is
// a few hundred bytes, a lookup a few kilobytes, a hash tile of height
// 8 is 8 KiB.
const (
	limitLatest = 16 << 10
	limitLookup = 64 << 10
	limitTile   = 64 << 10
)

// sumdbConcurrency bounds the lookups verified at once and the reads of
// the database in flight.
const sumdbConcurrency = 16

// maxDetailLines bounds the lists in a finding's detail.
const maxDetailLines = 30

// sumdbRun is one run of the check.
type sumdbRun struct {
	env    *checks.Env
	ctx    context.Context
	db     *goenv.SumDB
	plan   *reqs.SumDBPlan
	route  *probe.SumDBRoute
	client *sumdbx.Client
	fetch  sumdbx.Fetcher
	// cachedHead is the go command's kept tree head and its file.
	cachedHead     tlog.Tree
	cachedHeadFile string
	haveCachedHead bool
	// keptMsg and latestMsg are the signed tree heads the go command
	// kept and /latest served, to name them in evidence.
	keptMsg, latestMsg []byte
	// latestBroken is set when /latest is not a signed tree head: then a
	// "not found" for a lookup says nothing about the module.
	latestBroken bool
	// The doctor's memory of records proven in earlier runs (proven.go):
	// its file and tree head, the records it spared a lookup, and
	// whether it could be saved.
	provenFile    string
	provenMsg     []byte
	provenTree    tlog.Tree
	remembered    int
	provenSaveErr error
	out           []checks.Finding
	// verdicts say, for each go.sum line, what the audit found: "ok",
	// "mismatch", "not-found", "error", "absent", "exempt", "withheld"
	// (a module GONOPROXY keeps from proxies, which go.sum vouches for),
	// "other" (a hash the database does not record) or "unchecked".
	// Only the test that holds them to gosumcheck's keeps them
	// (recordVerdicts): for a go.sum of 100,000 lines they are 10 MB.
	verdicts map[lineID]string
	// servedOnce holds what the proxies serve (served.go).
	servedOnce servedState
}

// lineID names a line of a go.sum file.
type lineID struct {
	File string
	Line int
}

// recordVerdicts makes the audit keep its verdict on each line.
var recordVerdicts = false

func (r *sumdbRun) verdict(l *reqs.SumFileLine, v string) {
	if !recordVerdicts {
		return
	}
	if r.verdicts == nil {
		r.verdicts = map[lineID]string{}
	}
	r.verdicts[lineID{l.File, l.Line}] = v
}

func (r *sumdbRun) add(f checks.Finding) {
	if f.Problem() && f.CausedBy == nil {
		f.CausedBy = r.proxyCause()
	}
	r.out = append(r.out, f)
}

// entryDown reports whether GOPROXY entry i failed the module probes too
// (not a 404 or 410): then the proxy is down, not its /sumdb/ path, and
// asking its operator to repair that path would send a person the wrong
// way.
func (r *sumdbRun) entryDown(i int) bool {
	rep, ok := probe.Chains(r.ctx, r.env)
	if !ok || rep == nil {
		return false
	}
	for _, mc := range rep.Modules {
		for _, st := range mc.Steps {
			if st.Entry == i && !st.OK && !st.NotExist {
				return true
			}
		}
	}
	return false
}

// proxyCause is the link of a problem with the database's answers to
// the GOPROXY entry they come through: when the proxy check finds that
// entry broken (a captive portal, a server error), the database's
// answers are broken because of it.
func (r *sumdbRun) proxyCause() *checks.Ref {
	if r.route == nil || r.route.Entry < 0 {
		return nil
	}
	s := probe.ScopeOf(r.env)
	if r.route.Entry >= len(s.Entries) {
		return nil
	}
	return &checks.Ref{Check: "proxy", Subject: checks.RedactString(s.Entries[r.route.Entry].URL)}
}

// sev is the severity of a problem of the whole database: a failure when
// the go command needs the database for this project, else a warning.
func (r *sumdbRun) sev() checks.Severity {
	if r.plan.Needs() {
		return checks.SevFail
	}
	return checks.SevWarn
}

// impact says, after a problem of the whole database, what it means for
// this project.
func (r *sumdbRun) impact() string {
	if !r.plan.Needs() {
		if r.env.Module == nil {
			return "; outside a module nothing needs it now, but 'go get' and 'go install pkg@version' of modules not in a go.sum fail"
		}
		return "; go.sum already has every hash this module's requirements need, so the go command does not ask the database for them and their downloads still work, but adding a module or a version ('go get') fails"
	}
	const some = 5
	names := make([]string, 0, some)
	for q := range r.plan.Needed() {
		if len(names) == some {
			break
		}
		names = append(names, q.Fetch.String())
	}
	return fmt.Sprintf("; this module needs it: go.sum lacks the hashes of %s, so 'go mod download' and builds fail", probe.ListFirst(names, r.plan.NeededCount()))
}

func runSumDB(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
	r, err := sumdbAudit(ctx, env)
	if err != nil {
		return nil, err
	}
	return r.out, nil
}

// sumdbAudit runs the check and returns its state: the findings and the
// verdict on every go.sum line.
func sumdbAudit(ctx context.Context, e *checks.Env) (*sumdbRun, error) {
	s := probe.ScopeOf(e)
	if s.Blocked != "" {
		return nil, checks.Skip("%s", s.Blocked)
	}
	r := &sumdbRun{env: e, ctx: ctx, db: goenv.ParseSumDB(e.Go.Get("GOSUMDB")), plan: reqs.SumDB(e)}
	if r.db.Off {
		return nil, checks.Skip("GOSUMDB=off: no checksum database is consulted%s (see env)", r.offNote())
	}
	for _, l := range r.plan.Exempt {
		r.verdict(l.SumFileLine, "exempt")
	}
	for _, l := range r.plan.Withheld {
		r.verdict(l.SumFileLine, "withheld")
	}
	for _, l := range r.plan.Other {
		r.verdict(l, "other")
	}
	for _, l := range r.plan.Audit {
		r.verdict(l, "unchecked")
	}
	r.coverage()
	if r.db.Err != nil {
		r.configInvalid()
		return r, nil
	}
	if r.findRoute() && r.start() && r.head() {
		r.audit()
	}
	return r, nil
}

// offNote says what GOSUMDB=off lets through in this module.
func (r *sumdbRun) offNote() string {
	n := 0
	for _, q := range r.plan.Reqs {
		if q.Fetch.Path != "" && len(q.Missing) > 0 {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(": %s requirement(s) missing from go.sum would be accepted unverified", reqs.Thousands(n))
}

// coverage says which requirements the database checks and why others
// are not, with the configuration that decides it.
func (r *sumdbRun) coverage() {
	g := r.env.Go
	v := g.Var("GOSUMDB")
	var d []string
	src := string(v.Source)
	switch {
	case r.db.Err != nil:
		d = append(d, fmt.Sprintf("GOSUMDB=%s (%s): invalid", v.Value, src))
	case r.db.Alias != "":
		d = append(d, fmt.Sprintf("GOSUMDB=%s (%s): the go command reads it as the database %s with its built-in key, at %s", v.Value, src, r.db.Name, r.db.URL))
	case r.db.KnownKey:
		d = append(d, fmt.Sprintf("GOSUMDB=%s (%s): the database %s with the verifier key built into the go command", v.Value, src, r.db.Name))
	case r.db.URL != "":
		d = append(d, fmt.Sprintf("GOSUMDB=%s (%s): the database %s, its key given, read at %s (no proxy is asked)", checks.RedactString(v.Value), src, r.db.Name, checks.RedactString(r.db.URL)))
	default:
		d = append(d, fmt.Sprintf("GOSUMDB=%s (%s): the database %s, its key given", v.Value, src, r.db.Name))
	}
	nosum := g.Var("GONOSUMDB")
	switch k := reqs.NoSumDBVar(r.env); {
	case k == "GONOSUMDB" && g.Get("GOPRIVATE") != "" && g.Get("GOPRIVATE") != nosum.Value:
		d = append(d, fmt.Sprintf("GONOSUMDB=%s (%s) exempts modules from the database; GOPRIVATE=%s does not, because GONOSUMDB is set", nosum.Value, nosum.Source, g.Get("GOPRIVATE")))
	case k == "GONOSUMDB":
		d = append(d, fmt.Sprintf("GONOSUMDB=%s (%s) exempts modules from the database", nosum.Value, nosum.Source))
	case g.Get("GOPRIVATE") != "":
		d = append(d, fmt.Sprintf("GOPRIVATE=%s exempts modules from the database (GONOSUMDB is unset and defaults to it)", g.Get("GOPRIVATE")))
	default:
		d = append(d, "GONOSUMDB and GOPRIVATE are unset: every module is checked")
	}
	for _, k := range []string{"GONOSUMCHECK", "GONOVERIFY"} {
		if val, _ := g.Getenv(k); val != "" {
			d = append(d, fmt.Sprintf("%s=%s is not read by the go command: it exempts nothing (see env)", k, val))
		}
	}
	if _, ok := goenv.LookupGoFlag(g.Get("GOFLAGS"), "insecure"); ok {
		d = append(d, "GOFLAGS=-insecure does not turn checksum verification off: the go command no longer supports the flag (see env)")
	}
	if g.Get("GOINSECURE") != "" {
		d = append(d, "GOINSECURE="+g.Get("GOINSECURE")+" allows insecure fetches only: the modules it covers are still checked against the database")
	}

	checked, exempt, local := 0, 0, 0
	// The first lines are written; the others only counted.
	var reqLines []string
	line := func(format string, args ...any) {
		if len(reqLines) < maxDetailLines {
			reqLines = append(reqLines, fmt.Sprintf(format, args...))
		}
	}
	for _, q := range r.plan.Reqs {
		switch {
		case q.Fetch.Path == "":
			local++
			line("%s %s: replaced by the directory %s, nothing fetched", q.Mod.Path, q.Mod.Version, q.Dir)
		case q.Var != "":
			exempt++
			line("%s: not checked (%s pattern %s): trusted on first use, its hashes only in go.sum", q.Fetch, q.Var, q.Pattern)
		case len(q.Missing) > 0:
			checked++
			line("%s: checked (go.sum lacks its %s hash: the go command looks it up when it fetches it)", q.Fetch, strings.Join(q.Missing, " and "))
		default:
			checked++
			line("%s: checked", q.Fetch)
		}
	}
	d = append(d, reqLines...)
	if more := len(r.plan.Reqs) - len(reqLines); more > 0 {
		d = append(d, fmt.Sprintf("… and %d more", more))
	}
	if n := len(r.plan.Exempt); n > 0 {
		d = append(d, fmt.Sprintf("%d go.sum line(s) of exempt modules are never named to the database", n))
	}
	if n := len(r.plan.Withheld); n > 0 {
		var names []string
		for _, l := range r.plan.Withheld {
			if m := l.Path + "@" + l.Version; !slices.Contains(names, m) {
				names = append(names, m)
			}
		}
		l := r.plan.Withheld[0]
		d = append(d, fmt.Sprintf("%d go.sum line(s) of modules %s=%s keeps from proxies (%s) are not looked up: the go command names such a module to the database only when go.sum lacks its hash, and neither does the doctor", n, l.Var, r.env.Go.Get(l.Var), probe.ListSome(names, 3)))
	}
	if n := len(r.plan.Other); n > 0 {
		d = append(d, fmt.Sprintf("%d go.sum line(s) with a hash other than h1: the database records h1 only, and the go command ignores them", n))
	}
	for _, e := range r.plan.ReadErr {
		d = append(d, "cannot read "+e)
	}

	f := checks.Finding{Code: "SUMDB_COVERAGE", Severity: checks.SevInfo, Subject: "GOSUMDB", Detail: strings.Join(d, "\n")}
	if r.db.Name != "" {
		f.Subject = r.db.Name
	}
	switch {
	case r.env.Module == nil:
		f.Message = "no main module: the go command uses the checksum database when 'go get' or 'go install pkg@version' fetches a module no go.sum lists"
	case len(r.plan.Reqs) == 0:
		f.Message = "the main module has no requirements: nothing is fetched, nothing needs the checksum database"
	default:
		f.Message = fmt.Sprintf("%d of %d requirement(s) are checked against the checksum database", checked, len(r.plan.Reqs))
		if exempt > 0 {
			f.Message += fmt.Sprintf("; %d are exempt (%s)", exempt, reqs.NoSumDBVar(r.env))
		}
		if local > 0 {
			f.Message += fmt.Sprintf("; %d are replaced by directories", local)
		}
	}
	r.add(f)
}

// configInvalid reports a GOSUMDB the go command cannot use.
func (r *sumdbRun) configInvalid() {
	g := r.env.Go
	v := g.Var("GOSUMDB")
	f := checks.Finding{
		Code: "SUMDB_CONFIG_INVALID", Severity: r.sev(), Subject: "GOSUMDB",
		Message: fmt.Sprintf("GOSUMDB is not usable (%q): every lookup fails with %q%s", v.Value, "verifying module: "+r.db.Err.Error(), r.impact()),
		Detail:  fmt.Sprintf("GOSUMDB=%s (%s)", checks.RedactString(v.Value), v.Source),
	}
	switch def := v.GOROOTValue; {
	case r.db.Suggest != "":
		f.Fixes = append(f.Fixes, checks.SetVar(g, v, r.db.Suggest, "write the value the go command understands"))
	case def != "" && def != v.Value:
		f.Fixes = append(f.Fixes, checks.RestoreVar(g, v, def, "use the toolchain default GOSUMDB="+def))
	}
	f.Fixes = append(f.Fixes, checks.Manual("or, for your own checksum database, give its name and verifier key (and optionally its URL); never GOSUMDB=off", "go env -w 'GOSUMDB=sum.corp.example+<key> https://sum.corp.example'"))
	r.add(f)
}

// findRoute reports how the go command reaches the database, and
// whether it can.
func (r *sumdbRun) findRoute() bool {
	s := probe.ScopeOf(r.env)
	route, ok := probe.SumDB(r.ctx, r.env)
	if !ok || route == nil {
		r.incomplete("the GOPROXY entries had not said whether they serve the database (/sumdb/"+r.db.Name+"/supported)", r.plan.Needs())
		return false
	}
	var ev []string
	for _, st := range route.Steps {
		ev = append(ev, probe.DescribeEntry(s.Entries[st.Entry], st.Entry)+": "+probe.StepEvidence(st))
	}
	if route.Err != "" {
		last := route.Steps[len(route.Steps)-1]
		f := checks.Finding{
			Code: "SUMDB_UNAVAILABLE", Severity: r.sev(), Subject: r.db.Name,
			Message: fmt.Sprintf("the checksum database %s is unavailable: %s answered /sumdb/%s/supported with %s, which the go command takes as \"database unavailable\" (only 404 or 410 moves on to the next entry or to the database itself)%s",
				r.db.Name, probe.DescribeEntry(s.Entries[last.Entry], last.Entry), r.db.Name, stepOutcome(last), r.impact()),
			Detail: strings.Join(ev, "\n"),
		}
		if u := probe.EntryURL(s.Entries[last.Entry]); u != nil {
			// The database is unavailable because the proxy that
			// serves it is, when the proxy check says so.
			f.CausedBy = &checks.Ref{Check: "proxy", Subject: checks.RedactString(s.Entries[last.Entry].URL)}
		}
		if u := probe.EntryURL(s.Entries[last.Entry]); u != nil && !r.entryDown(last.Entry) {
			f.Fixes = append(f.Fixes, checks.Manual("ask the operator of that proxy to repair its /sumdb/ path: it must answer 200 and serve the database, or 404 so that the go command goes elsewhere; keep verification on (never GOSUMDB=off)",
				"curl -sSI "+checks.ShellQuote(strings.TrimSuffix(checks.RedactString(u.String()), "/")+"/sumdb/"+r.db.Name+"/supported")))
		}
		if last.Entry+1 < len(s.Entries) && !s.Entries[last.Entry].FallBackOnError {
			fix := checks.SetVar(r.env.Go, r.env.Go.Var("GOPROXY"), probe.WithPipeAfter(s.List, last.Entry), "or let the go command move on to the next entry after this error ('|' instead of ',')")
			fix.Auto = false
			f.Fixes = append(f.Fixes, fix)
		}
		r.add(f)
		return false
	}
	r.route = route
	r.add(checks.Finding{Code: "SUMDB_ROUTE", Severity: checks.SevInfo, Subject: r.db.Name, Message: route.Describe(s), Detail: strings.Join(ev, "\n")})
	return true
}

// stepOutcome is what one /supported request got, in a few words.
func stepOutcome(st probe.Step) string {
	if st.Resp == nil {
		return st.Err
	}
	return st.Resp.Describe()
}

// sumdbFetcher reads the database at base through the run's network:
// the go command's transport, proxies and credentials, bounded bodies,
// one request per URL per run.
func sumdbFetcher(e *checks.Env, base string) sumdbx.Fetcher {
	return func(ctx context.Context, p string) ([]byte, error) {
		limit := int64(limitTile)
		switch {
		case p == "latest":
			limit = limitLatest
		case strings.HasPrefix(p, "lookup/"):
			limit = limitLookup
		}
		res := probe.Fetch(ctx, e, base, p, limit)
		if res.OK() && !res.Truncated {
			return res.Body, nil
		}
		fe := &sumdbx.FetchError{Path: p, URL: res.URL}
		switch {
		case res.Kind == netenv.KindOK && res.BodyErr == nil && res.Truncated && res.StatusCode == 200:
			fe.Kind, fe.StatusCode, fe.Status = sumdbx.FetchTooLarge, res.StatusCode, res.Status
		case res.Kind == netenv.KindOK && res.BodyErr == nil:
			fe.Kind, fe.StatusCode, fe.Status = sumdbx.FetchStatus, res.StatusCode, res.Status
			if res.NotExist() {
				fe.Kind = sumdbx.FetchNotFound
			}
			fe.Body = probe.BodyFirstLine(res.Body)
		default:
			fe.Kind, fe.Err = sumdbx.FetchNetwork, res.Err
			if fe.Err == nil {
				fe.Err = res.BodyErr
			}
			if fe.Err == nil {
				fe.Err = errors.New(res.Describe())
			}
		}
		return nil, fe
	}
}

// start sets up the verifying client on the go command's kept tree
// head, as the go command's client starts.
func (r *sumdbRun) start() bool {
	g := r.env.Go
	var cacheDir string
	if mc := g.Get("GOMODCACHE"); mc != "" {
		cacheDir = filepath.Join(mc, "cache", "download", "sumdb")
	}
	r.fetch = sumdbFetcher(r.env, r.route.URL)
	c, err := sumdbx.New(r.ctx, sumdbx.Options{Key: r.db.Key, Fetch: r.fetch, CacheDir: cacheDir, Concurrency: sumdbConcurrency})
	if err != nil {
		return false // ParseSumDB accepted the key: cannot happen
	}
	r.client = c
	if gp := filepath.SplitList(g.Get("GOPATH")); len(gp) > 0 && gp[0] != "" {
		r.cachedHeadFile = filepath.Join(gp[0], "pkg", "sumdb", r.db.Name, "latest")
	}
	if r.cachedHeadFile == "" {
		return true
	}
	msg, err := mainmod.ReadFileLimit(r.cachedHeadFile, limitLatest)
	if err != nil || len(msg) == 0 {
		return true // none kept yet: the go command starts from the empty tree
	}
	if err := c.Start(msg); err != nil {
		var he *sumdbx.HeadError
		errors.As(err, &he)
		f := checks.Finding{
			Code: "SUMDB_CACHED_HEAD_INVALID", Severity: r.sev(), Subject: r.cachedHeadFile,
			Message: fmt.Sprintf("the tree head the go command keeps for %s does not verify with the key in force (%v): its client cannot start, so every lookup fails (\"initializing sumdb.Client: %v\")%s", r.db.Name, err, err, r.impact()),
			Detail:  fmt.Sprintf("%s:\n%s", r.cachedHeadFile, indent(string(msg))),
			Fixes: []checks.Fix{
				checks.Manual("if GOSUMDB's key is the one you mean to trust (the key of this name changed, or the file was damaged), check it first", "go env GOSUMDB"),
				{Title: "then forget the old tree head: the go command starts a new timeline from the database's next answer", Command: "rm -f " + checks.ShellQuote(r.cachedHeadFile), Kind: checks.FixCache, Touches: []string{r.cachedHeadFile}},
			},
		}
		if he != nil && len(he.Signers) > 0 {
			f.Detail += "\nsigned by " + strings.Join(he.Signers, ", ") + "; the key in force is " + keyID(r.db.Key)
		}
		r.add(f)
		return false
	}
	r.cachedHead, _ = c.Latest()
	r.haveCachedHead = true
	r.keptMsg = msg
	return true
}

// keyID is a verifier key's name+hash, the part that identifies it.
func keyID(vkey string) string {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) < 2 {
		return vkey
	}
	return parts[0] + "+" + parts[1]
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > 12 {
		lines = append(lines[:12], "…")
	}
	return "\t" + strings.Join(lines, "\n\t")
}

// head fetches and verifies the signed tree head, and proves it
// consistent with the one the go command keeps. It returns false when
// nothing more can be verified.
func (r *sumdbRun) head() bool {
	msg, err := r.fetch(r.ctx, "latest")
	var fe *sumdbx.FetchError
	if errors.As(err, &fe) {
		if fe.Kind == sumdbx.FetchNetwork {
			r.unreachable(fe)
			return false
		}
		r.latestBroken = true
		r.add(checks.Finding{
			Code: "SUMDB_LATEST_FAILED", Severity: checks.SevWarn, Subject: r.db.Name,
			Message: fmt.Sprintf("the checksum database answered /latest with %s instead of its signed tree head; the go command does not read /latest, so the lookups below decide", fetchOutcome(fe)),
			Detail:  fe.Error(),
		})
		return true
	}
	r.latestMsg = msg
	tree, err := r.client.OpenHead(msg)
	if err != nil {
		var he *sumdbx.HeadError
		errors.As(err, &he)
		switch he.Kind {
		case sumdbx.HeadWrongKey:
			r.wrongKey(he)
			return false
		case sumdbx.HeadBadSignature:
			r.add(checks.Finding{
				Code: "SUMDB_SIGNATURE_INVALID", Severity: r.sev(), Subject: r.db.Name,
				Message: fmt.Sprintf("the checksum database's tree head carries a signature of the key in force that does not verify (%v): its answers were altered on the way or it is not the database; every lookup fails%s", he.Err, r.impact()),
				Detail:  "GET " + checks.RedactString(r.route.URL) + "/latest:\n" + indent(string(msg)),
				Fixes:   []checks.Fix{checks.Manual("find what sits between you and the database (a proxy rewriting answers) and report it; keep verification on (never GOSUMDB=off)", "go env GOPROXY GOSUMDB")},
			})
			return false
		}
		r.latestBroken = true
		r.add(checks.Finding{
			Code: "SUMDB_LATEST_FAILED", Severity: checks.SevWarn, Subject: r.db.Name,
			Message: fmt.Sprintf("the checksum database's /latest is not a signed tree head (%v); the go command does not read /latest, so the lookups below decide", he.Err),
			Detail:  "GET " + checks.RedactString(r.route.URL) + "/latest:\n" + indent(string(msg)),
		})
		return true
	}
	rel, err := r.client.Merge(tree, msg)
	if err != nil {
		var fork *sumdbx.ForkError
		if errors.As(err, &fork) {
			r.fork(fork)
			return false
		}
		if tree.N < r.cachedHead.N {
			r.rollback(err, tree)
			return false
		}
		r.proofFailed(err, fmt.Sprintf("proving that the database's tree of %d records contains the one the go command kept (%d records)", tree.N, r.cachedHead.N))
		return false
	}
	d := []string{
		"GET " + checks.RedactString(r.route.URL) + "/latest:\n" + indent(string(msg)),
	}
	switch {
	case !r.haveCachedHead:
		d = append(d, "the go command has kept no tree head of this database yet ("+r.cachedHeadFile+"): it starts its timeline from the next answer")
	case rel == sumdbx.Same:
		d = append(d, fmt.Sprintf("the go command's kept tree head (%s) is the same tree", r.cachedHeadFile))
	case rel == sumdbx.Future:
		d = append(d, fmt.Sprintf("the go command's kept tree head (%s) has %d records: proven to be a prefix of this tree (tlog tiles)", r.cachedHeadFile, r.cachedHead.N))
	}
	if rel == sumdbx.Past {
		r.add(checks.Finding{
			Code: "SUMDB_TREE_BEHIND", Severity: checks.SevInfo, Subject: r.db.Name,
			Message: fmt.Sprintf("the checksum database serves a tree head of %d records, older than the %d records the go command already verified; proven consistent (the same log, seen earlier), so the go command accepts it: a cache between you and the database serves a stale /latest", tree.N, r.cachedHead.N),
			Detail:  strings.Join(append(d, "kept by the go command: "+r.cachedHeadFile), "\n"),
		})
		return true
	}
	text := fmt.Sprintf("the signed tree head of %s verifies with the key (%s): %d records, consistent with the tree head the go command kept", r.db.Name, keyID(r.db.Key), tree.N)
	if !r.haveCachedHead {
		text = fmt.Sprintf("the signed tree head of %s verifies with the key (%s): %d records (the go command has kept no tree head of it yet)", r.db.Name, keyID(r.db.Key), tree.N)
	}
	r.add(checks.Finding{
		Code: "SUMDB_TREE_OK", Severity: checks.SevInfo, Subject: r.db.Name,
		Message: text,
		Detail:  strings.Join(d, "\n"),
	})
	return true
}

// fetchOutcome is a failed read in a few words.
func fetchOutcome(fe *sumdbx.FetchError) string {
	switch fe.Kind {
	case sumdbx.FetchNetwork:
		return fmt.Sprint(fe.Err)
	case sumdbx.FetchTooLarge:
		return "a body over the size limit"
	}
	return fe.Status
}

// unreachable reports a database the go command cannot reach.
func (r *sumdbRun) unreachable(fe *sumdbx.FetchError) {
	host := checks.RedactString(r.route.URL)
	if u, err := url.Parse(r.route.URL); err == nil {
		host = u.Host
	}
	f := checks.Finding{
		Code: "SUMDB_UNREACHABLE", Severity: r.sev(), Subject: host,
		Message: fmt.Sprintf("the checksum database %s cannot be reached at %s: %v%s", r.db.Name, checks.RedactString(r.route.URL), fe.Err, r.impact()),
		Detail:  fe.Error(),
		Fixes: []checks.Fix{
			checks.Manual("see why: the dns, tls and proxy checks examine the same host and path", "gomoddoctor --check dns,proxy,tls,sumdb -v"),
		},
	}
	if strings.Contains(fmt.Sprint(fe.Err), "refusing to pass credentials") {
		f.Fixes = []checks.Fix{checks.Manual("the go command never sends credentials over plain http: give the database's URL in GOSUMDB as https, or without credentials", "go env GOSUMDB")}
	}
	if r.route.Direct && !r.route.Explicit {
		f.Fixes = append(f.Fixes, checks.Manual("if your module proxy serves the database (its /sumdb/"+r.db.Name+"/supported answers 200), list it in GOPROXY: the go command then reads the database through it", "go env GOPROXY"))
	}
	f.Fixes = append(f.Fixes, checks.Manual("modules that are private belong in GONOSUMDB (or GOPRIVATE); never set GOSUMDB=off", "go env GONOSUMDB GOPRIVATE"))
	r.add(f)
}

// wrongKey reports a tree head signed by another key.
func (r *sumdbRun) wrongKey(he *sumdbx.HeadError) {
	by := "no key of this name"
	if len(he.Signers) > 0 {
		by = strings.Join(he.Signers, ", ")
	}
	f := checks.Finding{
		Code: "SUMDB_WRONG_KEY", Severity: r.sev(), Subject: r.db.Name,
		Message: fmt.Sprintf("the checksum database's tree head is not signed by the key in GOSUMDB (%s) but by %s: the go command rejects every answer (\"note has no verifiable signatures\")%s", keyID(r.db.Key), by, r.impact()),
		Detail: fmt.Sprintf("GET %s/latest:\n%s\nlikely causes: GOSUMDB carries an old or mistyped key; the URL or proxy serves another database under this name; something intercepts the answers",
			checks.RedactString(r.route.URL), indent(string(he.Note))),
	}
	if known, ok := goenv.KnownSumDBKey(r.db.Name); ok && known != r.db.Key {
		f.Fixes = append(f.Fixes, checks.SetVar(r.env.Go, r.env.Go.Var("GOSUMDB"), r.db.Name, "use the key the go command has built in for "+r.db.Name))
	}
	f.Fixes = append(f.Fixes, checks.Manual("check the verifier key with the database's operator and put it in GOSUMDB; keep verification on (never GOSUMDB=off)", "go env GOSUMDB"))
	r.add(f)
}

// fork reports a proven inconsistency between two signed tree heads.
func (r *sumdbRun) fork(fe *sumdbx.ForkError) {
	label := func(msg []byte) string {
		switch {
		case r.keptMsg != nil && bytes.Equal(msg, r.keptMsg):
			return "the tree head the go command kept (" + r.cachedHeadFile + ")"
		case r.latestMsg != nil && bytes.Equal(msg, r.latestMsg):
			return "the tree head the database serves at /latest"
		case r.provenMsg != nil && bytes.Equal(msg, r.provenMsg):
			return "the tree head the doctor verified in an earlier run (" + r.provenFile + ")"
		}
		return "the tree head of a lookup's answer"
	}
	var proof []string
	for _, h := range fe.Proof {
		proof = append(proof, h.String())
	}
	how := ""
	if r.keptMsg != nil && bytes.Equal(fe.NewerNote, r.keptMsg) {
		how = fmt.Sprintf("; the database went back to a smaller tree (%d records, %d kept) with another history", fe.Older.N, fe.Newer.N)
	}
	d := fmt.Sprintf("%s, %d records:\n%s\n%s, %d records:\n%s\nthe first %d records of the bigger tree hash to %v, not %v as signed for the smaller one",
		label(fe.OlderNote), fe.Older.N, indent(string(fe.OlderNote)), label(fe.NewerNote), fe.Newer.N, indent(string(fe.NewerNote)), fe.Older.N, fe.Computed, fe.Older.Hash)
	if len(proof) > 0 {
		d += "\nproof (tlog.ProveTree):\n\t" + strings.Join(proof, "\n\t")
	}
	r.add(checks.Finding{
		Code: "SUMDB_FORK", Severity: checks.SevFail, Subject: r.db.Name,
		Message: fmt.Sprintf("SECURITY: the checksum database %s signed two histories that cannot both be true: %s and %s disagree about the same records%s. Its answers cannot be trusted; the go command stops with \"SECURITY ERROR: go.sum database server misbehavior detected\" at its next lookup",
			r.db.Name, label(fe.OlderNote), label(fe.NewerNote), how),
		Detail: d,
		Fixes: []checks.Fix{
			checks.Manual("do not work around it (no GOSUMDB=off, no GONOSUMDB, do not delete the kept tree head): report it to the database's operator with the two signed tree heads and the proof above", "go env GOSUMDB GOPROXY"),
			checks.Manual("check what sits between you and the database: a proxy in GOPROXY that serves /sumdb/, or an intercepting network proxy", "gomoddoctor --check proxy,tls -v"),
		},
	})
}

// rollback reports a database that serves a smaller tree than the one
// the go command kept, without the tiles that would prove it the same
// history.
func (r *sumdbRun) rollback(err error, tree tlog.Tree) {
	r.add(checks.Finding{
		Code: "SUMDB_ROLLBACK", Severity: checks.SevFail, Subject: r.db.Name,
		Message: fmt.Sprintf("SECURITY: the checksum database %s went backwards: it serves a tree of %d records, fewer than the %d the go command already verified, and the records in between can no longer be proven to be the same history (the bigger tree's tiles are gone). A log never shrinks: it was rolled back, or what answers is not the database the go command saw. The go command fails every lookup (%q)",
			r.db.Name, tree.N, r.cachedHead.N, probe.FirstLine(err.Error())),
		Detail: fmt.Sprintf("the tree head the go command kept (%s):\n%s\nthe tree head the database serves at /latest:\n%s\n%v",
			r.cachedHeadFile, indent(string(r.keptMsg)), indent(string(r.latestMsg)), err),
		Fixes: []checks.Fix{
			checks.Manual("do not work around it (no GOSUMDB=off, no GONOSUMDB, do not delete the kept tree head): report it to the database's operator, or to the operator of the proxy that serves it, with both tree heads", "go env GOSUMDB GOPROXY"),
		},
	})
}

// proofFailed reports a proof that could not be completed.
func (r *sumdbRun) proofFailed(err error, what string) {
	r.add(checks.Finding{
		Code: "SUMDB_PROOF_FAILED", Severity: r.sev(), Subject: r.db.Name,
		Message: fmt.Sprintf("%s failed: %v; the go command's lookups need the same proof and fail too%s", what, err, r.impact()),
		Detail:  err.Error(),
		Fixes:   []checks.Fix{checks.Manual("retry later; if it persists, report it to the operator of the database (or of the proxy serving it); keep verification on", "go env GOSUMDB GOPROXY")},
	})
}

// incomplete reports that the deadline cut the check short.
// A hang of something the go command needs is a failure: it sets no
// deadline of its own on the database, so it would still be waiting.
func (r *sumdbRun) incomplete(what string, hangsGo bool) {
	f := checks.Finding{
		Code: "SUMDB_INCOMPLETE", Severity: checks.SevWarn, Subject: r.db.Name,
		Message: "the run's deadline passed before the check finished: " + what,
		Fixes:   []checks.Fix{checks.Manual("run again with more time", "gomoddoctor --check sumdb --timeout 2m")},
	}
	if hangsGo {
		f.Severity = checks.SevFail
		f.Message += "; the go command needs those answers and sets no deadline on the database: it would hang"
	}
	r.add(f)
}

// An auditItem is one module version looked up: the go.sum lines about
// it and what the go command still needs of it.
type auditItem struct {
	mod   module.Version
	lines []*reqs.SumFileLine // the plan's, shared
	need  []string            // "zip", "go.mod": missing from go.sum, looked up by the go command
	rec   *sumdbx.Record
	err   error
	done  bool
}

// audit looks up every module version go.sum names (and every
// requirement it lacks) and compares.
func (r *sumdbRun) audit() {
	items := map[module.Version]*auditItem{}
	item := func(m module.Version) *auditItem {
		it, ok := items[m]
		if !ok {
			it = &auditItem{mod: m}
			items[m] = it
		}
		return it
	}
	for _, l := range r.plan.Audit {
		it := item(module.Version{Path: l.Path, Version: l.Version})
		it.lines = append(it.lines, l)
	}
	for q := range r.plan.Needed() {
		it := item(q.Fetch)
		it.need = q.Missing
	}
	list := make([]*auditItem, 0, len(items))
	for _, it := range items {
		list = append(list, it)
	}
	slices.SortFunc(list, func(a, b *auditItem) int {
		if c := strings.Compare(a.mod.Path, b.mod.Path); c != 0 {
			return c
		}
		return strings.Compare(a.mod.Version, b.mod.Version)
	})
	if len(list) == 0 {
		return
	}

	pv, ok := r.openProven()
	if !ok {
		return
	}
	todo := list[:0:0]
	for _, it := range list {
		if rec := pv.Get(it.mod.Path, it.mod.Version); rec != nil && agrees(it, rec) {
			it.rec, it.done = rec, true
			r.remembered++
			continue
		}
		todo = append(todo, it)
	}

	progress := r.env.Options.Progress
	var mu sync.Mutex
	done := r.remembered
	work := make(chan *auditItem)
	var wg sync.WaitGroup
	for range min(sumdbConcurrency, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				it.rec, it.err = r.client.Lookup(it.mod.Path, it.mod.Version)
				if r.ctx.Err() != nil && it.err != nil {
					continue // cut short by the deadline: not a verdict
				}
				mu.Lock()
				it.done = true
				done++
				if progress != nil {
					progress(checks.Progress{Check: "sumdb", Phase: "verifying go.sum", Done: done, Total: len(list)})
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, it := range todo {
		select {
		case work <- it:
		case <-r.ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	for _, it := range todo {
		if it.done && it.err == nil {
			pv.Add(it.mod.Path, it.mod.Version, it.rec)
		}
	}
	r.provenSaveErr = pv.Save(r.client)
	r.judge(list)
}

// A tally sorts the audited module versions by outcome.
type tally struct {
	verified, linesOK       int
	notFound, failed, bad   []*auditItem
	forbidden               []*auditItem // 403 from the proxy serving the database
	proofs                  []*auditItem
	willVerify, notChecked  []string
	absent                  []string
	forked                  *sumdbx.ForkError
	notFoundNeed, otherNeed bool
	forbiddenNeed           bool
	notCheckedNeed          bool
}

// judge turns the lookups into findings.
func (r *sumdbRun) judge(list []*auditItem) {
	var t tally
	cache := modcachex.Cache{Root: r.env.Go.Get("GOMODCACHE")}
	for _, it := range list {
		switch {
		case !it.done:
			t.notCheckedNeed = t.notCheckedNeed || len(it.need) > 0
			t.notChecked = append(t.notChecked, it.mod.String())
		case it.err != nil:
			r.lookupFailed(&t, it)
		default:
			r.compare(&t, it, r.cacheHashes(cache, it.mod))
		}
	}
	if r.latestBroken && t.verified == 0 && len(t.notFound) > 0 {
		// Nothing answers: a path that claims to serve the database
		// (a proxy's /supported said 200) but does not. The modules
		// are not unknown to the database; it is not there.
		for _, it := range t.notFound {
			for _, l := range it.lines {
				r.verdict(l, "error")
			}
		}
		t.failed = append(t.failed, t.notFound...)
		t.otherNeed = t.otherNeed || t.notFoundNeed
		t.notFound = nil
	}
	r.reportFailures(&t, len(list))
	if t.verified > 0 {
		r.add(r.verifiedFinding(&t))
	}
}

// lookupFailed sorts a lookup that failed by why.
func (r *sumdbRun) lookupFailed(t *tally, it *auditItem) {
	var fe *sumdbx.FetchError
	var fork *sumdbx.ForkError
	var pe *sumdbx.ProofError
	v := "error"
	if errors.As(it.err, &fe) && fe.Kind == sumdbx.FetchNotFound {
		v = "not-found"
	}
	for _, l := range it.lines {
		r.verdict(l, v)
	}
	switch {
	case errors.As(it.err, &fork):
		if t.forked == nil {
			t.forked = fork
		}
	case errors.As(it.err, &fe) && fe.Kind == sumdbx.FetchNotFound:
		t.notFound = append(t.notFound, it)
		t.notFoundNeed = t.notFoundNeed || len(it.need) > 0
	case errors.As(it.err, &fe) && fe.StatusCode == http.StatusForbidden && r.route != nil && r.route.Entry >= 0:
		t.forbidden = append(t.forbidden, it)
		t.forbiddenNeed = t.forbiddenNeed || len(it.need) > 0
	case errors.As(it.err, &fe):
		t.failed = append(t.failed, it)
		t.otherNeed = t.otherNeed || len(it.need) > 0
	case errors.As(it.err, &pe):
		t.proofs = append(t.proofs, it)
		t.otherNeed = t.otherNeed || len(it.need) > 0
	default:
		t.bad = append(t.bad, it)
		t.otherNeed = t.otherNeed || len(it.need) > 0
	}
}

// compare checks a proven record against the go.sum lines of its module
// version and against what the module cache holds (cached, by whether
// the hash is of go.mod).
func (r *sumdbRun) compare(t *tally, it *auditItem, cached map[bool]string) {
	t.verified++
	for _, l := range it.lines {
		want := it.rec.Lines(l.Path, versionOf(l))
		switch {
		case len(want) == 0:
			r.verdict(l, "absent")
			t.absent = append(t.absent, fmt.Sprintf("%s:%d: %s (record %d has no such line)", l.File, l.Line, l.Text(), it.rec.ID))
		case slices.Contains(want, l.Text()):
			r.verdict(l, "ok")
			t.linesOK++
			if got := cached[l.GoMod]; got != "" && got != hashOf(want[0]) {
				r.downloadMismatch(it, l.GoMod, got, hashOf(want[0]), true)
			}
		default:
			r.verdict(l, "mismatch")
			r.gosumMismatch(it, l, hashOf(want[0]), cached[l.GoMod])
		}
	}
	for _, n := range it.need {
		t.willVerify = append(t.willVerify, fmt.Sprintf("%s (%s hash)", it.mod, n))
		gomod := n == "go.mod"
		want := it.rec.Lines(it.mod.Path, versionOfMod(it.mod.Version, gomod))
		if got := cached[gomod]; got != "" && len(want) > 0 && got != hashOf(want[0]) {
			r.downloadMismatch(it, gomod, got, hashOf(want[0]), false)
		}
		if got, ok := r.served(it.mod)[gomod]; ok && len(want) > 0 && got.hash != hashOf(want[0]) {
			r.proxyMismatch(it, gomod, got, hashOf(want[0]))
		}
	}
}

// reportFailures reports a forked log, unknown modules, failed lookups
// and proofs, and module versions the deadline left unchecked, among
// total.
func (r *sumdbRun) reportFailures(t *tally, total int) {
	if t.forked != nil {
		r.fork(t.forked)
	}
	if len(t.notFound) > 0 {
		r.notFound(t.notFound, t.notFoundNeed)
	}
	if len(t.forbidden) > 0 {
		r.forbidden(t.forbidden, t.forbiddenNeed)
	}
	what := "the checksum database did not answer the lookup of"
	if r.latestBroken && t.verified == 0 {
		what = fmt.Sprintf("nothing at %s answers as a checksum database (neither /latest nor any lookup), although the go command reads the database there; it failed to look up", checks.RedactString(r.route.URL))
	}
	r.lookupProblems("SUMDB_LOOKUP_FAILED", what, t.failed, t.otherNeed)
	r.lookupProblems("SUMDB_PROOF_FAILED", "the inclusion proof could not be completed for", t.proofs, t.otherNeed)
	r.lookupProblems("SUMDB_RECORD_INVALID", "the checksum database's answer is not a valid, proven record for", t.bad, t.otherNeed)
	if len(t.notChecked) > 0 {
		r.incomplete(fmt.Sprintf("%d of %d module version(s) were not verified: %s", len(t.notChecked), total, probe.ListSome(t.notChecked, 5)), t.notCheckedNeed)
	}
}

// verifiedFinding says what the database vouched for, and how it was
// read.
func (r *sumdbRun) verifiedFinding(t *tally) checks.Finding {
	latest, _ := r.client.Latest()
	st := r.client.Stats()
	d := []string{
		fmt.Sprintf("lookups: %d from the go command's cache, %d from the database; tiles: %d from the go command's cache, %d from the database", st.CachedLookups, st.RemoteLookups, st.CachedTiles, st.RemoteTiles),
	}
	if r.remembered > 0 {
		d = append(d, fmt.Sprintf("records: %d remembered from an earlier run (proven in the signed tree of %d records, which this tree was proven to contain: one consistency proof instead of an inclusion proof each), %d looked up", r.remembered, r.provenTree.N, t.verified-r.remembered))
	}
	if r.provenSaveErr != nil {
		d = append(d, "the doctor's memory of proven records not saved: "+r.provenSaveErr.Error())
	}
	for _, f := range r.plan.Files {
		d = append(d, "read "+f)
	}
	if len(t.willVerify) > 0 {
		d = append(d, "missing from go.sum, found in the database (the go command will check the downloads against these hashes and add them):")
		d = append(d, capLines(t.willVerify, maxDetailLines)...)
	}
	if len(t.absent) > 0 {
		d = append(d, "lines the database's records do not mention (the go command accepts them):")
		d = append(d, capLines(t.absent, maxDetailLines)...)
	}
	msg := fmt.Sprintf("%d go.sum line(s) match the checksum database (%d module version(s), each record proven in the signed tree of %d records)", t.linesOK, t.verified, latest.N)
	if len(r.plan.Audit) == 0 {
		msg = fmt.Sprintf("%d module version(s) missing from go.sum are in the checksum database (each record proven in the signed tree of %d records)", t.verified, latest.N)
	}
	return checks.Finding{Code: "SUMDB_GOSUM_VERIFIED", Severity: checks.SevInfo, Subject: r.db.Name, Message: msg, Detail: strings.Join(d, "\n")}
}

// versionOf is a go.sum line's version field.
func versionOf(l *reqs.SumFileLine) string { return versionOfMod(l.Version, l.GoMod) }

func versionOfMod(v string, gomod bool) string {
	if gomod {
		return v + "/go.mod"
	}
	return v
}

// hashOf is the hash field of a go.sum line.
func hashOf(line string) string {
	f := strings.Fields(line)
	if len(f) != 3 {
		return ""
	}
	return f[2]
}

// cacheHashes returns the hashes of what the module cache holds of a
// module version: its zip (from .ziphash) and its go.mod (hashed as the
// go command hashes it); "" when absent.
func (r *sumdbRun) cacheHashes(c modcachex.Cache, m module.Version) map[bool]string {
	out := map[bool]string{}
	if c.Root == "" {
		return out
	}
	zip, gomod := c.Hashes(m)
	if zip != "" {
		out[false] = zip
	}
	if gomod != "" {
		out[true] = gomod
	}
	return out
}

// gosumMismatch reports a go.sum line that disagrees with the database.
func (r *sumdbRun) gosumMismatch(it *auditItem, l *reqs.SumFileLine, want, cached string) {
	required := false
	for _, q := range r.plan.Reqs {
		if q.Fetch == it.mod {
			required = true
		}
	}
	sev, consequence := checks.SevFail, "the go command rejects the download: \"verifying "+it.mod.String()+suffixIf(l.GoMod, "/go.mod")+": checksum mismatch\" and \"SECURITY ERROR\""
	if !required && !l.GoMod {
		sev, consequence = checks.SevWarn, "this module does not require that version, so nothing fetches its content now; whoever does gets \"checksum mismatch\""
	}
	name := filepath.Base(l.File)
	causes := []string{
		"likely causes, most likely first:",
		"\t" + name + " was edited by hand or merged badly (a conflict resolved by keeping the wrong side)",
		"\tthe version was re-tagged upstream after the database recorded it (the database keeps the first content forever)",
		"\ta proxy served altered content when this line was written",
	}
	switch {
	case cached == want:
		causes = []string{"the module cache's download of it hashes to the database's value: " + name + " was edited or merged badly, not the download"}
	case cached == l.Hash:
		causes = []string{"the module cache's download of it hashes to the " + name + " value, not the database's: the content it was fetched with differs from what the database recorded (a re-tagged version, or a proxy altering content)"}
	case cached != "":
		causes = append(causes, "the module cache holds yet another hash: "+cached)
	}
	d := []string{
		fmt.Sprintf("%s:%d: %s", l.File, l.Line, l.Text()),
		fmt.Sprintf("database: %s %s %s (record %d, tree of %d records)", l.Path, versionOf(l), want, it.rec.ID, it.rec.Tree.N),
	}
	d = append(d, causes...)
	dir := filepath.Dir(l.File)
	cd := ""
	if dir != r.env.Dir {
		cd = "cd " + checks.ShellQuote(dir) + " && "
	}
	awk := fmt.Sprintf(`awk '!($1 == "%s" && $2 == "%s")' %s > %s.new && mv %s.new %s`, l.Path, versionOf(l), name, name, name, name)
	r.add(checks.Finding{
		Code: "SUMDB_GOSUM_MISMATCH", Severity: sev, Subject: it.mod.String() + suffixIf(l.GoMod, "/go.mod"),
		Message: fmt.Sprintf("%s line %d does not match the checksum database: it says %s, the database %s; %s", name, l.Line, l.Hash, want, consequence),
		Detail:  strings.Join(d, "\n"),
		Fixes: []checks.Fix{
			checks.Manual("remove that line and fetch the version again with verification on: the go command checks it against the database and writes the right line (never GOSUMDB=off or GONOSUMDB)",
				cd+awk+" && go mod download "+checks.ShellQuote(it.mod.String())),
			checks.Manual("then check that the module cache matches go.sum", cd+"go mod verify"),
		},
	})
}

func suffixIf(b bool, s string) string {
	if b {
		return s
	}
	return ""
}

// downloadMismatch reports a module cache entry the database does not
// vouch for.
func (r *sumdbRun) downloadMismatch(it *auditItem, gomod bool, got, want string, inGoSum bool) {
	what := "content"
	if gomod {
		what = "go.mod"
	}
	msg := fmt.Sprintf("the module cache holds %s of %s hashing to %s, but the checksum database (and go.sum) say %s: the go command's next verification of it fails (\"checksum mismatch\")", what, it.mod, got, want)
	if !inGoSum {
		msg = fmt.Sprintf("the module cache holds %s of %s hashing to %s, but the checksum database says %s: when the go command adds it to go.sum it stops with \"SECURITY ERROR\"", what, it.mod, got, want)
	}
	// Not the last resort (go clean -modcache): one entry is wrong.
	fixes := probe.CacheEntryFixes(r.env, modcachex.Cache{Root: r.env.Go.Get("GOMODCACHE")}, it.mod)
	fixes = append(fixes, checks.Manual("if it comes back wrong, the proxy alters it: compare with the origin's content", "GOPROXY=direct go mod download -json "+checks.ShellQuote(it.mod.String())))
	r.add(checks.Finding{
		Code: "SUMDB_DOWNLOAD_MISMATCH", Severity: checks.SevFail, Subject: it.mod.String(),
		Message: msg,
		Detail:  fmt.Sprintf("likely causes: the proxy it came from served altered content; the cache was damaged or edited (see the modcache check)\ndatabase record %d, tree of %d records", it.rec.ID, it.rec.Tree.N),
		Fixes:   fixes,
	})
}

// notFound reports module versions the database does not know, with
// the minimal GONOSUMDB pattern that exempts them.
func (r *sumdbRun) notFound(items []*auditItem, needed bool) {
	var paths, names, d []string
	for _, it := range items {
		paths = append(paths, it.mod.Path)
		names = append(names, it.mod.String())
		var fe *sumdbx.FetchError
		errors.As(it.err, &fe)
		line := fmt.Sprintf("GET %s: %s", fe.URL, fe.Status)
		if fe.Body != "" {
			line += fmt.Sprintf(": %q", fe.Body)
		}
		switch {
		case len(it.need) > 0:
			line += " — go.sum lacks its " + strings.Join(it.need, " and ") + " hash: the go command asks the database and fails"
		case len(it.lines) > 0:
			line += fmt.Sprintf(" — in %s (line %d): the go command trusts go.sum and does not ask", filepath.Base(it.lines[0].File), it.lines[0].Line)
		}
		d = append(d, line)
	}
	sev, tail := checks.SevWarn, "go.sum already has their hashes, so the go command does not ask the database about them; a fresh 'go get' of them would fail"
	if needed {
		sev, tail = checks.SevFail, "the go command needs their hashes and fails with \"verifying module: ... 404 Not Found\" (or 410 Gone)"
	}
	f := checks.Finding{
		Code: "SUMDB_NOT_FOUND", Severity: sev, Subject: probe.ListSome(names, 3),
		Message: fmt.Sprintf("the checksum database does not know %s: private modules (or versions never published) must be exempt from it; %s", probe.ListSome(names, 3), tail),
		Detail:  strings.Join(capLines(d, maxDetailLines), "\n"),
		// Private modules the patterns miss: when the private check
		// says so, this follows from it.
		CausedBy: &checks.Ref{Check: "private"},
	}
	if fix, ok := r.noSumDBFix(paths, "exempt exactly these modules from the checksum database, keeping your existing patterns (GONOSUMDB keeps fetching them through GOPROXY; if no proxy serves them, GOPRIVATE=%s exempts them from both)"); ok {
		f.Fixes = append(f.Fixes, fix)
	}
	r.add(f)
}

// noSumDBFix is GONOSUMDB with a pattern that matches paths and none of
// the other modules this project fetches (goenv.MinimalPatterns), added
// to the patterns GONOSUMDB has; title may name the pattern with %s.
// Never automatic: a person decides that a module is private.
func (r *sumdbRun) noSumDBFix(paths []string, title string) (checks.Fix, bool) {
	g := r.env.Go
	var public []string
	for _, q := range r.plan.Reqs {
		if q.Fetch.Path != "" && !slices.Contains(paths, q.Fetch.Path) {
			public = append(public, q.Fetch.Path)
		}
	}
	for _, l := range r.plan.Audit {
		if !slices.Contains(paths, l.Path) {
			public = append(public, l.Path)
		}
	}
	// The database not knowing a module on a public host says nothing
	// of its neighbours: the pattern is its own path, never its
	// organization (which would exempt every module of it).
	var wide, exact []string
	for _, p := range paths {
		host, _, _ := strings.Cut(p, "/")
		if r.env.Net().IsPublicName(host) {
			exact = append(exact, p)
		} else {
			wide = append(wide, p)
		}
	}
	pats := append(goenv.MinimalPatterns(wide, public), exact...)
	if len(pats) == 0 {
		return checks.Fix{}, false
	}
	if strings.Contains(title, "%s") {
		title = fmt.Sprintf(title, strings.Join(pats, ","))
	}
	fix := checks.SetVar(g, g.Var("GONOSUMDB"), goenv.UnionPatterns(g.Get("GONOSUMDB"), strings.Join(pats, ",")), title)
	fix.Auto = false
	return fix, true
}

// forbidden reports lookups the proxy serving the database refuses with
// 403 Forbidden while it serves the database otherwise: Athens does so
// by design for the modules its ATHENS_GONOSUM_PATTERNS match
// (cmd/proxy/actions/sumdb.go), so as never to name a private module to
// the public database, and its home page tells clients to set GONOSUMDB
// to those patterns. The go command fails "verifying ...: 403
// Forbidden"; GONOSUMDB for them is the fix (GOPRIVATE would also send
// them direct, away from the proxy that serves them).
func (r *sumdbRun) forbidden(items []*auditItem, needed bool) {
	var paths, names, d []string
	for _, it := range items {
		if !slices.Contains(paths, it.mod.Path) {
			paths = append(paths, it.mod.Path)
		}
		names = append(names, it.mod.String())
		var fe *sumdbx.FetchError
		errors.As(it.err, &fe)
		line := fmt.Sprintf("GET %s: %s", fe.URL, fe.Status)
		if len(it.need) > 0 {
			line += " — go.sum lacks its " + strings.Join(it.need, " and ") + " hash: the go command asks and fails"
		}
		d = append(d, line)
	}
	proxy := checks.RedactString(r.route.URL)
	if s := probe.ScopeOf(r.env); r.route.Entry < len(s.Entries) {
		proxy = checks.RedactString(s.Entries[r.route.Entry].URL)
	}
	served := ""
	if !r.latestBroken {
		served = " while it serves the database's tree head and tiles"
	}
	d = append(d, fmt.Sprintf("a proxy such as Athens answers so by design for the modules its operator declared private (ATHENS_GONOSUM_PATTERNS), never naming them to the database; its home page (%s/) lists those patterns as GONOSUMDB=...", strings.TrimSuffix(proxy, "/")))
	sev, tail := checks.SevWarn, "go.sum has their hashes, so the go command does not ask now; a fresh 'go get' of them fails"
	if needed {
		sev, tail = checks.SevFail, "the go command needs their hashes and fails with \"verifying ...: 403 Forbidden\""
	}
	f := checks.Finding{
		Code: "SUMDB_LOOKUP_FORBIDDEN", Severity: sev, Subject: probe.ListSome(names, 3),
		Message: fmt.Sprintf("the proxy %s refuses (403 Forbidden) to look up %s in the checksum database%s: it keeps them from the database by design, as private modules; %s", proxy, probe.ListSome(names, 3), served, tail),
		Detail:  strings.Join(capLines(d, maxDetailLines), "\n"),
	}
	if fix, ok := r.noSumDBFix(paths, "exempt these modules from the checksum database as the proxy asks, keeping your existing patterns (GONOSUMDB, not GOPRIVATE: GOPRIVATE would also fetch them directly instead of through the proxy that serves them)"); ok {
		f.Fixes = append(f.Fixes, fix)
	}
	r.add(f)
}

// lookupProblems reports lookups that failed for one kind of reason.
func (r *sumdbRun) lookupProblems(code, what string, items []*auditItem, needed bool) {
	if len(items) == 0 {
		return
	}
	var names, d []string
	for _, it := range items {
		names = append(names, it.mod.String())
		d = append(d, it.mod.String()+": "+it.err.Error())
	}
	sev := checks.SevWarn
	tail := "go.sum has their hashes, so the go command does not ask now"
	if needed {
		sev, tail = checks.SevFail, "the go command needs the database for some of them (missing from go.sum) and fails the same way"
	}
	r.add(checks.Finding{
		Code: code, Severity: sev, Subject: probe.ListSome(names, 3),
		Message: fmt.Sprintf("%s %s; %s", what, probe.ListSome(names, 3), tail),
		Detail:  strings.Join(capLines(d, maxDetailLines), "\n"),
		Fixes:   []checks.Fix{checks.Manual("retry later; if it persists, report it to the operator of the database (or of the proxy serving it); keep verification on (never GOSUMDB=off)", "go env GOSUMDB GOPROXY")},
	})
}

// capLines keeps the first n lines and says how many were left out.
func capLines(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	return append(slices.Clone(lines[:n]), fmt.Sprintf("… and %d more", len(lines)-n))
}
