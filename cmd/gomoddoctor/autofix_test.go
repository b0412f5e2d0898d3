package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks/suite"
	"github.com/rogpeppe/go-internal/txtar"
)

// autoFixExempt are the auto-fixable codes that no script can show
// fixed end to end on loopback, each with the reason and the test that
// shows what can be shown.
var autoFixExempt = map[string]string{
	// The fix restores the verifier key the go command has built in for
	// a database it knows (GOSUMDB=<name>). Only that database's real
	// signature verifies with that key, and no test may reach it: a
	// fixture database under that name still fails after the fix.
	// checks.TestSumDBWrongKeyFix shows the fix offered, automatic, and
	// the go command failing before and after.
	"SUMDB_WRONG_KEY": "only the real database's signature verifies with the built-in key (checks.TestSumDBWrongKeyFix)",
}

// TestFixScriptsCoverAutoFixes keeps issue 7's acceptance true: every
// finding that 'gomoddoctor --fix' repairs by itself has a script,
// testdata/script/fix_*.txtar, that breaks it in a sandbox's GOENV file,
// shows the real go command failing (or the doctor warning), runs
// 'gomoddoctor --fix --yes', shows the go command succeeding and the
// doctor passing, and 'gomoddoctor undo' restoring the file byte for
// byte.
//
// The auto-fixable codes are not guessed from the checks' sources (their
// fixes are built far from their findings and switched off in many
// ways): each check declares them (checks.Check.Codes), and the runner
// enforces the declaration, turning Auto off in every other warning's
// or failure's fixes (in tests, the check fails instead). So the union
// of the checks' AutoFix lists is exactly what --fix can apply, and a
// new automatic fix either is declared, and then needs a script here,
// or is never applied.
//
// A script covers a code when it runs 'gomoddoctor --fix --yes' (the
// flags in any order) and names the code in its comments, as the
// scripts do for the findings they demonstrate. A code in
// autoFixExempt needs no script, and must not have one.
func TestFixScriptsCoverAutoFixes(t *testing.T) {
	declared := map[string]string{} // code → check
	for _, c := range suite.All() {
		for _, code := range c.AutoFix() {
			if other, dup := declared[code]; dup {
				t.Errorf("%s is declared auto-fixable by the %s and %s checks", code, other, c.ID)
			}
			declared[code] = c.ID
		}
	}
	if len(declared) < 30 {
		t.Fatalf("only %d auto-fixable codes declared: %v", len(declared), declared)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "script", "fix_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fix scripts: %v", err)
	}
	covered := map[string][]string{} // code → scripts
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// The script, without the files of the archive.
		script := string(txtar.Parse(data).Comment)
		if !runsFixYes(script) {
			continue
		}
		for code := range declared {
			if namedInComments(script, code) {
				covered[code] = append(covered[code], filepath.Base(file))
			}
		}
	}
	var codes []string
	for code := range declared {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		_, exempt := autoFixExempt[code]
		switch {
		case exempt && len(covered[code]) > 0:
			t.Errorf("%s is exempt from fix scripts, but %s shows it: drop the exemption", code, strings.Join(covered[code], ", "))
		case !exempt && len(covered[code]) == 0:
			t.Errorf("%s (the %s check) is auto-fixable but no testdata/script/fix_*.txtar runs 'gomoddoctor --fix --yes' and names it in its comments: add a section that breaks it, fixes it and shows the go command working (or exempt it in autoFixExempt, with the reason)", code, declared[code])
		case exempt:
			t.Logf("%s (%s): exempt: %s", code, declared[code], autoFixExempt[code])
		default:
			t.Logf("%s (%s): %s", code, declared[code], strings.Join(covered[code], ", "))
		}
	}
	for code := range autoFixExempt {
		if _, ok := declared[code]; !ok {
			t.Errorf("autoFixExempt lists %s, which no check declares auto-fixable", code)
		}
	}
}

// runsFixYes reports whether a script runs 'gomoddoctor --fix --yes'
// (with other flags, in any order; expected to succeed or not).
func runsFixYes(script string) bool {
	for _, line := range strings.Split(script, "\n") {
		f := strings.Fields(line)
		// Leading conditions and negation: [exec:sh], !.
		for len(f) > 0 && (f[0] == "!" || strings.HasPrefix(f[0], "[")) {
			f = f[1:]
		}
		if len(f) < 2 || f[0] != "exec" || f[1] != "gomoddoctor" {
			continue
		}
		if slices.Contains(f, "--fix") && (slices.Contains(f, "--yes") || slices.Contains(f, "-y")) {
			return true
		}
	}
	return false
}

// namedInComments reports whether a comment line of a script names the
// code: one of its words (runs of upper-case letters, digits and _).
func namedInComments(script, code string) bool {
	for _, line := range strings.Split(script, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		words := strings.FieldsFunc(line, func(r rune) bool {
			return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
		})
		if slices.Contains(words, code) {
			return true
		}
	}
	return false
}
