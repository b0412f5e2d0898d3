package netenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// DefaultResolvConf is where the system's resolvers are configured.
const DefaultResolvConf = "/etc/resolv.conf"

// Nameservers are the DNS servers the doctor queries directly.
type Nameservers struct {
	Servers []string // host:port
	// From says where they come from: "--resolver" or the path of
	// resolv.conf.
	From string
	// Err is set when the configuration cannot be read.
	Err error
}

// Nameservers returns the resolver given with --resolver, or the
// nameservers of resolv.conf, read once.
func (n *Net) Nameservers() Nameservers {
	n.nsOnce.Do(func() { n.ns = n.readNameservers() })
	ns := n.ns
	ns.Servers = slices.Clone(ns.Servers)
	return ns
}

func (n *Net) readNameservers() Nameservers {
	if n.cfg.Resolver != "" {
		return Nameservers{Servers: n.resolverAddrs(), From: "--resolver"}
	}
	path := n.cfg.ResolvConf
	if path == "" {
		path = DefaultResolvConf
	}
	ns := Nameservers{From: path}
	cc, err := dns.ClientConfigFromFile(path)
	if err != nil {
		ns.Err = err
		return ns
	}
	port := cc.Port
	if port == "" {
		port = "53"
	}
	for _, s := range cc.Servers {
		ns.Servers = append(ns.Servers, net.JoinHostPort(s, port))
	}
	return ns
}

// CustomResolver reports whether --resolver replaces the system's.
func (n *Net) CustomResolver() bool { return n.cfg.Resolver != "" }

// resolverAddrs are the addresses of --resolver, with their ports.
func (n *Net) resolverAddrs() []string {
	var out []string
	for _, a := range strings.Split(n.cfg.Resolver, ",") {
		if a = strings.TrimSpace(a); a != "" {
			h, p := SplitHostPort(a, "53")
			out = append(out, net.JoinHostPort(h, p))
		}
	}
	return out
}

// GoResolver is the resolver the go command uses: the system's, or Go's
// own resolver sending every query to the first --resolver.
func (n *Net) GoResolver() *net.Resolver {
	if n.cfg.GoResolver != nil {
		return n.cfg.GoResolver
	}
	addrs := n.resolverAddrs()
	if len(addrs) == 0 {
		return net.DefaultResolver
	}
	addr := addrs[0]
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
}

// An Answer is one resolver's reply to one query.
type Answer struct {
	Server string
	Qtype  uint16
	Rcode  int // dns.RcodeSuccess, dns.RcodeNameError, ...; -1 without a reply
	Addrs  []net.IP
	RTT    time.Duration
	Err    error // no reply: timeout, refused, garbage
}

// Timeout reports whether the query went unanswered until its deadline.
func (a Answer) Timeout() bool {
	var ne net.Error
	return a.Err != nil && (errors.Is(a.Err, context.DeadlineExceeded) || errors.As(a.Err, &ne) && ne.Timeout())
}

// Exchange asks server for the qtype records of name, over UDP and, when
// the answer is truncated, over TCP. Replies are size-limited by the
// protocol; the context bounds the wait.
func (n *Net) Exchange(ctx context.Context, server, name string, qtype uint16) Answer {
	a := Answer{Server: server, Qtype: qtype, Rcode: -1}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	m.SetEdns0(1232, false)
	start := time.Now()
	c := &dns.Client{Net: "udp", Timeout: 30 * time.Second}
	r, _, err := c.ExchangeContext(ctx, m, server)
	if err == nil && r.Truncated {
		c.Net = "tcp"
		r, _, err = c.ExchangeContext(ctx, m, server)
	}
	a.RTT = time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("no answer: %w", ctx.Err())
		}
		a.Err = err
		return a
	}
	a.Rcode = r.Rcode
	for _, rr := range r.Answer {
		switch rr := rr.(type) {
		case *dns.A:
			a.Addrs = append(a.Addrs, rr.A)
		case *dns.AAAA:
			a.Addrs = append(a.Addrs, rr.AAAA)
		}
	}
	return a
}

// RcodeName names a response code, or says there was no reply.
func RcodeName(rcode int) string {
	if rcode < 0 {
		return "no reply"
	}
	if s, ok := dns.RcodeToString[rcode]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rcode)
}

// QtypeName names a query type (A, AAAA).
func QtypeName(t uint16) string { return dns.TypeToString[t] }

// Query types, re-exported so that checks need not import the DNS
// library.
const (
	TypeA    = dns.TypeA
	TypeAAAA = dns.TypeAAAA

	RcodeSuccess  = dns.RcodeSuccess
	RcodeNXDomain = dns.RcodeNameError
	RcodeServFail = dns.RcodeServerFailure
	RcodeRefused  = dns.RcodeRefused
)
