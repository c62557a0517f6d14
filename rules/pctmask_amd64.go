//go:build !purego

package rules

import "golang.org/x/sys/cpu"

// The AVX2 classifier of pctmask_amd64.s: 64 bytes in a few instructions
// instead of a table load, a shift and an OR per byte. The decoding pass
// runs it over every input, and the table version was ~8% of a scan's
// CPU. It classifies many blocks per call: one call per block cost more
// than the classifying (a call, the tables loaded again, VZEROUPPER).

//go:noescape
func pctMasksAVX2(p *byte, n int, t *pctNibTables, out *uint64)

var hasAVX2 = cpu.X86.HasAVX2

// Nibble tables for pctMaskAVX2, each 16 entries repeated for the two
// 128-bit lanes: a byte is in clPct's alphabet when the entry of its low
// nibble and that of its high nibble share a bit. Bit h-2 stands for high
// nibble h (2-7, the printable ASCII rows); bytes from 0x80 and control
// bytes have high-nibble entry 0 and are never in it.
// mask is 0x0f in every byte, to take the nibbles.
type pctNibTables struct{ lo, hi, mask [32]byte }

var pctNibs = pctNibbles()

func pctNibbles() *pctNibTables {
	t := new(pctNibTables)
	for h := 2; h <= 7; h++ {
		bit := byte(1) << (h - 2)
		t.hi[h], t.hi[16+h] = bit, bit
		for l := 0; l < 16; l++ {
			if decodeClass[h<<4|l]&clPct != 0 {
				t.lo[l] |= bit
				t.lo[16+l] |= bit
			}
		}
	}
	for i := range t.mask {
		t.mask[i] = 0x0f
	}
	return t
}

// pctMasks sets dst[k] to the mask of the block b[64k:64k+64]: bit j is
// set when its byte j is in the widest candidate alphabet, clPct's. b
// holds at least 64*len(dst) bytes.
func pctMasks(dst []uint64, b []byte) {
	if len(dst) == 0 {
		return
	}
	b = b[:64*len(dst)]
	if hasAVX2 {
		pctMasksAVX2(&b[0], len(dst), pctNibs, &dst[0])
		return
	}
	pctMasksGeneric(dst, b)
}
