// Package env is the env check: the effective Go environment, read
// with the real toolchain and attributed to its source (process
// environment, GOENV file, $GOROOT/go.env), validated as the go command
// interprets it. No network access but one: which scheme a GOPROXY
// scheme typo meant is measured (scheme.go). Its rules are grouped by subject:
// goproxy.go (GOPROXY), gosumdb.go (GOSUMDB), patterns.go (GOPRIVATE and
// its family), goflags.go (GOFLAGS, GO111MODULE, GOTOOLCHAIN),
// httpproxy.go (HTTP proxies, git prompts, legacy variables), paths.go
// (GOPATH, GOMODCACHE) and env.go (the GOENV file, the toolchain).
package env

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
)

// EnvCheck validates the Go environment the way the go command reads it.
// It touches the network only to measure a GOPROXY scheme typo.
var Check = &checks.Check{
	ID:    "env",
	Title: "Go environment",
	Doc: `Reads the effective Go environment with the real toolchain ('go env -json',
'go version') and attributes every key to its source: the process
environment, the GOENV file written by 'go env -w', or the toolchain
defaults in $GOROOT/go.env. Then validates, as the go command would
interpret them: GOPROXY, GOSUMDB, the GOPRIVATE/GONOPROXY/GONOSUMDB/
GOINSECURE patterns, GOFLAGS, GO111MODULE, GOTOOLCHAIN, GOPATH and
GOMODCACHE, the HTTP proxy variables, GIT_TERMINAL_PROMPT, the GOENV file
itself, and whether the go command can run at all. A fix says where the
value must change: 'go env -w' cannot override the process environment.
No network access, but for two measurements: a GOPROXY entry with a
scheme typo (htps://host:port) is corrected to the scheme its server
speaks, https or http, measured with one GET of the URL as written (no
module named), to that host only, through the HTTP proxy in force,
within 3s (at most a third of --timeout); https, marked unverified,
when neither answers. And a GOTOOLCHAIN naming another toolchain, not on
PATH, is looked up as the module golang.org/toolchain through GOPROXY,
as every go command's switch would (a toolchain the proxy does not have
makes every go command fail, 'go env -u GOTOOLCHAIN' included).`,
	Codes: codes,
	Run:   runEnv,
}

// envRules accumulates the env check's findings.
type envRules struct {
	ctx context.Context
	env *checks.Env
	g   *goenv.Env
	out []checks.Finding
	// explained collects go-command error texts that a specific rule has
	// already reported, so the generic toolchain rule does not repeat them.
	explained []string
}

func runEnv(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
	r := &envRules{ctx: ctx, env: env, g: env.Go}
	r.envFile()
	r.goproxy()
	r.gosumdb()
	r.patterns()
	r.goflags()
	r.go111module()
	r.gotoolchain()
	r.gopath()
	r.httpProxies()
	r.gitPrompt()
	r.legacyVars()
	r.toolchain() // last: it reports only what no other rule explained
	return r.out, nil
}

func (r *envRules) add(f checks.Finding) { r.out = append(r.out, f) }

// evidence is the standard detail of a finding about one key.
func (r *envRules) evidence(v goenv.Var, extra ...string) string {
	lines := []string{fmt.Sprintf("%s=%s (%s)", v.Key, v.Value, r.g.Where(v))}
	if v.Source == goenv.SourceProcess && v.InFile && v.FileValue != v.Value {
		lines = append(lines, fmt.Sprintf("the GOENV file also sets %s=%s, which the environment overrides", v.Key, v.FileValue))
	}
	return strings.Join(append(lines, extra...), "\n")
}

// goDefault returns the toolchain default of key from go.env, or fallback.
func (r *envRules) goDefault(key, fallback string) string {
	if v := r.g.Var(key); v.InGOROOT && v.GOROOTValue != "" {
		return v.GOROOTValue
	}
	return fallback
}

// envFile reports problems of the GOENV file that the go command hides.
func (r *envRules) envFile() {
	g := r.g
	if g.EnvFile == "" {
		if v, _ := g.Getenv("GOENV"); v == "off" {
			r.add(checks.Finding{
				Code: "GOENV_OFF", Severity: checks.SevInfo, Subject: "GOENV",
				Message: "GOENV=off: the go command reads no GOENV file and 'go env -w' cannot save settings",
			})
		}
		return
	}
	if g.EnvFileErr != nil {
		r.add(checks.Finding{
			Code: "GOENV_FILE_UNREADABLE", Severity: checks.SevWarn, Subject: g.EnvFile,
			Message: "the GOENV file cannot be read; the go command silently ignores it, so settings made with 'go env -w' are not in effect",
			Detail:  g.EnvFileErr.Error(),
			Fixes:   []checks.Fix{checks.Manual("make the file readable by your user", "chmod u+rw "+checks.ShellQuote(g.EnvFile))},
		})
		return
	}
	if g.EnvFileBinary {
		var keys []string
		for _, l := range g.FileLines {
			if l.Key != "" && utf8.ValidString(l.Key+l.Value) {
				keys = append(keys, l.Key)
			}
		}
		detail := "the go command reads no setting from it"
		if len(keys) > 0 {
			detail = "keys the go command reads from it: " + strings.Join(keys, ", ")
		}
		r.add(checks.Finding{
			Code: "GOENV_FILE_NOT_TEXT", Severity: checks.SevWarn, Subject: g.EnvFile,
			Message: fmt.Sprintf("the GOENV file is not a text file (binary data or NUL bytes); the go command silently skips what it cannot read and takes %d setting(s) from it", len(keys)),
			Detail:  detail,
			Fixes:   []checks.Fix{checks.Manual("move it aside and set again what you need with 'go env -w'", "mv "+checks.ShellQuote(g.EnvFile)+" "+checks.ShellQuote(g.EnvFile+".bad"))},
		})
		return
	}
	const maxLineFindings = 5
	var ignored []goenv.FileLine
	crlf := false
	for _, l := range g.FileLines {
		if strings.HasSuffix(l.Text, "\r") {
			crlf = true
		}
		switch {
		case l.Ignored:
			ignored = append(ignored, l)
		case l.Key != "" && !g.IsGoKey(l.Key):
			v := g.Var(l.Key)
			r.add(checks.Finding{
				Code: "GOENV_FILE_UNKNOWN_KEY", Severity: checks.SevWarn, Subject: l.Key,
				Message: fmt.Sprintf("%s in the GOENV file has no effect: the go command reads only its own settings from that file, and %s only from the process environment", l.Key, l.Key),
				Detail:  fmt.Sprintf("%s line %d: %s", g.EnvFile, l.N, l.Text),
				Fixes: []checks.Fix{
					checks.SetVar(g, v, l.Value, "set it in the environment instead"),
					// Not applied by --fix: 'go env -w' keeps such a line,
					// and so does --fix; removing it is the person's call.
					{Title: "and remove it from the GOENV file", Command: "go env -u " + l.Key, Kind: checks.FixGoEnv, Key: l.Key, Unset: true},
				},
			})
		case l.Shadowed:
			r.add(checks.Finding{
				Code: "GOENV_FILE_DUPLICATE", Severity: checks.SevInfo, Subject: l.Key,
				Message: fmt.Sprintf("%s is set more than once in the GOENV file; the last line wins", l.Key),
				Detail:  fmt.Sprintf("%s line %d: %s", g.EnvFile, l.N, l.Text),
			})
		}
	}
	for i, l := range ignored {
		if i == maxLineFindings-1 && len(ignored) > maxLineFindings {
			var nums []string
			for _, m := range ignored[i:] {
				nums = append(nums, fmt.Sprint(m.N))
			}
			r.add(checks.Finding{
				Code: "GOENV_FILE_IGNORED_LINE", Severity: checks.SevWarn, Subject: g.EnvFile,
				Message: fmt.Sprintf("%d more lines of the GOENV file are ignored by the go command", len(ignored)-i),
				Detail:  "lines " + strings.Join(nums, ", "),
				Fixes:   []checks.Fix{checks.Manual("edit or delete the lines", "${EDITOR:-vi} "+checks.ShellQuote(g.EnvFile))},
			})
			break
		}
		r.ignoredLine(l)
	}
	if crlf {
		r.add(checks.Finding{
			Code: "GOENV_FILE_CRLF", Severity: checks.SevWarn, Subject: g.EnvFile,
			Message: "the GOENV file has Windows (CRLF) line endings: every value ends in a carriage return that the go command keeps",
			Fixes:   []checks.Fix{checks.Manual("strip the carriage returns", "sed -i 's/\\r$//' "+checks.ShellQuote(g.EnvFile))},
		})
	}
	for _, k := range g.Keys() {
		v := g.Var(k)
		if v.Source == goenv.SourceProcess && v.InFile && v.FileValue != v.Value {
			r.add(checks.Finding{
				Code: "ENV_OVERRIDES_GOENV_FILE", Severity: checks.SevInfo, Subject: k,
				Message: fmt.Sprintf("%s from the process environment overrides the GOENV file; 'go env -w %s=...' has no effect while it is set", k, k),
				Detail:  r.evidence(v),
			})
		}
	}
}

// ignoredLine reports a GOENV file line the go command skips silently.
func (r *envRules) ignoredLine(l goenv.FileLine) {
	g := r.g
	f := checks.Finding{
		Code: "GOENV_FILE_IGNORED_LINE", Severity: checks.SevWarn, Subject: g.EnvFile,
		Detail: fmt.Sprintf("%s line %d: %s", g.EnvFile, l.N, l.Text),
	}
	text := strings.TrimSpace(l.Text)
	text = strings.TrimSpace(strings.TrimPrefix(text, "export "))
	key, val, hasEq := strings.Cut(text, "=")
	upper := strings.ToUpper(key)
	switch {
	case !hasEq:
		f.Message = fmt.Sprintf("line %d of the GOENV file is ignored by the go command: it is not KEY=VALUE", l.N)
	default:
		f.Message = fmt.Sprintf("line %d of the GOENV file is ignored by the go command: a key must start the line in upper case", l.N)
		if g.IsGoKey(upper) {
			val = strings.Trim(val, `"'`)
			f.Fixes = []checks.Fix{checks.SetVar(g, goenv.Var{Key: upper, Source: goenv.SourceFile}, val, "set it the way the go command reads it")}
		}
	}
	if len(f.Fixes) == 0 {
		f.Fixes = []checks.Fix{checks.Manual("edit or delete the line", "${EDITOR:-vi} "+checks.ShellQuote(g.EnvFile))}
	}
	r.add(f)
}

// toolchain reports a go command that cannot run, unless a more specific
// rule already explained the error.
func (r *envRules) toolchain() {
	g := r.g
	if g.GoBin == "" {
		r.add(checks.Finding{
			Code: "GO_NOT_FOUND", Severity: checks.SevFail, Subject: "go",
			Message: "no go command on PATH: nothing can build or fetch modules",
			Fixes:   []checks.Fix{checks.Manual("install Go and put its bin directory on PATH", `export PATH="$PATH:/usr/local/go/bin"`)},
		})
		return
	}
	for _, e := range []struct {
		code, what string
		err        error
	}{
		{"GO_VERSION_FAILED", "go version", g.GoVersionErr},
		{"GO_ENV_FAILED", "go env -json", g.GoEnvErr},
	} {
		if e.err == nil || r.isExplained(e.err.Error()) {
			continue
		}
		msg := e.err.Error()
		var de *goenv.DirError
		if errors.As(e.err, &de) {
			title, cmd := mainmod.PermissionFix(de.Dir, true)
			r.add(checks.Finding{
				Code: "GO_DIR_UNREADABLE", Severity: checks.SevFail, Subject: de.Dir,
				Message: fmt.Sprintf("the directory %s cannot be entered by this user: no go command can run in it (the go command itself is fine)", de.Dir),
				Detail:  msg,
				Fixes:   []checks.Fix{checks.Manual(title, cmd)},
			})
			r.explain(msg)
			continue
		}
		if strings.Contains(msg, "cannot find GOROOT") {
			v := g.Var("GOROOT")
			r.add(checks.Finding{
				Code: "GOROOT_INVALID", Severity: checks.SevFail, Subject: "GOROOT",
				Message: "GOROOT points to a directory that is not a Go installation: the go command refuses to run",
				Detail:  msg,
				Fixes:   []checks.Fix{checks.UnsetVar(g, v, "let the go command find its own installation")},
			})
			r.explain(msg)
			continue
		}
		r.add(checks.Finding{
			Code: e.code, Severity: checks.SevFail, Subject: g.GoBin,
			Message: fmt.Sprintf("'%s' fails: the go command cannot run with this environment", e.what),
			Detail:  msg,
		})
		r.explain(msg)
	}
}

func (r *envRules) explain(text string) { r.explained = append(r.explained, text) }

func (r *envRules) isExplained(msg string) bool {
	for _, e := range r.explained {
		if strings.Contains(msg, e) || strings.Contains(e, msg) {
			return true
		}
	}
	return false
}
