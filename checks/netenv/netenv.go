// Package netenv is the network as the go command experiences it, built
// from a snapshot of the environment rather than from the doctor's own
// process: the HTTP(S) proxy in force for each URL (net/http's rules,
// loopback never proxied), the credentials the go command attaches (user
// info in the URL, ~/.netrc under GOAUTH=netrc), the TLS roots (the system
// pool, SSL_CERT_FILE, SSL_CERT_DIR, as crypto/x509 loads them), name
// resolution (the system's resolver, or one resolver for everything) and
// the clock.
//
// A Net is built once per run from a Config and is safe for concurrent
// use. Its probes (Get, Handshake, Exchange, Reach) honour their context,
// read bounded amounts, and describe every failure as data (a Kind plus
// evidence) so that checks can classify it without parsing error text.
// Memo shares the result of an expensive probe between checks.
package netenv

import (
	"context"
	"net"
	"strings"
	"sync"
	"time"
)

// Config is what a Net is built from. Only Getenv is required.
type Config struct {
	// Getenv returns a variable of the process environment the go
	// command runs with (never the doctor's own, which tests replace).
	Getenv func(key string) (string, bool)
	// GOAUTH is the effective GOAUTH; "" means the go command's default,
	// "netrc".
	GOAUTH string
	// Resolver, when set, replaces the system's nameservers: a
	// comma-separated list of "host" or "host:port" (port 53 by
	// default). Each is queried directly; the first also serves Go's
	// resolver, so that every lookup of the run goes there.
	Resolver string
	// ResolvConf is the resolver configuration read when Resolver is
	// empty; "" means /etc/resolv.conf.
	ResolvConf string
	// GoResolver, when set, replaces the go command's resolver (tests
	// use it with a ResolvConf of their own).
	GoResolver *net.Resolver
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// IsPublicName reports whether a host name belongs to the public
	// DNS (so that a private answer for it is suspicious); nil means
	// IsPublicName.
	IsPublicName func(host string) bool
	// HasIPv6 reports whether this machine can reach IPv6 hosts; nil
	// means HostHasIPv6.
	HasIPv6 func() bool
	// AddSecret registers a credential found on the way (a .netrc
	// password) so that it is scrubbed from every output; may be nil.
	AddSecret func(string)
}

// Net is the network seam of one run.
type Net struct {
	cfg Config

	proxyOnce sync.Once
	proxy     *ProxyEnv

	netrcOnce sync.Once
	netrc     *Netrc

	roots *rootsLoad // shared with the Nets Derive makes

	transportOnce sync.Once
	transport     *transportSet

	ipv6Once sync.Once
	ipv6     bool

	nsOnce sync.Once
	ns     Nameservers

	handshakes Memo[string, *TLSResult]
}

// New returns the network described by c.
func New(c Config) *Net {
	if c.Getenv == nil {
		c.Getenv = func(string) (string, bool) { return "", false }
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.IsPublicName == nil {
		c.IsPublicName = IsPublicName
	}
	if c.HasIPv6 == nil {
		c.HasIPv6 = HostHasIPv6
	}
	if c.AddSecret == nil {
		c.AddSecret = func(string) {}
	}
	return &Net{cfg: c, roots: &rootsLoad{}}
}

// Derive returns the network described by c (the environment of a
// setting the advisor tries), sharing what n loaded that c does not
// change: the root certificates, when SSL_CERT_FILE and SSL_CERT_DIR
// are the same. Loading them again would cost each trial what it costs
// the run.
func (n *Net) Derive(c Config) *Net {
	d := New(c)
	if d.Getenv("SSL_CERT_FILE") == n.Getenv("SSL_CERT_FILE") && d.Getenv("SSL_CERT_DIR") == n.Getenv("SSL_CERT_DIR") {
		d.roots = n.roots
	}
	return d
}

// Now is the run's clock.
func (n *Net) Now() time.Time { return n.cfg.Now() }

// Getenv reads the environment the go command runs with.
func (n *Net) Getenv(key string) string {
	v, _ := n.cfg.Getenv(key)
	return v
}

// IsPublicName reports whether host is a name of the public DNS.
func (n *Net) IsPublicName(host string) bool { return n.cfg.IsPublicName(host) }

// HasIPv6 reports whether this machine has an IPv6 route to the world.
func (n *Net) HasIPv6() bool {
	n.ipv6Once.Do(func() { n.ipv6 = n.cfg.HasIPv6() })
	return n.ipv6
}

// Dialer returns the dialer the go command's transport would use: Go's
// defaults, resolving names with GoResolver.
func (n *Net) Dialer() *net.Dialer {
	return &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Resolver: n.GoResolver()}
}

// Reach opens (and closes) a TCP connection to host:port, resolving the
// name as the go command would: it tells whether a host is reachable
// without saying anything to it.
func (n *Net) Reach(ctx context.Context, hostport string) (time.Duration, error) {
	start := time.Now()
	c, err := n.Dialer().DialContext(ctx, "tcp", hostport)
	if err != nil {
		return time.Since(start), err
	}
	c.Close()
	return time.Since(start), nil
}

// specialUseTLDs are top-level names that never exist in the public DNS
// (RFC 2606, 6761, 6762, 8375, ICANN's .internal) or are commonly used
// only inside organisations.
var specialUseTLDs = map[string]bool{
	"test": true, "example": true, "invalid": true, "localhost": true, "local": true,
	"internal": true, "arpa": true, "lan": true, "corp": true, "home": true,
	"intranet": true, "private": true, "localdomain": true,
}

// IsPublicName reports whether host looks like a name of the public DNS:
// not an IP address, at least two labels, and not under a special-use or
// customary private top-level domain.
func IsPublicName(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" || net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return false
	}
	tld := host[strings.LastIndexByte(host, '.')+1:]
	return !specialUseTLDs[tld]
}

// HostHasIPv6 reports whether an interface of this machine has a global
// unicast IPv6 address (unique local addresses do not reach the public
// internet).
func HostHasIPv6() bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.To4() != nil {
			continue
		}
		if ipn.IP.IsGlobalUnicast() && !ipn.IP.IsPrivate() {
			return true
		}
	}
	return false
}

// SplitHostPort splits an address that may lack a port, returning def
// as the port then.
func SplitHostPort(addr, def string) (host, port string) {
	if h, p, err := net.SplitHostPort(addr); err == nil {
		return h, p
	}
	return strings.Trim(addr, "[]"), def
}

// Config returns the configuration the seam was built with.
func (n *Net) Config() Config { return n.cfg }
