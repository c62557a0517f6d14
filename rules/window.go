package rules

import (
	"math/bits"

	"github.com/pretense/pretense/internal/bytemask"
)

// The edges of a keyword's window (expandStart, expandEnd) are found for
// every keyword hit of every rule: the newline within 256 bytes
// (lastNewline, lastnl.go), else the token boundary within tokenReach,
// which these find off a 64-byte block's mask at a time instead of a
// byte at a time. window_test.go keeps the byte loops, which
// FuzzWindowEdges compares.

// delimSet covers delimTable's bytes as AVX2 masks (bytemask.NewCover:
// the control bytes sharing a low nibble with '\t', '\n' or '\r' come
// along, and are tested against the table).
var delimSet = bytemask.NewCover(isDelim)

// lastDelim returns the last i in [stop, s) with isDelim(data[i]), or -1.
func lastDelim(data []byte, stop, s int) int {
	i := s
	if bytemask.Vector {
		var m [1]uint64
		for ; i-64 >= stop; i -= 64 {
			delimSet.Masks(m[:], data[i-64:])
			for x := m[0]; x != 0; {
				j := 63 - bits.LeadingZeros64(x)
				if isDelim(data[i-64+j]) {
					return i - 64 + j
				}
				x &^= 1 << j
			}
		}
	}
	for i--; i >= stop; i-- {
		if isDelim(data[i]) {
			return i
		}
	}
	return -1
}

// firstDelim returns the first i in [e, stop) with isDelim(data[i]), or
// -1.
func firstDelim(data []byte, e, stop int) int {
	i := e
	if bytemask.Vector {
		var m [1]uint64
		for ; i+64 <= stop; i += 64 {
			delimSet.Masks(m[:], data[i:])
			for x := m[0]; x != 0; x &= x - 1 {
				j := bits.TrailingZeros64(x)
				if isDelim(data[i+j]) {
					return i + j
				}
			}
		}
	}
	for ; i < stop; i++ {
		if isDelim(data[i]) {
			return i
		}
	}
	return -1
}
