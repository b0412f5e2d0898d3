package explain

// Every fix command explain prints must be one a person can paste: it
// parses as a POSIX shell command line, it runs real commands with real
// flags, and the module paths it gives the go command pass
// module.CheckPath.

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// shellCommands splits a command line into simple commands (separated by
// &&, ||, ;, |), each a list of words with quotes removed. It knows what
// the catalog's commands use: single and double quotes, backslash
// escapes, $(...) inside double quotes or alone, redirections. An
// unbalanced quote or parenthesis is an error.
func shellCommands(line string) ([][]string, error) {
	var cmds [][]string
	var words []string
	var w strings.Builder
	inWord := false
	endWord := func() {
		if inWord {
			words = append(words, w.String())
			w.Reset()
			inWord = false
		}
	}
	endCmd := func() error {
		endWord()
		if len(words) == 0 {
			return fmt.Errorf("empty command in %q", line)
		}
		cmds = append(cmds, words)
		words = nil
		return nil
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unbalanced ' in %q", line)
			}
			w.WriteString(line[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == '"':
			depth := 0
			j := i + 1
			for ; j < len(line); j++ {
				if line[j] == '\\' {
					j++
					continue
				}
				if line[j] == '(' && line[j-1] == '$' {
					depth++
				}
				if line[j] == ')' && depth > 0 {
					depth--
				}
				if line[j] == '"' && depth == 0 {
					break
				}
			}
			if j >= len(line) {
				return nil, fmt.Errorf("unbalanced \" in %q", line)
			}
			w.WriteString(line[i+1 : j])
			inWord = true
			i = j
		case c == '\\':
			if i+1 < len(line) {
				w.WriteByte(line[i+1])
				i++
			}
			inWord = true
		case c == '$' && i+1 < len(line) && line[i+1] == '(':
			depth := 0
			j := i + 1
			for ; j < len(line); j++ {
				if line[j] == '(' {
					depth++
				}
				if line[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j >= len(line) {
				return nil, fmt.Errorf("unbalanced $( in %q", line)
			}
			w.WriteString(line[i : j+1])
			inWord = true
			i = j
		case c == ' ' || c == '\t':
			endWord()
		case c == '&' && strings.HasPrefix(line[i:], "&&"), c == '|' && strings.HasPrefix(line[i:], "||"):
			if err := endCmd(); err != nil {
				return nil, err
			}
			i++
		case c == ';' || c == '|':
			if err := endCmd(); err != nil {
				return nil, err
			}
		case c == '>' || c == '<':
			// A redirection: its target is the next word, not an argument.
			endWord()
			if strings.HasPrefix(line[i:], ">>") {
				i++
			}
			words = append(words, string(c))
		case c == '(' || c == ')' || c == '`':
			return nil, fmt.Errorf("unquoted %c in %q", c, line)
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if err := endCmd(); err != nil {
		return nil, err
	}
	return cmds, nil
}

// goFlags are the flags the go subcommands the catalog uses accept.
var goFlags = map[string][]string{
	"get":      {"-x", "-u", "-t", "-d", "-v"},
	"install":  {"-x", "-v"},
	"list":     {"-m", "-versions", "-json", "-u", "-e"},
	"env":      {"-w", "-u", "-json"},
	"clean":    {"-modcache", "-cache", "-testcache"},
	"download": {"-x", "-json"},
	"edit":     {"-json", "-print", "-go", "-toolchain"},
	"tidy":     {"-v", "-e"},
	"vendor":   {"-v", "-e"},
	"verify":   {},
	"init":     {},
	"use":      {"-r"},
}

// checkGoCommand checks the go command of one simple command.
func checkGoCommand(args []string) error {
	// Redirections and their targets are not arguments.
	for i := 0; i < len(args); i++ {
		if args[i] == ">" || args[i] == "<" {
			args = append(args[:i:i], args[min(i+2, len(args)):]...)
			i--
		}
	}
	if len(args) < 2 {
		return fmt.Errorf("go without a subcommand")
	}
	sub, rest := args[1], args[2:]
	if sub == "mod" || sub == "work" {
		if len(rest) == 0 {
			return fmt.Errorf("go %s without a subcommand", sub)
		}
		sub, rest = rest[0], rest[1:]
	}
	flags, ok := goFlags[sub]
	if !ok {
		return fmt.Errorf("unknown go subcommand %q", sub)
	}
	listM := sub == "list" && slices.Contains(rest, "-m")
	for _, a := range rest {
		if strings.HasPrefix(a, "-") {
			if f, _, _ := strings.Cut(a, "="); !slices.Contains(flags, f) {
				return fmt.Errorf("go %s has no flag %s", sub, a)
			}
			continue
		}
		switch {
		case sub == "env":
			// KEY=value for -w, KEY otherwise: a Go setting.
			k, _, _ := strings.Cut(a, "=")
			if !strings.HasPrefix(k, "GO") && k != "CGO_ENABLED" {
				return fmt.Errorf("go env: %q is not a Go setting", a)
			}
		case sub == "download" || listM:
			p, v, _ := strings.Cut(a, "@")
			if err := module.CheckPath(p); err != nil {
				return err
			}
			if v != "" && strings.ContainsAny(v, " /") {
				return fmt.Errorf("bad version %q", v)
			}
		case sub == "get" || sub == "install":
			p, _, _ := strings.Cut(a, "@")
			if err := module.CheckPath(p); err != nil {
				// A package path: its module's path is a prefix.
				if module.CheckImportPath(p) != nil || !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
					return fmt.Errorf("go %s %s: %v", sub, a, err)
				}
			}
			if strings.HasSuffix(p, ".go") {
				return fmt.Errorf("go %s of a file %s", sub, a)
			}
		case sub == "init":
			if err := module.CheckPath(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// knownCommands are the programs fix commands may run.
var knownCommands = []string{"go", "git", "cat", "printf", "chmod", "rm", "mv", "awk", "export", "unset", "sudo", "chown", "du", "df", "date", "openssl", "curl", "env", "grep", "cut", "head", "command"}

func checkFixCommand(cmd string) error {
	cmds, err := shellCommands(cmd)
	if err != nil {
		return err
	}
	for _, args := range cmds {
		// Environment assignments before the command.
		for len(args) > 0 && strings.Contains(args[0], "=") && !strings.HasPrefix(args[0], "-") && !strings.HasPrefix(args[0], "'") {
			k, _, _ := strings.Cut(args[0], "=")
			if k == "" || strings.ToUpper(k) != k {
				return fmt.Errorf("bad assignment %q", args[0])
			}
			args = args[1:]
		}
		if len(args) == 0 {
			return fmt.Errorf("assignment without a command in %q", cmd)
		}
		prog := args[0]
		switch {
		case prog == "go":
			if err := checkGoCommand(args); err != nil {
				return fmt.Errorf("%q: %v", cmd, err)
			}
		case strings.HasPrefix(prog, "go1."):
			// The golang.org/dl wrapper of a release: go1.N.M download.
			if len(args) != 2 || args[1] != "download" {
				return fmt.Errorf("%q: %s used for other than download", cmd, prog)
			}
		case slices.Contains(knownCommands, prog):
			if prog == "export" || prog == "unset" {
				for _, a := range args[1:] {
					k, _, _ := strings.Cut(a, "=")
					if k == "" || strings.ToUpper(k) != k {
						return fmt.Errorf("%q: bad variable %q", cmd, a)
					}
				}
			}
		default:
			return fmt.Errorf("%q runs unknown program %q", cmd, prog)
		}
	}
	return nil
}

func TestShellCommands(t *testing.T) {
	good := []string{
		`go env -w GOPROXY=https://proxy.corp.example,direct`,
		`printf 'machine h login <user> password <token>\n' >> ~/.netrc && chmod 600 ~/.netrc`,
		`chmod -R u+w "$(go env GOMODCACHE)"/'a/b' && rm -rf "$(go env GOMODCACHE)"/'a/b@v1'`,
		`openssl s_client -connect h:443 -servername h </dev/null | openssl x509 -noout -subject`,
		`GOPROXY=direct go list -m -versions example.com/m`,
	}
	for _, c := range good {
		if err := checkFixCommand(c); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	bad := []string{
		`go get main.go`,
		`go get foo`,
		`go mod download Example.com/m/`,
		`go env -w GOPROXY=https://x,direct 'unbalanced`,
		`go list -m -bogus example.com/m`,
		`frob --all`,
	}
	for _, c := range bad {
		if checkFixCommand(c) == nil {
			t.Errorf("%s: accepted", c)
		}
	}
}

// TestFixCommandsAreValid checks the commands of every fix explain prints
// for the logs it is tested on: the real logs (the held-out part once it
// is scored), the go command's own error expectations and the captured
// logs of the fixtures.
func TestFixCommandsAreValid(t *testing.T) {
	var inputs []string
	for _, l := range loadRealLogs(t) {
		if l.part == "tune" || l.part == "heldout" && enforceHeldout {
			inputs = append(inputs, l.log)
		}
	}
	for _, c := range harvestOrNil(t) {
		inputs = append(inputs, c.sample)
	}
	for _, out := range fixtures.CapturedLogs() {
		inputs = append(inputs, out)
	}
	seen := map[string]bool{}
	n := 0
	for _, in := range inputs {
		p, err := Parse(strings.NewReader(in), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range Explain(p, nil, "-").Causes {
			for _, f := range c.Fixes {
				if seen[f.Command] {
					continue
				}
				seen[f.Command] = true
				n++
				if err := checkFixCommand(f.Command); err != nil {
					t.Errorf("%s fix %q: %v", c.Code, f.Title, err)
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d distinct fix commands checked", n)
	}
	t.Logf("%d distinct fix commands checked", n)
}

// harvestOrNil is the go command's corpus, or nothing where the toolchain's
// test scripts are not installed.
func harvestOrNil(t *testing.T) (lines []corpusLine) {
	t.Run("harvest", func(t *testing.T) { lines = harvest(t) })
	return lines
}
