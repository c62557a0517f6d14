package rules

import "math/bits"

// eachLongRun's block loop spent ~40 instructions on each 64-byte block
// of every input (longRunStarts, the run carried from block to block),
// though 93% of the blocks of $GOROOT/src neither hold a run of
// minEncodedRun nor end one. With AVX2 a batch's blocks are told apart
// four at a time (longRunEventsAVX2), and only the few marked are read.

// longRunEventsGo returns a mask whose bit k is set when block k+1 of
// masks holds minEncodedRun set bits in a row, or the top 24 bits of
// block k with the low 40 of block k+1 do, for k < len(masks)-1. Every
// block where eachLongRunBlocks calls f is marked: a run ending there
// that began before is a run of 24 bits ending in the first 24 of the
// block (it is one inside the block when it ends past them); a run
// inside is one inside. It is the reference longRunEventsAVX2 is
// fuzzed against, and the version for processors without AVX2.
func longRunEventsGo(masks []uint64) uint64 {
	var ev uint64
	for k := 1; k < len(masks); k++ {
		w := masks[k]
		if longRunStarts(w)|longRunStarts(masks[k-1]>>40|w<<24) != 0 {
			ev |= 1 << (k - 1)
		}
	}
	return ev
}

// eachLongRunEvents is eachLongRun reading the blocks longRunEvents marks
// and no others: what the block loop (eachLongRunBlocks) carries from
// block to block, the run going into a block, is found from the masks
// before it when a block needs it (runBefore).
func eachLongRunEvents(data []byte, f func(s, j int)) {
	n := len(data)
	// buf[0] is the mask of the block before the batch (none: 0), the
	// batch's from buf[1]; longRunEvents reads up to three past them.
	var buf [longRunBlocks + 4]uint64
	carry := 0 // data[pos-carry:pos] is in the alphabet, data[pos-carry-1] not
	pos := 0
	for pos < n {
		nb := min(longRunBlocks, (n-pos)/64)
		if nb > 0 {
			pctSet.Masks(buf[1:1+nb], data[pos:])
		} else {
			// The last bytes, fewer than 64: the bits past the end are
			// zero, so the run there ends with the data.
			buf[1] = pctSet.Tail(data[pos:])
			nb = 1
		}
		for ev := longRunEvents(&buf, nb); ev != 0; ev &= ev - 1 {
			k := bits.TrailingZeros64(ev)
			w := buf[k+1]
			if w == ^uint64(0) {
				continue // the run goes on into the next block
			}
			p := pos + 64*k
			run := runBefore(&buf, k, carry)
			t := bits.TrailingZeros64(^w) // where the run from before ends
			if run+t >= minEncodedRun {
				f(p-run, p+t)
			}
			if longRunStarts(w) == 0 {
				continue
			}
			// The runs between: bit t and the bit below the top run are
			// zero, so each run of x is the block's own.
			top := bits.LeadingZeros64(^w)
			x := w &^ (1<<t - 1) &^ (^uint64(0) << (64 - top))
			for {
				starts := longRunStarts(x)
				if starts == 0 {
					break
				}
				q := bits.TrailingZeros64(starts)
				e := q + bits.TrailingZeros64(^(x >> q))
				f(p+q, p+e)
				x &^= 1<<e - 1
			}
		}
		carry = runBefore(&buf, nb, carry)
		buf[0] = buf[nb]
		pos += 64 * nb
	}
	if carry >= minEncodedRun {
		f(n-carry, n)
	}
}

// runBefore returns the length of the run of set bits that ends where
// the batch's block k begins: the top run of the block before, after the
// blocks of ones before that, after carry when they reach back to the
// batch's start.
func runBefore(buf *[longRunBlocks + 4]uint64, k, carry int) int {
	run := 0
	for ; k > 0; k-- {
		if w := buf[k]; w != ^uint64(0) {
			return run + bits.LeadingZeros64(^w)
		}
		run += 64
	}
	return run + carry
}
