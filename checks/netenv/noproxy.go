package netenv

import (
	"net"
	"strconv"
	"strings"
)

// NoProxyEntryOK reports whether httpproxy can ever match a NO_PROXY entry.
func NoProxyEntryOK(e string) bool {
	if e == "*" {
		return true
	}
	if _, _, err := net.ParseCIDR(e); err == nil {
		return true
	}
	if strings.ContainsAny(e, "/@ \t") {
		return false // a scheme, a path or user info: never a host
	}
	host := e
	if h, port, err := net.SplitHostPort(e); err == nil {
		if _, err := strconv.Atoi(port); err != nil {
			return false
		}
		host = strings.Trim(h, "[]")
	}
	if net.ParseIP(host) != nil {
		return true
	}
	host = strings.TrimPrefix(host, "*")
	return host != "" && !strings.Contains(host, ":")
}
