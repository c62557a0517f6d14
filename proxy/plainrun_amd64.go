//go:build !purego

package proxy

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// plainRunAVX2 (plainrun_amd64.s) is plainRun 32 bytes a loop: three
// compares, two ORs and a mask a loop against the words' ~30
// instructions for 16 bytes, and the last bytes in one overlapping load
// instead of byte by byte. A never-seen request's parse walks its big
// text run by run (2,150 escapes in the benchmark's 64 KB), so a run is
// tens of bytes: the call costs about what one more loop would.
//
//go:noescape
func plainRunAVX2(p *byte, n, i int) int

var hasAVX2 = cpu.X86.HasAVX2

// plainRun returns the position of the first quote, backslash or control
// character of src at or after i, or a position within the last eight
// bytes of src from which the caller reads on byte by byte.
func plainRun(src []byte, i int) int {
	if hasAVX2 && len(src) >= 32 {
		return plainRunAVX2(unsafe.SliceData(src), len(src), i)
	}
	return plainRunWords(src, i)
}

// copyPlainAVX2 (plainrun_amd64.s) copies src to dst 32 bytes a loop up
// to the first backslash, while 32 bytes are left of n, and returns the
// bytes copied: the backslash's position, or with none in those blocks n
// less fewer than 32. dst must have room for n bytes (each block is
// stored before it is tested).
//
//go:noescape
func copyPlainAVX2(dst, src *byte, n int) int

// appendPlain appends s[i:] up to its first backslash (or its end) to
// out and returns the position after it. Decoding a big text's runs
// between escapes (tens of bytes in code) by IndexByte and append was
// two calls a run, each with its own set-up; with AVX2 and room in out
// for the rest of s (a decoded string is never longer: the buffers are
// sized so), one loop copies and looks at once.
func appendPlain(out, s []byte, i int) ([]byte, int) {
	if n := len(s) - i; hasAVX2 && n >= 32 && cap(out)-len(out) >= n {
		k := copyPlainAVX2(unsafe.SliceData(out[len(out):cap(out)]), &s[i], n)
		return out[:len(out)+k], i + k
	}
	return appendPlainIndex(out, s, i)
}
