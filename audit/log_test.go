package audit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func testEntry(i int) Entry {
	return Entry{
		Session:             fmt.Sprintf("sess-%d", i%3),
		Model:               "claude-test",
		Endpoint:            "http://localhost:9339 -> api.anthropic.com",
		Mutations:           i % 7,
		SecretsBlocked:      i % 5 / 4,
		PHIPatternsDetected: i % 3,
		Rules:               []string{"phi-mrn"},
		RoundTripFidelity:   1,
		RequestID:           fmt.Sprintf("req-%06d", i),
		Outcome:             OutcomeForwarded,
	}
}

// chainLines reads every line of every segment and checks the links with
// the low-level parser, independent of Verify.
func chainLines(t *testing.T, dir string) []brief {
	t.Helper()
	segs, err := listSegments(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []brief
	h := sha256.New()
	for _, s := range segs {
		data, err := os.ReadFile(filepath.Join(dir, s))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			b, ok := parseBrief(sc.Bytes(), h)
			if !ok || !b.hashOK {
				t.Fatalf("%s: bad line %q", s, sc.Text())
			}
			if len(out) > 0 {
				p := out[len(out)-1]
				if b.prev != p.hash || b.seq != p.seq+1 {
					t.Fatalf("%s: seq %d does not link to seq %d", s, b.seq, p.seq)
				}
			}
			out = append(out, b)
		}
	}
	return out
}

func TestAppendChainsAcrossReopenAndSegments(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{t: time.Date(2026, 1, 30, 23, 0, 0, 0, time.UTC)}
	opts := Options{Period: Daily, Now: clk.Now, NoSync: true}
	l, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := l.Append(testEntry(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	clk.Set(clk.Now().Add(2 * time.Hour)) // next day: a new segment
	l, err = Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := 3; i < 5; i++ {
		if err := l.Append(testEntry(i)); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	recs := chainLines(t, dir)
	// anchor, 3 entries, anchor, 2 entries
	if len(recs) != 7 || recs[0].kind != kindAnchor || recs[4].kind != kindAnchor {
		t.Fatalf("got %d records: %+v", len(recs), recs)
	}
	segs, _ := listSegments(dir)
	if len(segs) != 2 || segs[0] != "audit-2026-01-30.jsonl" || segs[1] != "audit-2026-01-31.jsonl" {
		t.Fatalf("segments %v", segs)
	}
	if err := l.Append(testEntry(9)); err != ErrClosed {
		t.Fatalf("append after close: %v", err)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func TestReadTail(t *testing.T) {
	long := strings.Repeat("x", 10000)
	for _, tc := range []struct {
		data, last, torn string
	}{
		{"", "", ""},
		{"a\n", "a", ""},
		{"a\nb\n", "b", ""},
		{"a\nb\ntor", "b", "tor"},
		{"torn only", "", "torn only"},
		{"a\n" + long + "\n", long, ""},
		{"a\n" + long, "a", long},
		{long + "\nb\n" + long, "b", long},
	} {
		last, torn, err := readTail(strings.NewReader(tc.data), int64(len(tc.data)))
		if err != nil || string(last) != tc.last || string(torn) != tc.torn {
			t.Errorf("readTail(%.20q...) = %.20q, %.20q, %v", tc.data, last, torn, err)
		}
	}
}
