package audit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRetentionPruningKeepsVerifyGreen(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)
	clk := &fakeClock{t: start}
	opts := Options{Now: clk.Now, NoSync: true} // monthly, default 13 months
	l, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Two entries a month for 20 months, one process, rotating monthly.
	for m := range 20 {
		for d := range 2 {
			clk.Set(start.AddDate(0, m, d*7))
			if err := l.Append(testEntry(m*2 + d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	l.Close()
	now := clk.Now() // 2026-08-22
	segs := mustSegments(t, dir)
	first, _, _ := segmentSpan(segs[0])
	_, firstEnd, _ := segmentSpan(segs[0])
	cutoff := now.AddDate(0, -13, 0)
	if !firstEnd.After(cutoff) {
		t.Fatalf("segment %s ends %v, before the cutoff %v: should have been pruned", segs[0], firstEnd, cutoff)
	}
	if !first.Before(cutoff) && first.AddDate(0, 1, 0).Before(cutoff) {
		t.Fatalf("pruned too much: oldest %s", segs[0])
	}
	if len(segs) != 14 {
		t.Fatalf("want 14 monthly segments kept (13 months back from %v plus the current), got %d: %v", now, len(segs), segs)
	}
	res := mustVerify(t, dir)
	if !res.OK() {
		t.Fatalf("verify after pruning: %v", res.Problem)
	}
	if len(res.Pruned) != 6 || res.Pruned[0] != "audit-2025-01.jsonl" {
		t.Fatalf("pruned segments reported: %v", res.Pruned)
	}

	// Deleting one more old segment by hand is not retention.
	if err := os.Remove(filepath.Join(dir, segs[0])); err != nil {
		t.Fatal(err)
	}
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Removed || p.Segment != segs[1] {
		t.Fatalf("hand deletion after pruning not caught: %v", p)
	}
}

func TestRetentionConfigurable(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l, err := Open(dir, Options{Period: Daily, Retention: Retention{Days: 7}, Now: clk.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for d := range 30 {
		clk.Set(time.Date(2026, 1, 1+d, 10, 0, 0, 0, time.UTC))
		if err := l.Append(testEntry(d)); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	segs := mustSegments(t, dir)
	if len(segs) != 8 || segs[0] != "audit-2026-01-23.jsonl" {
		t.Fatalf("7-day retention kept %v", segs)
	}
	if res := mustVerify(t, dir); !res.OK() || res.Entries != 8 {
		t.Fatalf("verify: entries=%d %v", res.Entries, res.Problem)
	}
}

func TestParseRetention(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Retention
		bad  bool
	}{
		{"13mo", Retention{Months: 13}, false},
		{"1y", Retention{Years: 1}, false},
		{"90d", Retention{Days: 90}, false},
		{"2w", Retention{Days: 14}, false},
		{"forever", Retention{Forever: true}, false},
		{"0d", Retention{}, true},
		{"13", Retention{}, true},
		{"-1y", Retention{}, true},
		{"tenmo", Retention{}, true},
	} {
		got, err := ParseRetention(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("ParseRetention(%q) = %+v, %v", tc.in, got, err)
		}
		if !tc.bad {
			if back, _ := ParseRetention(got.String()); back != got {
				t.Errorf("round trip %q -> %q", tc.in, got.String())
			}
		}
	}
}

// Entries at exact instants around the bounds: Since is inclusive, Until
// exclusive, to the nanosecond.
func TestExportRangeBoundaries(t *testing.T) {
	dir := t.TempDir()
	since := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	stamps := []time.Time{
		since.Add(-time.Nanosecond),
		since,
		since.Add(time.Nanosecond),
		until.Add(-time.Nanosecond),
		until,
		until.Add(time.Nanosecond),
	}
	l, err := Open(dir, Options{NoSync: true, Now: func() time.Time { return until.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	for i, ts := range stamps {
		e := testEntry(i)
		e.Timestamp = ts
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	for _, tc := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"both", Filter{Since: since, Until: until}, []string{"req-000001", "req-000002", "req-000003"}},
		{"since only", Filter{Since: since}, []string{"req-000001", "req-000002", "req-000003", "req-000004", "req-000005"}},
		{"until only", Filter{Until: until}, []string{"req-000000", "req-000001", "req-000002", "req-000003"}},
		{"adjacent after", Filter{Since: until}, []string{"req-000004", "req-000005"}},
		{"empty", Filter{Since: until, Until: until}, nil},
		{"all", Filter{}, []string{"req-000000", "req-000001", "req-000002", "req-000003", "req-000004", "req-000005"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, stats, err := Read(dir, tc.f)
			if err != nil || stats.Skipped() != 0 {
				t.Fatal(err, stats)
			}
			var ids []string
			for _, e := range got {
				ids = append(ids, e.RequestID)
			}
			if strings.Join(ids, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v want %v", ids, tc.want)
			}
		})
	}
}

func TestExportFormats(t *testing.T) {
	dir, _ := buildLog(t, 5)
	entries, _, err := Read(dir, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	entries[0].File = "=HYPERLINK(\"x\")" // formula-looking cell
	var js bytes.Buffer
	if err := WriteJSON(&js, entries); err != nil {
		t.Fatal(err)
	}
	var back []Entry
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back) != 5 || back[4].Hash != entries[4].Hash {
		t.Fatalf("json export round trip: %v %d", err, len(back))
	}
	var cs bytes.Buffer
	if err := WriteCSV(&cs, entries); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || rows[0][0] != "seq" || rows[0][9] != "rules" {
		t.Fatalf("csv rows: %v", rows)
	}
	if rows[1][3] != "'=HYPERLINK(\"x\")" {
		t.Fatalf("formula not neutralised: %q", rows[1][3])
	}
	if rows[2][11] != "req-000001" || rows[2][9] != "phi-mrn" || rows[2][12] != "forwarded" {
		t.Fatalf("csv row: %v", rows[2])
	}
	var empty bytes.Buffer
	WriteJSON(&empty, nil)
	if strings.TrimSpace(empty.String()) != "[]" {
		t.Fatalf("empty export: %q", empty.String())
	}
}

// --user is an exact match, combined with the period; the CSV export
// carries the identity columns after the ones it always had.
func TestFilterByUser(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{NoSync: true, Now: func() time.Time { return time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	users := []string{"alice@example.org", "alice", "bob@example.org", "", "ALICE@example.org"}
	for i := range 10 {
		e := testEntry(i)
		e.Timestamp = time.Date(2026, 5, 1, i, 0, 0, 0, time.UTC)
		e.User, e.Client, e.Route, e.Attachments = users[i%len(users)], "claude-code", "anthropic-messages", i%2
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	for _, tc := range []struct {
		f    Filter
		want []string
	}{
		{Filter{User: "alice@example.org"}, []string{"req-000000", "req-000005"}},
		{Filter{User: "alice"}, []string{"req-000001", "req-000006"}},
		{Filter{User: "nobody"}, nil},
		{Filter{User: "alice@example.org", Since: time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC)}, []string{"req-000005"}},
		{Filter{}, []string{"req-000000", "req-000001", "req-000002", "req-000003", "req-000004", "req-000005", "req-000006", "req-000007", "req-000008", "req-000009"}},
	} {
		got, _, err := Read(dir, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range got {
			if tc.f.User != "" && e.User != tc.f.User {
				t.Fatalf("filter %q returned user %q", tc.f.User, e.User)
			}
			ids = append(ids, e.RequestID)
		}
		if strings.Join(ids, ",") != strings.Join(tc.want, ",") {
			t.Errorf("filter %+v: got %v, want %v", tc.f, ids, tc.want)
		}
	}
	got, _, _ := Read(dir, Filter{User: "alice"})
	var cs bytes.Buffer
	if err := WriteCSV(&cs, got); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := strings.Join(rows[0][13:], ","); h != "prev,hash,user,client,route,attachments" {
		t.Fatalf("csv header tail %q", h)
	}
	if r := strings.Join(rows[1][15:], ","); r != "alice,claude-code,anthropic-messages,1" {
		t.Fatalf("csv row tail %q", r)
	}
}

func TestStdoutSink(t *testing.T) {
	var buf bytes.Buffer
	s := NewStdoutSink(&buf)
	for i := range 3 {
		if err := s.Append(testEntry(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Append(Entry{Outcome: "maybe"}); err == nil {
		t.Fatal("bad outcome accepted")
	}
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 3 {
		t.Fatalf("lines: %d", len(lines))
	}
	var prevHash string
	for i, ln := range lines {
		var e Entry
		if err := json.Unmarshal(ln, &e); err != nil {
			t.Fatal(err)
		}
		if e.Seq != uint64(i+1) || e.Prev != prevHash || e.Timestamp.IsZero() || e.RequestID != testEntry(i).RequestID {
			t.Fatalf("line %d: %+v", i, e)
		}
		prevHash = e.Hash
	}
}

func TestEntryValidate(t *testing.T) {
	ok := testEntry(1)
	for _, tc := range []struct {
		name string
		mod  func(e *Entry)
		bad  bool
	}{
		{"valid", func(e *Entry) {}, false},
		{"every outcome", func(e *Entry) { e.Outcome = OutcomeFailed }, false},
		{"unknown outcome", func(e *Entry) { e.Outcome = "dropped" }, true},
		{"negative count", func(e *Entry) { e.Mutations = -1 }, true},
		{"fidelity above one", func(e *Entry) { e.RoundTripFidelity = 1.5 }, true},
		{"a value in rules", func(e *Entry) { e.Rules = []string{"phi-ssn", "SSN 123 45"} }, true},
		{"empty rule", func(e *Entry) { e.Rules = []string{""} }, true},
		{"namespaced rule", func(e *Entry) { e.Rules = []string{"builtin/phi.mrn:v2"} }, false},
	} {
		e := ok
		tc.mod(&e)
		if err := e.Validate(); (err != nil) != tc.bad {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
