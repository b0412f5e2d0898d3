package checks

import (
	"cmp"
	"slices"
	"sync"
)

// Facts are what a run observed, as data rather than sentences: what
// 'gomoddoctor diff' compares between two machines. The shared probing
// packages and the checks record them through Env.RecordFacts while they
// run; NewReport puts a sorted copy in the report. Every string in them
// has been scrubbed of credentials: only hosts, addresses, statuses,
// file paths and counts are recorded, never a body or a header.
type Facts struct {
	// Resolver is where the doctor sent its DNS queries.
	Resolver *ResolverFact `json:"resolver,omitempty"`
	// Hosts are the host names resolved, with the go command's answer.
	Hosts []HostFact `json:"hosts,omitempty"`
	// Proxy is every request of the GOPROXY chain walk, in order per
	// module: which entry answered what.
	Proxy []ProxyFact `json:"proxy,omitempty"`
	// TLS is the trusted roots and what each https server presented.
	TLS *TLSFact `json:"tls,omitempty"`
	// SumDB is the checksum database's route.
	SumDB *SumDBFact `json:"sumdb,omitempty"`
	// ModCache is the state of the module cache.
	ModCache *ModCacheFact `json:"modcache,omitempty"`
}

// ResolverFact is where DNS queries went.
type ResolverFact struct {
	Servers []string `json:"servers"`         // host:port
	From    string   `json:"from"`            // "--resolver" or the path of resolv.conf
	Error   string   `json:"error,omitempty"` // the configuration could not be read
}

// HostFact is what one host name resolved to with the go command's
// resolver.
type HostFact struct {
	Name  string   `json:"name"`
	Addrs []string `json:"addrs"`           // sorted
	Error string   `json:"error,omitempty"` // why it did not resolve
}

// ProxyFact is one request of the GOPROXY chain walk.
type ProxyFact struct {
	Entry  int    `json:"entry"`  // index in the GOPROXY list
	Proxy  string `json:"proxy"`  // the entry: a URL (redacted), "direct" or "off"
	Module string `json:"module"` // the module asked about
	Op     string `json:"op"`     // "@v/list", "<version>.info", "sumdb/<name>/supported"...
	// Outcome is ok, not-found (the list moves on after ','), error,
	// hang (no answer before the deadline) or invalid (accepted, then
	// rejected).
	Outcome string `json:"outcome"`
	Status  int    `json:"status,omitempty"` // the HTTP status, when one came
	Code    string `json:"code,omitempty"`   // its classification, PROXY_...
}

// Outcomes of a ProxyFact.
const (
	OutcomeOK       = "ok"
	OutcomeNotFound = "not-found"
	OutcomeError    = "error"
	OutcomeHang     = "hang"
	OutcomeInvalid  = "invalid"
)

// TLSFact is the trust of this machine and what servers presented.
type TLSFact struct {
	Roots   TLSRootsFact    `json:"roots"`
	Servers []TLSServerFact `json:"servers,omitempty"`
}

// TLSRootsFact describes the certificate authorities trusted.
type TLSRootsFact struct {
	System      bool     `json:"system"` // the platform verifies with its own store
	Count       int      `json:"count"`  // certificates loaded
	CertFile    string   `json:"cert_file,omitempty"`
	CertFileVar bool     `json:"cert_file_var,omitempty"` // SSL_CERT_FILE chose it
	Dirs        []string `json:"dirs,omitempty"`
	DirVar      bool     `json:"dir_var,omitempty"` // SSL_CERT_DIR chose them
	// Fingerprint is the SHA-256 of the sorted SHA-256 hashes of the
	// certificates loaded: equal on two machines that trust the same set.
	Fingerprint string   `json:"fingerprint,omitempty"`
	Problems    []string `json:"problems,omitempty"`
}

// TLSServerFact is what one https server presented.
type TLSServerFact struct {
	Target   string `json:"target"`           // host:port
	Issuer   string `json:"issuer,omitempty"` // of the leaf certificate
	Root     string `json:"root,omitempty"`   // the trusted root it chains to
	Verified bool   `json:"verified"`
	Problem  string `json:"problem,omitempty"` // why the go command would reject it
	Error    string `json:"error,omitempty"`   // the connection failed
}

// SumDBFact is how the go command reaches the checksum database.
type SumDBFact struct {
	Name     string `json:"name"`
	URL      string `json:"url,omitempty"` // "" when unavailable
	Direct   bool   `json:"direct"`        // at its own host, not through a proxy
	Explicit bool   `json:"explicit"`      // GOSUMDB names the URL
	Entry    int    `json:"entry"`         // the GOPROXY entry that serves it, or -1
	Error    string `json:"error,omitempty"`
}

// ModCacheFact is the state of the module cache.
type ModCacheFact struct {
	Dir      string `json:"dir"`
	Exists   bool   `json:"exists"`
	Versions int    `json:"versions"` // module versions the structural pass saw
	Zips     int    `json:"zips"`
	Problems int    `json:"problems"` // problems found, relevant or not
}

// factStore collects the facts of a run; probes record from several
// goroutines.
type factStore struct {
	mu sync.Mutex
	f  Facts
}

// RecordFacts lets f add to the facts of this run, under a lock. Record
// only data that holds no secret; strings are scrubbed again when the
// report is assembled.
func (e *Env) RecordFacts(f func(*Facts)) {
	if e == nil || e.facts == nil {
		return
	}
	e.facts.mu.Lock()
	defer e.facts.mu.Unlock()
	f(&e.facts.f)
}

// Facts returns a copy of the facts recorded so far, in a stable order
// and scrubbed; nil when none were.
func (e *Env) Facts() *Facts {
	if e == nil || e.facts == nil {
		return nil
	}
	e.facts.mu.Lock()
	f := e.facts.f
	f.Hosts = slices.Clone(f.Hosts)
	f.Proxy = slices.Clone(f.Proxy)
	if f.TLS != nil {
		t := *f.TLS
		t.Servers = slices.Clone(t.Servers)
		f.TLS = &t
	}
	e.facts.mu.Unlock()
	if f.Resolver == nil && f.Hosts == nil && f.Proxy == nil && f.TLS == nil && f.SumDB == nil && f.ModCache == nil {
		return nil
	}
	slices.SortFunc(f.Hosts, func(a, b HostFact) int { return cmp.Compare(a.Name, b.Name) })
	f.Hosts = slices.CompactFunc(f.Hosts, func(a, b HostFact) bool { return a.Name == b.Name })
	slices.SortStableFunc(f.Proxy, func(a, b ProxyFact) int {
		return cmp.Or(cmp.Compare(a.Module, b.Module), cmp.Compare(a.Op, b.Op), cmp.Compare(a.Entry, b.Entry))
	})
	for i := range f.Proxy {
		f.Proxy[i].Proxy = e.Scrub(f.Proxy[i].Proxy)
	}
	if f.TLS != nil {
		slices.SortFunc(f.TLS.Servers, func(a, b TLSServerFact) int { return cmp.Compare(a.Target, b.Target) })
		for i := range f.TLS.Servers {
			f.TLS.Servers[i].Error = e.Scrub(f.TLS.Servers[i].Error)
		}
	}
	if f.SumDB != nil {
		s := *f.SumDB
		s.URL, s.Error = e.Scrub(s.URL), e.Scrub(s.Error)
		f.SumDB = &s
	}
	for i := range f.Hosts {
		f.Hosts[i].Error = e.Scrub(f.Hosts[i].Error)
	}
	return &f
}
