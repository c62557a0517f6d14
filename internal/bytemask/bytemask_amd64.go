//go:build !purego

package bytemask

import "golang.org/x/sys/cpu"

// Vector reports whether Masks classifies with AVX2 (bytemask_amd64.s).
// A caller whose fallback beats the table version (the proxy's base64
// stride) asks it before building masks.
var Vector = cpu.X86.HasAVX2

// masksAVX2 (bytemask_amd64.s) sets out[k] to the mask of the 64-byte
// block p[64k:64k+64] for k < n.
//
//go:noescape
func masksAVX2(p *byte, n int, t *nibTables, out *uint64)

func (s *Set) masks(dst []uint64, b []byte) {
	if Vector {
		masksAVX2(&b[0], len(dst), &s.nib, &dst[0])
		return
	}
	s.masksGeneric(dst, b)
}
