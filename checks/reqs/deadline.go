package reqs

import (
	"context"
	"fmt"
	"strconv"
)

// Loops over the requirements or the go.sum lines (50,000 of them in a
// large repository) stop at the run's deadline: Expired looks at ctx
// once every cutEvery items, and CutNote says what was left undone.

const cutEvery = 256

// Expired reports, for the i-th item of a loop, whether the run's
// deadline has passed (looking at ctx every cutEvery items).
func Expired(ctx context.Context, i int) bool {
	return i%cutEvery == cutEvery-1 && ctx.Err() != nil
}

// CutNote says that the deadline cut a list: "the deadline passed after
// 12,544 of 50,000 requirements: the others were not checked".
func CutNote(done, total int, what string) string {
	return fmt.Sprintf("the deadline passed after %s of %s %s: the others were not checked", Thousands(done), Thousands(total), what)
}

// Thousands writes n with a comma between groups of three digits.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	out := []byte(s[:start])
	for i := start; i < len(s); i++ {
		if i > start && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
