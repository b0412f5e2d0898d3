package goenv

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseGOFLAGS(t *testing.T) {
	tests := []struct {
		value string
		names []string
		err   string // list error
		bad   string // first word with its own error
	}{
		{value: "-mod=vendor -modcacherw", names: []string{"mod", "modcacherw"}},
		{value: "  --mod=mod\t-x ", names: []string{"mod", "x"}},
		{value: `-tags='a b' -ldflags="-s -w"`, names: []string{"tags", "", "ldflags", "w\""}, bad: "b'"},
		{value: `'-tags=a b' "-ldflags=-s -w"`, names: []string{"tags", "ldflags"}},
		{value: `'-tags=a b`, err: "unterminated ' string"},
		{value: "mod=vendor", names: []string{""}, bad: "mod=vendor"},
		{value: "- -- ---x -=1", names: []string{"", "", "", ""}, bad: "-"},
	}
	for _, tt := range tests {
		flags, err := ParseGOFLAGS(tt.value)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseGOFLAGS(%q) error %v, want %q", tt.value, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseGOFLAGS(%q): %v", tt.value, err)
			continue
		}
		var names []string
		bad := ""
		for _, f := range flags {
			names = append(names, f.Name)
			if f.Err != nil && bad == "" {
				bad = f.Raw
			}
		}
		if !reflect.DeepEqual(names, tt.names) || bad != tt.bad {
			t.Errorf("ParseGOFLAGS(%q) = names %q bad %q, want %q %q", tt.value, names, bad, tt.names, tt.bad)
		}
	}
}

// FuzzParseGOFLAGS checks that parsing never panics and that JoinGOFLAGS
// writes words back so that they parse to the same words.
func FuzzParseGOFLAGS(f *testing.F) {
	for _, s := range []string{"-mod=vendor", `'-tags=a b' -x`, `"-ldflags=-s -w"`, "-a\t-b\n-c", "'", `"`, "-x='y'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		flags, err := ParseGOFLAGS(value)
		if err != nil {
			return
		}
		joined := JoinGOFLAGS(flags)
		again, err := ParseGOFLAGS(joined)
		if err != nil {
			// A word holding both quote kinds cannot always be quoted
			// without escapes, which GOFLAGS does not have.
			for _, f := range flags {
				if strings.Contains(f.Raw, "'") && strings.Contains(f.Raw, `"`) {
					return
				}
			}
			t.Fatalf("%q joined to %q, which does not parse: %v", value, joined, err)
		}
		if len(again) != len(flags) {
			t.Fatalf("%q: %d words, joined %q: %d words", value, len(flags), joined, len(again))
		}
		for i := range flags {
			if again[i].Raw != flags[i].Raw {
				t.Fatalf("%q: word %q came back as %q", value, flags[i].Raw, again[i].Raw)
			}
		}
	})
}

func TestLookupGoFlag(t *testing.T) {
	for _, tc := range []struct {
		value, name string
		ok          bool
		raw         string
		on          bool // BoolValue, for boolean flags
	}{
		{"-mod=vendor -trimpath", "mod", true, "-mod=vendor", false},
		{"-mod=vendor -mod=mod", "mod", true, "-mod=mod", false}, // the last wins
		{"-trimpath", "mod", false, "", false},
		{"-modcacherw", "modcacherw", true, "-modcacherw", true},
		{"-modcacherw=T", "modcacherw", true, "-modcacherw=T", true},
		{"-modcacherw=TRUE -modcacherw=0", "modcacherw", true, "-modcacherw=0", false},
		{"--insecure", "insecure", true, "--insecure", true},
	} {
		f, ok := LookupGoFlag(tc.value, tc.name)
		if ok != tc.ok || f.Raw != tc.raw {
			t.Errorf("LookupGoFlag(%q, %q) = %q, %v; want %q, %v", tc.value, tc.name, f.Raw, ok, tc.raw, tc.ok)
			continue
		}
		if tc.name != "mod" && ok {
			if on, err := f.BoolValue(); err != nil || on != tc.on {
				t.Errorf("%q: BoolValue = %v, %v; want %v", tc.raw, on, err, tc.on)
			}
		}
	}
	if _, err := (GoFlag{Raw: "-modcacherw=maybe", Name: "modcacherw", Value: "maybe", HasValue: true}).BoolValue(); err == nil {
		t.Error("BoolValue accepted maybe")
	}
}
