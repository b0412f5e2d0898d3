package checks

// The network layer shared by the network checks (dns, proxy, tls) and
// those that build on them (sumdb, private):
//
//   - Env.Net: the network seam (checks/netenv): the HTTP proxy for a URL,
//     .netrc credentials, TLS roots, resolvers, the clock, and probes that
//     classify their failures (Get, Handshake, Exchange, Reach).
//   - Env.Scope: what the go command would contact, without a probe: the
//     GOPROXY entries it uses, the checksum database in force, the probe
//     modules (never private ones) and the private modules.
//   - Env.SumDBRoute: how the go command reaches the checksum database
//     (the <proxy>/sumdb/<name>/supported rule), probed once.
//   - Env.Chains: the GOPROXY walk of every probe module, with ',' and
//     '|' semantics, probed once.
//   - Env.Endpoints: every server in scope once those probes answered,
//     with the HTTP proxy in force for each and whether the go command
//     needs it.
//   - Env.get, Env.lookup, Env.reach: a GET, a name resolution, a TCP
//     connection, each done once per run and shared.
//
// Everything honours the run's context; a check that waits for a shared
// probe stops waiting when its context ends (netenv.Memo).

import (
	"context"
	"net/url"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/checks/vcs"
)

// netState holds what the network checks (dns, proxy, tls, and later
// sumdb and private) share within one run: the network seam and the
// results of probes that more than one check needs, each computed once.
type netState struct {
	once sync.Once
	net  *netenv.Net

	scopeOnce sync.Once
	scope     *Scope

	gets    netenv.Memo[string, *netenv.Response] // GET by URL
	names   netenv.Memo[string, *nameReport]      // DNS results by host name
	reaches netenv.Memo[string, error]            // TCP reachability by address
	sumdb   netenv.Memo[string, *SumDBRoute]
	chains  netenv.Memo[string, *ChainReport]
	// The private check's git runs: configuration by tool, ls-remote by
	// repository.
	gitcfg   netenv.Memo[string, vcs.GitConfig]
	lsremote netenv.Memo[string, lsResult]
}

// NetConfig is the configuration of the network seam this snapshot
// implies: the go command's process environment, its GOAUTH, the
// --resolver choice, the clock, and the secret registry. Tests adjust it
// and install the result with Network.
func (e *Env) NetConfig() netenv.Config {
	return netenv.Config{
		Getenv:    e.Go.Getenv,
		GOAUTH:    e.Go.Get("GOAUTH"),
		Resolver:  e.Options.Resolver,
		Now:       e.Now,
		AddSecret: e.AddSecret,
	}
}

// Net returns the network seam: Network if set, else one built from
// NetConfig on first use.
func (e *Env) Net() *netenv.Net {
	e.net.once.Do(func() {
		e.net.net = e.Network
		if e.net.net == nil {
			e.net.net = netenv.New(e.NetConfig())
		}
	})
	return e.net.net
}

// get fetches u once per run: every check asking for the same URL
// shares the response. ok is false when ctx ended first.
func (e *Env) get(ctx context.Context, u *url.URL, limit int64) (*netenv.Response, bool) {
	return e.net.gets.Do(ctx, u.String(), func() *netenv.Response { return e.Net().Get(ctx, u, limit) })
}

// reach tells, once per run and address, whether a TCP connection to
// host:port opens: nil when it does, the reason otherwise (ctx's error
// when ctx ended before the answer).
func (e *Env) reach(ctx context.Context, hostport string) error {
	err, ok := e.net.reaches.Do(ctx, hostport, func() error {
		_, err := e.Net().Reach(ctx, hostport)
		return err
	})
	if !ok {
		return ctx.Err()
	}
	return err
}

// startProbes sets off, in the background, the shared probes that decide
// the scope (the checksum database's route and the proxy chains), so
// that they run while a check does its own work. The checks that need
// their results wait for them through the memo.
func (e *Env) startProbes(ctx context.Context) {
	go e.SumDBRoute(ctx)
	go e.Chains(ctx)
}
