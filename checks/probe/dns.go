package probe

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// A NameReport is everything learnt about one host name.
type NameReport struct {
	Name     string
	NS       netenv.Nameservers
	Answers  []netenv.Answer // per nameserver, A then AAAA
	GoAddrs  []net.IP
	GoErr    error
	GoRTT    time.Duration
	Complete bool // false when the deadline cut the lookups short
}

// Lookup resolves name once per run: directly at every nameserver, and
// with the go command's resolver.
func Lookup(ctx context.Context, e *checks.Env, name string) *NameReport {
	rep, ok := state(e).names.Do(ctx, name, func() *NameReport {
		n := e.Net()
		r := &NameReport{Name: name, NS: n.Nameservers(), Complete: true}
		r.Answers = make([]netenv.Answer, 2*len(r.NS.Servers))
		var wg sync.WaitGroup
		for i, srv := range r.NS.Servers {
			for j, qt := range []uint16{netenv.TypeA, netenv.TypeAAAA} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r.Answers[2*i+j] = n.Exchange(ctx, srv, name, qt)
				}()
			}
		}
		start := time.Now()
		addrs, err := n.GoResolver().LookupIPAddr(ctx, name)
		r.GoRTT = time.Since(start)
		err = n.FixDNSError(err)
		for _, a := range addrs {
			r.GoAddrs = append(r.GoAddrs, a.IP)
		}
		r.GoErr = err
		wg.Wait()
		r.Complete = ctx.Err() == nil
		recordName(e, r)
		return r
	})
	if !ok {
		return &NameReport{Name: name, GoErr: ctx.Err()}
	}
	return rep
}

// Millis renders a duration in milliseconds, or seconds above 10s.
func Millis(d time.Duration) string {
	if d >= 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}

// recordName adds what the go command's resolver answered, and where the
// queries went, to the run's facts.
func recordName(e *checks.Env, r *NameReport) {
	h := checks.HostFact{Name: r.Name, Addrs: []string{}}
	for _, ip := range r.GoAddrs {
		h.Addrs = append(h.Addrs, ip.String())
	}
	slices.Sort(h.Addrs)
	if r.GoErr != nil {
		h.Error = r.GoErr.Error()
	}
	e.RecordFacts(func(f *checks.Facts) {
		f.Hosts = append(f.Hosts, h)
		if f.Resolver == nil {
			rf := &checks.ResolverFact{Servers: slices.Clone(r.NS.Servers), From: r.NS.From}
			if rf.Servers == nil {
				rf.Servers = []string{}
			}
			if r.NS.Err != nil {
				rf.Error = r.NS.Err.Error()
			}
			f.Resolver = rf
		}
	})
}
