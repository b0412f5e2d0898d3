package tls

import (
	"slices"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
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
		sf.Issuer = probe.CommonName(hs.Chain[0].Issuer.String())
	}
	if sf.Verified {
		sf.Root = rootName(roots, hs)
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
