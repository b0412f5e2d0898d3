package goenv

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseEnvFile(t *testing.T) {
	data := "GOPROXY=https://a.example\n# comment\n\ngoproxy=x\nexport GOSUMDB=off\nGOPROXY=https://b.example\nNOEQUALS\n =x\nGOFLAGS=-x\r\n"
	lines := ParseEnvFile([]byte(data))
	vals := envFileValues(lines)
	if vals["GOPROXY"] != "https://b.example" {
		t.Errorf("GOPROXY = %q, want the last value", vals["GOPROXY"])
	}
	if vals["GOFLAGS"] != "-x\r" {
		t.Errorf("GOFLAGS = %q: the go command keeps the carriage return", vals["GOFLAGS"])
	}
	var ignored, shadowed []int
	for _, l := range lines {
		if l.Ignored {
			ignored = append(ignored, l.N)
		}
		if l.Shadowed {
			shadowed = append(shadowed, l.N)
		}
	}
	if !reflect.DeepEqual(ignored, []int{4, 5, 7, 8}) {
		t.Errorf("ignored lines %v, want [4 5 7 8]", ignored)
	}
	if !reflect.DeepEqual(shadowed, []int{1}) {
		t.Errorf("shadowed lines %v, want [1]", shadowed)
	}
}

func FuzzParseEnvFile(f *testing.F) {
	f.Add("GOPROXY=x\n#c\nbad\n")
	f.Add("A=\r\nB")
	f.Fuzz(func(t *testing.T, data string) {
		for _, l := range ParseEnvFile([]byte(data)) {
			if l.Key != "" && (l.Key[0] < 'A' || l.Key[0] > 'Z' || strings.Contains(l.Key, "=")) {
				t.Fatalf("key %q accepted", l.Key)
			}
		}
	})
}
