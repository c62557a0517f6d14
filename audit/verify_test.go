package audit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildLog writes n entries, one every 6 hours starting 2026-03-01, into
// daily segments, and returns the dir and its segment names.
func buildLog(t *testing.T, n int) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	clk := &fakeClock{t: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	l, err := Open(dir, Options{Period: Daily, Now: clk.Now, NoSync: true, Retention: Retention{Forever: true}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		clk.Set(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 6 * time.Hour))
		if err := l.Append(testEntry(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	segs, err := listSegments(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, segs
}

func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.SplitAfter(data, []byte("\n"))
}

func writeLines(t *testing.T, path string, lines [][]byte) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustVerify(t *testing.T, dir string) *VerifyResult {
	t.Helper()
	res, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestVerifyIntact(t *testing.T) {
	dir, segs := buildLog(t, 20) // 4 a day: 5 segments
	res := mustVerify(t, dir)
	if !res.OK() {
		t.Fatalf("intact log fails: %v", res.Problem)
	}
	if res.Entries != 20 || res.Segments != len(segs) || res.Segments != 5 || res.Records != 25 {
		t.Fatalf("counts: %+v", res)
	}
	empty := mustVerify(t, t.TempDir())
	if !empty.OK() || empty.Entries != 0 {
		t.Fatalf("empty log: %+v", empty)
	}
}

// Each tampering is a separate test so a regression names the kind it
// stopped catching.

func TestVerifyDetectsEdit(t *testing.T) {
	dir, segs := buildLog(t, 20)
	path := filepath.Join(dir, segs[1])
	lines := readLines(t, path)
	// line 3 of the second segment is seq 8 (anchor 1, 4 entries, anchor 6, entries 7..)
	lines[2] = bytes.Replace(lines[2], []byte(`"mutations":`), []byte(`"mutations":9`), 1)
	writeLines(t, path, lines)
	res := mustVerify(t, dir)
	p := res.Problem
	if p == nil || p.Kind != Edited || p.Segment != segs[1] || p.Line != 3 || p.Seq != 8 {
		t.Fatalf("want edited at %s line 3 seq 8, got %v", segs[1], p)
	}
	if p.Entry == nil || p.Entry.RequestID != "req-000005" {
		t.Fatalf("problem does not name the entry: %+v", p.Entry)
	}
	if !strings.Contains(p.String(), "req-000005") {
		t.Fatalf("message %q does not name the request", p.String())
	}
}

func TestVerifyDetectsEditWithRecomputedHash(t *testing.T) {
	dir, segs := buildLog(t, 20)
	path := filepath.Join(dir, segs[1])
	lines := readLines(t, path)
	e := decodeEntry(t, lines[2])
	e.SecretsBlocked = 0
	e.Outcome = OutcomeForwarded
	e.Mutations += 100
	e.Hash = ""
	line, _, err := seal(&e)
	if err != nil {
		t.Fatal(err)
	}
	lines[2] = line
	writeLines(t, path, lines)
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Edited || p.Segment != segs[1] || p.Line != 3 || p.Seq != 8 {
		t.Fatalf("want edited (rehashed) at %s line 3 seq 8, got %v", segs[1], p)
	}
}

func TestVerifyDetectsRemoval(t *testing.T) {
	dir, segs := buildLog(t, 20)
	path := filepath.Join(dir, segs[2])
	lines := readLines(t, path)
	lines = append(lines[:2], lines[3:]...) // drop line 3 (seq 13)
	writeLines(t, path, lines)
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Removed || p.Segment != segs[2] || p.Seq != 13 || p.Missing != 1 {
		t.Fatalf("want removed seq 13 in %s, got %v", segs[2], p)
	}
}

func TestVerifyDetectsRemovedSegment(t *testing.T) {
	dir, segs := buildLog(t, 20)
	if err := os.Remove(filepath.Join(dir, segs[2])); err != nil {
		t.Fatal(err)
	}
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Removed || p.Segment != segs[3] || p.Seq != 11 || p.Missing != 5 {
		t.Fatalf("want removed seq 11..15 before %s, got %v", segs[3], p)
	}
}

func TestVerifyDetectsRemovedFirstSegment(t *testing.T) {
	dir, segs := buildLog(t, 20)
	if err := os.Remove(filepath.Join(dir, segs[0])); err != nil {
		t.Fatal(err)
	}
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Removed || p.Segment != segs[1] || p.Line != 1 {
		t.Fatalf("want removed before %s, got %v", segs[1], p)
	}
}

func TestVerifyDetectsReorder(t *testing.T) {
	dir, segs := buildLog(t, 20)
	path := filepath.Join(dir, segs[3])
	lines := readLines(t, path)
	lines[2], lines[3] = lines[3], lines[2] // seq 19 now before seq 18
	writeLines(t, path, lines)
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Reordered || p.Segment != segs[3] || p.Line != 3 || p.Seq != 19 {
		t.Fatalf("want reordered seq 19 at %s line 3, got %v", segs[3], p)
	}
	if p.Entry == nil || p.Entry.RequestID != "req-000014" {
		t.Fatalf("problem does not name the entry: %+v", p.Entry)
	}
}

func TestVerifyDetectsInsertion(t *testing.T) {
	dir, segs := buildLog(t, 20)
	path := filepath.Join(dir, segs[1])
	lines := readLines(t, path)
	// A well-formed, self-consistent forged record that claims to follow
	// line 2 (seq 7) with the next seq.
	prev := decodeEntry(t, lines[1])
	forged := testEntry(999)
	forged.Timestamp = prev.Timestamp.Add(time.Minute)
	forged.Seq, forged.Prev = prev.Seq+1, prev.Hash
	line, _, err := seal(&forged)
	if err != nil {
		t.Fatal(err)
	}
	lines = append(lines[:2], append([][]byte{line}, lines[2:]...)...)
	writeLines(t, path, lines)
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Inserted || p.Segment != segs[1] || p.Line != 3 {
		t.Fatalf("want inserted at %s line 3, got %v", segs[1], p)
	}
	if p.Entry == nil || p.Entry.RequestID != "req-000999" {
		t.Fatalf("problem does not name the forged entry: %+v", p.Entry)
	}
}

func TestVerifyDetectsDuplicatedLine(t *testing.T) {
	dir, segs := buildLog(t, 20)
	path := filepath.Join(dir, segs[1])
	lines := readLines(t, path)
	lines = append(lines[:3], append([][]byte{lines[2]}, lines[3:]...)...)
	writeLines(t, path, lines)
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Inserted || p.Segment != segs[1] || p.Line != 4 {
		t.Fatalf("want inserted copy at %s line 4, got %v", segs[1], p)
	}
}

func TestVerifyDetectsTornLastLine(t *testing.T) {
	dir, segs := buildLog(t, 20)
	path := filepath.Join(dir, segs[len(segs)-1])
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)-40], 0o600); err != nil {
		t.Fatal(err)
	}
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Torn || p.Segment != segs[len(segs)-1] || p.Line != 5 {
		t.Fatalf("want torn last line, got %v", p)
	}
}

func TestVerifyDetectsGarbageLine(t *testing.T) {
	dir, segs := buildLog(t, 20)
	path := filepath.Join(dir, segs[2])
	lines := readLines(t, path)
	lines[3] = []byte("{\"note\":\"hand-written\"}\n")
	writeLines(t, path, lines)
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Edited || p.Segment != segs[2] || p.Line != 4 {
		t.Fatalf("want edited at %s line 4, got %v", segs[2], p)
	}
}

func TestVerifyDetectsRenamedSegment(t *testing.T) {
	dir, segs := buildLog(t, 8)
	last := segs[len(segs)-1]
	if err := os.Rename(filepath.Join(dir, last), filepath.Join(dir, "audit-2026-03-09.jsonl")); err != nil {
		t.Fatal(err)
	}
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Edited || p.Line != 1 {
		t.Fatalf("want edited anchor, got %v", p)
	}
}

func decodeEntry(t *testing.T, line []byte) Entry {
	t.Helper()
	var e Entry
	if err := jsonUnmarshal(bytes.TrimSpace(line), &e); err != nil {
		t.Fatalf("decode %q: %v", line, err)
	}
	return e
}

func TestVerifyDetectsEmptiedSegment(t *testing.T) {
	for _, which := range []int{1, 4} { // a middle segment and the last one
		dir, segs := buildLog(t, 20)
		if err := os.Truncate(filepath.Join(dir, segs[which]), 0); err != nil {
			t.Fatal(err)
		}
		p := mustVerify(t, dir).Problem
		if p == nil || p.Kind != Removed || p.Segment != segs[which] {
			t.Fatalf("emptied %s: got %v", segs[which], p)
		}
	}
}
