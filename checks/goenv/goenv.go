// Package goenv reads the Go command's environment the way the go command
// itself does, and says where each value comes from: the process
// environment, the GOENV file written by 'go env -w', or the toolchain's
// defaults in $GOROOT/go.env.
//
// It also holds the parsers for the values whose syntax the go command
// defines: GOPROXY lists, GOSUMDB, GOFLAGS and the GOPRIVATE family of
// module path patterns. Each mirrors the go command's own code (named in
// its doc comment) so that a value is accepted here exactly when the go
// command accepts it.
package goenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Source says where the effective value of a key comes from, in the go
// command's order of precedence (highest first).
type Source string

const (
	SourceProcess Source = "environment" // the process environment (non-empty)
	SourceFile    Source = "goenv-file"  // the GOENV file, written by 'go env -w'
	SourceGOROOT  Source = "goroot"      // $GOROOT/go.env, the toolchain's defaults
	SourceDefault Source = "default"     // computed by the go command
	SourceUnset   Source = "unset"       // empty everywhere
)

// A Var is one key of the Go environment with its provenance.
type Var struct {
	Key    string
	Value  string // the effective value
	Source Source
	// InFile and FileValue give the GOENV file's value even when the
	// process environment overrides it.
	InFile    bool
	FileValue string
	// InGOROOT and GOROOTValue give the $GOROOT/go.env default.
	InGOROOT    bool
	GOROOTValue string
}

// Env is a snapshot of the Go environment.
type Env struct {
	GoBin     string // the go command that was asked, "" when none was found
	GoVersion string // e.g. "go1.26.8", "" when unknown
	GOROOT    string

	// EnvFile is the GOENV file ("" with GOENV=off). EnvFileErr is set
	// when it exists but cannot be read (the go command then silently
	// ignores it).
	EnvFile       string
	EnvFileExists bool
	EnvFileErr    error
	// EnvFileBinary is set when the file is not UTF-8 text or holds NUL
	// bytes: it was overwritten by something other than 'go env -w'.
	EnvFileBinary bool
	FileLines     []FileLine

	// GOROOTFile is $GOROOT/go.env.
	GOROOTFile string

	// GoEnvErr is set when 'go env -json' fails; GoVersionErr when
	// 'go version' fails. Each carries the go command's own message.
	GoEnvErr     error
	GoVersionErr error

	vars    map[string]Var
	process map[string]string
}

// Options control Read.
type Options struct {
	Dir     string   // where the go command runs, for GOMOD and GOWORK
	Environ []string // the process environment; nil means os.Environ()
	GoBin   string   // the go command; "" means "go" on PATH
}

// moduleKeys are the keys the doctor reads even when 'go env -json'
// cannot run, so that a broken toolchain still gets a diagnosis.
var moduleKeys = []string{
	"GO111MODULE", "GOAUTH", "GOENV", "GOFLAGS", "GOINSECURE", "GOMODCACHE",
	"GONOPROXY", "GONOSUMDB", "GOPATH", "GOPRIVATE", "GOPROXY", "GOROOT",
	"GOSUMDB", "GOTOOLCHAIN", "GOVCS", "GOWORK",
}

// Read builds the snapshot: it runs 'go env -json' and 'go version' with
// the given environment (toolchain switching disabled, so that reading the
// environment never downloads a toolchain) and attributes every key to its
// source by reading the same files the go command reads.
func Read(ctx context.Context, opts Options) *Env {
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ()
	}
	e := &Env{process: environMap(environ), vars: map[string]Var{}}

	e.GoBin = opts.GoBin
	if e.GoBin == "" {
		if p, err := exec.LookPath("go"); err == nil {
			e.GoBin = p
		}
	}

	var goJSON map[string]string
	var versionOut []byte
	if e.GoBin == "" {
		e.GoEnvErr = errors.New(`no "go" command found on PATH`)
		e.GoVersionErr = e.GoEnvErr
	} else {
		var wg sync.WaitGroup
		var envOut []byte
		wg.Add(2)
		go func() {
			defer wg.Done()
			envOut, e.GoEnvErr = runGo(ctx, e.GoBin, opts.Dir, environ, "env", "-json")
		}()
		go func() {
			defer wg.Done()
			// A directory with no go.mod above it, so that toolchain
			// selection and module loading play no part.
			versionOut, e.GoVersionErr = runGo(ctx, e.GoBin, os.TempDir(), environ, "version")
		}()
		wg.Wait()
		if e.GoEnvErr == nil {
			if err := json.Unmarshal(envOut, &goJSON); err != nil {
				e.GoEnvErr = fmt.Errorf("go env -json: unreadable output: %v", err)
				goJSON = nil
			}
		}
	}

	e.GOROOT = goJSON["GOROOT"]
	if e.GOROOT == "" {
		e.GOROOT = e.process["GOROOT"]
	}
	if e.GOROOT == "" && e.GoBin != "" {
		if real, err := filepath.EvalSymlinks(e.GoBin); err == nil {
			e.GOROOT = filepath.Dir(filepath.Dir(real))
		}
	}
	e.GoVersion = goJSON["GOVERSION"]
	if f := strings.Fields(string(versionOut)); e.GoVersion == "" && len(f) >= 3 && f[0] == "go" && f[1] == "version" {
		e.GoVersion = f[2] // 'go env' failed but 'go version' ran
	}

	var gorootVals map[string]string
	if e.GOROOT != "" {
		e.GOROOTFile = filepath.Join(e.GOROOT, "go.env")
		if data, err := os.ReadFile(e.GOROOTFile); err == nil {
			gorootVals = envFileValues(ParseEnvFile(data))
		}
	}

	e.EnvFile = envFilePath(e.process, goJSON)
	var fileVals map[string]string
	if e.EnvFile != "" {
		data, err := os.ReadFile(e.EnvFile)
		switch {
		case err == nil:
			e.EnvFileExists = true
			e.EnvFileBinary = !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0
			e.FileLines = ParseEnvFile(data)
			fileVals = envFileValues(e.FileLines)
		case errors.Is(err, os.ErrNotExist):
		default:
			e.EnvFileExists = true
			e.EnvFileErr = err
		}
	}

	e.attribute(fileVals, gorootVals, goJSON)
	return e
}

// computeDefaults fills in what 'go env' would have computed, for the
// keys the checks need, when it could not run.
func (e *Env) computeDefaults() {
	setDefault := func(k, v string) {
		if cur := e.vars[k]; cur.Source == SourceUnset && v != "" {
			cur.Value, cur.Source = v, SourceDefault
			e.vars[k] = cur
		}
	}
	if home := e.process["HOME"]; home != "" {
		setDefault("GOPATH", filepath.Join(home, "go"))
	}
	if gp := filepath.SplitList(e.Get("GOPATH")); len(gp) > 0 && gp[0] != "" {
		setDefault("GOMODCACHE", filepath.Join(gp[0], "pkg", "mod"))
	}
	setDefault("GONOPROXY", e.Get("GOPRIVATE"))
	setDefault("GONOSUMDB", e.Get("GOPRIVATE"))
	setDefault("GOROOT", e.GOROOT)
	setDefault("GOENV", e.EnvFile)
}

// envFilePath is cmd/go/internal/cfg.EnvFile.
func envFilePath(process, goJSON map[string]string) string {
	if f := process["GOENV"]; f != "" {
		if f == "off" {
			return ""
		}
		return f
	}
	if f, ok := goJSON["GOENV"]; ok {
		return f
	}
	dir, err := os.UserConfigDir()
	if err != nil || dir == "" {
		return ""
	}
	return filepath.Join(dir, "go", "env")
}

// EnvFile returns the GOENV file of the go command on PATH with the
// process environment environ ("" for GOENV=off), without reading the
// rest of the environment: from GOENV when it is set, else by asking the
// go command, as 'gomoddoctor undo' needs when no check runs.
func EnvFile(ctx context.Context, environ []string) (string, error) {
	process := environMap(environ)
	if process["GOENV"] != "" {
		return envFilePath(process, nil), nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	out, err := runGo(ctx, goBin, os.TempDir(), environ, "env", "GOENV")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// runGo runs the go command with GOTOOLCHAIN=local and returns its
// standard output, or an error carrying its standard error.
func runGo(ctx context.Context, goBin, dir string, environ []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), environ...), "GOTOOLCHAIN=local")
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if ctx.Err() != nil {
			return nil, fmt.Errorf("go %s did not finish: %v", strings.Join(args, " "), ctx.Err())
		}
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Op == "fork/exec" && dir != "" {
			// The child could not start: os/exec blames the binary even
			// when what failed is the change to dir.
			if _, serr := os.Stat(dir + string(filepath.Separator) + "."); serr != nil {
				if abs, aerr := filepath.Abs(dir); aerr == nil {
					dir = abs
				}
				return nil, &DirError{Dir: dir, Err: serr}
			}
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, errors.New(msg)
	}
	return out, nil
}

// A DirError says that the go command could not be started in Dir: this
// user cannot enter the directory (os/exec reports it as
// "fork/exec <go>: permission denied", naming the binary).
type DirError struct {
	Dir string
	Err error
}

func (e *DirError) Error() string {
	var pe *fs.PathError
	if errors.As(e.Err, &pe) {
		return fmt.Sprintf("cannot enter the directory %s to run the go command there: %v", e.Dir, pe.Err)
	}
	return fmt.Sprintf("cannot enter the directory %s to run the go command there: %v", e.Dir, e.Err)
}

func (e *DirError) Unwrap() error { return e.Err }

func environMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			m[k] = v
		}
	}
	return m
}

// Get returns the effective value of a key: a Go environment key as the go
// command sees it, or any other variable from the process environment.
func (e *Env) Get(key string) string {
	if v, ok := e.vars[key]; ok {
		return v.Value
	}
	return e.process[key]
}

// Var returns a key with its provenance. Keys the go command does not
// read come from the process environment.
func (e *Env) Var(key string) Var {
	if v, ok := e.vars[key]; ok {
		return v
	}
	if pv := e.process[key]; pv != "" {
		return Var{Key: key, Value: pv, Source: SourceProcess}
	}
	return Var{Key: key, Source: SourceUnset}
}

// Getenv returns a variable of the process environment, with ok false when
// it is not set at all.
func (e *Env) Getenv(key string) (string, bool) {
	v, ok := e.process[key]
	return v, ok
}

// IsGoKey reports whether the go command reads key from its configuration
// (so that 'go env -w' can set it).
func (e *Env) IsGoKey(key string) bool {
	_, ok := e.vars[key]
	return ok
}

// Keys returns the Go environment keys, sorted.
func (e *Env) Keys() []string {
	keys := make([]string, 0, len(e.vars))
	for k := range e.vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// New builds a snapshot from explicit values, for tests of the checks:
// process is the process environment, file the GOENV file's contents (nil
// for no file) and goroot the go.env defaults. No command runs.
func New(process, file, goroot map[string]string) *Env {
	e := &Env{process: map[string]string{}, vars: map[string]Var{}, GoVersion: "go1.26.0", GoBin: "go"}
	for k, v := range process {
		e.process[k] = v
	}
	if file != nil {
		e.EnvFile, e.EnvFileExists = "/home/gopher/.config/go/env", true
	}
	e.attribute(file, goroot, nil)
	return e
}

// attribute computes every Go environment key's effective value and
// source. The Go keys are those 'go env -json' prints (or, when it cannot
// run, the module-related ones) and those in go.env; a key only the GOENV
// file mentions is not one: the go command never reads it.
func (e *Env) attribute(fileVals, gorootVals, goJSON map[string]string) {
	keys := map[string]bool{}
	for _, k := range moduleKeys {
		keys[k] = true
	}
	for k := range goJSON {
		keys[k] = true
	}
	for k := range gorootVals {
		keys[k] = true
	}
	for k := range keys {
		v := Var{Key: k}
		v.FileValue, v.InFile = fileVals[k]
		v.GOROOTValue, v.InGOROOT = gorootVals[k]
		switch {
		case e.process[k] != "":
			v.Source, v.Value = SourceProcess, e.process[k]
		case v.InFile:
			v.Source, v.Value = SourceFile, v.FileValue
		case v.InGOROOT:
			v.Source, v.Value = SourceGOROOT, v.GOROOTValue
		default:
			v.Source = SourceUnset
		}
		// The go command's own answer wins, except for GOTOOLCHAIN,
		// which was forced to "local" to keep 'go env' from switching.
		if jv, ok := goJSON[k]; ok && k != "GOTOOLCHAIN" {
			if v.Source == SourceUnset && jv != "" {
				v.Source = SourceDefault
			}
			v.Value = jv
		}
		e.vars[k] = v
	}
	if goJSON == nil {
		e.computeDefaults()
	}
}

// With returns a copy of the snapshot in which key has been changed as a
// fix would change it, without running anything: written to the GOENV
// file (inFile, as 'go env -w' and 'go env -u' do) or set in the process
// environment. The effective values follow the go command's precedence
// (the process environment overrides the file, which overrides go.env),
// and GONOPROXY and GONOSUMDB follow GOPRIVATE where they default to it.
func (e *Env) With(key, value string, unset, inFile bool) *Env {
	c := *e
	c.process = make(map[string]string, len(e.process))
	for k, v := range e.process {
		c.process[k] = v
	}
	c.vars = make(map[string]Var, len(e.vars))
	for k, v := range e.vars {
		c.vars[k] = v
	}
	if !inFile {
		if unset {
			delete(c.process, key)
		} else {
			c.process[key] = value
		}
	}
	v, isGo := c.vars[key]
	if !isGo {
		return &c
	}
	if inFile {
		v.InFile, v.FileValue = !unset, value
		if unset {
			v.FileValue = ""
		}
	}
	followers := []string{}
	if key == "GOPRIVATE" {
		for _, k := range []string{"GONOPROXY", "GONOSUMDB"} {
			if e.FollowsGOPRIVATE(k) {
				followers = append(followers, k)
			}
		}
	}
	switch pv := c.process[key]; {
	case pv != "":
		v.Source, v.Value = SourceProcess, pv
	case v.InFile:
		v.Source, v.Value = SourceFile, v.FileValue
	case v.InGOROOT:
		v.Source, v.Value = SourceGOROOT, v.GOROOTValue
	default:
		v.Source, v.Value = SourceUnset, ""
	}
	c.vars[key] = v
	for _, k := range followers {
		f := c.vars[k]
		f.Value = v.Value
		c.vars[k] = f
	}
	return &c
}
