package probe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/checks/vcs"
	"golang.org/x/mod/module"
)

// An OriginReport is what the doctor learned about the origin of a
// module the go command fetches directly.
type OriginReport struct {
	Path string
	Root *vcs.Root
	// Problem classifies what keeps the go command from fetching it
	// (a PRIVATE_ code), "" when nothing was found; What says it in
	// words and Evidence shows it.
	Problem  string
	What     string
	Evidence []string
	Fixes    []checks.Fix
	// Tool is the version control command found on PATH.
	Tool string
	// Creds are the credentials git would use for the repository, in
	// words (never the secret itself).
	Creds []string
	// Remote is the URL git fetches after url.<base>.insteadOf rewrites.
	Remote string
	// Probed is set when 'git ls-remote' ran; Reached when it worked,
	// and Refs are then what it listed.
	Probed, Reached bool
	Refs            []vcs.Ref
}

func (o *OriginReport) Summary() string {
	if o.Root == nil {
		if o.Problem != "" {
			return "FAILS: " + o.What
		}
		return "not examined"
	}
	s := fmt.Sprintf("%s repository %s", o.Root.VCS, checks.RedactString(o.Root.Repo))
	if o.Remote != "" && o.Remote != o.Root.Repo {
		s += " (git fetches " + checks.RedactString(o.Remote) + ")"
	}
	switch {
	case o.Problem != "":
		s += ": FAILS: " + o.What
	case o.Reached:
		s += ": git ls-remote works"
	}
	switch {
	case len(o.Creds) > 0:
		s += "; credentials: " + strings.Join(o.Creds, ", ")
	case o.Root.VCS == "git" && o.Tool != "" && !o.Probed:
		// Not probed (another host): say what git would be missing if
		// the repository is private.
		s += "; no credentials found for it (~/.netrc, credential helper, ssh rewrite): if it is private, git fails with \"terminal prompts disabled\""
	}
	return s
}

// Origin examines where the go command fetches path from directly: the
// repository (known host or go-import meta tag fetched from the module's
// own host), the version control tool and GOVCS, the credentials, and,
// for a git repository on the module's own host, 'git ls-remote' as the
// go command runs it. Nothing is sent to any other host.
func Origin(ctx context.Context, e *checks.Env, path string, insecure bool) *OriginReport {
	o := &OriginReport{Path: path}
	host, _, _ := strings.Cut(path, "/")
	root, err := vcs.KnownRoot(path)
	switch {
	case errors.Is(err, vcs.ErrUnknownSite):
		root = metaRoot(ctx, e, o, path, insecure)
		if root == nil {
			return o
		}
	case err != nil:
		o.Problem, o.What = "PRIVATE_NO_META", err.Error()
		return o
	}
	o.Root = root
	if root.VCS == "mod" {
		return o // the module proxy protocol at the origin: no tool needed
	}

	// GOVCS.
	rules, err := vcs.ParseGOVCS(e.Go.Get("GOVCS"))
	if err != nil {
		o.Problem, o.What = "PRIVATE_GOVCS_DISALLOWED", "GOVCS is invalid: the go command fails with \""+err.Error()+"\""
		o.Fixes = []checks.Fix{checks.UnsetVar(e.Go, e.Go.Var("GOVCS"), "restore the default GOVCS (private:all,public:git|hg)")}
		return o
	}
	private := module.MatchPrefixPatterns(e.Go.Get("GOPRIVATE"), root.Root)
	if ok, rule := vcs.Allow(rules, root.Root, private, root.VCS); !ok {
		kind := "public"
		if private {
			kind = "private"
		}
		o.Problem = "PRIVATE_GOVCS_DISALLOWED"
		o.What = fmt.Sprintf("GOVCS disallows using %s for %s %s", root.VCS, kind, root.Root)
		if rule != nil {
			o.Evidence = append(o.Evidence, fmt.Sprintf("GOVCS rule %s:%s decides", rule.Pattern, strings.Join(rule.Allowed, "|")))
		}
		v := e.Go.Var("GOVCS")
		val := root.Root + ":" + root.VCS
		if strings.TrimSpace(v.Value) != "" {
			val += "," + strings.TrimSpace(v.Value)
		}
		o.Fixes = []checks.Fix{checks.SetVar(e.Go, v, val, fmt.Sprintf("allow %s for %s (rules are read in order: this one first)", root.VCS, root.Root))}
		return o
	}

	// The tool.
	tool, err := LookPath(root.VCS, e.Go.Get("PATH"))
	if err != nil {
		o.Problem = "PRIVATE_VCS_MISSING"
		o.What = fmt.Sprintf("fetching %s directly needs %s, which is not on PATH: the go command fails with \"exec: %q: executable file not found in $PATH\"", path, root.VCS, root.VCS)
		o.Fixes = []checks.Fix{checks.Manual("install "+root.VCS+" (Debian and Ubuntu: sudo apt-get install "+root.VCS+")", "command -v "+root.VCS)}
		return o
	}
	o.Tool = tool
	if root.VCS != "git" {
		return o
	}

	// Credentials, as git will find them.
	cfg := gitConfig(ctx, e, tool)
	o.Remote, _ = cfg.Rewrite(root.Repo)
	o.Creds = gitCredentials(e, cfg, o.Remote)

	// 'git ls-remote', only on the module's own host.
	ru, err := url.Parse(root.Repo)
	if err != nil || !strings.EqualFold(ru.Hostname(), host) {
		o.Evidence = append(o.Evidence, fmt.Sprintf("the repository is on another host than %s: the doctor does not contact it", host))
		return o
	}
	lsRemote(ctx, e, o, tool)
	return o
}

// metaRoot fetches the go-import meta tag from the module's host, as the
// go command does (with the credentials of ~/.netrc), and returns the
// root it names, or nil with o's problem set.
func metaRoot(ctx context.Context, e *checks.Env, o *OriginReport, path string, insecure bool) *vcs.Root {
	u, err := vcs.MetaURL(path)
	if err != nil {
		o.Problem, o.What = "PRIVATE_NO_META", err.Error()
		return nil
	}
	host := u.Hostname()
	resp, ok := Get(ctx, e, u, 1<<20)
	if !ok {
		o.Problem, o.What = "PRIVATE_ORIGIN_UNREACHABLE", fmt.Sprintf("%s did not answer before the deadline", host)
		return nil
	}
	o.Evidence = append(o.Evidence, fmt.Sprintf("GET %s: %s", resp.URL, resp.Describe())+credNote(resp))
	if resp.Kind != netenv.KindOK {
		o.Problem = "PRIVATE_ORIGIN_UNREACHABLE"
		o.What = fmt.Sprintf("the go command cannot reach %s, the origin of %s: %s", host, path, resp.Describe())
		switch resp.Kind {
		case netenv.KindDNS:
			o.What = fmt.Sprintf("%s, the origin of %s, does not resolve here: on a company network, connect to it (or its VPN) first", host, path)
			o.Fixes = []checks.Fix{checks.Manual("see the dns check for "+host, "gomoddoctor --check dns -v")}
		case netenv.KindTLS:
			o.Fixes = []checks.Fix{checks.Manual("see the tls check for the certificate of "+host, "gomoddoctor --check tls -v")}
		default:
			o.Fixes = []checks.Fix{checks.Manual("check that "+host+" is reachable from here", "curl -sS -o /dev/null -w '%{http_code}\\n' "+checks.ShellQuote(resp.URL))}
		}
		if insecure {
			o.Evidence = append(o.Evidence, "GOINSECURE covers it: the go command would then also try plain http, which the doctor does not")
		}
		return nil
	}
	imports, perr := vcs.ParseMetaImports(bytes.NewReader(resp.Body))
	if len(imports) == 0 && resp.StatusCode != 200 {
		o.What = fmt.Sprintf("unrecognized import path %q: %s answers %s", path, host, resp.Status)
		if resp.StatusCode == 401 || resp.StatusCode == 403 {
			o.Problem = "PRIVATE_AUTH_FAILED"
			why, fixes := NetrcAdvice(e, u, resp)
			o.What += ": it wants credentials, which the go command takes from ~/.netrc; " + why
			o.Fixes = fixes
			return nil
		}
		o.Problem = "PRIVATE_NO_META"
		o.Fixes = []checks.Fix{checks.Manual("check the module path: its host must serve a go-import meta tag for it", "curl -sS "+checks.ShellQuote(resp.URL)+" | grep go-import")}
		return nil
	}
	if perr != nil {
		o.Problem, o.What = "PRIVATE_NO_META", fmt.Sprintf("parsing %s: %v", path, perr)
		return nil
	}
	mi, err := vcs.MatchMetaImport(imports, path)
	if err != nil {
		o.Problem, o.What = "PRIVATE_NO_META", fmt.Sprintf("unrecognized import path %q: %v", path, err)
		o.Fixes = []checks.Fix{checks.Manual("check the module path: its host must serve a go-import meta tag for it", "curl -sS "+checks.ShellQuote(resp.URL)+" | grep go-import")}
		return nil
	}
	root, err := vcs.DynamicRoot(mi)
	if err != nil {
		o.Problem, o.What = "PRIVATE_NO_META", fmt.Sprintf("%s: %v", resp.URL, err)
		return nil
	}
	o.Evidence = append(o.Evidence, fmt.Sprintf("go-import: %s %s %s", mi.Prefix, mi.VCS, checks.RedactString(mi.RepoRoot)))
	return root
}

// NetrcCommand adds a ~/.netrc entry for host, for the user to fill in.
func NetrcCommand(host string) string {
	return "printf 'machine " + host + " login <user> password <token>\\n' >> ~/.netrc && chmod 600 ~/.netrc"
}

// credNote says where a request's credentials came from, never what
// they are.
func credNote(r *netenv.Response) string {
	if r.Credentials == "" {
		return ""
	}
	return " (with credentials from " + strings.Replace(r.Credentials, "netrc:", "~/.netrc machine ", 1) + ")"
}

// gitEnviron is the environment the go command gives git: its own, with
// prompts off (GIT_TERMINAL_PROMPT=0 and GCM_INTERACTIVE=never unless
// set). The doctor never lets git prompt, even when the go command would.
func gitEnviron(e *checks.Env) []string {
	over := map[string]string{"GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
	if v, ok := e.Go.Getenv("GCM_INTERACTIVE"); ok && v != "" {
		over["GCM_INTERACTIVE"] = v
	}
	if v, ok := e.Go.Getenv("GIT_SSH_COMMAND"); ok && v != "" {
		over["GIT_SSH_COMMAND"] = v
	} else {
		over["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
	}
	return e.Go.Environ(over)
}

// gitConfig lists git's configuration (system and global, as the go
// command's git sees it), read once per run. A failure gives an empty one.
func gitConfig(ctx context.Context, e *checks.Env, tool string) vcs.GitConfig {
	cfg, _ := state(e).gitcfg.Do(ctx, tool, func() vcs.GitConfig {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, tool, "config", "--list", "-z")
		cmd.Dir = os.TempDir() // not inside a repository
		cmd.Env = gitEnviron(e)
		cmd.WaitDelay = time.Second
		out, err := cmd.Output()
		if err != nil && len(out) == 0 {
			return vcs.GitConfig{}
		}
		c := vcs.ParseGitConfigList(out)
		// Any URL of git's configuration may carry credentials: never
		// print them (every one, and their unescaped forms).
		for k, vals := range c {
			if strings.HasPrefix(k, "url.") {
				e.AddSecretsIn(k)
			}
			for _, v := range vals {
				e.AddSecretsIn(v)
			}
		}
		return c
	})
	if cfg == nil {
		return vcs.GitConfig{}
	}
	return cfg
}

// gitCredentials says which credentials git would use for remote, in
// words: an ssh rewrite, credentials in the URL, a credential helper, a
// ~/.netrc entry (which git's HTTP library reads). Secrets are never
// included.
func gitCredentials(e *checks.Env, cfg vcs.GitConfig, remote string) []string {
	var out []string
	if vcs.IsSSH(remote) {
		return []string{"ssh (an insteadOf rewrite or an ssh URL: your ssh keys)"}
	}
	u, err := url.Parse(remote)
	if err != nil {
		return nil
	}
	if u.User != nil {
		out = append(out, "user info in the URL")
	}
	for _, h := range cfg.Helpers(remote) {
		name := strings.Fields(h)
		if len(name) > 0 && !strings.ContainsAny(name[0], "!=") && len(name[0]) < 40 {
			out = append(out, "git credential helper "+filepath.Base(name[0]))
		} else {
			out = append(out, "a git credential helper (a command)")
		}
	}
	if home := e.Go.Get("HOME"); home != "" {
		if data, err := os.ReadFile(filepath.Join(home, ".netrc")); err == nil {
			for _, l := range netenv.ParseNetrc(string(data)) {
				e.AddSecret(l.Password)
				if strings.EqualFold(l.Machine, u.Hostname()) {
					out = append(out, "~/.netrc machine "+l.Machine)
					break
				}
			}
		}
	}
	return out
}

// lsRemote runs 'git ls-remote' on the repository the way the go command
// does, bounded by the run's deadline, and classifies a failure.
func lsRemote(ctx context.Context, e *checks.Env, o *OriginReport, tool string) {
	res, _ := state(e).lsremote.Do(ctx, o.Root.Repo, func() LsResult {
		cmd := exec.CommandContext(ctx, tool, "ls-remote", "-q", "--symref", "--end-of-options", o.Root.Repo)
		cmd.Dir = os.TempDir()
		cmd.Env = gitEnviron(e)
		cmd.WaitDelay = 500 * time.Millisecond
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		return LsResult{out: out, stderr: stderr.String(), err: err, timedOut: ctx.Err() != nil}
	})
	o.Probed = true
	if res.err == nil {
		o.Reached = true
		o.Refs = vcs.ParseLsRemote(res.out)
		return
	}
	msg := strings.TrimSpace(checks.RedactString(res.stderr))
	if msg == "" {
		msg = res.err.Error()
	}
	o.Evidence = append(o.Evidence, "git ls-remote -q "+checks.RedactString(o.Root.Repo)+": "+firstLines(msg, 4))
	host := hostOf(o.Remote)
	netrcFix := checks.Manual("give git credentials for "+host+" without a prompt, in ~/.netrc (or a git credential helper)", NetrcCommand(host))
	sshFix := checks.Manual("or let git use ssh for "+host, fmt.Sprintf("git config --global url.\"git@%s:\".insteadOf \"https://%s/\"", host, host))
	switch {
	case res.timedOut:
		o.Problem, o.What = "PRIVATE_ORIGIN_UNREACHABLE", "git ls-remote did not finish before the deadline"
	default:
		switch vcs.ClassifyGitError(res.stderr) {
		case vcs.GitPrompt:
			if len(o.Creds) > 0 {
				// It had credentials, the host refused them, and git
				// wanted to ask for others.
				o.Problem = "PRIVATE_AUTH_FAILED"
				o.What = fmt.Sprintf("%s refuses the credentials git has for it (%s); git then wants to ask for others and may not (\"terminal prompts disabled\")", host, strings.Join(o.Creds, ", "))
				o.Fixes = []checks.Fix{checks.Manual("check the credentials (user name, token, its scopes and expiry) with the same request git makes", "git ls-remote "+checks.ShellQuote(checks.RedactString(o.Root.Repo))), netrcFix}
				break
			}
			o.Problem = "PRIVATE_TERMINAL_PROMPTS_DISABLED"
			o.What = fmt.Sprintf("git needs a user name and password for %s and may not ask (the go command runs it with GIT_TERMINAL_PROMPT=0): \"terminal prompts disabled\"", host)
			o.What += "; no credentials for it were found (~/.netrc, a credential helper, an ssh rewrite)"
			o.Fixes = []checks.Fix{netrcFix, sshFix}
		case vcs.GitAuth:
			o.Problem = "PRIVATE_AUTH_FAILED"
			o.What = fmt.Sprintf("%s refuses the credentials git offers (%s)", host, OrNone(o.Creds))
			o.Fixes = []checks.Fix{checks.Manual("check access with the same credentials git uses", "git ls-remote "+checks.ShellQuote(checks.RedactString(o.Root.Repo))), netrcFix}
		case vcs.GitNotFound:
			o.Problem = "PRIVATE_REPO_NOT_FOUND"
			o.What = fmt.Sprintf("%s says the repository %s does not exist (hosts say so to requests without access, too)", host, checks.RedactString(o.Root.Repo))
			o.Fixes = []checks.Fix{checks.Manual("check the module path and your access to the repository", "git ls-remote "+checks.ShellQuote(checks.RedactString(o.Root.Repo)))}
		case vcs.GitNetwork:
			o.Problem = "PRIVATE_ORIGIN_UNREACHABLE"
			o.What = fmt.Sprintf("git cannot reach %s", host)
			o.Fixes = []checks.Fix{checks.Manual("check the network path to "+host+" (VPN, HTTPS_PROXY)", "git ls-remote "+checks.ShellQuote(checks.RedactString(o.Root.Repo)))}
		case vcs.GitTLS:
			o.Problem = "PRIVATE_ORIGIN_UNREACHABLE"
			o.What = fmt.Sprintf("git does not trust the certificate of %s (git reads its CA bundle from http.sslCAInfo or GIT_SSL_CAINFO, not SSL_CERT_FILE)", host)
			o.Fixes = []checks.Fix{checks.Manual("give git the CA that signs "+host, "git config --global http.sslCAInfo /path/to/corp-ca-bundle.pem")}
		default:
			o.Problem = "PRIVATE_VCS_FETCH_FAILED"
			o.What = "git ls-remote fails: " + firstLines(msg, 1)
			o.Fixes = []checks.Fix{checks.Manual("retry with the go command's trace to see git's commands and answers", "go mod download -x "+o.Path)}
		}
	}
}

type LsResult struct {
	out      []byte
	stderr   string
	err      error
	timedOut bool
}

func hostOf(remote string) string {
	if u, err := url.Parse(remote); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	if at := strings.IndexByte(remote, '@'); at >= 0 {
		remote = remote[at+1:]
	}
	h, _, _ := strings.Cut(remote, ":")
	return h
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " / ")
}

// LookPath finds an executable in a PATH value (the go command's, not the
// doctor's).
func LookPath(name, path string) (string, error) {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}
