//go:build !purego

package proxy

import "unsafe"

// b64MasksAVX2 (b64mask_amd64.s) sets out[k] to the base64 bytes of the
// 64-byte block p[64k:64k+64], one bit a byte: ~0.2 instructions a byte.
//
//go:noescape
func b64MasksAVX2(p *byte, n int, t *b64NibTables, out *uint64)

// b64NibTables are isB64Byte as VPSHUFB nibble tables, each 16 entries
// repeated for the two 128-bit lanes: a byte is base64 when the entry of
// its low nibble and that of its high nibble share a bit, bit h-2
// standing for high nibble h (2-7, the printable rows); other high
// nibbles have entry 0. mask is 0x0f in every byte, to take the nibbles.
type b64NibTables struct{ lo, hi, mask [32]byte }

var b64Nibs = func() *b64NibTables {
	t := new(b64NibTables)
	for h := 2; h <= 7; h++ {
		bit := byte(1) << (h - 2)
		t.hi[h], t.hi[16+h] = bit, bit
		for l := 0; l < 16; l++ {
			if isB64Byte(byte(h<<4 | l)) {
				t.lo[l] |= bit
				t.lo[16+l] |= bit
			}
		}
	}
	for i := range t.mask {
		t.mask[i] = 0x0f
	}
	return t
}()

// mayHoldB64Run is false when s holds no run of base64 bytes of minRun
// or more, which eachB64Run then need not look for: most texts hold none,
// and text of words lands the stride's probes on letters, each read back
// and forth to its word's ends (0.17 M instructions for the benchmark's
// 64 KB of code, against ~40 K here). It is true when s may hold one (a
// run of 32 is enough to say so for longer runs) or it cannot tell
// without AVX2.
func mayHoldB64Run(s string, minRun int) bool {
	if !hasAVX2 || len(s) < 64 {
		return true
	}
	n := min(max(minRun, 1), 32)
	var buf [64]uint64
	var prev uint64 // the last block's mask
	for off := 0; off < len(s); {
		blocks := min((len(s)-off)/64, len(buf))
		m := buf[:blocks]
		if blocks > 0 {
			b64MasksAVX2(unsafe.StringData(s[off:]), blocks, b64Nibs, &m[0])
		} else {
			// The last bytes, fewer than 64; past the end none is base64.
			var w uint64
			for i := off; i < len(s); i++ {
				if b64Byte[s[i]] {
					w |= 1 << (i - off)
				}
			}
			m = append(m, w)
		}
		for _, w := range m {
			// A run of n bytes starting in [32j, 32j+32) lies in the 64
			// bits from 32j: a block, or the upper half of the last and
			// the lower half of this one.
			if hasOnes(w, n) || hasOnes(prev>>32|w<<32, n) {
				return true
			}
			prev = w
		}
		off += 64 * len(m)
	}
	return false
}

// hasOnes reports whether w has n consecutive set bits (1 <= n <= 32).
func hasOnes(w uint64, n int) bool {
	if n == 32 { // minPayloadRun: the request path's case
		w &= w >> 1
		w &= w >> 2
		w &= w >> 4
		w &= w >> 8
		return w&(w>>16) != 0
	}
	for have := 1; have < n && w != 0; {
		sh := min(have, n-have)
		w &= w >> sh
		have += sh
	}
	return w != 0
}
