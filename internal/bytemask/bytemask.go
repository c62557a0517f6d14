// Package bytemask turns text into bit masks of a byte set, 64 bytes to a
// word: bit j of mask k is set when byte 64k+j is in the set. The rule
// engine's decoding pass (runs of the percent, base64 and hex alphabets)
// and the proxy's base64 probe both find long runs of an alphabet this
// way, with bit operations on the masks instead of a byte at a time.
//
// On amd64 with AVX2 a block of 64 bytes is classified by two 16-entry
// table lookups per 32 bytes (VPSHUFB), ~0.2 instructions a byte, against
// a table load, a shift and an OR per byte elsewhere. One classifier
// serves both callers, so the assembly exists once.
package bytemask

import (
	"fmt"
	"unsafe"
)

// Set is a set of printable ASCII bytes (0x20-0x7f), in the two forms
// the classifiers read: VPSHUFB nibble tables and a table by byte value.
type Set struct {
	nib nibTables
	bit [256]uint8
}

// nibTables hold the set as VPSHUFB nibble tables, each 16 entries
// repeated for the two 128-bit lanes: a byte is in the set when the entry
// of its low nibble and that of its high nibble share a bit. Bit h-2
// stands for high nibble h (2-7, the printable rows); bytes from 0x80 and
// control bytes have high-nibble entry 0 and are never in it. mask is 0x0f
// in every byte, to take the nibbles.
type nibTables struct{ lo, hi, mask [32]byte }

// New returns the set of the bytes c for which in(c) is true. Only bytes
// 0x20-0x7f may be in it: the nibble tables have a bit for each of the six
// printable rows and none for the others. New panics on any other byte,
// since a set that silently dropped it would hide runs from a scan.
func New(in func(c byte) bool) *Set {
	s := new(Set)
	for c := range 256 {
		if !in(byte(c)) {
			continue
		}
		if c < 0x20 || c > 0x7f {
			panic(fmt.Sprintf("bytemask: byte %#x is outside 0x20-0x7f", c))
		}
		s.bit[c] = 1
		h, l := c>>4, c&0x0f
		b := byte(1) << (h - 2)
		s.nib.hi[h], s.nib.hi[16+h] = b, b
		s.nib.lo[l] |= b
		s.nib.lo[16+l] |= b
	}
	for i := range s.nib.mask {
		s.nib.mask[i] = 0x0f
	}
	return s
}

// NewCover returns a set holding every byte c for which in(c) is true,
// which may be any byte, and possibly more: the nibble tables have no
// row for each control row and each row from 0x80, so the bytes outside
// 0x20-0x7f share two bits (one for the control rows, one for the rest)
// and a byte there is in the cover when some byte of its kind with the
// same low nibble is in the set. Within 0x20-0x7f it is exact. It is a
// prefilter: the caller tests the bytes it finds against its own set.
// Masks, Tail and Has agree on it.
func NewCover(in func(c byte) bool) *Set {
	s := new(Set)
	for c := range 256 {
		if !in(byte(c)) {
			continue
		}
		h, l := c>>4, c&0x0f
		var b byte
		switch {
		case h < 2:
			b = 0x80
			s.nib.hi[0], s.nib.hi[16], s.nib.hi[1], s.nib.hi[17] = b, b, b, b
		case h >= 8:
			b = 0x40
			for r := 8; r < 16; r++ {
				s.nib.hi[r], s.nib.hi[16+r] = b, b
			}
		default:
			b = 1 << (h - 2)
			s.nib.hi[h], s.nib.hi[16+h] = b, b
		}
		s.nib.lo[l] |= b
		s.nib.lo[16+l] |= b
	}
	for i := range s.nib.mask {
		s.nib.mask[i] = 0x0f
	}
	for c := range 256 {
		if s.nib.lo[c&0x0f]&s.nib.hi[c>>4] != 0 {
			s.bit[c] = 1
		}
	}
	return s
}

// Has reports whether c is in the set.
func (s *Set) Has(c byte) bool { return s.bit[c] != 0 }

// Masks sets dst[k] to the mask of the block b[64k:64k+64]. b holds at
// least 64*len(dst) bytes. Classify many blocks per call: one call per
// block costs more than the classifying (the call, the tables loaded
// again, VZEROUPPER).
func (s *Set) Masks(dst []uint64, b []byte) {
	if len(dst) == 0 {
		return
	}
	s.masks(dst, b[:64*len(dst)])
}

// MasksString is Masks over a string's bytes, without a copy.
func (s *Set) MasksString(dst []uint64, str string) {
	if len(dst) == 0 {
		return
	}
	s.masks(dst, unsafe.Slice(unsafe.StringData(str), 64*len(dst)))
}

// Tail is the mask of b, shorter than 64 bytes: bit j for byte j, and the
// bits past its end zero, so a run there ends with the data.
func (s *Set) Tail(b []byte) uint64 {
	var m uint64
	for j, c := range b[:min(len(b), 64)] {
		m |= uint64(s.bit[c]) << j
	}
	return m
}

// TailString is Tail over a string's bytes.
func (s *Set) TailString(str string) uint64 {
	var m uint64
	for j := range min(len(str), 64) {
		m |= uint64(s.bit[str[j]]) << j
	}
	return m
}

// Generic is the mask of b[:64] with a table load per byte: the version
// for processors without AVX2, and the tests' reference.
func (s *Set) Generic(b []byte) uint64 {
	b = b[:64]
	t := &s.bit
	var m uint64
	for j := 0; j < 64; j += 8 {
		m |= uint64(t[b[j]])<<j | uint64(t[b[j+1]])<<(j+1) |
			uint64(t[b[j+2]])<<(j+2) | uint64(t[b[j+3]])<<(j+3) |
			uint64(t[b[j+4]])<<(j+4) | uint64(t[b[j+5]])<<(j+5) |
			uint64(t[b[j+6]])<<(j+6) | uint64(t[b[j+7]])<<(j+7)
	}
	return m
}

func (s *Set) masksGeneric(dst []uint64, b []byte) {
	for k := range dst {
		dst[k] = s.Generic(b[64*k:])
	}
}
