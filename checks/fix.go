package checks

import (
	"fmt"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// FixKind says how a fix is applied.
type FixKind string

const (
	FixGoEnv  FixKind = "go-env" // 'go env -w' or 'go env -u'
	FixShell  FixKind = "shell"  // a change to the shell environment (a profile, CI settings)
	FixCache  FixKind = "cache"  // removal of module cache entries
	FixManual FixKind = "manual" // a step only a person can take
)

// A Fix is a remedy as data: the exact command a person would type, and
// for go env fixes the key and value that 'gomoddoctor --fix' would write.
type Fix struct {
	Title   string  `json:"title"`
	Command string  `json:"command"` // exact, shell-quoted; credentials redacted
	Kind    FixKind `json:"kind"`
	// Auto says whether --fix may apply it without further consent.
	Auto  bool   `json:"auto"`
	Key   string `json:"key,omitempty"`   // go-env and shell fixes: the variable
	Value string `json:"value,omitempty"` // the new value, credentials redacted
	Unset bool   `json:"unset,omitempty"` // remove the setting instead
	// LastResort marks a fix to take only when the others of its finding
	// did not help (such as deleting the whole module cache): the advisor
	// lists it last and never applies it.
	LastResort bool `json:"last_resort,omitempty"`
	// Touches are the paths a cache fix removes, makes writable or has
	// the go command write: --fix runs it only when each lies in the
	// module cache (or the build cache, for the go command's entries
	// there), symbolic links resolved. Never rendered.
	Touches []string `json:"-"`
	// raw is Value with its credentials, for applying; never rendered.
	raw string
}

// ApplyValue is the value to write when applying the fix: Value with any
// credentials it had before redaction. A fix built without SetVar has
// only Value.
func (f Fix) ApplyValue() string {
	if f.raw == "" {
		return f.Value
	}
	return f.raw
}

// WithApplyValue returns f applying raw, a value that may hold
// credentials (Value stays the redacted one shown).
func (f Fix) WithApplyValue(raw string) Fix {
	f.raw = raw
	return f
}

// HasApplyValue reports whether f carries a value to apply apart from
// the one shown (built by SetVar or WithApplyValue).
func (f Fix) HasApplyValue() bool { return f.raw != "" }

// SetVar returns the fix that makes v's effective value be value, aimed
// where the value must be changed: 'go env -w' for a Go setting that comes
// from the GOENV file or the toolchain defaults, the shell when the
// process environment sets it (the go command refuses to let 'go env -w'
// override it) or when it is not a Go setting at all.
func SetVar(e *goenv.Env, v goenv.Var, value, title string) Fix {
	shown := RedactString(value)
	if v.Source == goenv.SourceProcess || !e.IsGoKey(v.Key) {
		return Fix{
			Title:   title + shellNote(e, v),
			Command: FixCommand(FixShell, v.Key, shown, false),
			Kind:    FixShell,
			Key:     v.Key, Value: shown, raw: value,
		}
	}
	return Fix{
		Title:   title,
		Command: FixCommand(FixGoEnv, v.Key, shown, false),
		Kind:    FixGoEnv,
		Auto:    true,
		Key:     v.Key, Value: shown, raw: value,
	}
}

// UnsetVar returns the fix that removes v's setting so that the default
// applies: 'go env -u' for the GOENV file, 'unset' for the shell.
func UnsetVar(e *goenv.Env, v goenv.Var, title string) Fix {
	if v.Source == goenv.SourceProcess || !e.IsGoKey(v.Key) {
		return Fix{
			Title:   title + shellNote(e, v),
			Command: FixCommand(FixShell, v.Key, "", true),
			Kind:    FixShell,
			Key:     v.Key, Unset: true,
		}
	}
	return Fix{
		Title:   title,
		Command: FixCommand(FixGoEnv, v.Key, "", true),
		Kind:    FixGoEnv,
		Auto:    true,
		Key:     v.Key, Unset: true,
	}
}

// RestoreVar returns the fix that makes v's effective value be value:
// when the GOENV file holds v and value is the toolchain default from
// $GOROOT/go.env, 'go env -u' (the default then applies again);
// otherwise SetVar.
func RestoreVar(e *goenv.Env, v goenv.Var, value, title string) Fix {
	if v.Source == goenv.SourceFile && v.InGOROOT && v.GOROOTValue == value {
		return UnsetVar(e, v, title)
	}
	return SetVar(e, v, value, title)
}

// FixCommand is the exact command that sets key to shown (or unsets it)
// with 'go env' or in a POSIX shell.
func FixCommand(kind FixKind, key, shown string, unset bool) string {
	switch {
	case kind == FixShell && unset:
		return "unset " + key
	case kind == FixShell:
		return "export " + ShellQuote(key+"="+shown)
	case unset && key == "GOTOOLCHAIN":
		// A GOTOOLCHAIN in the GOENV file naming a toolchain that cannot
		// be had makes even 'go env -u' fail trying to switch to it; only
		// 'go env GOTOOLCHAIN' and 'go env -w GOTOOLCHAIN=...' are exempt
		// (cmd/go/internal/toolchain.Select).
		return "GOTOOLCHAIN=local go env -u GOTOOLCHAIN"
	case unset:
		return "go env -u " + key
	}
	return "go env -w " + ShellQuote(key+"="+shown)
}

// Manual returns a step only a person can take.
func Manual(title, command string) Fix {
	return Fix{Title: title, Command: command, Kind: FixManual}
}

func shellNote(e *goenv.Env, v goenv.Var) string {
	if !e.IsGoKey(v.Key) {
		return fmt.Sprintf(" (%s is read from the process environment only: set it in your shell profile or CI settings)", v.Key)
	}
	return fmt.Sprintf(" (%s is set in the process environment, which 'go env -w' cannot override: change it where it is set)", v.Key)
}

// ShellQuote quotes s for a POSIX shell when it needs quoting.
func ShellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_@%+=:,./-", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
