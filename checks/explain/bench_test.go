package explain

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// benchLog is a CI log of about 8 MB: build and test noise, with the
// captured go errors sprinkled through it.
func benchLog() string {
	var b strings.Builder
	noise := []string{
		"2024-05-01T12:00:00.1234567Z ok  \texample.test/app/internal/pkg\t0.012s",
		"=== RUN   TestSomethingLong/with_a_subtest_name",
		"    helper_test.go:42: got 3 widgets, want 3 widgets",
		"go: downloading example.test/greet v0.1.0",
		"# get https://proxy.example.test/example.test/greet/@v/list: 200 OK (0.021s)",
		"\x1b[32mPASS\x1b[0m",
		"Step 5/12 : RUN go build -o /out/app ./cmd/app",
	}
	var errs []string
	for _, l := range fixtures.CapturedLogs() {
		errs = append(errs, l)
	}
	for i := 0; b.Len() < 8<<20; i++ {
		b.WriteString(noise[i%len(noise)])
		b.WriteByte('\n')
		if i%2000 == 0 {
			b.WriteString(errs[(i/2000)%len(errs)])
		}
	}
	return b.String()
}

// BenchmarkParse measures the log parser's throughput (MB/s) on a large
// CI log; memory stays bounded by the limits, not by the log's size.
func BenchmarkParse(b *testing.B) {
	log := benchLog()
	b.SetBytes(int64(len(log)))
	b.ReportAllocs()
	for b.Loop() {
		l, err := Parse(strings.NewReader(log), Limits{})
		if err != nil || len(l.causes) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkDistinctErrors is the worst case: a log that is nothing but
// distinct module errors, each run through the catalog.
func BenchmarkDistinctErrors(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 2<<20; i++ {
		n := strconv.Itoa(i)
		sb.WriteString("go: example.test/m" + n + "@v1.0.0: reading https://proxy.example.test/example.test/m" + n + "/@v/v1.0.0.info: 404 Not Found\n./main.go:" + n + ":2: undefined: foo\n")
	}
	log := sb.String()
	b.SetBytes(int64(len(log)))
	for b.Loop() {
		if _, err := Parse(strings.NewReader(log), Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
