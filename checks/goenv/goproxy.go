package goenv

import (
	"fmt"
	"net/url"
	pathpkg "path"
	"path/filepath"
	"strings"
)

// ProxyKind says what a GOPROXY entry is.
type ProxyKind int

const (
	ProxyURL    ProxyKind = iota // a module proxy at a URL (https, http or file)
	ProxyDirect                  // "direct": fetch from the origin VCS
	ProxyOff                     // "off": refuse to download
)

// A ProxyEntry is one element of GOPROXY, interpreted exactly as
// cmd/go/internal/modfetch.proxyList does.
type ProxyEntry struct {
	Raw  string    // the element as written, between separators
	URL  string    // the URL the go command uses ("https://" added where it adds it), or "direct"/"off"
	Kind ProxyKind // URL, direct or off
	// FallBackOnError is true when the separator after the entry is '|':
	// the go command then tries the next entry after any error, not only
	// after 404 and 410.
	FallBackOnError bool
	// Ignored is true for entries after "direct" or "off": the go command
	// stops reading the list there.
	Ignored bool
	// Err is the go command's reason for rejecting the entry (which makes
	// every download fail), or nil when it accepts it. Any URL it contains
	// is redacted.
	Err error
	// Suspect describes an entry the go command accepts but that cannot be
	// what was meant (a typo such as "https//host"); "" otherwise.
	Suspect string
	// Suggest is a corrected element for Err or Suspect, or "".
	Suggest string
}

// IsHTTP reports whether the entry is a proxy reached over HTTP or HTTPS.
func (e ProxyEntry) IsHTTP() bool {
	return e.Kind == ProxyURL && (strings.HasPrefix(e.URL, "https://") || strings.HasPrefix(e.URL, "http://"))
}

// A ProxyList is a parsed GOPROXY value.
type ProxyList struct {
	Value   string       // the value parsed
	Entries []ProxyEntry // the non-empty elements, in order
	// Empty counts elements that are empty or only white space; the go
	// command skips them.
	Empty int
	// Err is the error every module download fails with because of the
	// list itself (an invalid entry, or no entries at all), or nil.
	Err error
}

// Active returns the entries the go command actually uses, in order.
func (l *ProxyList) Active() []ProxyEntry {
	var out []ProxyEntry
	for _, e := range l.Entries {
		if !e.Ignored {
			out = append(out, e)
		}
	}
	return out
}

// HasDirect reports whether the go command reaches "direct" in the list.
func (l *ProxyList) HasDirect() bool {
	for _, e := range l.Active() {
		if e.Kind == ProxyDirect {
			return true
		}
	}
	return false
}

// String renders the list back to a GOPROXY value, credentials redacted.
func (l *ProxyList) String() string {
	var b strings.Builder
	for i, e := range l.Entries {
		if i > 0 {
			if l.Entries[i-1].FallBackOnError {
				b.WriteByte('|')
			} else {
				b.WriteByte(',')
			}
		}
		b.WriteString(RedactURL(e.URL))
	}
	return b.String()
}

// ParseProxyList parses a GOPROXY value the way the go command does,
// recording for each element what the go command makes of it. An empty
// value is an error, as in the go command: it only arises when an empty
// GOPROXY= line in the GOENV file hides the toolchain default.
func ParseProxyList(value string) *ProxyList {
	l := &ProxyList{Value: value}
	terminated := false
	for rest := value; rest != ""; {
		var raw string
		fallBack := false
		if i := strings.IndexAny(rest, ",|"); i >= 0 {
			raw, fallBack, rest = rest[:i], rest[i] == '|', rest[i+1:]
			if rest == "" {
				l.Empty++ // a trailing separator: the go command stops there
			}
		} else {
			raw, rest = rest, ""
		}
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" {
			l.Empty++
			continue
		}
		e := ProxyEntry{Raw: raw, URL: trimmed, FallBackOnError: fallBack, Ignored: terminated}
		switch trimmed {
		case "off":
			e.Kind = ProxyOff
			terminated = true
		case "direct":
			e.Kind = ProxyDirect
			terminated = true
		default:
			e.URL = implicitHTTPS(trimmed)
			e.Err = checkProxyURL(e.URL)
			if !e.Ignored {
				e.Suspect, e.Suggest = suspectProxy(trimmed, e.URL, e.Err)
			}
			if e.Err != nil && !e.Ignored && l.Err == nil {
				l.Err = e.Err
			}
		}
		l.Entries = append(l.Entries, e)
	}
	if l.Err == nil && len(l.Active()) == 0 {
		l.Err = fmt.Errorf("GOPROXY list is not the empty string, but contains no entries")
	}
	return l
}

// implicitHTTPS adds "https://" where the go command does: single words
// are reserved, anything containing ":/" or an absolute file path must be a
// complete URL, and every other element gets the scheme prepended.
func implicitHTTPS(s string) string {
	if strings.ContainsAny(s, ".:/") && !strings.Contains(s, ":/") && !filepath.IsAbs(s) && !pathpkg.IsAbs(s) {
		return "https://" + s
	}
	return s
}

// checkProxyURL mirrors modfetch.newProxyRepo's validation of a base URL.
func checkProxyURL(raw string) error {
	base, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid proxy URL %s: %v", RedactURL(raw), unwrapURLError(err))
	}
	redacted := base.Redacted()
	switch base.Scheme {
	case "http", "https":
		return nil
	case "file":
		if *base != (url.URL{Scheme: base.Scheme, Path: base.Path, RawPath: base.RawPath}) {
			return fmt.Errorf("invalid file:// proxy URL with non-path elements: %s", RedactURL(redacted))
		}
		return nil
	case "":
		return fmt.Errorf("invalid proxy URL missing scheme: %s", RedactURL(redacted))
	default:
		return fmt.Errorf("invalid proxy URL scheme (must be https, http, file): %s", RedactURL(redacted))
	}
}

// unwrapURLError drops url.Error's "parse <url>:" prefix, which would
// repeat the URL with its credentials.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// suspectProxy recognises entries that are typos of a URL or keyword,
// whether or not the go command accepts them, and proposes a correction.
func suspectProxy(trimmed, full string, err error) (suspect, suggest string) {
	lower := strings.ToLower(trimmed)
	for _, kw := range []string{"direct", "off"} {
		if lower == kw || (len(lower) > 3 && editDistance(lower, kw) <= 2) {
			return fmt.Sprintf("%q looks like the keyword %q", trimmed, kw), kw
		}
	}
	if fields := strings.Fields(trimmed); len(fields) > 1 {
		return "several URLs separated by spaces; GOPROXY is separated by ',' or '|'", strings.Join(fields, ",")
	}
	if strings.Contains(trimmed, ";") && strings.Contains(trimmed, "://") {
		return "elements separated by ';'; GOPROXY is separated by ',' or '|'", strings.ReplaceAll(trimmed, ";", ",")
	}
	// scheme typos: "https//host", "https:/host", "htps://host", "https;//host".
	if word, sep, rest, ok := cutScheme(trimmed); ok {
		want := "https"
		if strings.EqualFold(word, "http") {
			want = "http"
		}
		fixed := want + "://" + rest
		if (!strings.EqualFold(word, want) || sep != "://") && checkProxyURL(fixed) == nil {
			return fmt.Sprintf("%q is not a well-formed URL (a typo in %q)", RedactURL(trimmed), want+"://"), fixed
		}
	}
	if err == nil && (strings.HasPrefix(full, "https://") || strings.HasPrefix(full, "http://")) {
		if u, perr := url.Parse(full); perr == nil && u.Host == "" {
			return fmt.Sprintf("%q has no host name", trimmed), ""
		}
	}
	return "", ""
}

// cutScheme splits an element that starts like a URL scheme close to
// "http" or "https" into that word, the separator after it (any mangling
// of "://") and the rest.
func cutScheme(trimmed string) (word, sep, rest string, ok bool) {
	i := 0
	for i < len(trimmed) && (trimmed[i] >= 'a' && trimmed[i] <= 'z' || trimmed[i] >= 'A' && trimmed[i] <= 'Z') {
		i++
	}
	word = strings.ToLower(trimmed[:i])
	if len(word) < 3 || (editDistance(word, "https") > 2 && editDistance(word, "http") > 1) {
		return "", "", "", false
	}
	j := i
	for j < len(trimmed) && strings.ContainsRune(":;/\\", rune(trimmed[j])) {
		j++
	}
	if j == i || j == len(trimmed) {
		return "", "", "", false
	}
	return trimmed[:i], trimmed[i:j], trimmed[j:], true
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// RedactURL hides the credentials of a URL-like string: the password of
// user:password, or the whole user part when it stands alone (a token).
// Strings that are not URLs with user info are returned unchanged.
func RedactURL(s string) string {
	schemeEnd := strings.Index(s, "://")
	if schemeEnd < 0 {
		return s
	}
	hostStart := schemeEnd + 3
	end := len(s)
	if i := strings.IndexAny(s[hostStart:], "/?#"); i >= 0 {
		end = hostStart + i
	}
	at := strings.LastIndex(s[hostStart:end], "@")
	if at < 0 {
		return s
	}
	userinfo := s[hostStart : hostStart+at]
	masked := "xxxxx"
	if user, _, ok := strings.Cut(userinfo, ":"); ok {
		masked = user + ":xxxxx"
	}
	return s[:hostStart] + masked + s[hostStart+at:]
}
