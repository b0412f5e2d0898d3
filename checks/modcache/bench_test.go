package modcache

import (
	"context"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// BenchmarkStructural is the structural pass over the whole benchmark
// cache (300 module versions the app uses and 60 it does not, built by
// the go command; see fixtures.NewBenchCache), in-process.
func BenchmarkStructural(b *testing.B) {
	c := fixtures.NewBenchCache(b, 300)
	s := NewScanner(c.Cache)
	var st Stats
	b.ResetTimer()
	for range b.N {
		var problems int
		var err error
		st, err = s.Structural(context.Background(), func(Problem) { problems++ })
		if err != nil || problems != 0 {
			b.Fatalf("structural pass: %v, %d problems", err, problems)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/pass")
	b.ReportMetric(float64(st.Versions), "versions")
}
