package goenv

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/module"
)

func TestCheckPatterns(t *testing.T) {
	tests := []struct {
		list    string
		bad     []string // patterns reported
		reason  string   // substring of the first reason
		suggest string   // suggestion for the first
	}{
		{list: "github.com/corp,*.corp.example,corp.example/*/x"},
		{list: "github.com/corp/"}, // one trailing slash is trimmed by x/mod
		{list: ",,github.com/corp,"},
		{list: "https://github.com/corp", bad: []string{"https://github.com/corp"}, reason: "a URL scheme", suggest: "github.com/corp"},
		{list: "github.com/a, github.com/b", bad: []string{" github.com/b"}, reason: "spaces", suggest: "github.com/b"},
		{list: "git.corp.example:8443/team", bad: []string{"git.corp.example:8443/team"}, reason: "a port", suggest: "git.corp.example/team"},
		{list: "GitHub.com/Corp", bad: []string{"GitHub.com/Corp"}, reason: "upper-case", suggest: "github.com/Corp"},
		{list: "github.com/corp//", bad: []string{"github.com/corp//"}, reason: "an empty path element", suggest: "github.com/corp"},
		{list: "/github.com/corp", bad: []string{"/github.com/corp"}, reason: "a leading slash", suggest: "github.com/corp"},
		{list: "git@github.com/corp", bad: []string{"git@github.com/corp"}, reason: "a user name", suggest: "github.com/corp"},
		{list: "corp.example/[", bad: []string{"corp.example/["}, reason: "malformed glob"},
		{list: "corp.example/a b", bad: []string{"corp.example/a b"}, reason: "spaces", suggest: "corp.example/ab"},
	}
	for _, tt := range tests {
		probs := CheckPatterns(tt.list)
		var bad []string
		for _, p := range probs {
			bad = append(bad, p.Pattern)
		}
		if strings.Join(bad, "|") != strings.Join(tt.bad, "|") {
			t.Errorf("CheckPatterns(%q) reports %q, want %q", tt.list, bad, tt.bad)
			continue
		}
		if len(probs) == 0 {
			continue
		}
		if !strings.Contains(probs[0].Reason, tt.reason) {
			t.Errorf("CheckPatterns(%q): reason %q, want %q", tt.list, probs[0].Reason, tt.reason)
		}
		if probs[0].Suggest != tt.suggest {
			t.Errorf("CheckPatterns(%q): suggest %q, want %q", tt.list, probs[0].Suggest, tt.suggest)
		}
	}
}

func TestMatchingPattern(t *testing.T) {
	if p := MatchingPattern("a.example,*.corp.example", "git.corp.example/x/y"); p != "*.corp.example" {
		t.Errorf("MatchingPattern = %q", p)
	}
	if p := MatchingPattern("a.example", "b.example/x"); p != "" {
		t.Errorf("MatchingPattern = %q", p)
	}
}

// FuzzPatternWitness checks the pattern analysis against x/mod: a witness
// is a valid import path the pattern matches, and a suggested correction
// always matches something.
func FuzzPatternWitness(f *testing.F) {
	for _, s := range []string{
		"github.com/corp", "*.corp.example", "corp.example/*/x", "https://x.example", " a.example",
		"A.example", "a.example:1", "a.example//", "[a-z]*.example/[^x]", "a.example/\\*", "*", "?",
		"a.example/[", "a.example/x.", "-a.example", "a.example/..", "a.example/~u+",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		if w, ok := PatternWitness(pattern); ok {
			if module.CheckImportPath(w) != nil || !module.MatchPrefixPatterns(pattern, w) {
				t.Fatalf("%q: witness %q is not a matching import path", pattern, w)
			}
		}
		for _, p := range CheckPatterns(pattern) {
			if p.Suggest == "" {
				continue
			}
			if _, ok := PatternWitness(p.Suggest); !ok {
				t.Fatalf("%q: suggestion %q matches nothing", pattern, p.Suggest)
			}
		}
	})
}

// GONOPROXY and GONOSUMDB follow GOPRIVATE only while nothing sets them
// to a non-empty value: the process environment, the GOENV file, or the
// toolchain's go.env (cmd/go/internal/cfg.EnvOrAndChanged).
func TestFollowsGOPRIVATE(t *testing.T) {
	pats := []string{"git.corp.test", "*.internal.test"}
	for _, tc := range []struct {
		name                 string
		process, file, groot map[string]string
		follows              bool
		notCovered           []string
	}{
		{"unset", map[string]string{"GOPRIVATE": "git.corp.test"}, nil, nil, true, nil},
		{"process", map[string]string{"GONOPROXY": "git.corp.test"}, nil, nil, false, []string{"*.internal.test"}},
		{"file", nil, map[string]string{"GONOPROXY": "none"}, nil, false, pats},
		{"file empty", nil, map[string]string{"GONOPROXY": ""}, nil, true, nil},
		{"go.env", nil, nil, map[string]string{"GONOPROXY": "x.internal.test"}, false, []string{"git.corp.test"}},
	} {
		g := New(tc.process, tc.file, tc.groot)
		if got := g.FollowsGOPRIVATE("GONOPROXY"); got != tc.follows {
			t.Errorf("%s: FollowsGOPRIVATE = %v, want %v", tc.name, got, tc.follows)
		}
		if got := g.NotCovered("GONOPROXY", pats); !slices.Equal(got, tc.notCovered) {
			t.Errorf("%s: NotCovered = %q, want %q", tc.name, got, tc.notCovered)
		}
	}
}

// MatchingPattern decides as module.MatchPrefixPatterns does, element by
// element, its plain patterns matched without path.Match.
func FuzzMatchingPattern(f *testing.F) {
	for _, s := range [][2]string{
		{"corp.example", "corp.example/a"}, {"corp.example/", "corp.example"}, {"corp.example//", "corp.example//x"},
		{"corp.example/a", "corp.example/ab"}, {"corp.example/a,x.test", "x.test/y"}, {"*.example", "corp.example/a"},
		{"corp.example/*/b", "corp.example/a/b/c"}, {"[a-c].test", "b.test"}, {`a\.test`, "a.test/x"}, {",,", "x"},
		{"a/b/c", "a/b"}, {"a", ""}, {"", "a"}, {"/", "/"}, {"corp.example/a/", "corp.example/a/b"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, list, path string) {
		want := ""
		for _, p := range Patterns(list) {
			if module.MatchPrefixPatterns(p, path) {
				want = p
				break
			}
		}
		if got := MatchingPattern(list, path); got != want {
			t.Errorf("MatchingPattern(%q, %q) = %q, want %q", list, path, got, want)
		}
	})
}
