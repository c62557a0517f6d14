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
