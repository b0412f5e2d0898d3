package main

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// shownCommand is a command the text report gives to run.
var shownCommand = regexp.MustCompile(`(?m)^\s+\$ .*$`)

// cmdOneCause asserts what a single-cause report must be: a text report
// (file) of at most 30 lines that shows one command to run, and a JSON
// report (json) with exactly one root cause whose code matches codeRE
// and a first plan step whose command matches stepRE, tried and seen to
// work; with untried, a step that cannot be tried in memory (a cache
// repair, credentials only the user has), which the script then shows
// working. commands=N says how many commands the one step shows when it
// is a sequence (remove a cache entry, then download it again).
//
//	onecause text.txt report.json CODE_RE STEP_RE [untried] [commands=N]
func cmdOneCause(ts *testscript.TestScript, neg bool, args []string) {
	usage := func() { ts.Fatalf("usage: onecause text json CODE_RE STEP_RE [untried] [commands=N]") }
	if neg || len(args) < 4 {
		usage()
	}
	untried, commands := false, 1
	for _, a := range args[4:] {
		n, isCount := strings.CutPrefix(a, "commands=")
		switch c, err := strconv.Atoi(n); {
		case a == "untried":
			untried = true
		case isCount && err == nil && c > 0:
			commands = c
		default:
			usage()
		}
	}
	text := strings.TrimSuffix(ts.ReadFile(args[0]), "\n")
	if n := strings.Count(text, "\n") + 1; n > 30 {
		ts.Fatalf("%s has %d lines, more than 30:\n%s", args[0], n, text)
	}
	var rep struct {
		RootCauses []struct{ Check, Code, Subject string } `json:"root_causes"`
		Plan       []struct {
			Command  string
			Verified *struct {
				Works   bool
				Changes []string
			}
		}
	}
	if err := json.Unmarshal([]byte(ts.ReadFile(args[1])), &rep); err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
	if len(rep.RootCauses) != 1 {
		ts.Fatalf("%d root causes, want 1: %+v", len(rep.RootCauses), rep.RootCauses)
	}
	if c := rep.RootCauses[0].Code; !regexp.MustCompile("^(" + args[2] + ")$").MatchString(c) {
		ts.Fatalf("root cause %s, want %s", c, args[2])
	}
	if len(rep.Plan) == 0 {
		ts.Fatalf("no plan")
	}
	// One step shown: the text gives one command to run (a repair of
	// several commands says how many).
	if cmds := shownCommand.FindAllString(text, -1); len(cmds) != commands {
		ts.Fatalf("%s shows %d commands to run, want %d:\n%s", args[0], len(cmds), commands, text)
	}
	first := rep.Plan[0]
	if !regexp.MustCompile(args[3]).MatchString(first.Command) {
		ts.Fatalf("first step %q, want %s", first.Command, args[3])
	}
	if untried {
		ts.Logf("root cause %s (%s), %d plan step(s), %d lines; first step %q, not tried in memory", rep.RootCauses[0].Code, rep.RootCauses[0].Subject,
			len(rep.Plan), strings.Count(text, "\n")+1, first.Command)
		return
	}
	if first.Verified == nil || !first.Verified.Works {
		ts.Fatalf("first step %q was not seen to work: %+v", first.Command, first.Verified)
	}
	ts.Logf("root cause %s (%s), %d plan step(s), %s lines; first step %q: %s", rep.RootCauses[0].Code, rep.RootCauses[0].Subject,
		len(rep.Plan), strconv.Itoa(strings.Count(text, "\n")+1), first.Command, strings.Join(first.Verified.Changes, ", "))
}
