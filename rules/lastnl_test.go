package rules

import (
	"bytes"
	"testing"
)

// lastNewline finds what bytes.LastIndexByte does, at every length and
// position, next to bytes that differ from '\n' in one bit (0x0b, 0x8a,
// 0x0e, 0x2a, 0x4a).
func TestLastNewline(t *testing.T) {
	for n := 0; n < 40; n++ {
		for _, fill := range []byte{'a', 0x0b, 0x8a, 0x0e, 0x2a, 0x4a, 0x00, 0xff} {
			b := bytes.Repeat([]byte{fill}, n)
			if got, want := lastNewline(b), bytes.LastIndexByte(b, '\n'); got != want {
				t.Fatalf("%q: %d, want %d", b, got, want)
			}
			for at := 0; at < n; at++ {
				for at2 := 0; at2 <= at; at2++ {
					c := bytes.Clone(b)
					c[at], c[at2] = '\n', '\n'
					if got, want := lastNewline(c), bytes.LastIndexByte(c, '\n'); got != want {
						t.Fatalf("%q: %d, want %d", c, got, want)
					}
				}
			}
		}
	}
}

// FuzzLastNewline checks lastNewline against bytes.LastIndexByte, and
// expandStart against its version with the latter, at every start.
//
//	go test ./rules -run '^$' -fuzz '^FuzzLastNewline$' -fuzztime 2m
func FuzzLastNewline(f *testing.F) {
	f.Add([]byte("a\nb\n\x0b\x8a\n0123456789abcdef"))
	f.Add([]byte("x = \"AKIA...\"\n\n\x0a\x0a\x8a\x8a\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := lastNewline(b), bytes.LastIndexByte(b, '\n'); got != want {
			t.Fatalf("%q: %d, want %d", b, got, want)
		}
		for s := 0; s <= len(b); s++ {
			if got, want := expandStart(b, s), expandStartRef(b, s); got != want {
				t.Fatalf("%q at %d: %d, want %d", b, s, got, want)
			}
		}
	})
}

// expandStartRef is expandStart as it was, with bytes.LastIndexByte.
func expandStartRef(data []byte, s int) int {
	if s <= 0 {
		return 0
	}
	lo := max(0, s-256)
	if i := bytes.LastIndexByte(data[lo:s], '\n'); i >= 0 {
		return lo + i + 1
	}
	stop := max(0, s-tokenReach)
	for i := s - 1; i >= stop; i-- {
		if isDelim(data[i]) {
			return i + 1
		}
	}
	return stop
}
