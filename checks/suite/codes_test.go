package suite

import (
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// TestValidate checks the suite's declarations: every check has its ID,
// Title, Doc and Run, and every code is declared once, UPPER_SNAKE, with
// its severities and meaning.
func TestValidate(t *testing.T) {
	if err := checks.Validate(All()); err != nil {
		t.Fatal(err)
	}
}
