package rules

import (
	"encoding/binary"
	"math/bits"
)

// lastNewline is bytes.LastIndexByte(b, '\n'), eight bytes a step: the
// standard library's is a byte-at-a-time loop on every platform, and
// expandStart runs it back over up to 256 bytes for every keyword hit a
// rule's window opens (~1.4 % of a directory scan's samples, most of them
// in that loop).
func lastNewline(b []byte) int {
	const (
		lo7 = 0x7f7f7f7f7f7f7f7f
		nl  = 0x0a0a0a0a0a0a0a0a
	)
	i := len(b)
	for i >= 8 {
		// A byte of x is zero where b has a newline; t's top bit of a
		// byte is clear exactly there (no carry crosses bytes, so no
		// byte is flagged because of another).
		x := binary.LittleEndian.Uint64(b[i-8:i]) ^ nl
		t := ((x & lo7) + lo7) | x
		if z := ^t & ^uint64(lo7); z != 0 {
			return i - 8 + (63-bits.LeadingZeros64(z))/8
		}
		i -= 8
	}
	for i--; i >= 0; i-- {
		if b[i] == '\n' {
			return i
		}
	}
	return -1
}
