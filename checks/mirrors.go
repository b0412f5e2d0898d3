package checks

import (
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// Origins of a candidate mirror.
const (
	MirrorToolchain = "toolchain default" // GOPROXY in $GOROOT/go.env
	MirrorFlag      = "--mirror"          // named by the user
	MirrorPublic    = "public mirror"     // PublicMirrors
)

// A Mirror is a candidate module proxy.
type Mirror struct {
	URL    string
	Origin string // MirrorToolchain, MirrorFlag or MirrorPublic
}

// PublicMirrors are well-known public module mirrors run by third
// parties, measured as candidates along with the toolchain's default.
// This is the one place they are named. Since a third party sees which
// public modules are fetched through it, --fix switches to one only
// with the user's decision (the fix is not Auto).
var PublicMirrors = []string{
	"https://goproxy.io",
	"https://goproxy.cn",
}

// DefaultMirrors are the candidates when the user names none: the
// module proxies of the toolchain's default GOPROXY (read from
// $GOROOT/go.env, never written in this code), then PublicMirrors.
func DefaultMirrors(g *goenv.Env) []Mirror {
	var out []Mirror
	add := func(u, origin string) {
		u = strings.TrimSuffix(u, "/")
		if !slices.ContainsFunc(out, func(m Mirror) bool { return m.URL == u }) {
			out = append(out, Mirror{URL: u, Origin: origin})
		}
	}
	if v := g.Var("GOPROXY"); v.InGOROOT {
		for _, en := range goenv.ParseProxyList(v.GOROOTValue).Active() {
			if en.IsHTTP() && en.Err == nil {
				add(en.URL, MirrorToolchain)
			}
		}
	}
	for _, u := range PublicMirrors {
		add(u, MirrorPublic)
	}
	return out
}

// mirrorBudget bounds the measurement: a candidate that has not served
// every probe module by then is too slow to recommend. The run's
// deadline bounds it too.
