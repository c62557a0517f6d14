package audit

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openAt opens a monthly log in dir with a fixed clock.
func openAt(t *testing.T, dir string, now time.Time) *Log {
	t.Helper()
	l, err := Open(dir, Options{NoSync: true, Now: func() time.Time { return now }, Retention: Retention{Forever: true}})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func appendN(t *testing.T, l *Log, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if err := l.Append(testEntry(i)); err != nil {
			t.Fatal(err)
		}
	}
}

var feb = time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)

// The live segment is deleted while the writer runs: without the inode
// check the next entries went into the unlinked file and were lost, and
// verify said ok. Now a new segment starts with a break record, the later
// entries are kept, and verify reports the loss.
func TestLiveSegmentDeletedStartsBreakSegment(t *testing.T) {
	dir := t.TempDir()
	l := openAt(t, dir, feb)
	appendN(t, l, 0, 3) // anchor seq 1, entries 2..4
	if err := os.Remove(filepath.Join(dir, "audit-2026-02.jsonl")); err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 3, 2) // break seq 5, entries 6..7
	l.Close()
	if got := mustSegments(t, dir); strings.Join(got, ",") != "audit-2026-02.1.jsonl" {
		t.Fatalf("segments %v", got)
	}
	res := mustVerify(t, dir)
	if res.OK() || res.Problem.Kind != Lost {
		t.Fatalf("verify must report the lost segment, got %v", res.Problem)
	}
	if len(res.Breaks) != 1 {
		t.Fatalf("breaks %+v", res.Breaks)
	}
	b := res.Breaks[0]
	if b.Reason != breakDeleted || b.LostSegment != "audit-2026-02.jsonl" || b.LostFirst != 1 || b.LostLast != 4 || b.Seq != 5 {
		t.Fatalf("break %+v", b)
	}
	if res.Problem.Missing != 4 || !strings.Contains(res.Problem.String(), "seq 1..4") {
		t.Fatalf("problem %v (missing %d)", res.Problem, res.Problem.Missing)
	}
	if res.Entries != 2 || res.LastSeq != 7 {
		t.Fatalf("the entries after the break must be kept and chained: %+v", res)
	}
	entries, _, err := Read(dir, Filter{})
	if err != nil || len(entries) != 2 || entries[0].RequestID != "req-000003" {
		t.Fatalf("read after break: %v %+v", err, entries)
	}
}

// A deleted live segment after older ones: the older segments still verify,
// the loss is named, and the next period's rotation carries on from the
// break segment.
func TestLiveSegmentDeletedAfterOlderSegments(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{t: time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)}
	l, err := Open(dir, Options{Period: Daily, NoSync: true, Now: clk.Now, Retention: Retention{Forever: true}})
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 0, 2) // 03-01: anchor 1, entries 2..3
	clk.Set(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
	appendN(t, l, 2, 2) // 03-02: anchor 4, entries 5..6
	if err := os.Remove(filepath.Join(dir, "audit-2026-03-02.jsonl")); err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 4, 1) // break 7 in audit-2026-03-02.1.jsonl, entry 8
	clk.Set(time.Date(2026, 3, 3, 1, 0, 0, 0, time.UTC))
	appendN(t, l, 5, 1) // 03-03: anchor 9, entry 10
	l.Close()
	want := "audit-2026-03-01.jsonl,audit-2026-03-02.1.jsonl,audit-2026-03-03.jsonl"
	if got := strings.Join(mustSegments(t, dir), ","); got != want {
		t.Fatalf("segments %s, want %s", got, want)
	}
	res := mustVerify(t, dir)
	if res.Problem == nil || res.Problem.Kind != Lost || len(res.Breaks) != 1 {
		t.Fatalf("got %v %+v", res.Problem, res.Breaks)
	}
	if b := res.Breaks[0]; b.LostFirst != 4 || b.LostLast != 6 || b.Segment != "audit-2026-03-02.1.jsonl" {
		t.Fatalf("break %+v", b)
	}
	if res.LastSeq != 10 || res.Entries != 4 {
		t.Fatalf("chain after the break: %+v", res)
	}
}

// The attacker replaces the live segment with a forged, correctly re-hashed
// one. The writer notices (another inode), and verify reports the break even
// though the forged file is a valid chain on its own.
func TestLiveSegmentReplacedByForgery(t *testing.T) {
	dir := t.TempDir()
	l := openAt(t, dir, feb)
	appendN(t, l, 0, 3)
	forged := t.TempDir()
	fl := openAt(t, forged, feb)
	appendN(t, fl, 100, 3)
	fl.Close()
	if err := os.Rename(filepath.Join(forged, "audit-2026-02.jsonl"), filepath.Join(dir, "audit-2026-02.jsonl")); err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 3, 1)
	l.Close()
	res := mustVerify(t, dir)
	if res.Problem == nil || res.Problem.Kind != Lost || len(res.Breaks) != 1 || res.Breaks[0].Reason != breakReplaced {
		t.Fatalf("got %v %+v", res.Problem, res.Breaks)
	}
	if !strings.Contains(res.Problem.String(), "replaced by another file") {
		t.Fatalf("message %q", res.Problem)
	}
}

// Replacing the live segment with an intact copy (an editor's save, a
// restore from backup) loses nothing: no break, the writer carries on in
// the copy, verify passes.
func TestLiveSegmentReplacedByIntactCopy(t *testing.T) {
	dir := t.TempDir()
	l := openAt(t, dir, feb)
	appendN(t, l, 0, 3)
	path := filepath.Join(dir, "audit-2026-02.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".tmp", data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 3, 2)
	l.Close()
	res := mustVerify(t, dir)
	if !res.OK() || res.Entries != 5 || len(res.Breaks) != 0 {
		t.Fatalf("intact copy: %v %+v", res.Problem, res)
	}
}

// Two writers on one directory: the first to notice writes the break; the
// second sees it links to the head it knew and writes none of its own.
func TestLiveSegmentDeletedTwoWritersOneBreak(t *testing.T) {
	dir := t.TempDir()
	a := openAt(t, dir, feb)
	b := openAt(t, dir, feb)
	appendN(t, a, 0, 2)
	appendN(t, b, 2, 2)
	if err := os.Remove(filepath.Join(dir, "audit-2026-02.jsonl")); err != nil {
		t.Fatal(err)
	}
	appendN(t, a, 4, 1)
	appendN(t, b, 5, 1)
	appendN(t, a, 6, 1)
	a.Close()
	b.Close()
	res := mustVerify(t, dir)
	if len(res.Breaks) != 1 || res.Breaks[0].LostLast != 5 {
		t.Fatalf("want one break after seq 5, got %+v", res.Breaks)
	}
	if res.Problem.Kind != Lost || res.Entries != 3 || res.LastSeq != 9 {
		t.Fatalf("got %v %+v", res.Problem, res)
	}
}

// The whole directory is removed: the writer recreates it and starts with
// a break, so a later verify does not see a clean new log.
func TestAuditDirectoryDeleted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "audit")
	l := openAt(t, dir, feb)
	appendN(t, l, 0, 3)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 3, 1)
	l.Close()
	res := mustVerify(t, dir)
	if res.Problem == nil || res.Problem.Kind != Lost || res.Breaks[0].LostLast != 4 {
		t.Fatalf("got %v %+v", res.Problem, res.Breaks)
	}
}

// A forged break record does not make a tampered log pass: a break is
// always a failure.
func TestBreakRecordAlwaysFails(t *testing.T) {
	dir, segs := buildLog(t, 8)
	last := segs[len(segs)-1]
	lines := readLines(t, filepath.Join(dir, segs[len(segs)-2]))
	var b brief
	var ok bool
	for i := len(lines) - 1; i >= 0 && !ok; i-- {
		b, ok = parseBrief(bytes.TrimSuffix(lines[i], []byte("\n")), sha256.New())
	}
	if err := os.Remove(filepath.Join(dir, last)); err != nil {
		t.Fatal(err)
	}
	m := &marker{Seq: b.seq + 1, Kind: kindBreak, Timestamp: feb, Segment: last, PrevSegment: last, Reason: breakDeleted, LostFirst: b.seq + 1, LostLast: b.seq, Prev: hashString(b.hash)}
	line, _, err := seal(m)
	if err != nil {
		t.Fatal(err)
	}
	writeLines(t, filepath.Join(dir, last), [][]byte{line})
	if res := mustVerify(t, dir); res.OK() || res.Problem.Kind != Lost {
		t.Fatalf("a break must fail verification: %v", res.Problem)
	}
}

// Trailing lines cut from the live segment while the writer runs: the
// writer knows how long it left the file, starts a new segment with a
// break, and verify names the lost seqs.
func TestLiveSegmentTruncated(t *testing.T) {
	dir := t.TempDir()
	l := openAt(t, dir, feb)
	appendN(t, l, 0, 5) // anchor 1, entries 2..6
	path := filepath.Join(dir, "audit-2026-02.jsonl")
	lines := readLines(t, path)
	writeTruncated := func(n int) {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(int64(len(bytes.Join(lines[:n], nil)))); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	writeTruncated(4) // seq 5 and 6 gone, same inode
	appendN(t, l, 5, 1)
	l.Close()
	res := mustVerify(t, dir)
	if res.Problem == nil || res.Problem.Kind != Lost || len(res.Breaks) != 1 {
		t.Fatalf("got %v %+v", res.Problem, res.Breaks)
	}
	if b := res.Breaks[0]; b.Reason != breakTruncated || b.LostFirst != 5 || b.LostLast != 6 || b.Seq != 7 || b.Segment != "audit-2026-02.1.jsonl" {
		t.Fatalf("break %+v", b)
	}
	if !strings.Contains(res.Problem.String(), "was truncated") || res.LastSeq != 8 {
		t.Fatalf("%v %+v", res.Problem, res)
	}
}
