package env

import (
	"fmt"
	"go/version"
	"runtime"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
)

// goflags validates GOFLAGS as cmd/go/internal/base.InitGOFLAGS reads it,
// and reports the module-related flags that change how modules are found.
func (r *envRules) goflags() {
	g := r.g
	v := g.Var("GOFLAGS")
	if strings.TrimSpace(v.Value) == "" {
		return
	}
	flags, err := goenv.ParseGOFLAGS(v.Value)
	if err != nil {
		r.add(checks.Finding{
			Code: "GOFLAGS_INVALID", Severity: checks.SevFail, Subject: "GOFLAGS",
			Message: "GOFLAGS cannot be parsed: every go command fails with \"go: " + err.Error() + "\"",
			Detail:  r.evidence(v),
			Fixes:   []checks.Fix{checks.UnsetVar(g, v, "clear GOFLAGS, then set it again with balanced quotes")},
		})
		r.explain("$GOFLAGS")
		return
	}
	unknown := map[string]bool{}
	for _, name := range g.UnknownGoFlags(r.ctx, flags) {
		unknown[name] = true
	}
	// Every fix removes all the flags that make the go command fail, so
	// that any one of them repairs GOFLAGS.
	failing := map[string]bool{}
	for _, f := range flags {
		if f.Err != nil || unknown[f.Name] || f.Name == "insecure" || r.modFlagFails(f) {
			failing[f.Raw] = true
		}
	}
	without := func(drop goenv.GoFlag) checks.Fix {
		var rest []goenv.GoFlag
		for _, f := range flags {
			if f.Raw != drop.Raw && !failing[f.Raw] {
				rest = append(rest, f)
			}
		}
		title := "remove " + drop.Raw + " from GOFLAGS"
		if len(failing) > 1 || len(failing) == 1 && !failing[drop.Raw] {
			title = "remove " + drop.Raw + " and the other failing flags from GOFLAGS"
		}
		if len(rest) == 0 {
			return checks.UnsetVar(g, v, title)
		}
		return checks.SetVar(g, v, goenv.JoinGOFLAGS(rest), title)
	}
	for _, f := range flags {
		fail := func(code, msg string) {
			r.add(checks.Finding{Code: code, Severity: checks.SevFail, Subject: "GOFLAGS", Message: msg, Detail: r.evidence(v), Fixes: []checks.Fix{without(f)}})
		}
		switch {
		case f.Err != nil:
			fail("GOFLAGS_INVALID", fmt.Sprintf("GOFLAGS word %q is not a flag: every go command fails with \"go: %v\" (write -name=value, with no space before the value)", f.Raw, f.Err))
		case unknown[f.Name]:
			fail("GOFLAGS_INVALID", fmt.Sprintf("GOFLAGS flag -%s is known to no go command: every go command fails with \"go: parsing $GOFLAGS: unknown flag -%s\"", f.Name, f.Name))
		case f.Name == "insecure":
			fail("GOFLAGS_INSECURE", "GOFLAGS sets -insecure, which the go command no longer supports: 'go get' fails with \"-insecure flag is no longer supported; use GOINSECURE instead\"")
		case f.Name == "mod":
			r.modFlag(v, f, without(f))
		case f.Name == "modfile":
			r.add(checks.Finding{
				Code: "GOFLAGS_MODFILE", Severity: checks.SevWarn, Subject: "GOFLAGS",
				Message: fmt.Sprintf("GOFLAGS sets %s: every module on this machine is built from that file instead of its own go.mod", f.Raw),
				Detail:  r.evidence(v), Fixes: []checks.Fix{without(f)},
			})
		}
	}
	if len(unknown) > 0 || slices.ContainsFunc(flags, func(f goenv.GoFlag) bool { return f.Err != nil }) {
		r.explain("$GOFLAGS")
	}
}

// modFlagFails reports whether a -mod flag in GOFLAGS makes builds fail.
func (r *envRules) modFlagFails(f goenv.GoFlag) bool {
	if f.Name != "mod" {
		return false
	}
	switch f.Value {
	case "mod", "readonly":
		return false
	case "vendor":
		m := r.env.Module
		return m != nil && m.GoMod != "" && !m.ModulesTxt
	}
	return true
}

// modFlag reports -mod in GOFLAGS, which applies to every module.
func (r *envRules) modFlag(v goenv.Var, f goenv.GoFlag, remove checks.Fix) {
	finding := checks.Finding{Subject: "GOFLAGS", Detail: r.evidence(v), Fixes: []checks.Fix{remove}}
	switch f.Value {
	case "vendor":
		finding.Code = "GOFLAGS_MOD_VENDOR"
		switch {
		case r.modFlagFails(f):
			finding.Severity = checks.SevFail
			finding.Message = "GOFLAGS=-mod=vendor but this module has no vendor/modules.txt: builds fail with \"inconsistent vendoring\" and nothing is downloaded"
		default:
			finding.Severity = checks.SevWarn
			finding.Message = "GOFLAGS=-mod=vendor applies to every module on this machine: builds never download modules, and any module without an up-to-date vendor directory fails with \"inconsistent vendoring\""
		}
	case "mod":
		finding.Code, finding.Severity = "GOFLAGS_MOD_MOD", checks.SevInfo
		finding.Message = "GOFLAGS=-mod=mod lets every go command rewrite go.mod and go.sum silently; missing requirements are fetched instead of reported"
		finding.Fixes[0].Auto = false
	case "readonly":
		finding.Code, finding.Severity = "GOFLAGS_MOD_READONLY", checks.SevInfo
		finding.Message = "GOFLAGS=-mod=readonly is already the default; the flag is redundant"
		finding.Fixes[0].Auto = false
	default:
		finding.Code, finding.Severity = "GOFLAGS_INVALID", checks.SevFail
		finding.Message = fmt.Sprintf("GOFLAGS sets -mod=%s: builds fail with \"-mod=%s not supported (can be '', 'mod', 'readonly', or 'vendor')\"", f.Value, f.Value)
	}
	r.add(finding)
}

// go111module validates GO111MODULE.
func (r *envRules) go111module() {
	g := r.g
	v := g.Var("GO111MODULE")
	fix := checks.UnsetVar(g, v, "remove GO111MODULE: module mode is the default")
	switch v.Value {
	case "", "on":
		if v.Value == "on" {
			r.add(checks.Finding{Code: "GO111MODULE_ON", Severity: checks.SevInfo, Subject: "GO111MODULE", Message: "GO111MODULE=on is the default; the setting is redundant", Detail: r.evidence(v)})
		}
	case "off":
		r.add(checks.Finding{
			Code: "GO111MODULE_OFF", Severity: checks.SevFail, Subject: "GO111MODULE",
			Message: "GO111MODULE=off: module mode is disabled; go.mod is ignored and module commands fail with \"modules disabled by GO111MODULE=off\"",
			Detail:  r.evidence(v), Fixes: []checks.Fix{fix},
		})
	case "auto":
		msg := "GO111MODULE=auto: module mode only inside a module"
		if r.env.Module == nil {
			msg += "; here, outside one, the go command works in legacy GOPATH mode"
		}
		r.add(checks.Finding{Code: "GO111MODULE_AUTO", Severity: checks.SevInfo, Subject: "GO111MODULE", Message: msg, Detail: r.evidence(v), Fixes: []checks.Fix{fix}})
	default:
		r.add(checks.Finding{
			Code: "GO111MODULE_INVALID", Severity: checks.SevFail, Subject: "GO111MODULE",
			Message: fmt.Sprintf("GO111MODULE=%s is not on, off or auto: the go command fails with \"unknown environment setting GO111MODULE=%s\"", v.Value, v.Value),
			Detail:  r.evidence(v), Fixes: []checks.Fix{fix},
		})
		r.explain("GO111MODULE")
	}
}

// gotoolchain validates GOTOOLCHAIN as toolchain.Select reads it.
func (r *envRules) gotoolchain() {
	g := r.g
	v := g.Var("GOTOOLCHAIN")
	t := goenv.ParseToolchain(v.Value)
	if t.Err != nil {
		r.add(checks.Finding{
			Code: "GOTOOLCHAIN_INVALID", Severity: checks.SevFail, Subject: "GOTOOLCHAIN",
			Message: "GOTOOLCHAIN is invalid: every go command fails with \"go: " + t.Err.Error() + "\"",
			Detail:  r.evidence(v, "valid forms: local, auto, path, go1.N.M, go1.N.M+auto, go1.N.M+path"),
			Fixes:   []checks.Fix{checks.RestoreVar(r.g, v, r.goDefault("GOTOOLCHAIN", "auto"), "use the toolchain default")},
		})
		r.explain("GOTOOLCHAIN")
		return
	}
	if t.Min == "local" || g.GoVersion == "" {
		return
	}
	want := "go" + goenv.ToolchainVersion(t.Min)
	if version.Compare(want, g.GoVersion) == 0 && t.Min == g.GoVersion {
		return
	}
	f := checks.Finding{
		Code: "GOTOOLCHAIN_SWITCH", Severity: checks.SevInfo, Subject: "GOTOOLCHAIN",
		Message: fmt.Sprintf("GOTOOLCHAIN=%s: every go command runs %s instead of the installed %s, downloading it as the module golang.org/toolchain through GOPROXY", v.Value, t.Min, g.GoVersion),
		Detail:  r.evidence(v),
	}
	local := checks.RestoreVar(r.g, v, r.goDefault("GOTOOLCHAIN", "local"), "run the installed toolchain")
	if p, err := probe.LookPath(t.Min, g.Get("PATH")); err == nil {
		f.Message = fmt.Sprintf("GOTOOLCHAIN=%s: every go command runs %s from PATH (%s) instead of the installed %s", v.Value, t.Min, p, g.GoVersion)
		r.add(f)
		return
	}
	if l := goenv.ParseProxyList(g.Get("GOPROXY")); l.Err == nil {
		if a := l.Active(); len(a) > 0 && a[0].Kind == goenv.ProxyOff {
			f.Severity = checks.SevFail
			f.Message = fmt.Sprintf("GOTOOLCHAIN=%s needs %s to be downloaded, but GOPROXY=off forbids downloads: every go command fails unless that toolchain is already in the module cache", v.Value, t.Min)
			f.Fixes = []checks.Fix{local}
			r.add(f)
			return
		}
	}
	if t.Mode != "" && r.env.Module != nil {
		// go.mod may raise the toolchain above the minimum: the module
		// check judges the switch it asks for.
		r.add(f)
		return
	}
	if t.Mode == "path" {
		f.Severity = checks.SevFail
		f.Message = fmt.Sprintf("GOTOOLCHAIN=%s only looks on PATH for %s, where it is not: every go command fails with \"cannot find %q in PATH\"", v.Value, t.Min, t.Min)
		f.Fixes = []checks.Fix{local}
		r.add(f)
		return
	}
	// Every go command (even 'go env -u GOTOOLCHAIN') switches first: ask
	// the module proxy for the toolchain as the switch would.
	avail, evidence := probe.Toolchain(r.ctx, r.env, t.Min)
	f.Detail = r.evidence(v, "through GOPROXY: "+evidence)
	switch avail {
	case probe.ToolchainMissing, probe.ToolchainOff:
		f.Severity = checks.SevFail
		f.Message = fmt.Sprintf("GOTOOLCHAIN=%s names a toolchain the module proxy does not have: every go command, even 'go env -u GOTOOLCHAIN', fails with \"download %s for %s/%s: toolchain not available\"", v.Value, t.Min, runtime.GOOS, runtime.GOARCH)
		f.Fixes = []checks.Fix{local}
	case probe.ToolchainRefused:
		f.Severity = checks.SevFail
		f.Message = fmt.Sprintf("GOTOOLCHAIN=%s names a toolchain the module proxy refuses to serve: every go command, even 'go env -u GOTOOLCHAIN', fails with \"download %s: ...\"", v.Value, t.Min)
		f.Fixes = []checks.Fix{local}
	}
	r.add(f)
}
