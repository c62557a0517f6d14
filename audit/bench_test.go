package audit

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// benchAppend appends b.N entries and reports latency percentiles, so the
// p99 target (< 1 ms with durability on) is read off the benchmark output.
func benchAppend(b *testing.B, noSync bool) {
	l, err := Open(b.TempDir(), Options{NoSync: noSync})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	e := testEntry(1)
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if err := l.Append(e); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(pct(1), "max-µs")
}

// BenchmarkAppendDurable is the production setting: one write(2) and one
// fdatasync per entry, under the cross-process lock.
func BenchmarkAppendDurable(b *testing.B) { benchAppend(b, false) }

// BenchmarkAppendNoSync is the same without fdatasync: the difference is
// the cost of durability.
func BenchmarkAppendNoSync(b *testing.B) { benchAppend(b, true) }

// BenchmarkAppendDurableParallel is 16 concurrent requests appending with
// durability on (the proxy under load): group commit keeps each request's
// wait near one or two syncs instead of one per queued request.
func BenchmarkAppendDurableParallel(b *testing.B) {
	l, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(8) // 8 x GOMAXPROCS(2) = 16 goroutines
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		e := testEntry(2)
		var mine []time.Duration
		for pb.Next() {
			start := time.Now()
			if err := l.Append(e); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Nanoseconds())/1e3, "p99-µs")
}

// writeBenchLog writes n chained entries straight into one segment (the
// same encoding the Log writes, minus locking and fsync, to build a large
// log quickly).
func writeBenchLog(b *testing.B, dir string, n int) {
	b.Helper()
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	name := Monthly.segmentName(start)
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	anchor := &marker{Seq: 1, Kind: kindAnchor, Timestamp: start, Segment: name}
	line, head, err := seal(anchor)
	if err != nil {
		b.Fatal(err)
	}
	w.Write(line)
	for i := range n {
		e := testEntry(i)
		e.Timestamp = start.Add(time.Duration(i) * time.Second)
		e.Seq, e.Prev = uint64(i+2), head
		line, head, err = seal(&e)
		if err != nil {
			b.Fatal(err)
		}
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
}

// BenchmarkVerifyMillion verifies a log of one million entries (about
// 330 MB); target < 5 s per op.
func BenchmarkVerifyMillion(b *testing.B) {
	dir := b.TempDir()
	const n = 1_000_000
	writeBenchLog(b, dir, n)
	fi, _ := os.Stat(filepath.Join(dir, Monthly.segmentName(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))))
	b.SetBytes(fi.Size())
	b.ResetTimer()
	for b.Loop() {
		res, err := Verify(dir)
		if err != nil {
			b.Fatal(err)
		}
		if !res.OK() || res.Entries != n {
			b.Fatalf("verify: %d entries, %v", res.Entries, res.Problem)
		}
	}
}

// BenchmarkScan200k reads 200,000 entries back (what export and report do
// before formatting): full JSON decode of every entry in range.
func BenchmarkScan200k(b *testing.B) {
	dir := b.TempDir()
	const n = 200_000
	writeBenchLog(b, dir, n)
	b.ResetTimer()
	for b.Loop() {
		got := 0
		if _, err := Scan(dir, Filter{}, func(Entry) error { got++; return nil }); err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("scanned %d", got)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/entry")
}
