package goenv

import (
	"fmt"
	"go/version"
	"strings"
)

// A Toolchain is a parsed GOTOOLCHAIN value
// (cmd/go/internal/toolchain.Select).
type Toolchain struct {
	Value string
	// Min is the minimum toolchain: "local" or a name such as go1.22.1.
	Min string
	// Mode is "auto", "path" or "" (no switching).
	Mode string
	Err  error
}

// ParseToolchain parses GOTOOLCHAIN as the go command does at start-up.
func ParseToolchain(value string) Toolchain {
	t := Toolchain{Value: value, Min: "local"}
	switch value {
	case "", "local":
		return t
	case "auto", "path":
		t.Mode = value
		return t
	}
	min, suffix, plus := strings.Cut(value, "+")
	if min != "local" && ToolchainVersion(min) == "" {
		if plus {
			t.Err = fmt.Errorf("invalid GOTOOLCHAIN %q: invalid minimum toolchain %q", value, min)
		} else {
			t.Err = fmt.Errorf("invalid GOTOOLCHAIN %q", value)
		}
		return t
	}
	if plus && suffix != "auto" && suffix != "path" {
		t.Err = fmt.Errorf("invalid GOTOOLCHAIN %q: only version suffixes are +auto and +path", value)
		return t
	}
	if min != "local" && !strings.HasPrefix(min, "go1") && !strings.Contains(min, "-go1") {
		t.Err = fmt.Errorf("invalid GOTOOLCHAIN %q", value)
		return t
	}
	t.Min, t.Mode = min, suffix
	return t
}

// ToolchainVersion returns the Go version of a toolchain name such as
// go1.22.1 or go1.23rc1-corp ("1.22.1"), or "" when it is not one
// (cmd/go/internal/gover.FromToolchain).
func ToolchainVersion(name string) string {
	if strings.ContainsAny(name, `\/`) || !strings.HasPrefix(name, "go") {
		return ""
	}
	v := name[2:]
	if i := strings.IndexAny(v, " \t-"); i >= 0 {
		v = v[:i]
	}
	if !version.IsValid("go" + v) {
		return ""
	}
	return v
}
