package bytemask

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// sets are the callers' alphabets and the edges of what New accepts:
// percent-encoded text, base64 (both alphabets), hex, every byte 0x20-0x7f,
// a single byte of each printable row, and none.
var sets = map[string]func(c byte) bool{
	"pct": func(c byte) bool {
		return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("%+/=-_.~", c) >= 0
	},
	"b64": func(c byte) bool {
		return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("+/-_", c) >= 0
	},
	"hex":       func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' },
	"printable": func(c byte) bool { return c >= 0x20 && c <= 0x7f },
	"rows":      func(c byte) bool { return c&0x0f == 0x0f && c >= 0x2f && c <= 0x7f },
	"none":      func(c byte) bool { return false },
}

// naive is the mask of b[:64] by the set's own predicate.
func naive(in func(byte) bool, b []byte) uint64 {
	var m uint64
	for j, c := range b[:64] {
		if in(c) {
			m |= 1 << j
		}
	}
	return m
}

// TestMasks: every set's masks (AVX2 where the processor has it) agree with
// its predicate for every byte value at every position, for one block and
// for every count of blocks up to 40, without writing past them; Generic
// and Tail agree too.
func TestMasks(t *testing.T) {
	for name, in := range sets {
		t.Run(name, func(t *testing.T) {
			s := New(in)
			for c := range 256 {
				if s.Has(byte(c)) != in(byte(c)) {
					t.Fatalf("Has(%#x) = %v", c, s.Has(byte(c)))
				}
			}
			var buf [64]byte
			var m [1]uint64
			for c := range 256 {
				for j := range buf {
					for k := range buf {
						buf[k] = byte((c + 7*k) % 256)
					}
					buf[j] = byte(c)
					want := naive(in, buf[:])
					if s.Masks(m[:], buf[:]); m[0] != want {
						t.Fatalf("byte %#x at %d: mask %064b, want %064b", c, j, m[0], want)
					}
					if got := s.Generic(buf[:]); got != want {
						t.Fatalf("byte %#x at %d: Generic %064b, want %064b", c, j, got, want)
					}
					if got := s.Tail(buf[:j]); got != want&(1<<j-1) {
						t.Fatalf("byte %#x: Tail of %d bytes %064b, want %064b", c, j, got, want&(1<<j-1))
					}
				}
			}
			long := make([]byte, 64*40+5)
			for i := range long {
				long[i] = byte(i * 37 % 256)
			}
			for nb := 0; nb <= 40; nb++ {
				got := make([]uint64, nb+1)
				got[nb] = 42 // past the blocks: untouched
				s.Masks(got[:nb], long)
				str := make([]uint64, nb+1)
				str[nb] = 42
				s.MasksString(str[:nb], string(long))
				for k := range nb {
					want := naive(in, long[64*k:])
					if got[k] != want || str[k] != want {
						t.Fatalf("%d blocks, block %d: Masks %064b, MasksString %064b, want %064b", nb, k, got[k], str[k], want)
					}
				}
				if got[nb] != 42 || str[nb] != 42 {
					t.Fatalf("%d blocks: wrote past them", nb)
				}
			}
		})
	}
}

// TestNewRefusesUnprintable: a byte outside 0x20-0x7f has no row in the
// nibble tables, so a set holding one would drop it from every mask; New
// refuses it instead.
func TestNewRefusesUnprintable(t *testing.T) {
	for _, c := range []byte{0x00, 0x09, 0x0a, 0x1f, 0x80, 0xc3, 0xff} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New with byte %#x: no panic", c)
				}
			}()
			New(func(b byte) bool { return b == c })
		}()
	}
	New(func(b byte) bool { return b == 0x20 || b == 0x7f }) // the edges are in range
}

// FuzzMasks checks Masks and MasksString against the predicate on any
// input, every block of it from every start, for a set drawn from the
// input's first bytes (so sets vary as much as texts).
//
//	go test ./internal/bytemask -run '^$' -fuzz '^FuzzMasks$' -fuzztime 2m
func FuzzMasks(f *testing.F) {
	f.Add(uint64(0), []byte(strings.Repeat("a%2F+/=~ \x00\xff", 7)))
	f.Add(uint64(1), []byte(strings.Repeat("0123456789abcdef ", 40)))
	f.Add(uint64(7), []byte(strings.Repeat("QUJD+/-_=\n", 30)))
	f.Fuzz(func(t *testing.T, seed uint64, data []byte) {
		r := rand.New(rand.NewPCG(seed, seed>>7))
		var in [256]bool
		for c := 0x20; c <= 0x7f; c++ {
			in[c] = r.IntN(3) == 0
		}
		pred := func(c byte) bool { return in[c] }
		s := New(pred)
		for len(data) >= 64 {
			got := make([]uint64, len(data)/64)
			str := make([]uint64, len(got))
			s.Masks(got, data)
			s.MasksString(str, string(data))
			for k, m := range got {
				if want := naive(pred, data[64*k:]); m != want || str[k] != want {
					t.Fatalf("%q: block %d mask %064b, string %064b, want %064b", data[64*k:64*k+64], k, m, str[k], want)
				}
			}
			data = data[1:]
		}
		if got, want := s.Tail(data), s.TailString(string(data)); got != want {
			t.Fatalf("Tail %064b, TailString %064b", got, want)
		}
	})
}

// FuzzCover checks NewCover's sets, drawn from any byte value, against
// what it promises: every byte of the set is in the cover, a byte of
// 0x20-0x7f is in it only when in the set, and Masks, Generic and Tail
// agree with Has at every position of the input.
//
//	go test ./internal/bytemask -run '^$' -fuzz '^FuzzCover$' -fuzztime 2m
func FuzzCover(f *testing.F) {
	f.Add(uint64(0), []byte(strings.Repeat("sk_live \xc5\xbf\xe2\x84\xaa\t\x00\xff", 9)))
	f.Add(uint64(3), []byte(strings.Repeat("\x80\x85\x1f\x7f AKIA", 20)))
	f.Fuzz(func(t *testing.T, seed uint64, data []byte) {
		r := rand.New(rand.NewPCG(seed, seed>>7))
		var in [256]bool
		for c := range in {
			in[c] = r.IntN(5) == 0
		}
		s := NewCover(func(c byte) bool { return in[c] })
		for c := range 256 {
			if in[c] && !s.Has(byte(c)) {
				t.Fatalf("byte %#x of the set not in the cover", c)
			}
			if c >= 0x20 && c <= 0x7f && s.Has(byte(c)) != in[c] {
				t.Fatalf("printable byte %#x: cover %v, set %v", c, s.Has(byte(c)), in[c])
			}
		}
		for len(data) >= 64 {
			got := make([]uint64, len(data)/64)
			s.Masks(got, data)
			for k, m := range got {
				want := naive(s.Has, data[64*k:])
				if m != want || s.Generic(data[64*k:]) != want {
					t.Fatalf("%q: block %d mask %064b, Generic %064b, want %064b", data[64*k:64*k+64], k, m, s.Generic(data[64*k:]), want)
				}
			}
			data = data[1:]
		}
		var want uint64
		for j, c := range data {
			if s.Has(c) {
				want |= 1 << j
			}
		}
		if got := s.Tail(data); got != want {
			t.Fatalf("Tail %064b, want %064b", got, want)
		}
	})
}
