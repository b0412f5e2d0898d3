package suite

import (
	"strings"
	"testing"
)

func TestSelect(t *testing.T) {
	got, err := Select([]string{"env"})
	if err != nil || len(got) != 1 || got[0].ID != "env" {
		t.Fatalf("Select(env) = %v, %v", got, err)
	}
	if _, err := Select([]string{"env", "nope"}); err == nil || !strings.Contains(err.Error(), `unknown check "nope"`) {
		t.Errorf("Select(nope) error = %v", err)
	}
	if _, err := Select([]string{" , "}); err == nil {
		t.Errorf("Select of nothing succeeded")
	}
	all, _ := Select(nil)
	if len(all) != len(All()) {
		t.Errorf("Select(nil) = %d checks, want all %d", len(all), len(All()))
	}
}
