package netenv

import (
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// A NetrcLine is one complete machine entry of a .netrc file.
type NetrcLine struct {
	Machine  string
	Login    string
	Password string
	Line     int // the line of its machine token, from 1
}

// Netrc is the credentials file the go command reads under GOAUTH=netrc.
type Netrc struct {
	Enabled bool   // GOAUTH includes netrc (its default)
	Path    string // $NETRC, or $HOME/.netrc
	Exists  bool
	Err     error // the file exists but cannot be read
	Lines   []NetrcLine
	// Mentions are every machine token of the file, as written, with
	// what the go command makes of it (see ScanNetrc).
	Mentions []NetrcMention
	// DefaultLine is the line of the "default" token, where the go
	// command stops reading; 0 when there is none.
	DefaultLine int
	// Commands are GOAUTH methods other than netrc and off (git, custom
	// commands), which the doctor does not run.
	Commands []string
}

// maxNetrc bounds how much of a .netrc file is read.
const maxNetrc = 1 << 20

// Netrc returns the .netrc credentials, read once. Every password found
// is registered as a secret.
func (n *Net) Netrc() *Netrc {
	n.netrcOnce.Do(func() {
		nr := &Netrc{Enabled: true}
		goauth := strings.TrimSpace(n.cfg.GOAUTH)
		if goauth != "" {
			nr.Enabled = false
			for _, c := range strings.Split(goauth, ";") {
				switch w := strings.Fields(c); {
				case len(w) == 0:
				case w[0] == "netrc":
					nr.Enabled = true
				case w[0] != "off":
					nr.Commands = append(nr.Commands, strings.TrimSpace(c))
				}
			}
		}
		nr.Path = n.Getenv("NETRC")
		if nr.Path == "" {
			if home := n.Getenv("HOME"); home != "" {
				nr.Path = filepath.Join(home, ".netrc")
			}
		}
		if !nr.Enabled || nr.Path == "" {
			n.netrc = nr
			return
		}
		data, err := readLimited(nr.Path, maxNetrc)
		switch {
		case err == nil:
			nr.Exists = true
			nr.Lines = ParseNetrc(string(data))
			nr.Mentions, nr.DefaultLine = ScanNetrc(string(data))
			for _, l := range nr.Lines {
				n.cfg.AddSecret(l.Password)
			}
		case errors.Is(err, fs.ErrNotExist):
		default:
			nr.Exists, nr.Err = true, err
		}
		n.netrc = nr
	})
	return n.netrc
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// ParseNetrc parses a .netrc file exactly as the go command does
// (cmd/go/internal/auth.parseNetrc): an entry counts once it has a
// machine, a login and a password; "default" ends the file; macro
// definitions are skipped up to the next empty line.
func ParseNetrc(data string) []NetrcLine {
	var nrc []NetrcLine
	var l NetrcLine
	inMacro := false
	for n, line := range strings.Split(data, "\n") {
		if inMacro {
			if line == "" {
				inMacro = false
			}
			continue
		}
		f := strings.Fields(line)
		i := 0
		for ; i < len(f)-1; i += 2 {
			switch f[i] {
			case "machine":
				l = NetrcLine{Machine: f[i+1], Line: n + 1}
			case "login":
				l.Login = f[i+1]
			case "password":
				l.Password = f[i+1]
			case "macdef":
				inMacro = true
			}
			if l.Machine != "" && l.Login != "" && l.Password != "" {
				nrc = append(nrc, l)
				l = NetrcLine{}
			}
		}
		if i < len(f) && f[i] == "default" {
			break
		}
	}
	return nrc
}

// Credential returns the .netrc entry the go command would send with a
// request for u (cmd/go/internal/auth.loadCredential): only for https,
// matching the URL as written, without its scheme, against the machine
// names from the longest path prefix to the host; the first entry for a
// machine wins. A URL with user info therefore never matches, and its own
// credentials are sent instead.
func (n *Net) Credential(u *url.URL) (NetrcLine, bool) {
	if u.Scheme != "https" {
		return NetrcLine{}, false
	}
	nr := n.Netrc()
	if !nr.Enabled || len(nr.Lines) == 0 {
		return NetrcLine{}, false
	}
	byMachine := map[string]NetrcLine{}
	for i := len(nr.Lines) - 1; i >= 0; i-- {
		l := nr.Lines[i]
		byMachine[strings.TrimSuffix(strings.TrimPrefix(l.Machine, "https://"), "/")] = l
	}
	prefix := strings.TrimSuffix(strings.TrimPrefix(u.String(), "https://"), "/")
	for {
		if l, ok := byMachine[prefix]; ok {
			return l, true
		}
		i := strings.LastIndexByte(prefix, '/')
		if i < 0 {
			return NetrcLine{}, false
		}
		prefix = prefix[:i]
	}
}

// A NetrcMention is one machine token of a .netrc file.
type NetrcMention struct {
	Machine string
	Line    int
	// Complete is true when the go command reads it as an entry (a
	// machine, a login and a password, before any "default"); Ignored
	// says why it does not otherwise: "after default", "inside a macro
	// definition" or "no login or password".
	Complete bool
	Ignored  string
}

// ScanNetrc lists every machine token of a .netrc file with its line
// and whether the go command reads it (ParseNetrc's rules), and the line
// of the "default" token (0 when none). It says what the file holds that
// the go command ignores, so that advice can point at the line to edit
// rather than add an entry the go command would not read either.
func ScanNetrc(data string) (mentions []NetrcMention, defaultLine int) {
	read := map[int]string{}
	for _, l := range ParseNetrc(data) {
		read[l.Line] = l.Machine
	}
	inMacro := false
	for n, line := range strings.Split(data, "\n") {
		if defaultLine != 0 {
			for _, m := range machinesIn(line) {
				mentions = append(mentions, NetrcMention{Machine: m, Line: n + 1, Ignored: "after default"})
			}
			continue
		}
		if inMacro {
			if line == "" {
				inMacro = false
			} else {
				for _, m := range machinesIn(line) {
					mentions = append(mentions, NetrcMention{Machine: m, Line: n + 1, Ignored: "inside a macro definition"})
				}
			}
			continue
		}
		// Tokens are read in pairs, as the go command reads them: a
		// "default" ends the file only where a pair would start with it
		// and nothing follows (a line "default", or one ending in it).
		f := strings.Fields(line)
		i := 0
		for ; i < len(f)-1; i += 2 {
			switch f[i] {
			case "machine":
				m := NetrcMention{Machine: f[i+1], Line: n + 1}
				if read[n+1] == f[i+1] {
					m.Complete = true
				} else {
					m.Ignored = "no login or password"
				}
				mentions = append(mentions, m)
			case "macdef":
				inMacro = true
			}
		}
		if i < len(f) && f[i] == "default" {
			defaultLine = n + 1
		}
	}
	return mentions, defaultLine
}

func machinesIn(line string) []string {
	var out []string
	f := strings.Fields(line)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "machine" {
			out = append(out, f[i+1])
		}
	}
	return out
}
