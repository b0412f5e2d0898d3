package mirrors

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/semver"
)

// judge finds the freshest answer to each query (of any candidate, and
// of the origin), names the candidates behind it, and decides which
// candidates serve everything fresh.
func judge(res *Result) {
	for i, q := range res.Queries {
		best := q.Origin
		for _, c := range res.Candidates {
			if v := c.Latest[i]; v != "" && (best == "" || semver.Compare(v, best) > 0) {
				best = v
			}
		}
		q.Freshest = best
		if best == "" {
			continue
		}
		// Who serves it: the origin, else preferably a candidate that
		// lacks nothing.
		from := ""
		if q.Origin != "" && semver.Compare(q.Origin, best) == 0 {
			from = "origin"
		}
		for _, c := range res.Candidates {
			if from == "" && c.Latest[i] == best && len(c.Lacks) == 0 {
				from = c.URL
			}
		}
		for _, c := range res.Candidates {
			if from == "" && c.Latest[i] == best {
				from = c.URL
			}
		}
		for _, c := range res.Candidates {
			if v := c.Latest[i]; v != "" && semver.Compare(v, best) < 0 {
				c.Stale = append(c.Stale, Stale{Path: q.Path, Got: v, Want: best, From: from})
			}
		}
	}
	for _, c := range res.Candidates {
		c.Fresh, c.Why = verdict(c, res)
	}
}

// verdict says whether a candidate serves everything fresh, and what it
// lacks otherwise.
func verdict(c *Candidate, res *Result) (bool, string) {
	if !c.Reach.OK {
		return false, "does not answer (" + c.Reach.Stage + ": " + c.Reach.Detail + ")"
	}
	var why []string
	if len(c.Lacks) > 0 {
		why = append(why, fmt.Sprintf("lacks %d of %d requirements", len(c.Lacks), len(res.Requirements)))
	}
	missing := 0
	for i := range res.Queries {
		if c.Latest[i] == "" && res.Queries[i].Freshest != "" {
			missing++
		}
	}
	if missing > 0 {
		why = append(why, fmt.Sprintf("does not answer %d @latest quer%s", missing, plural(missing, "y", "ies")))
	}
	if len(c.Stale) > 0 {
		var s []string
		for _, st := range c.Stale {
			s = append(s, fmt.Sprintf("%s@latest is %s, not %s", st.Path, st.Got, st.Want))
		}
		why = append(why, "stale: "+strings.Join(s, "; "))
	}
	if c.SumDB != "" && !c.SumDBOK {
		why = append(why, "breaks the checksum database ("+c.SumDB+")")
	}
	if c.Answers == 0 {
		why = append(why, "no answer was measured")
	}
	return len(why) == 0, strings.Join(why, "; ")
}

// rank orders the candidates: fresh ones by median time (then 90th
// percentile); then the other answering ones, by how much they serve,
// then speed; then those that do not answer, in their given order.
func rank(res *Result) {
	group := func(c *Candidate) int {
		switch {
		case c.Fresh:
			return 0
		case c.Reach.OK:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(res.Candidates, func(a, b *Candidate) int {
		if c := cmp.Compare(group(a), group(b)); c != 0 {
			return c
		}
		switch group(a) {
		case 0:
			return cmp.Or(cmp.Compare(a.Median, b.Median), cmp.Compare(a.P90, b.P90))
		case 1:
			return cmp.Or(cmp.Compare(len(a.Lacks)+len(a.Stale), len(b.Lacks)+len(b.Stale)), cmp.Compare(a.Median, b.Median))
		}
		return 0
	})
	for i, c := range res.Candidates {
		c.Rank = i + 1
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
