package probe

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// Credentials for the go command's own HTTPS requests, the way
// cmd/go/internal/auth reads them: under GOAUTH=netrc (its default) the
// first complete entry of $NETRC (or ~/.netrc) for each machine name, up
// to the first "default" token, is stored under the machine name without
// "https://" and a trailing slash; a request's URL, as written and
// without its scheme, is matched against those names from its longest
// path prefix down to its host. A URL with a port therefore matches only
// "host:port", never "host"; a URL with user info matches nothing; plain
// http gets nothing.

// NetrcMachine is the machine name the go command matches for a request
// to u: its host as written, with the port when the URL has one.
func NetrcMachine(u *url.URL) string { return u.Host }

// NetrcAdvice says why the go command sends no accepted credentials with
// a request for u that was answered r (401 or 403), and what to change:
// an entry to add, the line of one to edit (the first entry for a
// machine wins, so one added after it is never read), or the reason a
// right entry is not sent (GOAUTH without netrc, NETRC elsewhere, an
// unreadable file, a "default" or a macro before it, user info in the
// URL, plain http). Never a secret.
func NetrcAdvice(e *checks.Env, u *url.URL, r *netenv.Response) (why string, fixes []checks.Fix) {
	g := e.Go
	machine := NetrcMachine(u)
	nr := e.Net().Netrc()
	file := netrcName(e, nr)
	switch {
	case u.Scheme != "https":
		why = fmt.Sprintf("the go command sends .netrc credentials only over https, and %s is plain http", machine)
		v := g.Var("GOPROXY")
		if next := strings.Replace(v.Value, "http://"+u.Host, "https://"+u.Host, 1); next != v.Value {
			fix := checks.SetVar(g, v, next, "if the proxy serves https too, use it: only then does the go command send it credentials (from .netrc, for machine "+machine+")")
			fix.Auto = false
			return why, []checks.Fix{fix}
		}
		return why, []checks.Fix{checks.Manual("serve the proxy over https and use an https:// URL (the go command never sends credentials to a plain http URL)", "go env GOPROXY")}
	case u.User != nil:
		return "the GOPROXY URL carries its own user info, which the go command sends instead of any .netrc entry (a URL with user info matches no machine)",
			[]checks.Fix{checks.Manual("correct the user name and password in the GOPROXY URL, or remove them from it and add a .netrc entry for "+machine, "go env GOPROXY")}
	case !nr.Enabled:
		v := g.Var("GOAUTH")
		if strings.TrimSpace(v.Value) == "off" {
			return "GOAUTH=off: the go command sends no credentials at all",
				[]checks.Fix{checks.UnsetVar(g, v, "let the go command read "+file+" again (GOAUTH=netrc is the default)")}
		}
		cmd := `go env -w GOAUTH="netrc;$(go env GOAUTH)"`
		if v.Source == goenv.SourceProcess {
			cmd = `export GOAUTH="netrc;$GOAUTH"`
		}
		return "GOAUTH does not include netrc: the go command does not read " + file + " at all",
			[]checks.Fix{checks.Manual("add netrc to GOAUTH, before the commands it has", cmd)}
	case nr.Path == "":
		return "neither NETRC nor HOME is set: the go command has no .netrc to read",
			[]checks.Fix{checks.Manual("set NETRC to the file with the entry for "+machine, "export NETRC=/path/to/netrc")}
	case nr.Err != nil:
		return fmt.Sprintf("the go command cannot read %s: %v", nr.Path, checks.RedactString(nr.Err.Error())),
			[]checks.Fix{checks.Manual("make "+nr.Path+" a file this user can read (and only this user)", "ls -l "+checks.ShellQuote(nr.Path)+" && chmod 600 "+checks.ShellQuote(nr.Path))}
	}
	if l, ok := e.Net().Credential(u); ok && r != nil && r.Credentials == "netrc:"+l.Machine {
		why = fmt.Sprintf("the go command sends the entry on line %d of %s (machine %s, login %s) and the server refuses it", l.Line, file, l.Machine, l.Login)
		for _, m := range nr.Mentions {
			if m.Line > l.Line && netrcKey(m.Machine) == netrcKey(l.Machine) {
				why += fmt.Sprintf("; the entry on line %d for the same machine is never read (the first one wins)", m.Line)
				break
			}
		}
		return why,
			[]checks.Fix{checks.Manual(fmt.Sprintf("correct the login or password on line %d of %s (the go command reads only the first entry for %s: an entry added after it is never read)", l.Line, file, l.Machine), editAt(nr.Path, l.Line))}
	}
	// An entry meant for this machine that the go command does not read.
	for _, m := range nr.Mentions {
		if netrcKey(m.Machine) != machine || m.Complete {
			continue
		}
		switch m.Ignored {
		case "after default":
			return fmt.Sprintf("the entry for %s on line %d of %s comes after the \"default\" entry on line %d, where the go command stops reading", machine, m.Line, file, nr.DefaultLine),
				[]checks.Fix{checks.Manual(fmt.Sprintf("move the entry on line %d above line %d of %s", m.Line, nr.DefaultLine, file), editAt(nr.Path, m.Line))}
		case "inside a macro definition":
			return fmt.Sprintf("the entry for %s on line %d of %s is inside a macro definition (macdef), which runs to the next empty line", machine, m.Line, file),
				[]checks.Fix{checks.Manual(fmt.Sprintf("put an empty line before line %d of %s", m.Line, file), editAt(nr.Path, m.Line))}
		default:
			return fmt.Sprintf("the entry for %s on line %d of %s lacks a login or a password, so the go command skips it", machine, m.Line, file),
				[]checks.Fix{checks.Manual(fmt.Sprintf("complete the entry on line %d of %s (machine %s login <user> password <token>)", m.Line, file, machine), editAt(nr.Path, m.Line))}
		}
	}
	// The entry is in ~/.netrc while NETRC names another file.
	if home := e.Go.Get("HOME"); home != "" && e.Go.Get("NETRC") != "" {
		if data, err := os.ReadFile(filepath.Join(home, ".netrc")); err == nil && filepath.Join(home, ".netrc") != nr.Path {
			for _, l := range netenv.ParseNetrc(string(data)) {
				e.AddSecret(l.Password)
				if netrcKey(l.Machine) == machine {
					return fmt.Sprintf("~/.netrc has an entry for %s (line %d), but NETRC=%s makes the go command read that file instead", machine, l.Line, nr.Path),
						[]checks.Fix{checks.Manual("move the entry into "+nr.Path+", or unset NETRC", "unset NETRC")}
				}
			}
		}
	}
	why = fmt.Sprintf("%s has no entry for %s, the machine name the go command matches (the URL's host as written, with its port)", file, machine)
	for _, m := range nr.Mentions {
		if m.Complete && netrcKey(m.Machine) != machine && sameHost(m.Machine, u) {
			why += fmt.Sprintf("; the entry on line %d names %s, which the go command does not match for %s", m.Line, m.Machine, machine)
			break
		}
	}
	return why, []checks.Fix{checks.Manual("give the go command credentials for "+machine+" in "+file+" (GOAUTH=netrc is the default)", NetrcCommandFile(machine, file))}
}

// netrcName is how the advice names the .netrc file the go command reads.
func netrcName(e *checks.Env, nr *netenv.Netrc) string {
	if home := e.Go.Get("HOME"); home != "" && nr.Path == filepath.Join(home, ".netrc") {
		return "~/.netrc"
	}
	if nr.Path == "" {
		return "~/.netrc"
	}
	return nr.Path
}

// netrcKey is a machine name as the go command stores it.
func netrcKey(machine string) string {
	return strings.TrimSuffix(strings.TrimPrefix(machine, "https://"), "/")
}

// sameHost reports whether a machine name is for u's host name, whatever
// its port, case or path.
func sameHost(machine string, u *url.URL) bool {
	m := netrcKey(machine)
	m, _, _ = strings.Cut(m, "/")
	if h, _, ok := strings.Cut(m, ":"); ok {
		m = h
	}
	return strings.EqualFold(m, u.Hostname())
}

// editAt opens a file at a line in the user's editor.
func editAt(path string, line int) string {
	return fmt.Sprintf(`"${EDITOR:-vi}" +%d %s`, line, checks.ShellQuote(path))
}

// NetrcCommandFile appends an entry for machine to a .netrc file (file
// as netrcName names it), for the user to fill in.
func NetrcCommandFile(machine, file string) string {
	q := file
	if q != "~/.netrc" {
		q = checks.ShellQuote(file)
	}
	return "printf 'machine " + machine + " login <user> password <token>\\n' >> " + q + " && chmod 600 " + q
}
