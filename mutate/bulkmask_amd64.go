//go:build !purego

package mutate

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The bulk path's classes of a whole source in one pass with AVX2
// (bulkmask_amd64.s): ~0.5 instructions a byte against ~7 for classify's
// table loads, shifts and gathering multiplications. One call per source,
// not per block: a call per 64 bytes would load the tables each time.

//go:noescape
func bulkMasksAVX2(p *byte, n int, t *bulkNibs, out *uint64)

var hasAVX2 = cpu.X86.HasAVX2

// bulkMasks returns the word, stop and digit masks of src's blocks
// (masksOf), in dst's memory when it has room, or nil when this machine
// classifies block by block (classify).
func bulkMasks(t *bulkTable, src string, dst []uint64) []uint64 {
	if !hasAVX2 || len(src) < 64 {
		return nil
	}
	full := len(src) / 64
	dst = masksOf(dst, len(src))
	bulkMasksAVX2(unsafe.StringData(src), full, &t.nib, &dst[0])
	t.tailMasks(dst, src, full)
	return dst
}
