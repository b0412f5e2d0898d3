// Package reportdiff compares two reports of 'gomoddoctor --json' (this
// machine and CI; two colleagues) for 'gomoddoctor diff': the Go version
// and toolchain, every setting with its source, the resolver and what
// each host resolved to, the GOPROXY chain's answers per entry, the TLS
// roots and issuers, the checksum database's route, the module cache and
// the checks' statuses. Differences that can explain why a check fails on
// one side and not on the other come first, the rest after.
package reportdiff

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// Diff is the comparison of two reports.
type Diff struct {
	SchemaVersion int         `json:"schema_version"`
	Tool          checks.Tool `json:"tool"`
	Kind          string      `json:"kind"` // "diff"
	A             Side        `json:"a"`
	B             Side        `json:"b"`
	// Differences are every difference found, those that explain
	// (Explains set) first, then the checks that differ, then the rest.
	Differences []Difference `json:"differences"`
}

// Side names one of the reports compared.
type Side struct {
	Name      string        `json:"name"` // the file it was read from
	Status    checks.Status `json:"status"`
	GoVersion string        `json:"go_version"`
	OS        string        `json:"os"`
	Arch      string        `json:"arch"`
	Failing   []string      `json:"failing"` // ids of the checks that fail or warn
}

// Areas of a difference.
const (
	AreaGo       = "go"
	AreaSetting  = "setting"
	AreaResolver = "resolver"
	AreaHost     = "host"
	AreaProxy    = "proxy"
	AreaTLS      = "tls"
	AreaSumDB    = "sumdb"
	AreaModCache = "modcache"
	AreaCheck    = "check"
	AreaFinding  = "finding"
)

// Tiers of a difference: what it is to the question "why does one side
// fail and the other not".
const (
	TierCause   = "cause"   // it decides a check whose status differs
	TierSymptom = "symptom" // a check's status or finding that differs
	TierOther   = "other"   // it differs but decides none of the checks that differ
)

// A Difference is one thing that is not the same on both sides. A and B
// are nil when the thing is absent on that side.
type Difference struct {
	Area string  `json:"area"`
	Key  string  `json:"key"`
	A    *string `json:"a"`
	B    *string `json:"b"`
	Tier string  `json:"tier"`
	// Explains is set for the differences of tier cause.
	Explains bool `json:"explains"`
	// Checks are the checks whose status differs that this difference
	// decides (tier cause), or the check it is about (tier symptom).
	Checks []string `json:"checks,omitempty"`
	// Why says in words why it is ranked where it is.
	Why string `json:"why,omitempty"`

	rank int // within its tier, lower first
	seq  int // the order found
}

// Parse reads a report written by 'gomoddoctor --json' (or by explain
// or run with --json).
func Parse(name string, data []byte) (*checks.Report, error) {
	var probe struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: not a gomoddoctor JSON report: %v", name, err)
	}
	if probe.SchemaVersion == nil {
		return nil, fmt.Errorf("%s: not a gomoddoctor JSON report: no schema_version", name)
	}
	if *probe.SchemaVersion != checks.SchemaVersion {
		return nil, fmt.Errorf("%s: report of schema version %d; this gomoddoctor reads version %d", name, *probe.SchemaVersion, checks.SchemaVersion)
	}
	var r checks.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &r, nil
}

// Compare compares report a (read from nameA) with b.
func Compare(nameA string, a *checks.Report, nameB string, b *checks.Report, tool checks.Tool) *Diff {
	d := &Diff{SchemaVersion: checks.SchemaVersion, Tool: tool, Kind: "diff", A: side(nameA, a), B: side(nameB, b), Differences: []Difference{}}
	c := &comparer{a: a, b: b, differing: differingChecks(a, b)}
	c.goInfo()
	c.settings()
	c.facts()
	c.checks()
	c.rankAll()
	if c.out != nil {
		d.Differences = c.out
	}
	return d
}

// Explaining returns the differences that explain.
func (d *Diff) Explaining() []Difference {
	var out []Difference
	for _, x := range d.Differences {
		if x.Explains {
			out = append(out, x)
		}
	}
	return out
}

func side(name string, r *checks.Report) Side {
	s := Side{Name: name, Status: r.Status, GoVersion: r.Go.Version, OS: r.Go.OS, Arch: r.Go.Arch, Failing: []string{}}
	for _, c := range r.Checks {
		if c.Status == checks.StatusFail || c.Status == checks.StatusWarn || c.Status == checks.StatusError {
			s.Failing = append(s.Failing, c.ID)
		}
	}
	return s
}

// differingChecks are the ids of the checks whose outcome differs: their
// status, one side at least failing, warning or in error; or, with the
// same bad status, the codes of their warnings and failures.
func differingChecks(a, b *checks.Report) map[string]bool {
	sa, sb := statuses(a), statuses(b)
	out := map[string]bool{}
	for id, x := range sa {
		y, ok := sb[id]
		switch {
		case !ok:
		case x != y && (bad(x) || bad(y)):
			out[id] = true
		case x == y && bad(x) && !sameCodes(codes(a, id), codes(b, id)):
			out[id] = true
		}
	}
	return out
}

func sameCodes(a, b map[string]*string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !eq(v, b[k]) {
			return false
		}
	}
	return true
}

func statuses(r *checks.Report) map[string]checks.Status {
	m := map[string]checks.Status{}
	for _, c := range r.Checks {
		m[c.ID] = c.Status
	}
	return m
}

func bad(s checks.Status) bool {
	return s == checks.StatusFail || s == checks.StatusWarn || s == checks.StatusError
}

type comparer struct {
	a, b      *checks.Report
	differing map[string]bool
	out       []Difference
}

// add records a difference about area/key when va and vb differ, with
// the checks it may decide and its rank among causes: 0 a setting someone
// made (or the Go version), 1 a default, 2 what a machine has (resolver,
// addresses, trusted roots), 3 what its servers answered. Within a rank,
// a difference a failing finding names comes first.
func (c *comparer) add(area, key string, va, vb *string, decides []string, rank int) {
	if eq(va, vb) {
		return
	}
	d := Difference{Area: area, Key: key, A: va, B: vb, Tier: TierOther, rank: 2*rank + 1, seq: len(c.out)}
	for _, id := range decides {
		if c.differing[id] {
			d.Checks = append(d.Checks, id)
		}
	}
	if len(d.Checks) > 0 {
		d.Tier, d.Explains = TierCause, true
		if len(d.Checks) == 1 {
			d.Why = fmt.Sprintf("it decides what the %s check finds, and that differs", d.Checks[0])
		} else {
			d.Why = fmt.Sprintf("it decides what the %s and %s checks find, and that differs", strings.Join(d.Checks[:len(d.Checks)-1], ", "), d.Checks[len(d.Checks)-1])
		}
		if c.named(key, va, vb) {
			// first among the differences of its kind
			d.rank--
			d.Why += "; a failing finding names it"
		}
	}
	c.out = append(c.out, d)
}

// named reports whether a warning or failure of a differing check names
// the key (or one of the values) as its subject or in its message.
func (c *comparer) named(key string, va, vb *string) bool {
	for _, r := range []*checks.Report{c.a, c.b} {
		for _, res := range r.Checks {
			if !c.differing[res.ID] {
				continue
			}
			for _, f := range res.Findings {
				if f.Severity == checks.SevInfo {
					continue
				}
				if f.Subject == key || strings.Contains(f.Message, key) {
					return true
				}
				for _, v := range []*string{va, vb} {
					if v != nil && len(*v) > 3 && (f.Subject == *v || strings.Contains(f.Subject, *v)) {
						return true
					}
				}
			}
		}
	}
	return false
}

func eq(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func str(s string) *string { return &s }

func (c *comparer) goInfo() {
	c.add(AreaGo, "version", str(c.a.Go.Version), str(c.b.Go.Version), []string{"module", "env", "modcache"}, 0)
	c.add(AreaGo, "platform", str(c.a.Go.OS+"/"+c.a.Go.Arch), str(c.b.Go.OS+"/"+c.b.Go.Arch), nil, 0)
	c.add(AreaGo, "goroot", str(c.a.Go.GOROOT), str(c.b.Go.GOROOT), nil, 0)
}

// settingChecks are the checks a setting decides. Paths that name where
// things are on a machine (GOENV, GOROOT) decide nothing by themselves:
// what they lead to is compared on its own.
var settingChecks = map[string][]string{
	"GOVERSION":           {"module", "env"},
	"GOTOOLCHAIN":         {"module", "env"},
	"GO111MODULE":         {"env", "module"},
	"GOFLAGS":             {"env", "module", "modcache"},
	"GOPROXY":             {"proxy", "env", "sumdb", "private", "dns", "tls"},
	"GOSUMDB":             {"sumdb", "env"},
	"GOPRIVATE":           {"private", "proxy", "sumdb", "env", "module"},
	"GONOPROXY":           {"private", "proxy", "env", "module"},
	"GONOSUMDB":           {"private", "sumdb", "env", "module"},
	"GOINSECURE":          {"proxy", "tls", "private", "env"},
	"GOVCS":               {"private", "module", "env"},
	"GOAUTH":              {"proxy", "private", "env"},
	"GOPATH":              {"modcache", "env"},
	"GOMODCACHE":          {"modcache", "env"},
	"GOWORK":              {"module"},
	"GOMOD":               {"module"},
	"HTTPS_PROXY":         netVars,
	"https_proxy":         netVars,
	"HTTP_PROXY":          netVars,
	"http_proxy":          netVars,
	"NO_PROXY":            netVars,
	"no_proxy":            netVars,
	"SSL_CERT_FILE":       {"tls", "proxy", "sumdb", "private"},
	"SSL_CERT_DIR":        {"tls", "proxy", "sumdb", "private"},
	"GIT_TERMINAL_PROMPT": {"private"},
}

var netVars = []string{"proxy", "tls", "dns", "sumdb", "private"}

// sourceRank puts a setting someone set (in the process environment or
// the GOENV file) before a default.
func sourceRank(v *checks.EnvVar) int {
	if v == nil {
		return 1
	}
	switch v.Source {
	case "environment", "goenv-file":
		return 0
	}
	return 1
}

func (c *comparer) settings() {
	ea, eb := envMap(c.a), envMap(c.b)
	var keys []string
	seen := map[string]bool{}
	for _, r := range []*checks.Report{c.a, c.b} {
		for _, v := range r.Environment {
			if !seen[v.Key] {
				seen[v.Key] = true
				keys = append(keys, v.Key)
			}
		}
	}
	proxied := false
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		proxied = proxied || ea[k] != nil || eb[k] != nil
	}
	for _, k := range keys {
		va, vb := ea[k], eb[k]
		rank := min(sourceRank(va), sourceRank(vb))
		decides := settingChecks[k]
		if (k == "NO_PROXY" || k == "no_proxy") && !proxied {
			decides = nil // without an HTTP proxy on either side it changes nothing
		}
		c.add(AreaSetting, k, setting(va), setting(vb), decides, rank)
	}
}

func envMap(r *checks.Report) map[string]*checks.EnvVar {
	m := map[string]*checks.EnvVar{}
	for i := range r.Environment {
		m[r.Environment[i].Key] = &r.Environment[i]
	}
	return m
}

// setting is a value with its source, as compared and shown.
func setting(v *checks.EnvVar) *string {
	if v == nil {
		return nil
	}
	val := v.Value
	if val == "" {
		val = `""`
	}
	return str(fmt.Sprintf("%s (%s)", val, sourceName(v.Source)))
}

func sourceName(s string) string {
	switch s {
	case "environment":
		return "process environment"
	case "goenv-file":
		return "GOENV file"
	case "goroot":
		return "toolchain default, $GOROOT/go.env"
	}
	return s
}

func (c *comparer) facts() {
	fa, fb := c.a.Facts, c.b.Facts
	if fa == nil {
		fa = &checks.Facts{}
	}
	if fb == nil {
		fb = &checks.Facts{}
	}
	resolver := func(r *checks.ResolverFact) *string {
		if r == nil {
			return nil
		}
		s := strings.Join(r.Servers, ", ") + " (from " + r.From + ")"
		if r.Error != "" {
			s += ": " + r.Error
		}
		return &s
	}
	c.add(AreaResolver, "nameservers", resolver(fa.Resolver), resolver(fb.Resolver), []string{"dns"}, 2)

	hosts := func(f *checks.Facts) map[string]*string {
		m := map[string]*string{}
		for _, h := range f.Hosts {
			if h.Error != "" {
				m[h.Name] = str("error: " + h.Error)
			} else {
				m[h.Name] = str(strings.Join(h.Addrs, ", "))
			}
		}
		return m
	}
	c.keyed(AreaHost, hosts(fa), hosts(fb), []string{"dns", "proxy", "tls", "sumdb", "private"}, 2)

	proxy := func(f *checks.Facts) map[string]*string {
		m := map[string]*string{}
		for _, p := range f.Proxy {
			k := fmt.Sprintf("%s %s, GOPROXY entry %d", p.Module, p.Op, p.Entry)
			v := p.Proxy + ": " + p.Outcome
			if p.Status != 0 {
				v += fmt.Sprintf(" (%d)", p.Status)
			}
			if p.Code != "" {
				v += " " + p.Code
			}
			m[k] = &v
		}
		return m
	}
	c.keyed(AreaProxy, proxy(fa), proxy(fb), []string{"proxy", "sumdb", "private", "module"}, 3)

	roots := func(t *checks.TLSFact) *string {
		if t == nil {
			return nil
		}
		r := t.Roots
		if r.System {
			return str("the system's store")
		}
		s := fmt.Sprintf("%d certificates", r.Count)
		if r.CertFile != "" {
			s += " from " + r.CertFile
			if r.CertFileVar {
				s += " (SSL_CERT_FILE)"
			}
		}
		if r.Fingerprint != "" {
			s += ", set " + r.Fingerprint[:min(12, len(r.Fingerprint))]
		}
		if len(r.Problems) > 0 {
			s += "; " + strings.Join(r.Problems, "; ")
		}
		return &s
	}
	c.add(AreaTLS, "trusted roots", roots(fa.TLS), roots(fb.TLS), []string{"tls", "proxy", "sumdb", "private"}, 2)
	servers := func(t *checks.TLSFact) map[string]*string {
		m := map[string]*string{}
		if t == nil {
			return m
		}
		for _, s := range t.Servers {
			v := "issuer " + s.Issuer
			switch {
			case s.Error != "":
				v = "error: " + s.Error
			case s.Verified:
				v += ", verified"
			default:
				v += ", rejected: " + s.Problem
			}
			m[s.Target] = &v
		}
		return m
	}
	c.keyed(AreaTLS, servers(fa.TLS), servers(fb.TLS), []string{"tls", "proxy", "sumdb", "private"}, 3)

	sumdb := func(s *checks.SumDBFact) *string {
		if s == nil {
			return nil
		}
		v := s.Name + " at " + s.URL
		switch {
		case s.Error != "":
			v = s.Name + " unavailable: " + s.Error
		case s.Explicit:
			v += " (GOSUMDB's URL)"
		case s.Direct:
			v += " (directly)"
		default:
			v += fmt.Sprintf(" (through GOPROXY entry %d)", s.Entry)
		}
		return &v
	}
	c.add(AreaSumDB, "route", sumdb(fa.SumDB), sumdb(fb.SumDB), []string{"sumdb", "module"}, 3)

	cache := func(m *checks.ModCacheFact) *string {
		if m == nil {
			return nil
		}
		if !m.Exists {
			return str("absent")
		}
		return str(fmt.Sprintf("%d module versions, %d zips, %d problems", m.Versions, m.Zips, m.Problems))
	}
	c.add(AreaModCache, "state", cache(fa.ModCache), cache(fb.ModCache), []string{"modcache"}, 3)
}

// keyed compares two maps key by key, in sorted order.
func (c *comparer) keyed(area string, a, b map[string]*string, decides []string, rank int) {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		c.add(area, k, a[k], b[k], decides, rank)
	}
}

// checks compares the checks' statuses and, for those that differ, the
// codes of their warnings and failures.
func (c *comparer) checks() {
	sa, sb := statuses(c.a), statuses(c.b)
	var ids []string
	for _, r := range []*checks.Report{c.a, c.b} {
		for _, res := range r.Checks {
			if !slices.Contains(ids, res.ID) {
				ids = append(ids, res.ID)
			}
		}
	}
	for _, id := range ids {
		var va, vb *string
		if s, ok := sa[id]; ok {
			va = str(string(s))
		}
		if s, ok := sb[id]; ok {
			vb = str(string(s))
		}
		if !eq(va, vb) {
			d := Difference{Area: AreaCheck, Key: id, A: va, B: vb, Tier: TierOther, seq: len(c.out)}
			if c.differing[id] {
				d.Tier, d.Checks = TierSymptom, []string{id}
			}
			c.out = append(c.out, d)
		}
		if !c.differing[id] {
			continue
		}
		ca, cb := codes(c.a, id), codes(c.b, id)
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range ca {
				if !yield(k) {
					return
				}
			}
			for k := range cb {
				if _, ok := ca[k]; !ok && !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			if eq(ca[k], cb[k]) {
				continue
			}
			c.out = append(c.out, Difference{Area: AreaFinding, Key: k, A: ca[k], B: cb[k], Tier: TierSymptom, Checks: []string{id}, seq: len(c.out)})
		}
	}
}

// codes maps "CODE subject" to the severity, for a check's warnings and
// failures.
func codes(r *checks.Report, id string) map[string]*string {
	m := map[string]*string{}
	for _, res := range r.Checks {
		if res.ID != id {
			continue
		}
		for _, f := range res.Findings {
			if f.Severity == checks.SevInfo {
				continue
			}
			m[f.Code+" "+f.Subject] = str(string(f.Severity))
		}
	}
	return m
}

func tierRank(t string) int {
	switch t {
	case TierCause:
		return 0
	case TierSymptom:
		return 1
	}
	return 2
}

// rankAll orders causes first (by rank, then as found), symptoms next,
// the rest last.
func (c *comparer) rankAll() {
	slices.SortStableFunc(c.out, func(x, y Difference) int {
		return cmp.Or(cmp.Compare(tierRank(x.Tier), tierRank(y.Tier)), cmp.Compare(x.rank, y.rank), cmp.Compare(x.seq, y.seq))
	})
}
