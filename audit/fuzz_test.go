package audit

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParseBrief: no panic on any line, and a line that parses with a
// matching hash re-verifies through Verify as a one-record log when it is
// an anchor of genesis.
func FuzzParseBrief(f *testing.F) {
	e := testEntry(1)
	e.Timestamp = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e.Seq = 2
	line, _, _ := seal(&e)
	f.Add(line[:len(line)-1])
	anchor, _, _ := seal(&marker{Seq: 1, Kind: kindAnchor, Segment: "audit-2026-01.jsonl"})
	f.Add(anchor[:len(anchor)-1])
	f.Add([]byte(`{"seq":1,"prev":"","hash":"00"}`))
	f.Add([]byte(`{"seq":99999999999999999999999,`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h := sha256.New()
		b, ok := parseBrief(data, h)
		if !ok {
			return
		}
		if b.hashOK {
			sum := sha256.Sum256(append(append([]byte{}, data[:len(data)-hashSuffix]...), '}'))
			if sum != b.hash {
				t.Fatal("hashOK but the digest differs")
			}
		}
	})
}

// seedSegment writes a three-entry log for February 2026 and returns its
// directory and the segment's bytes, the valid chain every verify fuzz
// target starts its corpus from.
func seedSegment(f *testing.F) (dir string, seed []byte) {
	f.Helper()
	dir = f.TempDir()
	l, err := Open(dir, Options{NoSync: true, Now: func() time.Time { return time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		f.Fatal(err)
	}
	for i := range 3 {
		if err := l.Append(testEntry(i)); err != nil {
			f.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		f.Fatal(err)
	}
	seed, err = os.ReadFile(filepath.Join(dir, "audit-2026-02.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	return dir, seed
}

// FuzzVerifySegment: Verify never panics or fails with an error on any
// segment content; a problem is reported instead.
func FuzzVerifySegment(f *testing.F) {
	_, seed := seedSegment(f)
	f.Add(seed)
	f.Add(seed[:len(seed)-7])
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, "audit-2026-02.jsonl"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := Verify(d)
		if err != nil {
			t.Fatalf("verify returned an error for readable content: %v", err)
		}
		if res.OK() && len(data) > 0 && data[len(data)-1] != '\n' {
			t.Fatal("an unterminated last line verified")
		}
		if _, err := Scan(d, Filter{}, func(Entry) error { return nil }); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzParseRetention(f *testing.F) {
	for _, s := range []string{"13mo", "1y", "90d", "forever", "0d", "-3w", "9999999999999999999y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRetention(s)
		if err != nil {
			return
		}
		if back, err := ParseRetention(r.String()); err != nil || back != r {
			t.Fatalf("%q -> %+v -> %q does not round-trip", s, r, r.String())
		}
	})
}

// FuzzVerifyStream: verifying a shipped chain (audit verify - / FILE)
// never panics or errors on in-memory input; an unterminated last line
// never verifies; a pin that parsed is either found in the input or makes
// it fail.
func FuzzVerifyStream(f *testing.F) {
	dir, seed := seedSegment(f)
	head, _ := Head(dir)
	f.Add(seed, head.String())
	f.Add(seed[:len(seed)-7], "")
	f.Add(append(append([]byte{}, seed...), seed...), hashString(head.Hash))
	f.Add([]byte("\n\n{}\n"), "1:"+hashString(head.Hash))
	var sink bytes.Buffer
	s := NewStdoutSink(&sink)
	s.Append(testEntry(1))
	s.Append(testEntry(2))
	f.Add(sink.Bytes(), "")
	f.Fuzz(func(t *testing.T, data []byte, pin string) {
		var opts VerifyOptions
		if p, err := ParsePin(pin); err == nil {
			opts.Pin = &p
			if back, err := ParsePin(p.String()); err != nil || back != p {
				t.Fatalf("pin %q does not round-trip: %v", pin, err)
			}
		}
		res, err := VerifyStream(bytes.NewReader(data), "stdin", opts)
		if err != nil {
			t.Fatalf("verify returned an error for in-memory content: %v", err)
		}
		if res.OK() && len(data) > 0 && data[len(data)-1] != '\n' {
			t.Fatal("an unterminated last line verified")
		}
		if res.OK() && opts.Pin != nil && (res.Pin == nil || !res.Pin.Found) {
			t.Fatal("verified without finding the pinned head")
		}
		if res.OK() && len(res.Breaks) > 0 {
			t.Fatal("a break record verified")
		}
		if !res.OK() && res.Problem.String() == "" {
			t.Fatal("a problem with no message")
		}
	})
}
