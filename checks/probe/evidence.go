package probe

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// Describe says how the go command reads the checksum database on a
// working route: at GOSUMDB's URL, through a proxy, or directly.
func (route *SumDBRoute) Describe(s *Scope) string {
	name := route.DB.Name
	switch {
	case route.Explicit:
		return fmt.Sprintf("the go command reads the checksum database %s at %s, the URL GOSUMDB gives (no proxy is asked)", name, checks.RedactString(route.URL))
	case route.Entry >= 0:
		return fmt.Sprintf("the go command reads the checksum database %s through %s (its /sumdb/%s/supported answers 200), and only there", name, DescribeEntry(s.Entries[route.Entry], route.Entry), name)
	}
	return fmt.Sprintf("no GOPROXY entry serves the checksum database %s: the go command reads it at %s", name, checks.RedactString(route.URL))
}

// DescribeEntry names an entry for a sentence.
func DescribeEntry(en goenv.ProxyEntry, i int) string {
	switch en.Kind {
	case goenv.ProxyDirect:
		return "direct (the origin servers)"
	case goenv.ProxyOff:
		return "off"
	}
	return fmt.Sprintf("entry %d (%s)", i+1, checks.RedactString(en.URL))
}

// WithoutEntry renders the list without entry i.
func WithoutEntry(l *goenv.ProxyList, i int) string {
	return RebuildProxyList(l, func(j int, en goenv.ProxyEntry) (string, bool) {
		return strings.TrimSpace(en.Raw), !en.Ignored && j != i
	})
}

// WithPipeAfter renders the list with '|' after entry i.
func WithPipeAfter(l *goenv.ProxyList, i int) string {
	c := *l
	c.Entries = slices.Clone(l.Entries)
	c.Entries[i].FallBackOnError = true
	return RebuildProxyList(&c, func(_ int, en goenv.ProxyEntry) (string, bool) {
		return strings.TrimSpace(en.Raw), !en.Ignored
	})
}

// StepEvidence is one line: the request and what came back.
func StepEvidence(st Step) string {
	r := st.Resp
	if r == nil {
		return st.Op + ": " + st.Err
	}
	line := fmt.Sprintf("GET %s: %s (%s)", r.URL, r.Describe(), Millis(r.Total))
	if r.Kind == netenv.KindOK && r.StatusCode != 200 {
		if body := BodyFirstLine(r.Body); body != "" {
			line += fmt.Sprintf(": %q", body)
		}
	}
	if len(r.Redirects) > 0 {
		line += " after redirects to " + strings.Join(r.Redirects, " → ")
	}
	return line + credNote(r)
}

// ViaEvidence says which HTTP proxy a request went through.
func ViaEvidence(r *netenv.Response) []string {
	if r == nil || r.Via == nil {
		return nil
	}
	line := fmt.Sprintf("through %s=%s", r.ViaVar, r.Via.Redacted())
	if r.ProxyStatus != 0 {
		line += fmt.Sprintf(", which answered CONNECT with %s", r.ProxyStatusText)
		if r.ProxyAuth != "" {
			line += " (Proxy-Authenticate: " + r.ProxyAuth + ")"
		}
	}
	return []string{line}
}

// ChainEvidence lists the steps of a module's walk.
func ChainEvidence(s *Scope, mc *ModuleChain) []string {
	var out []string
	for _, st := range mc.Steps {
		en := s.Entries[st.Entry]
		switch {
		case en.Kind == goenv.ProxyDirect:
			out = append(out, "direct: fetch from the origin")
		case st.Resp == nil:
			out = append(out, fmt.Sprintf("%s: %s", DescribeEntry(en, st.Entry), st.Err))
		default:
			out = append(out, DescribeEntry(en, st.Entry)+": "+StepEvidence(st))
		}
	}
	return out
}

// BodyFirstLine is the first line of a body, if it is short printable text.
func BodyFirstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b[:min(len(b), 200)]), "\n")
	line = strings.TrimSpace(line)
	for _, r := range line {
		if r < ' ' || r == 0x7f || r == '\uFFFD' {
			return ""
		}
	}
	return line
}

// HostPort is the host:port a URL connects to.
func HostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(strings.TrimSuffix(u.Hostname(), "."), port)
}

// RebuildProxyList renders a list after mapping each entry to a new text
// (or dropping it), keeping the separators that follow kept entries.
func RebuildProxyList(l *goenv.ProxyList, f func(int, goenv.ProxyEntry) (string, bool)) string {
	var b strings.Builder
	var prevSep byte
	for i, e := range l.Entries {
		text, keep := f(i, e)
		if !keep || text == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(prevSep)
		}
		b.WriteString(text)
		prevSep = ','
		if e.FallBackOnError {
			prevSep = '|'
		}
	}
	return b.String()
}

// TLSSummary says in a few words what a handshake showed.
func TLSSummary(hs *netenv.TLSResult) string {
	switch {
	case hs.Kind != netenv.KindOK && hs.Problem == netenv.TLSOK:
		return fmt.Sprintf("%v", hs.Err)
	case hs.Kind == netenv.KindTLS:
		return fmt.Sprintf("handshake failed (%s): %v", hs.Problem, hs.Err)
	case hs.Problem != netenv.TLSOK:
		return fmt.Sprintf("%s certificate (%s): %v", hs.Problem, CommonName(hs.Chain[0].Issuer.String()), hs.VerifyErr)
	}
	return "valid certificate"
}

func FirstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// CommonName shortens a distinguished name to its common name when it has one.
func CommonName(dn string) string {
	for _, part := range strings.Split(dn, ",") {
		if cn, ok := strings.CutPrefix(part, "CN="); ok {
			return `"` + cn + `"`
		}
	}
	if dn == "" {
		return "(no name)"
	}
	return dn
}

func OrNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// ListSome names up to n items, then how many more.
func ListSome(items []string, n int) string {
	return ListFirst(items[:min(n, len(items))], len(items))
}

// ListFirst is ListSome for a caller that holds only the first items of
// a list of total.
func ListFirst(first []string, total int) string {
	if total <= len(first) {
		return strings.Join(first, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(first, ", "), total-len(first))
}
