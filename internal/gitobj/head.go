package gitobj

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"runtime/debug"
	"slices"
)

// Head reads the first bytes of an object too large to read whole: a scan
// that skips a blob over its size limit still has to tell a binary one (no
// text to scan) from text it left unscanned, and the first few kilobytes
// say which, as git's own binary test does. Nothing larger than n bytes is
// allocated whatever the object's size.
//
// A loose object or a whole pack entry is inflated up to n bytes. A delta's
// first n bytes are rebuilt without its base: the delta's instructions come
// in target order, so only those that write the first n bytes are read, and
// what they copy is asked of the base as byte ranges (at most n bytes in
// all, at any offset), down the chain; a whole base is inflated only up to
// the last byte asked of it, through a fixed buffer.
//
// What Head returns is not checked against the object's id (that needs
// every byte), nor its zlib streams to their checksum; sizes and delta
// bounds are checked as in a full read. It is for classifying content
// that is not scanned, never for content that is; a caller that lets a
// skip pass on it checks the object with Verify.
func (r *Reader) Head(h Hash, n int) (t Type, size int64, head []byte, err error) {
	defer catchFault(debug.SetPanicOnFault(true), h, &err)
	if size, err = r.size(r.s, h); err != nil {
		return 0, 0, nil, err
	}
	head = make([]byte, min(int64(max(n, 0)), size))
	t, got, err := r.pieces(r.s, h, []piece{{0, head}}, 0)
	if err == nil && got != size {
		err = &Error{Hash: h, Err: corruptf("object is %d bytes, its header said %d", got, size)}
	}
	if err != nil {
		return 0, 0, nil, err
	}
	return t, size, head, nil
}

// piece asks for the bytes [off, off+len(dst)) of an object, into dst.
type piece struct {
	off int64
	dst []byte
}

func (p piece) end() int64 { return p.off + int64(len(p.dst)) }

// pieces fills ps from object h of s (or its alternates) and returns its
// type and size.
func (r *Reader) pieces(s *Store, h Hash, ps []piece, depth int) (Type, int64, error) {
	if depth > maxDepth {
		return 0, 0, &Error{Hash: h, Err: corruptf("delta chain deeper than %d", maxDepth)}
	}
	for _, p := range s.packs {
		if i := p.idx.find(&h); i >= 0 {
			t, size, err := r.packedPieces(p, p.idx.offset(i), ps, depth)
			if err != nil {
				var ge *Error
				if errors.As(err, &ge) {
					return 0, 0, err
				}
				if ierr := p.CheckIndex(); ierr != nil {
					return 0, 0, withHash(ierr, h)
				}
				return 0, 0, &Error{Hash: h, File: p.Name, Err: err}
			}
			return t, size, nil
		}
	}
	t, size, br, f, ok, err := r.openLoose(s, h, 1<<62)
	if ok {
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		if err := fillPieces(br, size, ps); err != nil {
			return 0, 0, &Error{Hash: h, File: s.loosePath(h), Err: err}
		}
		return t, size, nil
	}
	for _, a := range s.alts {
		t, size, err := r.pieces(a, h, ps, depth)
		if !errors.Is(err, ErrNotFound) {
			return t, size, err
		}
	}
	if err := s.checkIndexes(); err != nil {
		return 0, 0, withHash(err, h)
	}
	return 0, 0, &Error{Hash: h, Err: ErrNotFound}
}

// packedPieces fills ps from the pack entry at off and returns the type
// and size of the object it rebuilds.
func (r *Reader) packedPieces(p *Pack, off int64, ps []piece, depth int) (Type, int64, error) {
	if depth > maxDepth {
		return 0, 0, corruptf("delta chain deeper than %d", maxDepth)
	}
	e, err := p.entryAt(off)
	if err != nil {
		return 0, 0, err
	}
	zr, err := r.z.reset(bufio.NewReaderSize(io.NewSectionReader(p.f, e.dataOff, p.dataEnd()-e.dataOff), 16<<10))
	if err != nil {
		return 0, 0, corruptf("zlib header at offset %d: %v", e.dataOff, err)
	}
	if !e.typ.IsDelta() {
		if err := fillPieces(zr, e.size, ps); err != nil {
			return 0, 0, fmt.Errorf("entry at offset %d: %w", off, err)
		}
		return e.typ, e.size, nil
	}
	// The delta is read (up to the last byte asked) before its base: the
	// base's read resets the same inflater.
	src, tgt, sub, err := deltaPieces(bufio.NewReaderSize(zr, 4<<10), e.size, ps)
	if err != nil {
		return 0, 0, fmt.Errorf("delta at offset %d: %w", off, err)
	}
	var t Type
	var got int64
	switch e.typ {
	case OfsDelta:
		t, got, err = r.packedPieces(p, e.baseOff, sub, depth+1)
	case RefDelta:
		t, got, err = r.pieces(r.s, e.baseID, sub, depth+1)
	}
	if err != nil {
		return 0, 0, err
	}
	if got != src {
		return 0, 0, fmt.Errorf("delta at offset %d: %w", off, errBadDelta)
	}
	return t, tgt, nil
}

// fillPieces reads an object of size bytes from r, copying what ps ask
// for, and stops after the last byte asked.
func fillPieces(r io.Reader, size int64, ps []piece) error {
	slices.SortFunc(ps, func(a, b piece) int { return cmp.Compare(a.off, b.off) })
	var end int64
	for _, p := range ps {
		if p.off < 0 || p.end() > size {
			return corruptf("range [%d, %d) outside a %d-byte object", p.off, p.end(), size)
		}
		end = max(end, p.end())
	}
	var buf [32 << 10]byte
	var pos int64
	lo := 0
	for pos < end {
		n, err := r.Read(buf[:min(int64(len(buf)), end-pos)])
		chunk := buf[:n]
		lo = copyPieces(ps, lo, pos, chunk)
		pos += int64(n)
		if pos >= end {
			break
		}
		if errors.Is(err, io.EOF) {
			return corruptf("inflated to fewer bytes than the %d declared", size)
		}
		if err != nil {
			return corruptf("inflate: %v", err)
		}
	}
	return nil
}

// copyPieces copies src, the object's bytes from pos on, into the pieces
// it overlaps; ps are sorted by offset and those before lo are filled. It
// returns the new lo.
func copyPieces(ps []piece, lo int, pos int64, src []byte) int {
	end := pos + int64(len(src))
	for i := lo; i < len(ps) && ps[i].off < end; i++ {
		a, b := max(ps[i].off, pos), min(ps[i].end(), end)
		if a < b {
			copy(ps[i].dst[a-ps[i].off:b-ps[i].off], src[a-pos:b-pos])
		}
	}
	for lo < len(ps) && ps[lo].end() <= end {
		lo++
	}
	return lo
}

// deltaPieces reads a delta (declared size dsize) from r as far as the
// pieces ps of its target need: literal bytes are copied into them, and
// copies from the base become pieces of the base (sub, writing into the
// same buffers). It returns the delta's source and target sizes.
func deltaPieces(r *bufio.Reader, dsize int64, ps []piece) (src, tgt int64, sub []piece, err error) {
	lr := &countReader{r: r}
	s, err1 := binary.ReadUvarint(lr)
	t, err2 := binary.ReadUvarint(lr)
	if err1 != nil || err2 != nil || s > 1<<62 || t > 1<<62 {
		return 0, 0, nil, errBadDelta
	}
	src, tgt = int64(s), int64(t)
	slices.SortFunc(ps, func(a, b piece) int { return cmp.Compare(a.off, b.off) })
	var end int64
	for _, p := range ps {
		if p.off < 0 || p.end() > tgt {
			return 0, 0, nil, errBadDelta
		}
		end = max(end, p.end())
	}
	var lit [127]byte
	var pos int64
	lo := 0
	for pos < end {
		if lr.n >= dsize {
			return 0, 0, nil, errBadDelta
		}
		cmd, err := lr.ReadByte()
		if err != nil {
			return 0, 0, nil, errBadDelta
		}
		switch {
		case cmd&0x80 != 0:
			// Its argument bytes are peeked (at most seven, one per set
			// bit) and decoded as ApplyDelta decodes them.
			args, _ := lr.r.Peek(bits.OnesCount8(cmd & 0x7f))
			uoff, usz, n, ok := copyOp(cmd, args)
			if !ok {
				return 0, 0, nil, errBadDelta
			}
			lr.discard(n)
			off, sz := int64(uoff), int64(usz)
			if off+sz > src || pos+sz > tgt {
				return 0, 0, nil, errBadDelta
			}
			cend := pos + sz
			for i := lo; i < len(ps) && ps[i].off < cend; i++ {
				a, b := max(ps[i].off, pos), min(ps[i].end(), cend)
				if a < b {
					sub = append(sub, piece{off: off + (a - pos), dst: ps[i].dst[a-ps[i].off : b-ps[i].off]})
				}
			}
			for lo < len(ps) && ps[lo].end() <= cend {
				lo++
			}
			pos = cend
		case cmd != 0:
			n := int64(cmd)
			if pos+n > tgt {
				return 0, 0, nil, errBadDelta
			}
			if _, err := io.ReadFull(lr, lit[:n]); err != nil {
				return 0, 0, nil, errBadDelta
			}
			lo = copyPieces(ps, lo, pos, lit[:n])
			pos += n
		default:
			return 0, 0, nil, errBadDelta
		}
	}
	if lr.n > dsize {
		return 0, 0, nil, errBadDelta
	}
	return src, tgt, sub, nil
}

// countReader counts the bytes read through it.
type countReader struct {
	r *bufio.Reader
	n int64
}

func (c *countReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// discard skips n bytes already peeked.
func (c *countReader) discard(n int) {
	m, _ := c.r.Discard(n)
	c.n += int64(m)
}

func (c *countReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}
