package goenv

import (
	"slices"
	"testing"

	"golang.org/x/mod/module"
)

// prefixMatcher answers as module.MatchPrefixPatterns against every
// path does, for literal patterns (binary search) and glob ones alike.
func TestPrefixMatcherAgreesWithMatchPrefixPatterns(t *testing.T) {
	paths := []string{
		"corp.example/a", "corp.example/a/b", "corp.example/ab", "corp.example/a-b",
		"corp.example", "git.example/x/y/z", "git.example/x.y", "z.test/m0", "z.test/m10",
		"a.test/v2", "a.test/v2/sub", "a.test/", "corp.example/a",
	}
	patterns := []string{
		"corp.example", "corp.example/a", "corp.example/a/", "corp.example/a/b", "corp.example/a/b/c",
		"corp.example/ab", "corp.example/a-", "corp.exampl", "git.example/x", "git.example/x/y",
		"z.test/m1", "z.test/m10", "z.test", "a.test/v2", "a.test",
		"*.example", "corp.example/*", "z.test/m?", "git.example/[xy]", "", "nowhere.test", "nowhere.test,z.test", "/", "a.test//",
	}
	match := prefixMatcher(paths)
	for _, p := range patterns {
		want := slices.ContainsFunc(paths, func(q string) bool { return module.MatchPrefixPatterns(p, q) })
		if got := match(p); got != want {
			t.Errorf("pattern %q: matches = %v, want %v", p, got, want)
		}
	}
	if prefixMatcher(nil)("corp.example") {
		t.Error("a pattern matches an empty list")
	}
}
