// Package suite is the list of checks gomoddoctor runs, in report order:
// configuration first, then the network from the nearest hop outwards,
// then local state. It is the one place a check is added (as cmd/vet
// lists its analyzers); the runner, the advisor and the renderers take
// whatever list they are given.
package suite

import (
	"fmt"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/dns"
	"github.com/gomoddoctor/gomoddoctor/checks/env"
	"github.com/gomoddoctor/gomoddoctor/checks/modcache"
	"github.com/gomoddoctor/gomoddoctor/checks/module"
	"github.com/gomoddoctor/gomoddoctor/checks/private"
	"github.com/gomoddoctor/gomoddoctor/checks/proxy"
	"github.com/gomoddoctor/gomoddoctor/checks/sumdb"
	"github.com/gomoddoctor/gomoddoctor/checks/tls"
)

// checkList is the suite, in report order.
var checkList = []*checks.Check{
	env.Check,
	dns.Check,
	proxy.Check,
	tls.Check,
	sumdb.Check,
	modcache.Check,
	private.Check,
	module.Check,
}

// All returns every check of the suite, in report order.
func All() []*checks.Check {
	return append([]*checks.Check(nil), checkList...)
}

// Select returns the checks with the given ids, in report order. An
// unknown id is an error that names the known ones; blank ids are
// ignored, and no id at all selects every check.
func Select(ids []string) ([]*checks.Check, error) {
	if len(ids) == 0 {
		return All(), nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if Lookup(id) == nil {
			var known []string
			for _, c := range checkList {
				known = append(known, c.ID)
			}
			return nil, fmt.Errorf("unknown check %q (known checks: %s)", id, strings.Join(known, ", "))
		}
		want[id] = true
	}
	if len(want) == 0 {
		return nil, fmt.Errorf("no check selected")
	}
	var out []*checks.Check
	for _, c := range checkList {
		if want[c.ID] {
			out = append(out, c)
		}
	}
	return out, nil
}

// Lookup returns the check with the given id, or nil.
func Lookup(id string) *checks.Check {
	for _, c := range checkList {
		if c.ID == id {
			return c
		}
	}
	return nil
}
