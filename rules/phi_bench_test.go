package rules_test

import (
	"testing"
	"time"

	"github.com/pretense/pretense/rules"
	"github.com/pretense/pretense/rules/phigen"
)

// BenchmarkScanSourceTree scans a generated ~10 MB source tree with every
// built-in rule, PHI off, standard and strict. The phi-mode budget is 1.5x
// the secrets-only time:
//
//	go test ./rules -run '^$' -bench ScanSourceTree -benchtime 5x
func BenchmarkScanSourceTree(b *testing.B) {
	files := phigen.New(42).Source(10 << 20)
	var total int64
	data := make([][]byte, len(files))
	for i, f := range files {
		data[i] = []byte(f.Content)
		total += int64(len(f.Content))
	}
	for _, mode := range []rules.Mode{rules.ModeOff, rules.ModeStandard, rules.ModeStrict} {
		rs, err := rules.Compile(rules.Builtin(), rules.Options{PHIMode: mode})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("phi="+string(mode), func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = 0
				for _, d := range data {
					n += len(rs.Scan(d))
				}
			}
			b.ReportMetric(float64(n), "matches")
		})
	}
}

// BenchmarkPHIModeSlowdown alternates secrets-only and phi-mode scans of
// the same tree and reports the ratio of their fastest runs, which holds
// up on a shared, noisy machine better than two separate benchmarks:
//
//	go test ./rules -run '^$' -bench PHIModeSlowdown -benchtime 5x
func BenchmarkPHIModeSlowdown(b *testing.B) {
	files := phigen.New(42).Source(10 << 20)
	data := make([][]byte, len(files))
	for i, f := range files {
		data[i] = []byte(f.Content)
	}
	compile := func(m rules.Mode) *rules.Ruleset {
		rs, err := rules.Compile(rules.Builtin(), rules.Options{PHIMode: m})
		if err != nil {
			b.Fatal(err)
		}
		return rs
	}
	off, std, strict := compile(rules.ModeOff), compile(rules.ModeStandard), compile(rules.ModeStrict)
	scan := func(rs *rules.Ruleset) time.Duration {
		start := time.Now()
		for _, d := range data {
			rs.Scan(d)
		}
		return time.Since(start)
	}
	best := [3]time.Duration{time.Hour, time.Hour, time.Hour}
	for b.Loop() {
		for i, rs := range []*rules.Ruleset{off, std, strict} {
			best[i] = min(best[i], scan(rs))
		}
	}
	b.ReportMetric(float64(best[0].Milliseconds()), "off-ms")
	b.ReportMetric(float64(best[1].Milliseconds()), "standard-ms")
	b.ReportMetric(float64(best[2].Milliseconds()), "strict-ms")
	b.ReportMetric(float64(best[1])/float64(best[0]), "standard/off")
	b.ReportMetric(float64(best[2])/float64(best[0]), "strict/off")
}
