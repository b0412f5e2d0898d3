// Package probe is what several checks ask of the network and of the
// module cache, each asked once per run and shared: the go command's view
// of where modules come from and how it fetches them.
//
//   - ScopeOf: what the go command would contact, without a probe: the
//     GOPROXY entries it uses, the checksum database in force, the probe
//     modules (never private ones) and the private modules.
//   - SumDB: how the go command reaches the checksum database (the
//     <proxy>/sumdb/<name>/supported rule), probed once.
//   - Chains and WalkModule: the GOPROXY walk of the probe modules, with
//     ',' and '|' semantics (chain.go), probed once.
//   - Endpoints and ForEachEndpoint: every server in scope once those
//     probes answered, with the HTTP proxy in force for each and whether
//     the go command needs it.
//   - Get, Fetch, Lookup, Reach: a GET, a name resolution, a TCP
//     connection, each done once per run and shared.
//   - Origin: a module's origin server and repository as a direct fetch
//     would reach them (go-import meta tags, git ls-remote).
//   - MeasureMirrors: candidate module proxies, measured side by side.
//   - evidence.go: how a step, a chain or an entry is described in a
//     finding, the same way in every check.
//
// The state of a run lives in the run's snapshot (checks.Shared), never
// in package variables. Everything honours the run's context; a check
// that waits for a shared probe stops waiting when its context ends
// (netenv.Memo).
package probe

import (
	"context"
	"net/url"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/checks/vcs"
)

// netState holds what the network checks (dns, proxy, tls, and later
// sumdb and private) share within one run: the network seam and the
// results of probes that more than one check needs, each computed once.
type netState struct {
	scopeOnce sync.Once
	scope     *Scope

	gets    netenv.Memo[string, *netenv.Response] // GET by URL
	names   netenv.Memo[string, *NameReport]      // DNS results by host name
	reaches netenv.Memo[string, error]            // TCP reachability by address
	sumdb   netenv.Memo[string, *SumDBRoute]
	chains  netenv.Memo[string, *ChainReport]
	zips    netenv.Memo[string, []*ServedZip]
	// The private check's git runs: configuration by tool, ls-remote by
	// repository.
	gitcfg   netenv.Memo[string, vcs.GitConfig]
	lsremote netenv.Memo[string, LsResult]
}

type netStateKey struct{}

// state returns this run's netState.
func state(e *checks.Env) *netState {
	return checks.Shared(e, netStateKey{}, func() *netState { return &netState{} })
}

// Get fetches u once per run: every check asking for the same URL
// shares the response. ok is false when ctx ended first.
func Get(ctx context.Context, e *checks.Env, u *url.URL, limit int64) (*netenv.Response, bool) {
	return state(e).gets.Do(ctx, u.String(), func() *netenv.Response { return e.Net().Get(ctx, u, limit) })
}

// Reach tells, once per run and address, whether a TCP connection to
// host:port opens: nil when it does, the reason otherwise (ctx's error
// when ctx ended before the answer).
func Reach(ctx context.Context, e *checks.Env, hostport string) error {
	err, ok := state(e).reaches.Do(ctx, hostport, func() error {
		_, err := e.Net().Reach(ctx, hostport)
		return err
	})
	if !ok {
		return ctx.Err()
	}
	return err
}

// Start sets off, in the background, the shared probes that decide
// the scope (the checksum database's route and the proxy chains), so
// that they run while a check does its own work. The checks that need
// their results wait for them through the memo.
func Start(ctx context.Context, e *checks.Env) {
	go SumDB(ctx, e)
	go Chains(ctx, e)
}
