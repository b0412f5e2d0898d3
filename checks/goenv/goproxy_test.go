package goenv

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseProxyList(t *testing.T) {
	tests := []struct {
		value   string
		urls    []string // URL of each entry, "!" prefix for ignored ones
		fall    []bool   // FallBackOnError of each entry
		err     string   // substring of the list error, "" for none
		empty   int
		suspect string // substring of some entry's Suspect
		suggest string // Suggest of the first entry with one
	}{
		{value: "https://proxy.example,direct", urls: []string{"https://proxy.example", "direct"}, fall: []bool{false, false}},
		{value: "https://a.example|https://b.example,direct", urls: []string{"https://a.example", "https://b.example", "direct"}, fall: []bool{true, false, false}},
		{value: "proxy.example", urls: []string{"https://proxy.example"}},
		{value: "proxy.example:8080/go", urls: []string{"https://proxy.example:8080/go"}},
		{value: "off", urls: []string{"off"}},
		{value: "direct,https://never.example", urls: []string{"direct", "!https://never.example"}},
		{value: "off,htps://ignored.example", urls: []string{"off", "!htps://ignored.example"}},
		{value: "file:///var/goproxy,direct", urls: []string{"file:///var/goproxy", "direct"}},
		{value: "/var/goproxy", urls: []string{"/var/goproxy"}, err: "invalid proxy URL missing scheme: /var/goproxy"},
		{value: "file://host/var/goproxy", urls: []string{"file://host/var/goproxy"}, err: "invalid file:// proxy URL with non-path elements"},
		{value: "", err: "GOPROXY list is not the empty string, but contains no entries"},
		{value: ",", err: "contains no entries", empty: 2},
		{value: " , |", err: "contains no entries", empty: 3},
		{value: "https://a.example,,direct,", urls: []string{"https://a.example", "direct"}, empty: 2},
		{value: " https://a.example , direct ", urls: []string{"https://a.example", "direct"}},
		{value: "htps://a.example,direct", urls: []string{"htps://a.example", "direct"}, err: "invalid proxy URL scheme (must be https, http, file): htps://a.example", suspect: "typo", suggest: "https://a.example"},
		{value: "https//a.example", urls: []string{"https://https//a.example"}, suspect: "not a well-formed URL", suggest: "https://a.example"},
		{value: "https:/a.example", urls: []string{"https:/a.example"}, suspect: "not a well-formed URL", suggest: "https://a.example"},
		{value: "http//127.0.0.1:3000", urls: []string{"https://http//127.0.0.1:3000"}, suspect: "typo", suggest: "http://127.0.0.1:3000"},
		{value: "https;//a.example", urls: []string{"https://https;//a.example"}, suspect: "typo", suggest: "https://a.example"},
		{value: "diret", urls: []string{"diret"}, err: "invalid proxy URL missing scheme: diret", suspect: `keyword "direct"`, suggest: "direct"},
		{value: "DIRECT", urls: []string{"DIRECT"}, err: "missing scheme", suggest: "direct"},
		{value: "https://a.example https://b.example", urls: []string{"https://a.example https://b.example"}, err: `invalid character " " in host name`, suspect: "spaces", suggest: "https://a.example,https://b.example"},
		{value: "https://Proxy.Example/Go", urls: []string{"https://Proxy.Example/Go"}},
		{value: "https://", urls: []string{"https://"}, suspect: "no host"},
		{value: "ftp://a.example", urls: []string{"ftp://a.example"}, err: "invalid proxy URL scheme"},
	}
	for _, tt := range tests {
		l := ParseProxyList(tt.value)
		var urls []string
		var fall []bool
		suspect, suggest := "", ""
		for _, e := range l.Entries {
			u := e.URL
			if e.Ignored {
				u = "!" + u
			}
			urls = append(urls, u)
			fall = append(fall, e.FallBackOnError)
			if suspect == "" {
				suspect = e.Suspect
			}
			if suggest == "" {
				suggest = e.Suggest
			}
		}
		if strings.Join(urls, " ") != strings.Join(tt.urls, " ") {
			t.Errorf("%q: entries %q, want %q", tt.value, urls, tt.urls)
		}
		if tt.fall != nil {
			for i := range tt.fall {
				if i < len(fall) && fall[i] != tt.fall[i] {
					t.Errorf("%q: entry %d FallBackOnError=%v, want %v", tt.value, i, fall[i], tt.fall[i])
				}
			}
		}
		switch {
		case tt.err == "" && l.Err != nil:
			t.Errorf("%q: unexpected error %v", tt.value, l.Err)
		case tt.err != "" && (l.Err == nil || !strings.Contains(l.Err.Error(), tt.err)):
			t.Errorf("%q: error %v, want %q", tt.value, l.Err, tt.err)
		}
		if l.Empty != tt.empty {
			t.Errorf("%q: %d empty elements, want %d", tt.value, l.Empty, tt.empty)
		}
		if tt.suspect != "" && !strings.Contains(suspect, tt.suspect) {
			t.Errorf("%q: suspect %q, want %q", tt.value, suspect, tt.suspect)
		}
		if tt.suspect == "" && tt.err == "" && suspect != "" {
			t.Errorf("%q: unexpected suspect %q", tt.value, suspect)
		}
		if suggest != tt.suggest {
			t.Errorf("%q: suggest %q, want %q", tt.value, suggest, tt.suggest)
		}
	}
}

func TestProxyListHasDirect(t *testing.T) {
	for value, want := range map[string]bool{
		"https://a.example,direct":      true,
		"https://a.example":             false,
		"off,direct":                    false,
		"direct":                        true,
		"https://a.example|direct":      true,
		"https://a.example,off,direct":  false,
		"https://a.example,,direct,,, ": true,
	} {
		if got := ParseProxyList(value).HasDirect(); got != want {
			t.Errorf("HasDirect(%q) = %v, want %v", value, got, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pass@host.example/x":     "https://user:xxxxx@host.example/x",
		"https://TOKEN@host.example":           "https://xxxxx@host.example",
		"https://host.example/a@b":             "https://host.example/a@b",
		"http://u:p%40ss@host.example:1/?q=@x": "http://u:xxxxx@host.example:1/?q=@x",
		"direct":                               "direct",
		"file:///tmp/x":                        "file:///tmp/x",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProxyErrorsAreRedacted(t *testing.T) {
	for _, v := range []string{
		"htps://alice:s3cret@a.example",
		"https://alice:s3cret@a example",
		"file://alice:s3cret@host/x",
		"https://s3cret@a example",
	} {
		l := ParseProxyList(v)
		if l.Err == nil {
			t.Fatalf("%q: no error", v)
		}
		if strings.Contains(l.Err.Error(), "s3cret") {
			t.Errorf("%q: error leaks the password: %v", v, l.Err)
		}
		for _, e := range l.Entries {
			if strings.Contains(e.Suspect, "s3cret") {
				t.Errorf("%q: suspect text leaks the password: %v", v, e.Suspect)
			}
		}
	}
}

// FuzzParseProxyList checks that any GOPROXY value parses without panic,
// that an accepted list holds only URLs the go command accepts, and that
// rendering never shows a password.
func FuzzParseProxyList(f *testing.F) {
	for _, s := range []string{
		"https://proxy.example,direct", "off", "direct", "", ",", " | ,",
		"https://a.example|https://b.example,direct", "htps://a.example",
		"https//a.example", "file:///tmp/proxy", "file://h/x", "diret",
		"https://u:p@a.example,direct", "http://TOKEN@127.0.0.1:1/mod",
		"https://a.example https://b.example", "https://\x00", "%zz", "::::",
		"https://[::1]:3000/", "a.example:8080/path|off|direct",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		l := ParseProxyList(value)
		active := l.Active()
		if l.Err == nil {
			if len(active) == 0 {
				t.Fatalf("%q: accepted with no active entries", value)
			}
			for _, e := range active {
				if e.Kind != ProxyURL {
					continue
				}
				u, err := url.Parse(e.URL)
				if err != nil {
					t.Fatalf("%q: accepted entry %q does not parse: %v", value, e.URL, err)
				}
				if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file" {
					t.Fatalf("%q: accepted entry %q has scheme %q", value, e.URL, u.Scheme)
				}
			}
		}
		for i, e := range active {
			if (e.Kind == ProxyDirect || e.Kind == ProxyOff) && i != len(active)-1 {
				t.Fatalf("%q: %s is not the last active entry", value, e.URL)
			}
		}
		out := l.String()
		for _, e := range l.Entries {
			if u, err := url.Parse(e.URL); err == nil && u.User != nil {
				if p, ok := u.User.Password(); ok && len(p) >= 3 && strings.Contains(out, ":"+p+"@") {
					t.Fatalf("%q: String() shows the password: %q", value, out)
				}
			}
		}
	})
}
