package explain

import (
	"os"
	"strings"
	"testing"
)

// The README documents every code of the catalog.
func TestREADMEListsCodes(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skip(err)
	}
	for _, c := range Codes() {
		if !strings.Contains(string(data), "| `"+c.Code+"` | `"+c.Check+"` |") {
			t.Errorf("README.md does not list %s (%s) in its table of codes", c.Code, c.Check)
		}
	}
}
