package netenv

import (
	"net/url"

	"golang.org/x/net/http/httpproxy"
)

// ProxyEnv is the HTTP proxy configuration the go command's net/http
// reads from its environment.
type ProxyEnv struct {
	// HTTPSVar and HTTPVar name the variables in force ("HTTPS_PROXY" or
	// "https_proxy", ...); "" when neither is set. NoProxyVar likewise.
	HTTPSVar, HTTPVar, NoProxyVar string
	Config                        httpproxy.Config
	fn                            func(*url.URL) (*url.URL, error)
}

// Proxy returns the proxy configuration. The go command's net/http (its
// vendored copy of golang.org/x/net/http/httpproxy) prefers the upper-case
// variable when both are set, unlike recent releases of the module
// itself, so the values are read here rather than by FromEnvironment.
func (n *Net) Proxy() *ProxyEnv {
	n.proxyOnce.Do(func() {
		p := &ProxyEnv{}
		get := func(names ...string) (string, string) {
			for _, k := range names {
				if v := n.Getenv(k); v != "" {
					return k, v
				}
			}
			return "", ""
		}
		var v string
		p.HTTPVar, v = get("HTTP_PROXY", "http_proxy")
		p.Config.HTTPProxy = v
		p.HTTPSVar, v = get("HTTPS_PROXY", "https_proxy")
		p.Config.HTTPSProxy = v
		p.NoProxyVar, v = get("NO_PROXY", "no_proxy")
		p.Config.NoProxy = v
		p.Config.CGI = n.Getenv("REQUEST_METHOD") != ""
		p.fn = p.Config.ProxyFunc()
		n.proxy = p
	})
	return n.proxy
}

// ProxyFor returns the proxy the go command uses for u, nil for a direct
// connection (no proxy set, NO_PROXY matches, or a loopback host), and
// the error net/http would fail the request with.
func (n *Net) ProxyFor(u *url.URL) (*url.URL, error) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, nil
	}
	return n.Proxy().fn(u)
}

// VarFor names the variable that chose the proxy for a scheme.
func (p *ProxyEnv) VarFor(scheme string) string {
	if scheme == "https" {
		return p.HTTPSVar
	}
	return p.HTTPVar
}

// Stripped returns u without user info, for display and comparison.
func Stripped(u *url.URL) *url.URL {
	if u == nil {
		return nil
	}
	c := *u
	c.User = nil
	return &c
}
