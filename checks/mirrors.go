package checks

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// Origins of a candidate mirror (a list given in an environment
// variable is named "$" and the variable's name).
const (
	MirrorToolchain = "toolchain default" // GOPROXY in $GOROOT/go.env
	MirrorFlag      = "--mirror"          // named by the user
	MirrorPublic    = "public mirror"     // PublicMirrors
	MirrorGOPROXY   = "GOPROXY"           // an entry of the GOPROXY in force
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

// CandidateMirrors are the candidates named by the user or the
// defaults: the URLs of flags (origin MirrorFlag), then, when replace is
// empty, DefaultMirrors; when replace is "none", nothing more; otherwise
// the comma-separated URLs of replace (origin "$"+replaceVar) instead
// of the defaults. URLs that are not http(s) URLs with a host are left
// out; duplicates (after a trailing slash) are named once.
func CandidateMirrors(g *goenv.Env, flags []string, replace, replaceVar string) []Mirror {
	var out []Mirror
	add := func(m Mirror) {
		m.URL = strings.TrimSuffix(m.URL, "/")
		if !slices.ContainsFunc(out, func(x Mirror) bool { return x.URL == m.URL }) {
			out = append(out, m)
		}
	}
	for _, u := range flags {
		add(Mirror{URL: u, Origin: MirrorFlag})
	}
	switch v := strings.TrimSpace(replace); v {
	case "":
		for _, m := range DefaultMirrors(g) {
			add(m)
		}
	case "none":
	default:
		for _, u := range strings.Split(v, ",") {
			if u = strings.TrimSpace(u); CheckMirrorURL(u) == nil {
				add(Mirror{URL: u, Origin: "$" + replaceVar})
			}
		}
	}
	return out
}

// CheckMirrorURL accepts the http(s) URL of a module proxy.
func CheckMirrorURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return errors.New("want the URL of a module proxy, such as https://goproxy.corp.example")
	}
	return nil
}
