package vcs

import (
	"errors"
	"strings"
	"testing"
)

func TestKnownRoot(t *testing.T) {
	for _, tc := range []struct {
		path, root, vcs, repo string
		unknown, bad          bool
	}{
		{path: "github.com/corp/lib/sub", root: "github.com/corp/lib", vcs: "git", repo: "https://github.com/corp/lib"},
		{path: "bitbucket.org/corp/lib", root: "bitbucket.org/corp/lib", vcs: "git", repo: "https://bitbucket.org/corp/lib"},
		{path: "git.corp.test/team/lib.git/v2", root: "git.corp.test/team/lib.git", vcs: "git", repo: "https://git.corp.test/team/lib"},
		{path: "github.com/corp", bad: true},
		{path: "github.com/corp/lib.git", bad: true},
		{path: "git.corp.test/lib", unknown: true},
	} {
		r, err := KnownRoot(tc.path)
		switch {
		case tc.unknown:
			if !errors.Is(err, ErrUnknownSite) {
				t.Errorf("%s: %v, want ErrUnknownSite", tc.path, err)
			}
		case tc.bad:
			if err == nil || errors.Is(err, ErrUnknownSite) {
				t.Errorf("%s: %v, want an error", tc.path, err)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.path, err)
		case r.Root != tc.root || r.VCS != tc.vcs || r.Repo != tc.repo:
			t.Errorf("%s: %+v", tc.path, r)
		}
	}
}

const metaPage = `<!DOCTYPE html>
<html><head>
<meta name="go-import" content="git.corp.test/lib git https://git.corp.test/lib.git">
<meta name="go-import" content="git.corp.test/tool hg https://hg.corp.test/tool">
<meta name="go-import" content="git.corp.test/tool mod https://proxy.corp.test">
<meta name="go-source" content="ignored">
</head><body>
<meta name="go-import" content="git.corp.test/late git https://late.test">
</body></html>`

func TestParseMetaImports(t *testing.T) {
	imports, err := ParseMetaImports(strings.NewReader(metaPage))
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) != 2 || imports[0].VCS != "mod" || imports[1].Prefix != "git.corp.test/lib" {
		t.Fatalf("%+v", imports)
	}
	mi, err := MatchMetaImport(imports, "git.corp.test/lib/sub")
	if err != nil || mi.RepoRoot != "https://git.corp.test/lib.git" {
		t.Errorf("%+v %v", mi, err)
	}
	if mi, err := MatchMetaImport(imports, "git.corp.test/tool"); err != nil || mi.VCS != "mod" {
		t.Errorf("%+v %v", mi, err)
	}
	if _, err := MatchMetaImport(imports, "git.corp.test/other"); err == nil {
		t.Error("no error for a path without a tag")
	}
	if _, err := DynamicRoot(MetaImport{Prefix: "x.test/a", VCS: "git", RepoRoot: "-oProxyCommand=evil"}); err == nil {
		t.Error("accepted a repository that is a git option")
	}
}

func TestGOVCS(t *testing.T) {
	rules, err := ParseGOVCS("corp.test:git,public:off")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		root    string
		private bool
		vcs     string
		ok      bool
	}{
		{"corp.test/lib", false, "git", true},
		{"other.test/lib", false, "git", false},
		{"other.test/lib", true, "svn", true},
		{"x.test/lib", false, "mod", true},
	} {
		if ok, _ := Allow(rules, tc.root, tc.private, tc.vcs); ok != tc.ok {
			t.Errorf("%+v: %v", tc, ok)
		}
	}
	if ok, _ := Allow(DefaultGOVCS, "public.test/x", false, "svn"); ok {
		t.Error("svn allowed for a public module by default")
	}
	for _, bad := range []string{",", "nocolon", "a:", ":git", "./x:git", "a:git,a:hg", "a:git|"} {
		if _, err := ParseGOVCS(bad); err == nil {
			t.Errorf("GOVCS=%q accepted", bad)
		}
	}
}

func TestGitConfig(t *testing.T) {
	out := "credential.helper\nstore\x00url.git@git.corp.test:.insteadOf\nhttps://git.corp.test/\x00" +
		"credential.https://other.test.helper\ncache\x00core.bare\x00url.https://u:tok-123@long.test/.insteadof\nhttps://long.test/x/\x00"
	c := ParseGitConfigList([]byte(out))
	if got, base := c.Rewrite("https://git.corp.test/lib.git"); got != "git@git.corp.test:lib.git" || base != "git@git.corp.test:" {
		t.Errorf("rewrite: %q %q", got, base)
	}
	if got, _ := c.Rewrite("https://long.test/x/y"); got != "https://u:tok-123@long.test/y" {
		t.Errorf("rewrite: %q", got)
	}
	if h := c.Helpers("https://other.test/x"); len(h) != 2 || h[1] != "cache" {
		t.Errorf("helpers %q", h)
	}
	if h := c.Helpers("https://git.corp.test/x"); len(h) != 1 || h[0] != "store" {
		t.Errorf("helpers %q", h)
	}
	if !IsSSH("git@git.corp.test:lib.git") || !IsSSH("ssh://git@h/x") || IsSSH("https://h/x") || IsSSH("/local/path") {
		t.Error("IsSSH")
	}
}

func TestLsRemoteAndErrors(t *testing.T) {
	refs := ParseLsRemote([]byte("ref: refs/heads/main\tHEAD\n" + strings.Repeat("a", 40) + "\tHEAD\n" + strings.Repeat("b", 40) + "\trefs/heads/main\nnoise\n"))
	if len(refs) != 3 || refs[0].Target != "refs/heads/main" || refs[2].Name != "refs/heads/main" {
		t.Errorf("%+v", refs)
	}
	for msg, want := range map[string]GitFailure{
		"fatal: could not read Username for 'https://git.corp.test': terminal prompts disabled": GitPrompt,
		"remote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://x/'":      GitAuth,
		"git@x: Permission denied (publickey).":                                                 GitAuth,
		"remote: Repository not found.":                                                         GitNotFound,
		"fatal: unable to access 'https://x/': Could not resolve host: x":                       GitNetwork,
		"fatal: unable to access 'https://x/': SSL certificate problem: unable to get local":    GitTLS,
		"something else": GitOtherFail,
	} {
		if got := ClassifyGitError(msg); got != want {
			t.Errorf("%q: %s, want %s", msg, got, want)
		}
	}
}

func FuzzParseMetaImports(f *testing.F) {
	f.Add(metaPage)
	f.Add(`<meta name="go-import" content="a.test/b git https://a.test/b">`)
	f.Add(`<html><head><meta name=go-import content="x mod y z"></head>`)
	f.Add("<?xml version='1.0' encoding='latin1'?><meta>")
	f.Fuzz(func(t *testing.T, page string) {
		imports, err := ParseMetaImports(strings.NewReader(page))
		if err != nil {
			return
		}
		seenNonMod := false
		for _, mi := range imports {
			if mi.Prefix == "" || mi.VCS == "" || mi.RepoRoot == "" {
				t.Fatalf("empty field in %+v", mi)
			}
			if mi.VCS != "mod" {
				seenNonMod = true
			} else if seenNonMod {
				t.Fatalf("mod entry after a non-mod entry: %+v", imports)
			}
			if r, err := DynamicRoot(mi); err == nil && strings.HasPrefix(r.Repo, "-") {
				t.Fatalf("repository %q starts with -", r.Repo)
			}
		}
	})
}

func FuzzParseGitOutput(f *testing.F) {
	f.Add([]byte("credential.helper\nstore\x00url.a.insteadof\nb\x00"), "https://b/x")
	f.Add([]byte("ref: refs/heads/main\tHEAD\n"+strings.Repeat("c", 40)+"\trefs/tags/v1\n"), "git@h:x")
	f.Fuzz(func(t *testing.T, out []byte, remote string) {
		c := ParseGitConfigList(out)
		got, base := c.Rewrite(remote)
		if base == "" && got != remote {
			t.Fatalf("rewritten without a base: %q -> %q", remote, got)
		}
		c.Helpers(remote)
		IsSSH(remote)
		for _, r := range ParseLsRemote(out) {
			if r.Name == "" || r.Hash == "" && r.Target == "" {
				t.Fatalf("empty ref %+v", r)
			}
		}
		ClassifyGitError(string(out))
	})
}

func FuzzParseGOVCS(f *testing.F) {
	f.Add("corp.test:git,public:off", "corp.test/x", "git", true)
	f.Add("private:hg|svn, *.corp.test:all", "a.corp.test/x", "svn", false)
	f.Add(",", "x", "git", false)
	f.Fuzz(func(t *testing.T, govcs, root, tool string, private bool) {
		rules, err := ParseGOVCS(govcs)
		if err != nil {
			return
		}
		if len(rules) < len(DefaultGOVCS) {
			t.Fatalf("the default rules are missing: %+v", rules)
		}
		for _, r := range rules {
			if r.Pattern == "" || len(r.Allowed) == 0 {
				t.Fatalf("empty rule %+v", r)
			}
		}
		ok, rule := Allow(rules, root, private, tool)
		if ok && rule == nil && tool != "mod" {
			t.Fatalf("allowed without a rule")
		}
	})
}
