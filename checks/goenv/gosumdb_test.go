package goenv

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

const testKey = "sum.test.example+5f53a2b3+AXc95WO1X4gsuY44S6Fh04L9J+kri+V1BtmFYpPcUDQv"

func TestParseSumDB(t *testing.T) {
	names, aliases := KnownSumDBs()
	defaultName, alias := names[0], aliases[0]
	tests := []struct {
		value, name, url, err, suggest string
		off, known                     bool
	}{
		{value: "off", off: true},
		{value: defaultName, name: defaultName, known: true},
		{value: alias, name: defaultName, url: "https://" + alias, known: true},
		{value: testKey, name: "sum.test.example"},
		{value: testKey + " https://db.test.example/sumdb", name: "sum.test.example", url: "https://db.test.example/sumdb"},
		{value: "  " + testKey + "\t", name: "sum.test.example"},
		{value: "", err: "missing GOSUMDB"},
		{value: "   ", err: "missing GOSUMDB"},
		{value: "a b c", err: "invalid GOSUMDB: too many fields"},
		{value: "sum.corp.example", err: "malformed verifier id (\"sum.corp.example\" is not a database the go command knows"},
		{value: "OFF", err: "malformed verifier id", suggest: "off"},
		{value: testKey + "x", err: "invalid GOSUMDB:"},
		{value: testKey + " %zz", name: "sum.test.example", err: "invalid GOSUMDB URL: invalid URL escape"},
		{value: testKey + " ftp://db.test.example", name: "sum.test.example", url: "ftp://db.test.example", err: "unsupported scheme in GOSUMDB URL"},
	}
	for _, tt := range tests {
		db := ParseSumDB(tt.value)
		if db.Off != tt.off || db.Name != tt.name || db.URL != tt.url || db.KnownKey != tt.known || db.Suggest != tt.suggest {
			t.Errorf("ParseSumDB(%q) = off %v name %q url %q known %v suggest %q; want off %v name %q url %q known %v suggest %q",
				tt.value, db.Off, db.Name, db.URL, db.KnownKey, db.Suggest, tt.off, tt.name, tt.url, tt.known, tt.suggest)
		}
		switch {
		case tt.err == "" && db.Err != nil:
			t.Errorf("ParseSumDB(%q): unexpected error %v", tt.value, db.Err)
		case tt.err != "" && (db.Err == nil || !strings.Contains(db.Err.Error(), tt.err)):
			t.Errorf("ParseSumDB(%q): error %v, want %q", tt.value, db.Err, tt.err)
		}
	}
}

func TestSumDBDirectURL(t *testing.T) {
	if got := ParseSumDB(testKey).DirectURL(); got != "https://sum.test.example" {
		t.Errorf("DirectURL = %q", got)
	}
	if got := ParseSumDB(testKey + " http://127.0.0.1:1/x").DirectURL(); got != "http://127.0.0.1:1/x" {
		t.Errorf("DirectURL = %q", got)
	}
}

// FuzzParseSumDB checks that any GOSUMDB value parses without panic, and
// that an accepted value names a database with a usable verifier key.
func FuzzParseSumDB(f *testing.F) {
	for _, s := range []string{
		"off", "sum.known.example", testKey, testKey + " https://db.test.example",
		"", " ", "a b c", "bad", "OFF", testKey + "x", testKey + " %zz", "x+y+z", "+++",
		"sum.test.example/path+5f53a2b3+AXc95WO1X4gsuY44S6Fh04L9J+kri+V1BtmFYpPcUDQv",
		"sum.test.example:443+5f53a2b3+AXc95WO1X4gsuY44S6Fh04L9J+kri+V1BtmFYpPcUDQv",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		db := ParseSumDB(value)
		if db.Err != nil || db.Off {
			return
		}
		if db.Name == "" {
			t.Fatalf("%q: accepted with no name", value)
		}
		v, err := note.NewVerifier(db.Key)
		if err != nil || v.Name() != db.Name {
			t.Fatalf("%q: accepted key %q does not verify as %q: %v", value, db.Key, db.Name, err)
		}
		if _, err := url.Parse(db.DirectURL()); err != nil {
			t.Fatalf("%q: direct URL %q does not parse: %v", value, db.DirectURL(), err)
		}
	})
}
