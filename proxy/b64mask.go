package proxy

import "github.com/pretense/pretense/internal/bytemask"

// b64Set is isB64Byte as masks of 64-byte blocks (bytemask).
var b64Set = bytemask.New(isB64Byte)

// mayHoldB64Run is false when s holds no run of base64 bytes of minRun
// or more, which eachB64Run then need not look for: most texts hold none,
// and text of words lands the stride's probes on letters, each read back
// and forth to its word's ends (0.17 M instructions for the benchmark's
// 64 KB of code, against ~40 K here). It is true when s may hold one (a
// run of 32 is enough to say so for longer runs) or it cannot tell
// without AVX2 (where eachB64Run's stride is the fastest way to tell).
func mayHoldB64Run(s string, minRun int) bool {
	if !bytemask.Vector || len(s) < 64 {
		return true
	}
	n := min(max(minRun, 1), 32)
	var buf [64]uint64
	var prev uint64 // the last block's mask
	for off := 0; off < len(s); {
		blocks := min((len(s)-off)/64, len(buf))
		m := buf[:blocks]
		if blocks > 0 {
			b64Set.MasksString(m, s[off:])
		} else {
			// The last bytes, fewer than 64; past the end none is base64.
			m = append(m, b64Set.TailString(s[off:]))
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
