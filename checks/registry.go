package checks

import (
	"fmt"
	"slices"
	"strings"
)

// order is the fixed order of checks in every report: configuration
// first, then the network from the nearest hop outwards, then local state.
var order = []string{"env", "dns", "proxy", "tls", "sumdb", "modcache", "private", "module"}

var registry = map[string]*Check{}

// register adds a check; each check's file calls it from init.
func register(c *Check) *Check {
	if _, dup := registry[c.ID]; dup {
		panic("checks: duplicate check " + c.ID)
	}
	registry[c.ID] = c
	return c
}

// All returns every check, in report order.
func All() []*Check {
	ids := make([]string, 0, len(registry))
	for id := range registry {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	out := make([]*Check, len(ids))
	for i, id := range ids {
		out[i] = registry[id]
	}
	return out
}

// Select returns the checks with the given ids, in report order. An
// unknown id is an error that names the known ones.
func Select(ids []string) ([]*Check, error) {
	if len(ids) == 0 {
		return All(), nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if registry[id] == nil {
			var known []string
			for _, c := range All() {
				known = append(known, c.ID)
			}
			return nil, fmt.Errorf("unknown check %q (known checks: %s)", id, strings.Join(known, ", "))
		}
		want[id] = true
	}
	if len(want) == 0 {
		return nil, fmt.Errorf("no check selected")
	}
	var out []*Check
	for _, c := range All() {
		if want[c.ID] {
			out = append(out, c)
		}
	}
	return out, nil
}
