package checks

// Causes are links between findings (Finding.CausedBy): a consequence
// names the finding it follows from. Root causes are the warnings and
// failures that follow from no other problem: what a person has to act
// on. The report leads with them and folds their consequences under them.

// linkCauses resolves the links of the findings of results: a link to a
// check and subject without a code is completed with the code of that
// check's problem about that subject (without a subject, of any problem
// of that check); a link to a finding that is not a
// problem of this report, or that closes a cycle, is dropped, so that
// the finding stands as a cause of its own. Of a finding's candidate
// links (CausedBy, then CausedByAny) the first that resolves is kept.
func linkCauses(results []CheckResult) {
	type key struct{ check, subject string }
	problems := map[key][]*Finding{}
	for i := range results {
		for j := range results[i].Findings {
			if f := &results[i].Findings[j]; f.Problem() {
				k := key{results[i].ID, f.Subject}
				problems[k] = append(problems[k], f)
			}
		}
	}
	// resolve completes ref as the finding f's link and returns the
	// problem it names, or nil.
	resolve := func(f *Finding, ref *Ref) *Finding {
		var cause *Finding
		if ref.Subject == "" {
			// Any problem of that check (with that code).
			for _, r := range results {
				for j := range r.Findings {
					c := &r.Findings[j]
					if cause == nil && r.ID == ref.Check && c != f && c.Problem() && (ref.Code == "" || c.Code == ref.Code) {
						cause = c
						ref.Subject = c.Subject
					}
				}
			}
		}
		for _, c := range problems[key{ref.Check, ref.Subject}] {
			if cause == nil && c != f && (ref.Code == "" || c.Code == ref.Code) {
				cause = c
			}
		}
		if cause != nil {
			ref.Code = cause.Code
		}
		return cause
	}
	for i := range results {
		for j := range results[i].Findings {
			f := &results[i].Findings[j]
			var candidates []Ref
			if f.CausedBy != nil {
				candidates = append(candidates, *f.CausedBy)
			}
			candidates = append(candidates, f.CausedByAny...)
			f.CausedBy, f.CausedByAny = nil, nil
			if !f.Problem() {
				continue
			}
			for _, ref := range candidates {
				if resolve(f, &ref) != nil {
					f.CausedBy = &ref
					break
				}
			}
		}
	}
	// A cycle has no root: cut each where it closes.
	byRef := map[Ref]*Finding{}
	for i := range results {
		for j := range results[i].Findings {
			f := &results[i].Findings[j]
			byRef[Ref{results[i].ID, f.Code, f.Subject}] = f
		}
	}
	for i := range results {
		for j := range results[i].Findings {
			f := &results[i].Findings[j]
			seen := map[*Finding]bool{f: true}
			for c := f; c.CausedBy != nil; {
				next := byRef[*c.CausedBy]
				if next == nil || seen[next] {
					c.CausedBy = nil
					break
				}
				seen[next] = true
				c = next
			}
		}
	}
}

// RootCauses lists the problems of results that follow from no other
// problem, in report order.
func RootCauses(results []CheckResult) []Ref {
	out := []Ref{}
	for _, r := range results {
		for _, f := range r.Findings {
			if f.Problem() && f.CausedBy == nil {
				out = append(out, Ref{Check: r.ID, Code: f.Code, Subject: f.Subject})
			}
		}
	}
	return out
}

// RootOf follows the links of the finding ref names to its root cause
// (ref itself when it follows from nothing).
func RootOf(results []CheckResult, ref Ref) Ref { return Roots(results)(ref) }

// Roots returns RootOf for results, indexing them once: for callers that
// ask about many findings.
func Roots(results []CheckResult) func(Ref) Ref {
	byRef := map[Ref]*Finding{}
	for _, r := range results {
		for j := range r.Findings {
			f := &r.Findings[j]
			byRef[Ref{r.ID, f.Code, f.Subject}] = f
		}
	}
	return func(ref Ref) Ref { return rootIn(byRef, ref) }
}

func rootIn(byRef map[Ref]*Finding, ref Ref) Ref {
	for range len(byRef) + 1 { // links are acyclic (linkCauses); bounded anyway
		f := byRef[ref]
		if f == nil || f.CausedBy == nil {
			return ref
		}
		ref = *f.CausedBy
	}
	return ref
}
