package mirrors

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
)

// Body limits of the answers (as the proxy check's).
const (
	limitSmall = 64 << 10
	limitBig   = 1 << 20
)

// Measure measures opts.Candidates concurrently under ctx, ranks them
// and recommends one (see the package doc).
func Measure(ctx context.Context, e *checks.Env, opts Options) *Result {
	start := time.Now()
	res := &Result{MaxRequests: MaxRequests, GOPROXY: checks.RedactString(e.Go.Get("GOPROXY"))}
	targets, queries := plan(e, res)
	res.Queries = queries
	if db := goenv.ParseSumDB(e.Go.Get("GOSUMDB")); !db.Off && db.Err == nil && db.URL == "" {
		res.SumDB = db.Name
	}
	res.Candidates = make([]*Candidate, len(opts.Candidates))
	var wg sync.WaitGroup
	for i, m := range opts.Candidates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res.Candidates[i] = measureOne(ctx, e, m, res.SumDB, targets, queries)
		}()
	}
	var origin []originAnswer
	if opts.Origin && len(queries) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			origin = askOrigin(ctx, e, queries)
		}()
	}
	wg.Wait()
	for i, a := range origin {
		queries[i].Origin, queries[i].OriginErr = a.version, a.err
	}
	judge(res)
	rank(res)
	res.Recommend = recommend(e, res)
	scrub(e, res)
	res.DurationMS = time.Since(start).Milliseconds()
	return res
}

// asker sends one candidate's requests, counting and timing them.
type asker struct {
	e    *checks.Env
	base string

	mu    sync.Mutex
	sent  int
	times []time.Duration
	via   string
	// down is the failure of a request that got no answer before any
	// other did: later requests are not sent, and get it too.
	down *netenv.Response
	up   bool
}

// get GETs base/rel; nil when the budget is spent.
func (a *asker) get(ctx context.Context, rel string, limit int64, timed bool) *netenv.Response {
	a.mu.Lock()
	if a.down != nil && !a.up {
		d := a.down
		a.mu.Unlock()
		return d
	}
	if a.sent >= MaxRequests {
		a.mu.Unlock()
		return nil
	}
	a.sent++
	a.mu.Unlock()
	u, err := url.Parse(a.base + "/" + rel)
	if err != nil {
		return &netenv.Response{URL: checks.RedactString(a.base + "/" + rel), Kind: netenv.KindOther, Err: err}
	}
	r := a.e.Net().Get(ctx, u, limit)
	a.mu.Lock()
	defer a.mu.Unlock()
	if r.Via != nil && a.via == "" {
		a.via = r.ViaVar + "=" + r.Via.Redacted()
	}
	if r.Kind == netenv.KindOK {
		a.up = true
		if timed {
			a.times = append(a.times, r.Total)
		}
	} else if !a.up && a.down == nil {
		a.down = r
	}
	return r
}

// measureOne asks one candidate everything, within MaxRequests.
func measureOne(ctx context.Context, e *checks.Env, m checks.Mirror, sumdb string, targets []target, queries []*Query) *Candidate {
	c := &Candidate{Mirror: m, Lacks: []Lack{}, Stale: []Stale{},
		Latest: make([]string, len(queries)), LatestErr: make([]string, len(queries))}
	c.URL = strings.TrimSuffix(c.URL, "/")
	entries := goenv.ParseProxyList(c.URL).Active()
	if len(entries) != 1 || !entries[0].IsHTTP() || entries[0].Err != nil {
		c.Reach = Reach{Stage: "url", Detail: "not the URL of a module proxy (want https://host/path)"}
		return c
	}
	a := &asker{e: e, base: strings.TrimSuffix(entries[0].URL, "/")}
	defer func() {
		c.Requests, c.Via = a.sent, a.via
		c.Answers = len(a.times)
		c.Median, c.P90 = percentile(a.times, 50), percentile(a.times, 90)
	}()

	// The first request says whether it answers at all, within
	// FirstAnswer: the checksum database's /supported, or the first
	// question about a module.
	first := "sumdb/" + sumdb + "/supported"
	if sumdb == "" {
		first = firstQuestion(targets, queries)
	}
	fctx, cancel := context.WithTimeout(ctx, FirstAnswer)
	r := a.get(fctx, first, limitSmall, true)
	cancel()
	c.Reach = reachOf(r, ctx.Err() == nil && fctx.Err() != nil)
	if !c.Reach.OK {
		return c
	}
	if sumdb != "" {
		c.SumDB, c.SumDBOK = sumdbAnswer(r, sumdb)
	}

	// Then the requirements and the queries, a few at a time.
	served := make([]bool, len(targets))
	lacks := make([]*Lack, len(targets))
	sem := make(chan struct{}, perCandidate)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			lacks[i] = askModule(ctx, a, t)
			served[i] = lacks[i] == nil
		}()
	}
	for i, q := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c.Latest[i], c.LatestErr[i] = askLatest(ctx, a, q.Path)
		}()
	}
	wg.Wait()
	for i, l := range lacks {
		if l != nil {
			c.Lacks = append(c.Lacks, *l)
		} else if served[i] {
			c.Served++
		}
	}
	// One zip: the first requirement it serves.
	if i := slices.Index(served, true); i >= 0 {
		c.Zip = askZip(ctx, a, targets[i])
	}
	return c
}

func firstQuestion(targets []target, queries []*Query) string {
	if len(targets) > 0 {
		esc, _ := module.EscapePath(targets[0].mod.Path)
		ev, _ := module.EscapeVersion(targets[0].mod.Version)
		return esc + "/@v/" + ev + ".info"
	}
	if len(queries) > 0 {
		esc, _ := module.EscapePath(queries[0].Path)
		return esc + "/@v/list"
	}
	return "sumdb/none/supported"
}

// reachOf says whether the first request got an answer, and where it
// failed otherwise; slow is true when FirstAnswer passed (and not the
// run's deadline).
func reachOf(r *netenv.Response, slow bool) Reach {
	if r == nil {
		return Reach{Stage: "HTTP", Detail: "no request could be sent"}
	}
	if r.Kind == netenv.KindOK {
		return Reach{OK: true, Status: r.StatusCode, Detail: r.Status}
	}
	detail := r.Describe()
	stage := "HTTP"
	switch r.Kind {
	case netenv.KindDNS:
		stage = "DNS"
	case netenv.KindRefused, netenv.KindUnreach, netenv.KindReset:
		stage = "TCP"
	case netenv.KindTLS:
		stage = "TLS"
	case netenv.KindProxy, netenv.KindProxyAns:
		stage = "HTTP proxy"
	case netenv.KindTimeout:
		stage = "timeout"
		detail = "no answer before the deadline"
		if slow {
			detail = fmt.Sprintf("no answer within %s", probe.Millis(FirstAnswer))
		}
	}
	return Reach{Stage: stage, Detail: checks.RedactString(detail)}
}

// sumdbAnswer reads the answer to /sumdb/<name>/supported as the go
// command does (cmd/go/internal/modfetch: dbClient.initBase).
func sumdbAnswer(r *netenv.Response, name string) (string, bool) {
	switch {
	case r.OK():
		return "proxied", true
	case r.NotExist():
		return "not proxied", true
	}
	return fmt.Sprintf("%s: the go command fails every lookup in %s", r.Describe(), name), false
}

// askModule asks for a requirement's .mod and .info as 'go mod
// download' does; nil when both are served.
func askModule(ctx context.Context, a *asker, t target) *Lack {
	esc, err := module.EscapePath(t.mod.Path)
	if err != nil {
		return &Lack{Module: t.String(), Answer: err.Error()}
	}
	ev, err := module.EscapeVersion(t.mod.Version)
	if err != nil {
		return &Lack{Module: t.String(), Answer: err.Error()}
	}
	for _, ext := range []string{".mod", ".info"} {
		limit := int64(limitSmall)
		if ext == ".mod" {
			limit = limitBig
		}
		r := a.get(ctx, esc+"/@v/"+ev+ext, limit, true)
		if r == nil {
			return &Lack{Module: t.String(), Answer: "not asked: the budget of requests is spent"}
		}
		if !r.OK() {
			return &Lack{Module: t.String(), Answer: answerOf(r)}
		}
		if ext == ".info" {
			if _, err := probe.InfoVersion(r, t.mod.Version); err != nil {
				return &Lack{Module: t.String(), Answer: checks.RedactString(err.Error())}
			}
		}
	}
	return nil
}

// answerOf is a failed answer in a few words.
func answerOf(r *netenv.Response) string {
	if r.Kind == netenv.KindOK && r.BodyErr == nil {
		return r.Status
	}
	return checks.RedactString(r.Describe())
}

// askLatest resolves path@latest as the go command does through one
// proxy: the highest release (else pre-release) of @v/list, else, when
// the list is empty, the answer of @latest.
func askLatest(ctx context.Context, a *asker, path string) (version, errText string) {
	esc, err := module.EscapePath(path)
	if err != nil {
		return "", err.Error()
	}
	r := a.get(ctx, esc+"/@v/list", limitBig, true)
	if r == nil {
		return "", "not asked: the budget of requests is spent"
	}
	if !r.OK() {
		// Not found (404, 410) too: the go command then moves on to the
		// next GOPROXY entry.
		return "", answerOf(r)
	}
	if v := probe.LatestFromList(r.Body); v != "" {
		return v, ""
	}
	r = a.get(ctx, esc+"/@latest", limitSmall, true)
	if r == nil {
		return "", "not asked: the budget of requests is spent"
	}
	if !r.OK() {
		return "", answerOf(r)
	}
	v, err := probe.InfoVersion(r, "")
	if err != nil {
		return "", checks.RedactString(err.Error())
	}
	return v, ""
}

// askZip downloads one zip, timing its first byte apart from the rest.
func askZip(ctx context.Context, a *asker, t target) *ZipTiming {
	z := &ZipTiming{Module: t.String()}
	esc, _ := module.EscapePath(t.mod.Path)
	ev, _ := module.EscapeVersion(t.mod.Version)
	r := a.get(ctx, esc+"/@v/"+ev+".zip", zipLimit, false)
	if r == nil {
		z.Err = "not asked: the budget of requests is spent"
		return z
	}
	z.TTFB, z.Transfer, z.Bytes = r.Latency, r.Total-r.Latency, len(r.Body)
	z.Truncated = r.Truncated
	if !r.OK() {
		z.Err = answerOf(r)
	}
	return z
}

// percentile is the p-th percentile (nearest rank) of ds; 0 for none.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	k := (p*len(s) + 99) / 100 // ceil(p/100 * n)
	return s[max(k, 1)-1]
}

// scrub removes every credential from what is shown (the fix keeps the
// value to apply apart, see checks.Fix.ApplyValue).
func scrub(e *checks.Env, res *Result) {
	clean := func(s *string) { *s = e.Scrub(checks.RedactString(*s)) }
	for _, c := range res.Candidates {
		clean(&c.URL)
		clean(&c.Reach.Detail)
		clean(&c.Why)
		clean(&c.Via)
		clean(&c.SumDB)
		for i := range c.Lacks {
			clean(&c.Lacks[i].Answer)
		}
		for i := range c.LatestErr {
			clean(&c.LatestErr[i])
		}
		for i := range c.Stale {
			clean(&c.Stale[i].From)
		}
		if c.Zip != nil {
			clean(&c.Zip.Err)
		}
	}
	for _, q := range res.Queries {
		clean(&q.OriginErr)
	}
	r := &res.Recommend
	if r.Mirror != nil {
		m := *r.Mirror
		clean(&m.URL)
		r.Mirror = &m
	}
	clean(&r.Value)
	clean(&r.Command)
	for i := range r.Notes {
		clean(&r.Notes[i])
	}
	for i := range r.Kept {
		clean(&r.Kept[i])
	}
	clean(&res.GOPROXY)
}
