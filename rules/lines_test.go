package rules

import (
	"bytes"
	"strings"
	"testing"
)

// naiveLine counts the newlines before pos, as Findings did.
func naiveLine(data []byte, pos int) (int, int) {
	return bytes.Count(data[:pos], []byte{'\n'}) + 1, bytes.LastIndexByte(data[:pos], '\n') + 1
}

func checkLineIndex(t *testing.T, data []byte, positions []int) {
	t.Helper()
	var li lineIndex
	li.reset(data, nil)
	for _, p := range positions {
		if p < 0 || p > len(data) {
			continue
		}
		ls, le := li.span(p)
		if wls, wle := lineSpan(data, p); ls != wls || le != wle {
			t.Fatalf("span(%d) = %d, %d; lineSpan %d, %d", p, ls, le, wls, wle)
		}
		l, s := li.line(p)
		if wl, ws := naiveLine(data, p); l != wl || s != ws {
			t.Fatalf("line(%d) = %d, %d; counted %d, %d", p, l, s, wl, ws)
		}
	}
}

func TestLineIndex(t *testing.T) {
	long := strings.Repeat("x", 3*lineReach) + "\n" + strings.Repeat("y", lineReach+7)
	tests := []struct {
		name string
		data string
		pos  []int
	}{
		{"empty", "", []int{0}},
		{"no newline", "abc", []int{0, 1, 3}},
		{"lines", "a\nbb\n\nccc\n", []int{0, 1, 2, 4, 5, 6, 9, 10}},
		{"backwards", "a\nbb\n\nccc\n", []int{10, 0, 6, 2, 5, 1}},
		{"beyond the reach", long, []int{0, lineReach, 2*lineReach + 5, 3 * lineReach, 3*lineReach + 1, len(long), lineReach + 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkLineIndex(t, []byte(tt.data), tt.pos) })
	}
}

// FuzzLineIndex checks the index against reading the input, for
// positions asked in any order.
//
//	go test ./rules -run '^$' -fuzz '^FuzzLineIndex$' -fuzztime 1m -parallel 1
func FuzzLineIndex(f *testing.F) {
	f.Add([]byte("a\nbb\n\nccc\n"), []byte{0, 3, 1, 9, 2})
	f.Add(bytes.Repeat([]byte("x\n"), 5000), []byte{200, 7, 255, 0})
	f.Fuzz(func(t *testing.T, data, at []byte) {
		var pos []int
		for i, b := range at {
			// Spread positions over long inputs, not just their first 256 bytes.
			pos = append(pos, (int(b)*(len(data)+1)/256+i*lineReach/3)%(len(data)+1))
		}
		checkLineIndex(t, data, pos)
	})
}
