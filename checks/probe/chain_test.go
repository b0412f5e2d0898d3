package probe

import (
	"slices"
	"testing"

	"golang.org/x/mod/semver"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

func TestTryProxiesMirrorsTheGoCommand(t *testing.T) {
	l := goenv.ParseProxyList("https://a.test,https://b.test|https://c.test,direct")
	entries := l.Active()
	type answer struct {
		ok, notExist, hang bool
	}
	for _, tt := range []struct {
		name    string
		answers []answer // per entry, in order
		okAt    int
		asked   int    // how many entries were asked
		final   string // the entry whose error the go command reports
	}{
		{"first serves", []answer{{ok: true}}, 0, 1, ""},
		{"404 moves on after ','", []answer{{notExist: true}, {ok: true}}, 1, 2, ""},
		{"403 stops after ','", []answer{{}}, -1, 1, "a"},
		{"error moves on after '|'", []answer{{notExist: true}, {}, {ok: true}}, 2, 3, ""},
		{"direct's error wins", []answer{{notExist: true}, {}, {notExist: true}, {}}, -1, 4, "direct"},
		{"the last non-404 error wins over 404s", []answer{{notExist: true}, {}, {}}, -1, 3, "c"},
		{"a hang stops the walk even after '|'", []answer{{notExist: true}, {hang: true}}, -1, 2, "b"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			steps, okAt, final := tryProxies(entries, func(i int, en goenv.ProxyEntry) Step {
				a := tt.answers[i]
				return Step{Entry: i, OK: a.ok, NotExist: a.notExist, Hang: a.hang, Err: en.URL}
			})
			if okAt != tt.okAt || len(steps) != tt.asked {
				t.Fatalf("okAt %d after %d steps, want %d after %d", okAt, len(steps), tt.okAt, tt.asked)
			}
			got := ""
			if final != nil {
				got = final.Err
			}
			want := map[string]string{"": "", "a": "https://a.test", "b": "https://b.test", "c": "https://c.test", "direct": "direct"}[tt.final]
			if got != want {
				t.Errorf("final error from %q, want %q", got, want)
			}
		})
	}
}

// FuzzProxyAnswer feeds arbitrary bodies and content types to the
// parsers of the module proxy protocol's answers: they must neither
// panic nor accept what the go command would reject.
func FuzzProxyAnswer(f *testing.F) {
	for _, s := range []struct{ body, ct string }{
		{"v1.0.0\nv1.1.0\n", "text/plain"}, {"v1.0.0 2024-06-01T00:00:00Z\nv0.0.0-20240101000000-abcdefabcdef\n", ""},
		{`{"Version":"v1.0.0","Time":"2024-06-01T00:00:00Z"}`, "application/json"}, {"<!DOCTYPE html><html>", "text/html; charset=utf-8"},
		{"null", "application/json"}, {"\xff\xfe\x00", "text/plain; charset=weird"}, {"", ""}, {"module x\n", "text/plain"},
	} {
		f.Add([]byte(s.body), s.ct)
	}
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		r := &netenv.Response{URL: "https://goproxy.corp.test/m/@v/list", Kind: netenv.KindOK, StatusCode: 200, Status: "200 OK", ContentType: ct, Body: body}
		vs := listVersions(body)
		for _, v := range vs {
			if !semver.IsValid(v) {
				t.Fatalf("listVersions accepted %q", v)
			}
		}
		if l := latestOf(vs); l != "" && !slices.Contains(vs, l) {
			t.Fatalf("latestOf picked %q from %v", l, vs)
		}
		plausibleList(body)
		looksHTML(r)
		if v, err := infoVersion(r, ""); err == nil && !semver.IsValid(v) {
			t.Fatalf("infoVersion accepted %q", v)
		}
		if v, err := infoVersion(r, "v1.0.0"); err == nil && v != "v1.0.0" {
			t.Fatalf("infoVersion returned %q for v1.0.0", v)
		}
		BodyFirstLine(body)
		classifyResponse(r)
		goError(r)
	})
}
