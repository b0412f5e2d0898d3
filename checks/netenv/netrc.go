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
}

// Netrc is the credentials file the go command reads under GOAUTH=netrc.
type Netrc struct {
	Enabled bool   // GOAUTH includes netrc (its default)
	Path    string // $NETRC, or $HOME/.netrc
	Exists  bool
	Err     error // the file exists but cannot be read
	Lines   []NetrcLine
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
	for _, line := range strings.Split(data, "\n") {
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
				l = NetrcLine{Machine: f[i+1]}
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
