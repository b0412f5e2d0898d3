package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdFirstDiff asserts that the first difference of a 'diff --json'
// output is about AREA KEY and explains the failure.
func cmdFirstDiff(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: firstdiff FILE AREA KEY")
	}
	var d struct {
		Differences []struct {
			Area, Key string
			Explains  bool
		}
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &d))
	if len(d.Differences) == 0 {
		ts.Fatalf("no difference")
	}
	first := d.Differences[0]
	if first.Area != args[1] || first.Key != args[2] || !first.Explains {
		ts.Fatalf("first difference is %s %s (explains: %v), want %s %s explaining", first.Area, first.Key, first.Explains, args[1], args[2])
	}
}

// cmdJSONEdit writes IN to OUT with values set: PATH=JSON, where PATH is
// dot-separated keys, and [key=value] picks the element of an array
// whose key has that value (checks[id=module].status="pass").
func cmdJSONEdit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: jsonedit IN OUT PATH=JSON...")
	}
	var doc any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	for _, set := range args[2:] {
		path, val, ok := strings.Cut(set, "=")
		if strings.Contains(path, "[") {
			// the first '=' may be inside a selector
			i := strings.Index(set, "]")
			rest := set[i+1:]
			p2, v2, ok2 := strings.Cut(rest, "=")
			path, val, ok = set[:i+1]+p2, v2, ok2
		}
		if !ok {
			ts.Fatalf("jsonedit: %q is not PATH=JSON", set)
		}
		var v any
		ts.Check(json.Unmarshal([]byte(val), &v))
		setPath(ts, doc, splitPath(path), v)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), out, 0o644))
}

func splitPath(p string) []string {
	var out []string
	for _, part := range strings.Split(p, ".") {
		if name, sel, ok := strings.Cut(part, "["); ok {
			out = append(out, name, "["+sel)
			continue
		}
		out = append(out, part)
	}
	return out
}

func setPath(ts *testscript.TestScript, node any, path []string, v any) {
	key := path[0]
	last := len(path) == 1
	switch n := node.(type) {
	case map[string]any:
		if last {
			n[key] = v
			return
		}
		setPath(ts, n[key], path[1:], v)
	case []any:
		if !strings.HasPrefix(key, "[") {
			ts.Fatalf("jsonedit: %s: not an array selector", key)
		}
		sel := strings.TrimSuffix(strings.TrimPrefix(key, "["), "]")
		k, want, _ := strings.Cut(sel, "=")
		for i, el := range n {
			if m, ok := el.(map[string]any); ok && m[k] == want {
				if last {
					n[i] = v
					return
				}
				setPath(ts, el, path[1:], v)
				return
			}
		}
		if i, err := strconv.Atoi(sel); err == nil && i < len(n) {
			setPath(ts, n[i], path[1:], v)
			return
		}
		ts.Fatalf("jsonedit: no element %s", key)
	default:
		ts.Fatalf("jsonedit: cannot set %s in %T", key, node)
	}
}

// cmdExitStatus runs a program as exec does and asserts its exit status:
// exitstatus N PROG [ARG...].
func cmdExitStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitstatus N PROG [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}
