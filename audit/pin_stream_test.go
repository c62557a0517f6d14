package audit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func verifyPinned(t *testing.T, dir string, pin string) *VerifyResult {
	t.Helper()
	p, err := ParsePin(pin)
	if err != nil {
		t.Fatal(err)
	}
	res, err := VerifyDir(dir, VerifyOptions{Pin: &p})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// What the chain alone cannot catch, and what a pinned head does.
func TestPinnedHeadCatchesTailLoss(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, dir string, segs []string)
		kind   ProblemKind
		detail string
	}{
		{"trailing lines removed", func(t *testing.T, dir string, segs []string) {
			p := filepath.Join(dir, segs[len(segs)-1])
			lines := readLines(t, p)
			writeLines(t, p, lines[:len(lines)-3])
		}, Removed, "its newest records were removed"},
		{"newest segment removed", func(t *testing.T, dir string, segs []string) {
			if err := os.Remove(filepath.Join(dir, segs[len(segs)-1])); err != nil {
				t.Fatal(err)
			}
		}, Removed, "its newest records were removed"},
		{"log rewritten and re-hashed", func(t *testing.T, dir string, segs []string) {
			for _, s := range segs {
				os.Remove(filepath.Join(dir, s))
			}
			// Same period, other content, every hash recomputed.
			forged := t.TempDir()
			clk := &fakeClock{t: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
			l, err := Open(forged, Options{Period: Daily, Now: clk.Now, NoSync: true, Retention: Retention{Forever: true}})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 30 {
				clk.Set(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 6 * time.Hour))
				e := testEntry(i)
				e.Mutations = 0
				if err := l.Append(e); err != nil {
					t.Fatal(err)
				}
			}
			l.Close()
			fsegs, _ := listSegments(forged)
			for _, s := range fsegs {
				if err := os.Rename(filepath.Join(forged, s), filepath.Join(dir, s)); err != nil {
					t.Fatal(err)
				}
			}
		}, Edited, "rewritten and re-hashed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, segs := buildLog(t, 20)
			pin, err := Head(dir)
			if err != nil {
				t.Fatal(err)
			}
			if res := verifyPinned(t, dir, pin.String()); !res.OK() || !res.Pin.Found || res.Pin.Line == 0 {
				t.Fatalf("intact log with its own head: %v %+v", res.Problem, res.Pin)
			}
			tc.tamper(t, dir, segs)
			if res := mustVerify(t, dir); !res.OK() {
				t.Fatalf("the chain alone should not see this (that is why heads are pinned): %v", res.Problem)
			}
			res := verifyPinned(t, dir, pin.String())
			if res.OK() || res.Problem.Kind != tc.kind || !strings.Contains(res.Problem.Detail, tc.detail) {
				t.Fatalf("pinned: got %v", res.Problem)
			}
			// The hash alone (no seq) still fails.
			if res := verifyPinned(t, dir, hashString(pin.Hash)); res.OK() {
				t.Fatal("hash-only pin passed")
			}
		})
	}
}

// Appends after the pin keep it valid: a pin proves the log up to it.
func TestPinStaysValidAsLogGrows(t *testing.T) {
	dir := t.TempDir()
	l := openAt(t, dir, feb)
	appendN(t, l, 0, 3)
	pin, err := Head(dir)
	if err != nil || pin.Seq != 4 {
		t.Fatalf("head %v %v", pin, err)
	}
	appendN(t, l, 3, 5)
	l.Close()
	if res := verifyPinned(t, dir, pin.String()); !res.OK() || res.LastSeq != 9 {
		t.Fatalf("%v %+v", res.Problem, res)
	}
	if _, err := Head(t.TempDir()); err == nil {
		t.Fatal("head of an empty dir")
	}
}

func TestParsePin(t *testing.T) {
	h := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		in   string
		ok   bool
		want string
	}{
		{"12:" + h, true, "12:" + h},
		{h, true, h},
		{" 7:" + strings.ToUpper(h) + "\n", true, "7:" + h},
		{"0:" + h, false, ""},
		{"x:" + h, false, ""},
		{"12:" + h[:63], false, ""},
		{"12:" + h[:62] + "zz", false, ""},
		{"", false, ""},
	} {
		p, err := ParsePin(tc.in)
		if (err == nil) != tc.ok || tc.ok && p.String() != tc.want {
			t.Errorf("ParsePin(%q) = %v, %v", tc.in, p, err)
		}
	}
}

func catSegments(t *testing.T, dir string) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, s := range mustSegments(t, dir) {
		data, err := os.ReadFile(filepath.Join(dir, s))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.Bytes()
}

func TestVerifyStream(t *testing.T) {
	dir, _ := buildLog(t, 20)
	whole := catSegments(t, dir)
	dres := mustVerify(t, dir)
	lines := bytes.SplitAfter(whole, []byte("\n"))
	lines = lines[:len(lines)-1]

	var sink bytes.Buffer
	for run := range 2 { // two proxy runs: the stdout sink chains per process
		s := NewStdoutSink(&sink)
		for i := range 3 {
			e := testEntry(run*10 + i)
			e.Timestamp = feb
			if err := s.Append(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	pin, _ := Head(dir)
	cases := []struct {
		name  string
		data  []byte
		pin   string
		ok    bool
		kind  ProblemKind
		check func(t *testing.T, r *VerifyResult)
	}{
		{"concatenated segments", whole, "", true, "", func(t *testing.T, r *VerifyResult) {
			if r.Head != dres.Head || r.Records != dres.Records || r.Entries != 20 || r.MidChain {
				t.Fatalf("%+v", r)
			}
		}},
		{"with the pinned head", whole, pin.String(), true, "", nil},
		{"excerpt from the middle", bytes.Join(lines[7:15], nil), "", true, "", func(t *testing.T, r *VerifyResult) {
			if !r.MidChain || r.FirstSeq != 8 {
				t.Fatalf("%+v", r)
			}
		}},
		{"stdout sink across a restart", sink.Bytes(), "", true, "", func(t *testing.T, r *VerifyResult) {
			if len(r.Restarts) != 1 || r.Restarts[0] != 4 || r.Entries != 6 {
				t.Fatalf("%+v", r)
			}
		}},
		{"line removed", bytes.Join(append(append([][]byte{}, lines[:9]...), lines[10:]...), nil), "", false, Removed, func(t *testing.T, r *VerifyResult) {
			if r.Problem.Seq != 10 || r.Problem.Line != 10 {
				t.Fatalf("%v", r.Problem)
			}
		}},
		{"lines reordered", bytes.Join(append(append(append([][]byte{}, lines[:9]...), lines[10], lines[9]), lines[11:]...), nil), "", false, Reordered, nil},
		{"tail truncated, pinned", bytes.Join(lines[:20], nil), pin.String(), false, Removed, nil},
		{"torn last line", whole[:len(whole)-5], "", false, Torn, nil},
		{"edited", bytes.Replace(whole, []byte(`"mutations":3`), []byte(`"mutations":4`), 1), "", false, Edited, func(t *testing.T, r *VerifyResult) {
			if r.Problem.Entry == nil {
				t.Fatal("problem names no entry")
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts VerifyOptions
			if tc.pin != "" {
				p, err := ParsePin(tc.pin)
				if err != nil {
					t.Fatal(err)
				}
				opts.Pin = &p
			}
			r, err := VerifyStream(bytes.NewReader(tc.data), "stdin", opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() != tc.ok || !tc.ok && r.Problem.Kind != tc.kind {
				t.Fatalf("ok=%v problem %v", r.OK(), r.Problem)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// A chain written before entries had user, client, route and attachments
// (testdata/pre-identity, made by commit ba36efa's audit package) still
// verifies, reads back, and re-seals to the same bytes: the new fields are
// omitted when empty, so canonical JSON did not change.
func TestChainFromBeforeIdentityFields(t *testing.T) {
	dir := filepath.Join("testdata", "pre-identity")
	res := mustVerify(t, dir)
	if !res.OK() || res.Entries != 6 {
		t.Fatalf("%v %+v", res.Problem, res)
	}
	entries, stats, err := Read(dir, Filter{})
	if err != nil || stats.Skipped() != 0 || len(entries) != 6 {
		t.Fatalf("read: %v %+v %d", err, stats, len(entries))
	}
	lines := readLines(t, filepath.Join(dir, "audit-2026-01.jsonl"))
	for i, e := range entries {
		if e.User != "" || e.Client != "" || e.Route != "" || e.Attachments != 0 {
			t.Fatalf("entry %d has identity fields: %+v", i, e)
		}
		want := e.Hash
		e.Hash = ""
		line, sum, err := seal(&e)
		if err != nil {
			t.Fatal(err)
		}
		if sum != want || !bytes.Equal(line, lines[i+1]) {
			t.Fatalf("entry %d re-seals differently:\n%s\n%s", i, line, lines[i+1])
		}
	}
	// A copy extended by today's writer with identity fields still verifies.
	d := t.TempDir()
	data, _ := os.ReadFile(filepath.Join(dir, "audit-2026-01.jsonl"))
	if err := os.WriteFile(filepath.Join(d, "audit-2026-01.jsonl"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	l := openAt(t, d, time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC))
	e := testEntry(1)
	e.User, e.Client, e.Route, e.Attachments = "alice@example.org", "claude-code", "anthropic-messages", 2
	if err := l.Append(e); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if res := mustVerify(t, d); !res.OK() || res.Entries != 7 {
		t.Fatalf("%v", res.Problem)
	}
}

func TestSegmentGenerations(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
		gen  int
	}{
		{"audit-2026-02.jsonl", true, 0},
		{"audit-2026-02.1.jsonl", true, 1},
		{"audit-2026-02-03.12.jsonl", true, 12},
		{"audit-2026-02.0.jsonl", false, 0},
		{"audit-2026-02.01.jsonl", false, 0},
		{"audit-2026-02.x.jsonl", false, 0},
		{"audit-2026-02..jsonl", false, 0},
	} {
		_, _, _, gen, ok := parseSegmentName(tc.name)
		if ok != tc.ok || gen != tc.gen {
			t.Errorf("%s: ok %v gen %d", tc.name, ok, gen)
		}
	}
	order := []string{"audit-2026-01.jsonl", "audit-2026-02.jsonl", "audit-2026-02.1.jsonl", "audit-2026-02.2.jsonl", "audit-2026-03.jsonl"}
	for i := range order {
		for j := range order {
			if segmentLess(order[i], order[j]) != (i < j) {
				t.Errorf("segmentLess(%s, %s) = %v", order[i], order[j], !(i < j))
			}
		}
	}
	for _, tc := range []struct {
		segs       []string
		lost, want string
		out        string
	}{
		{nil, "audit-2026-02.jsonl", "audit-2026-02.jsonl", "audit-2026-02.1.jsonl"},
		{[]string{"audit-2026-02.jsonl", "audit-2026-02.1.jsonl"}, "audit-2026-02.1.jsonl", "audit-2026-02.jsonl", "audit-2026-02.2.jsonl"},
		{[]string{"audit-2026-01.jsonl"}, "audit-2026-02.jsonl", "audit-2026-03.jsonl", "audit-2026-03.jsonl"},
		{[]string{"audit-2026-03.jsonl"}, "audit-2026-02.jsonl", "audit-2026-03.jsonl", "audit-2026-02.1.jsonl"},
	} {
		if got := nextGeneration(tc.segs, tc.lost, tc.want); got != tc.out {
			t.Errorf("nextGeneration(%v, %s, %s) = %s, want %s", tc.segs, tc.lost, tc.want, got, tc.out)
		}
	}
}

// A middle segment replaced by a forged one that is a valid chain on its
// own and links to the segment before it: the next segment's anchor still
// links to the original, so the chain alone catches it.
func TestForgedMiddleSegmentCaught(t *testing.T) {
	dir, segs := buildLog(t, 20)
	path := filepath.Join(dir, segs[2])
	lines := readLines(t, path)
	var forged [][]byte
	var prevSeq uint64
	var prevHash string
	for i, raw := range lines {
		line := bytes.TrimSuffix(raw, []byte("\n"))
		if len(line) == 0 {
			continue
		}
		if i == 0 {
			var m marker
			if err := jsonUnmarshal(line, &m); err != nil {
				t.Fatal(err)
			}
			m.Hash = ""
			out, sum, err := seal(&m)
			if err != nil {
				t.Fatal(err)
			}
			forged, prevSeq, prevHash = append(forged, out), m.Seq, sum
			continue
		}
		e := decodeEntry(t, raw)
		e.Mutations, e.Outcome, e.SecretsBlocked = 0, OutcomeForwarded, 0 // hide what happened
		e.Seq, e.Prev, e.Hash = prevSeq+1, prevHash, ""
		out, sum, err := seal(&e)
		if err != nil {
			t.Fatal(err)
		}
		forged, prevSeq, prevHash = append(forged, out), e.Seq, sum
	}
	writeLines(t, path, forged)
	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Edited || p.Segment != segs[2] || !strings.Contains(p.Detail, "changed and rehashed") {
		t.Fatalf("a forged middle segment verified: %v", p)
	}
}

// Lines longer than the stream's read buffer verify like short ones.
func TestVerifyStreamLongLines(t *testing.T) {
	var buf bytes.Buffer
	s := NewStdoutSink(&buf)
	for i := range 3 {
		e := testEntry(i)
		e.File = strings.Repeat("d/", 70_000) + "f.go"
		if err := s.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	res, err := VerifyStream(bytes.NewReader(buf.Bytes()), "stdin", VerifyOptions{})
	if err != nil || !res.OK() || res.Entries != 3 {
		t.Fatalf("%v %v %+v", err, res.Problem, res)
	}
}
