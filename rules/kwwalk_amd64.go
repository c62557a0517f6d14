//go:build !purego

package rules

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// kwWalk7 is kwwalk_amd64.s: seven DFA walks in lockstep (see each).
//
//go:noescape
func kwWalk7(cls *[256]unsafe.Pointer, p, end *byte, q uintptr, mf uint32, s *[7]uint32) *byte

// kwWalkT is kwclass_amd64.s: kwWalk7 over the bytes' classes, walk k's
// kwChunk bytes after walk k-1's (see walkClasses).
//
//go:noescape
func kwWalkT(trans unsafe.Pointer, p, end *byte, mf uint32, s *[kwWalks]uint32) *byte

// kwClassesVBMI is kwclass_amd64.s: kwClasses with AVX-512 VBMI.
//
//go:noescape
func kwClassesVBMI(dst, src *byte, n, q int, tab *[256]uint8)

// kwVBMI says the processor has the AVX-512 instructions of
// kwClassesVBMI (VPERMI2B is VBMI, VPMOVB2M and the byte masks BW).
var kwVBMI = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI

// kwByClass is kwMatcher.byClass's default: walkClasses where
// kwClassesVBMI writes the classes 64 bytes an instruction. Without it
// kwClassesGo takes a load and a store per byte to save the walk one
// load, so walkBytes stays.
var kwByClass = kwVBMI

// kwClasses writes the classes of the n bytes from data[k*q] to
// dst[k*kwChunk:] for each walk k < kwWalks (n <= kwChunk,
// (kwWalks-1)*q+n <= len(data)).
func kwClasses(dst *[kwWalks * kwChunk]byte, data []byte, n, q int, class *[256]uint8) {
	if n <= 0 {
		return
	}
	if kwVBMI {
		_ = data[(kwWalks-1)*q+n-1]
		_ = dst[(kwWalks-1)*kwChunk+n-1]
		kwClassesVBMI(&dst[0], unsafe.SliceData(data), n, q, class)
		return
	}
	kwClassesGo(dst, data, n, q, class)
}
