package gitobj

import (
	"encoding/binary"
	"fmt"
)

// Span is a byte range [Start, End) of a rebuilt object.
type Span struct{ Start, End int }

// DeltaSizes reads the source and target sizes from a delta's header.
func DeltaSizes(d []byte) (src, tgt int64, ok bool) {
	s, n := binary.Uvarint(d)
	if n <= 0 || s > 1<<62 {
		return 0, 0, false
	}
	t, m := binary.Uvarint(d[n:])
	if m <= 0 || t > 1<<62 {
		return 0, 0, false
	}
	return int64(s), int64(t), true
}

var errBadDelta = corruptf("invalid delta")

// copyOp decodes the offset and size of a delta's copy instruction from
// the bytes d after its command byte cmd (cmd&0x80 set): one byte for
// each of cmd's low seven bits that is set, offset first, little-endian;
// a size of 0 means 0x10000. n is how many bytes of d it read; ok is
// false when d ends first. ApplyDelta (a whole delta in memory) and
// deltaPieces (a delta streamed for an object's head) both read copies
// with it.
func copyOp(cmd byte, d []byte) (off, sz uint64, n int, ok bool) {
	for k := range 4 {
		if cmd&(1<<k) != 0 {
			if n == len(d) {
				return 0, 0, 0, false
			}
			off |= uint64(d[n]) << (8 * k)
			n++
		}
	}
	for k := range 3 {
		if cmd&(0x10<<k) != 0 {
			if n == len(d) {
				return 0, 0, 0, false
			}
			sz |= uint64(d[n]) << (8 * k)
			n++
		}
	}
	if sz == 0 {
		sz = 0x10000
	}
	return off, sz, n, true
}

// ApplyDelta rebuilds a delta's target from base into dst. A target size
// over limit is ErrTooLarge, and no more than the base plus the delta is
// allocated up front whatever the header declares: a 7-byte delta that
// claims a terabyte costs nothing. The declared size is then enforced
// byte for byte.
//
// With track set it also appends to changed the target spans not copied
// verbatim from base: inserted bytes, plus a zero-length mark where two
// copies from non-adjacent base offsets meet (a value could straddle that
// seam).
func ApplyDelta(base, d, dst []byte, changed []Span, track bool, limit int64) ([]byte, []Span, error) {
	srcSize, n := binary.Uvarint(d)
	if n <= 0 || srcSize != uint64(len(base)) {
		return nil, nil, errBadDelta
	}
	d = d[n:]
	tgtSize, n := binary.Uvarint(d)
	if n <= 0 {
		return nil, nil, errBadDelta
	}
	if tgtSize > uint64(max(limit, 0)) {
		return nil, nil, fmt.Errorf("%w: delta target declares %d bytes", ErrTooLarge, tgtSize)
	}
	d = d[n:]
	// Every target byte comes from a copy of the base or from the delta's
	// own literals; a target needing more than both is rebuilt by
	// growing (repeated copies of one base range are rare).
	want := min(tgtSize, uint64(len(base))+uint64(len(d)))
	if uint64(cap(dst)) < want {
		dst = make([]byte, 0, RoundUp(int64(want)))
	}
	dst = dst[:0]
	lastCopyEnd := -1
	for len(d) > 0 {
		cmd := d[0]
		d = d[1:]
		switch {
		case cmd&0x80 != 0:
			off, sz, n, ok := copyOp(cmd, d)
			if !ok {
				return nil, nil, errBadDelta
			}
			d = d[n:]
			if off+sz > uint64(len(base)) || uint64(len(dst))+sz > tgtSize {
				return nil, nil, errBadDelta
			}
			if track && lastCopyEnd >= 0 && int(off) != lastCopyEnd {
				changed = append(changed, Span{len(dst), len(dst)})
			}
			dst = append(dst, base[off:off+sz]...)
			lastCopyEnd = int(off + sz)
		case cmd != 0:
			if int(cmd) > len(d) || uint64(len(dst))+uint64(cmd) > tgtSize {
				return nil, nil, errBadDelta
			}
			if track {
				if n := len(changed); n > 0 && changed[n-1].End == len(dst) {
					changed[n-1].End += int(cmd)
				} else {
					changed = append(changed, Span{len(dst), len(dst) + int(cmd)})
				}
			}
			dst = append(dst, d[:cmd]...)
			d = d[cmd:]
			lastCopyEnd = -1
		default:
			return nil, nil, errBadDelta
		}
	}
	if uint64(len(dst)) != tgtSize {
		return nil, nil, errBadDelta
	}
	return dst, changed, nil
}
