package probe

import (
	"context"
	"runtime"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"
)

// ToolchainAvail says whether the go command could download a toolchain
// through GOPROXY.
type ToolchainAvail int

const (
	ToolchainUnknown ToolchainAvail = iota // not asked (private, blocked, direct) or no answer
	ToolchainServed
	ToolchainMissing // 404/410 everywhere: "toolchain not available"
	ToolchainRefused // another error: 403, 5xx...
	ToolchainOff     // GOPROXY=off (or nothing before off serves it): lookup disabled
)

// ToolchainModuleVersion is the version of golang.org/toolchain the go
// command downloads for the toolchain target (such as go1.22.1) on this
// machine (cmd/go/internal/toolchain.Exec).
func ToolchainModuleVersion(target string) string {
	return "v0.0.1-" + target + "." + runtime.GOOS + "-" + runtime.GOARCH
}

// Toolchain asks the GOPROXY list for the toolchain module of target, as
// a switch would (modfetch.Download of golang.org/toolchain), and returns
// the verdict with its evidence.
func Toolchain(ctx context.Context, e *checks.Env, target string) (ToolchainAvail, string) {
	s := ScopeOf(e)
	if s.List == nil || s.List.Err != nil || len(s.Entries) == 0 {
		return ToolchainUnknown, "GOPROXY is invalid"
	}
	if k, _ := PrivateBy(e, reqs.ToolchainModule); k != "" {
		return ToolchainUnknown, reqs.ToolchainModule + " matches " + k
	}
	mc := WalkModule(ctx, e, s.Entries, ProbeModule{Path: reqs.ToolchainModule, Version: ToolchainModuleVersion(target), From: "go.mod"})
	evidence := strings.Join(ChainEvidence(s, mc), "; ")
	switch {
	case mc.OK && mc.Direct:
		// The list reaches direct, which the doctor never asks on the
		// go command's behalf: whether the origin serves it is unknown.
		return ToolchainUnknown, evidence
	case mc.OK:
		return ToolchainServed, evidence
	case mc.Final != nil && mc.Final.Code == "PROXY_OFF":
		// The go command says "toolchain not available" here too (its
		// GOPROXY=off error is a "not found"), but nothing says that no
		// such release exists.
		return ToolchainOff, evidence
	case mc.Final != nil && mc.Final.NotExist:
		return ToolchainMissing, evidence
	case mc.Final != nil && mc.Final.Hang:
		return ToolchainUnknown, evidence
	}
	return ToolchainRefused, evidence
}
