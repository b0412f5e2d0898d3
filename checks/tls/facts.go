package tls

import (
	"crypto/x509/pkix"
	"slices"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// recordRoots adds the trusted roots to the run's facts.
func recordRoots(env *checks.Env, r *netenv.Roots) {
	rf := checks.TLSRootsFact{
		System: r.System, Count: r.Count, CertFile: r.CertFile, CertFileVar: r.CertFileVar,
		Dirs: slices.Clone(r.Dirs), DirVar: r.DirVar, Fingerprint: r.Fingerprint(),
		Problems: slices.Clone(r.Problems),
	}
	env.RecordFacts(func(f *checks.Facts) {
		if f.TLS == nil {
			f.TLS = &checks.TLSFact{}
		}
		f.TLS.Roots = rf
	})
}

// recordServer adds what one server presented to the run's facts.
func recordServer(env *checks.Env, roots *netenv.Roots, hs *netenv.TLSResult) {
	sf := checks.TLSServerFact{Target: hs.Target, Verified: len(hs.Verified) > 0, Problem: string(hs.Problem)}
	if len(hs.Chain) > 0 {
		sf.Issuer = nameOf(hs.Chain[0].Issuer)
	}
	if sf.Verified {
		ch := hs.Verified[0]
		root := ch[len(ch)-1]
		sf.Root = nameOf(root.Subject)
		if f := roots.Origin(root); f != "" {
			sf.Root += " from " + f
		}
	}
	if hs.Kind != netenv.KindOK && hs.Err != nil {
		sf.Error = hs.Err.Error()
	}
	env.RecordFacts(func(f *checks.Facts) {
		if f.TLS == nil {
			f.TLS = &checks.TLSFact{}
		}
		f.TLS.Servers = append(f.TLS.Servers, sf)
	})
}

// nameOf is a certificate name as a fact: its common name, or the whole
// name when it has none.
func nameOf(n pkix.Name) string {
	if n.CommonName != "" {
		return n.CommonName
	}
	return n.String()
}
