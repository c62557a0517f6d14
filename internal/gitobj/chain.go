package gitobj

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
)

// A chain streams an object of a delta chain forward, for Verify of a
// delta over the reader's limit: every level (the target, its base, the
// base's base, down to a whole object) keeps its own inflater open where
// its last read stopped, so a target read in order inflates each delta
// and each base once, whatever the target's size, as long as the copies
// a delta makes from its base come in base order (git writes them so
// for an edit of a file: the unchanged runs before and after an edit).
//
// Reads come as pieces (byte ranges into caller buffers, head.go). A
// level fills pieces at or past its position by reading on; a piece
// before it (a delta copying from earlier in its base than its last copy:
// moved or repeated content) starts that level again from its first byte,
// which is one more inflation of it and the levels below it (they start
// again when asked for bytes before their own positions). Pieces are
// sorted within a read, so copies out of order within one batch (one
// piece of the target, at most verifyChunk bytes) cost nothing extra: at
// worst, every base is inflated once per batch, which is what the
// pieces-only path cost always.
//
// Memory: the target's batch buffer (at most verifyChunk bytes and the
// reader's limit), and per level an inflater (a 32 KB window and its
// tables), 20 KB of input buffers and at most chainSubs piece
// descriptors (32 bytes each). Levels deeper than chainLevels are read
// by the pieces-only path (head.go), which starts them again for every
// batch but holds no state between batches.
type chain struct {
	r     *Reader
	depth int
	typ   Type  // the object's type (a delta's is its base's)
	size  int64 // the object's size
	pos   int64 // the next byte the open stream gives
	// Where the object is: an entry of p at off, or loose in s (p nil).
	p    *Pack
	off  int64
	e    entryHdr
	s    *Store
	id   Hash // the object's id when it was found by id (a ref delta's base, a loose object)
	byID bool
	// deep: read through the pieces-only path (depth past chainLevels).
	deep bool

	z      zstate
	in     *bufio.Reader // compressed bytes
	out    *bufio.Reader // inflated bytes
	closer io.Closer     // a loose object's file

	// A delta level.
	base    *chain
	src     int64 // the base size the delta declares
	dread   int64 // delta bytes read, against e.size
	cpOff   int64 // the base offset of the copy under way
	cpLeft  int64 // bytes of it not yet given
	litLeft int64 // literal bytes under way not yet given
	sub     []piece
	starts  int // how often this level was inflated from its start
}

const (
	// chainLevels bounds how many levels keep an open inflater.
	chainLevels = 64
	// chainSubs bounds a level's pending pieces of its base; past it a
	// level asks its base for what it has and goes on.
	chainSubs = 8192
)

// chainAt opens the pack entry at off of p as a chain level.
func (r *Reader) chainAt(p *Pack, off int64, depth int) (*chain, error) {
	if depth > maxDepth {
		return nil, corruptf("delta chain deeper than %d", maxDepth)
	}
	c := &chain{r: r, depth: depth, p: p, off: off}
	if depth > chainLevels {
		c.deep = true
		t, size, err := r.packedPieces(p, off, nil, depth)
		if err != nil {
			return nil, err
		}
		c.typ, c.size = t, size
		return c, nil
	}
	e, err := p.entryAt(off)
	if err != nil {
		return nil, err
	}
	c.e = e
	if e.typ.IsDelta() {
		switch e.typ {
		case OfsDelta:
			c.base, err = r.chainAt(p, e.baseOff, depth+1)
		case RefDelta:
			c.base, err = r.chainOf(r.s, e.baseID, depth+1)
		}
		if err != nil {
			return nil, err
		}
		c.typ = c.base.typ
	} else {
		c.typ, c.size = e.typ, e.size
	}
	if err := c.start(); err != nil {
		c.close()
		return nil, err
	}
	if c.base != nil && c.src != c.base.size {
		c.close()
		return nil, fmt.Errorf("delta at offset %d: %w", off, errBadDelta)
	}
	return c, nil
}

// chainOf opens object h of s (or its alternates) as a chain level.
func (r *Reader) chainOf(s *Store, h Hash, depth int) (*chain, error) {
	if depth > maxDepth {
		return nil, &Error{Hash: h, Err: corruptf("delta chain deeper than %d", maxDepth)}
	}
	for _, p := range s.packs {
		if i := p.idx.find(&h); i >= 0 {
			c, err := r.chainAt(p, p.idx.offset(i), depth)
			if err != nil {
				if ierr := p.CheckIndex(); ierr != nil {
					return nil, withHash(ierr, h)
				}
				return nil, inPack(err, h, p)
			}
			c.id, c.byID = h, true
			return c, nil
		}
	}
	c := &chain{r: r, depth: depth, s: s, id: h, byID: true}
	if err := c.start(); err == nil {
		return c, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	for _, a := range s.alts {
		c, err := r.chainOf(a, h, depth)
		if !errors.Is(err, ErrNotFound) {
			return c, err
		}
	}
	if err := s.checkIndexes(); err != nil {
		return nil, withHash(err, h)
	}
	return nil, &Error{Hash: h, Err: ErrNotFound}
}

// start (re)opens the level's stream at its first byte: for a delta, the
// first instruction after its header.
func (c *chain) start() error {
	c.pos, c.dread, c.cpLeft, c.litLeft = 0, 0, 0, 0
	c.starts++
	if c.p == nil {
		return c.startLoose()
	}
	sr := io.NewSectionReader(c.p.f, c.e.dataOff, c.p.dataEnd()-c.e.dataOff)
	if c.in == nil {
		c.in = bufio.NewReaderSize(sr, 16<<10)
	} else {
		c.in.Reset(sr)
	}
	zr, err := c.z.reset(c.in)
	if err != nil {
		return corruptf("zlib header at offset %d: %v", c.e.dataOff, err)
	}
	if c.out == nil {
		c.out = bufio.NewReaderSize(zr, 4<<10)
	} else {
		c.out.Reset(zr)
	}
	if !c.e.typ.IsDelta() {
		return nil
	}
	s, err1 := binary.ReadUvarint(c)
	t, err2 := binary.ReadUvarint(c)
	if err1 != nil || err2 != nil || s > 1<<62 || t > 1<<62 || c.dread > c.e.size {
		return fmt.Errorf("delta at offset %d: %w", c.off, errBadDelta)
	}
	c.src, c.size = int64(s), int64(t)
	return nil
}

// startLoose (re)opens a loose object; ErrNotFound when s has no such
// file.
func (c *chain) startLoose() error {
	if c.closer != nil {
		c.closer.Close()
		c.closer = nil
	}
	t, size, br, f, ok, err := c.r.openLooseWith(&c.z, &c.out, c.s, c.id, 1<<62)
	if !ok {
		return &Error{Hash: c.id, Err: ErrNotFound}
	}
	if err != nil {
		return err
	}
	c.typ, c.size, c.out, c.closer = t, size, br, f
	return nil
}

// ReadByte reads a delta byte, counting it.
func (c *chain) ReadByte() (byte, error) {
	b, err := c.out.ReadByte()
	if err == nil {
		c.dread++
	}
	return b, err
}

func (c *chain) close() {
	for ; c != nil; c = c.base {
		if c.closer != nil {
			c.closer.Close()
			c.closer = nil
		}
	}
}

// fill copies the object's bytes into ps, reading on from where the
// level's last fill stopped, or from its start when a piece lies before
// that.
func (c *chain) fill(ps []piece) error {
	if len(ps) == 0 {
		return nil
	}
	err := c.fillIn(ps)
	if err != nil && c.byID {
		var ge *Error
		if !errors.As(err, &ge) {
			file := ""
			if c.p != nil {
				file = c.p.Name
			} else {
				file = c.s.loosePath(c.id)
			}
			err = &Error{Hash: c.id, File: file, Err: err}
		}
	}
	return err
}

func (c *chain) fillIn(ps []piece) error {
	slices.SortFunc(ps, func(a, b piece) int { return cmp.Compare(a.off, b.off) })
	var end int64
	for _, p := range ps {
		if p.off < 0 || p.end() > c.size {
			return corruptf("range [%d, %d) outside a %d-byte object", p.off, p.end(), c.size)
		}
		end = max(end, p.end())
	}
	if c.deep {
		var err error
		var t Type
		var got int64
		if c.p != nil {
			t, got, err = c.r.packedPieces(c.p, c.off, ps, c.depth)
		} else {
			t, got, err = c.r.pieces(c.s, c.id, ps, c.depth)
		}
		if err == nil && (t != c.typ || got != c.size) {
			err = corruptf("object changed size while read")
		}
		return err
	}
	if ps[0].off < c.pos {
		if err := c.start(); err != nil {
			return err
		}
	}
	if c.base == nil {
		return c.fillWhole(ps, end)
	}
	return c.fillDelta(ps, end)
}

// fillWhole reads a whole object on to end, copying what ps ask for.
func (c *chain) fillWhole(ps []piece, end int64) error {
	var buf [32 << 10]byte
	lo := 0
	for c.pos < end {
		n, err := c.out.Read(buf[:min(int64(len(buf)), end-c.pos)])
		lo = copyPieces(ps, lo, c.pos, buf[:n])
		c.pos += int64(n)
		if c.pos >= end {
			break
		}
		if errors.Is(err, io.EOF) {
			return corruptf("inflated to fewer bytes than the %d declared", c.size)
		}
		if err != nil {
			return corruptf("inflate: %v", err)
		}
	}
	return nil
}

// fillDelta reads a delta's instructions on to target byte end: its
// literals go into ps, its copies become pieces of the base, asked of it
// in batches of at most chainSubs.
func (c *chain) fillDelta(ps []piece, end int64) error {
	var lit [127]byte
	lo := 0
	c.sub = c.sub[:0]
	for c.pos < end {
		if c.cpLeft == 0 && c.litLeft == 0 {
			if err := c.next(); err != nil {
				return fmt.Errorf("delta at offset %d: %w", c.off, err)
			}
		}
		if c.cpLeft > 0 {
			n := min(c.cpLeft, end-c.pos)
			cend := c.pos + n
			for i := lo; i < len(ps) && ps[i].off < cend; i++ {
				a, b := max(ps[i].off, c.pos), min(ps[i].end(), cend)
				if a >= b {
					continue
				}
				c.sub = append(c.sub, piece{off: c.cpOff + (a - c.pos), dst: ps[i].dst[a-ps[i].off : b-ps[i].off]})
				if len(c.sub) == chainSubs {
					if err := c.base.fill(c.sub); err != nil {
						return err
					}
					c.sub = c.sub[:0]
				}
			}
			for lo < len(ps) && ps[lo].end() <= cend {
				lo++
			}
			c.pos, c.cpOff, c.cpLeft = cend, c.cpOff+n, c.cpLeft-n
			continue
		}
		n := min(c.litLeft, end-c.pos)
		if _, err := io.ReadFull(c.out, lit[:n]); err != nil {
			return fmt.Errorf("delta at offset %d: %w", c.off, errBadDelta)
		}
		c.dread += n
		lo = copyPieces(ps, lo, c.pos, lit[:n])
		c.pos, c.litLeft = c.pos+n, c.litLeft-n
	}
	if c.dread > c.e.size {
		return fmt.Errorf("delta at offset %d: %w", c.off, errBadDelta)
	}
	err := c.base.fill(c.sub)
	c.sub = c.sub[:0]
	return err
}

// next reads the delta's next instruction, checked as ApplyDelta checks
// it.
func (c *chain) next() error {
	if c.dread >= c.e.size {
		return errBadDelta
	}
	cmd, err := c.ReadByte()
	if err != nil {
		return errBadDelta
	}
	switch {
	case cmd&0x80 != 0:
		args, _ := c.out.Peek(bits.OnesCount8(cmd & 0x7f))
		off, sz, n, ok := copyOp(cmd, args)
		if !ok {
			return errBadDelta
		}
		c.out.Discard(n)
		c.dread += int64(n)
		if int64(off+sz) > c.src || c.pos+int64(sz) > c.size {
			return errBadDelta
		}
		c.cpOff, c.cpLeft = int64(off), int64(sz)
	case cmd != 0:
		if c.pos+int64(cmd) > c.size {
			return errBadDelta
		}
		c.litLeft = int64(cmd)
	default:
		return errBadDelta
	}
	return nil
}

// finish checks, once every target byte was given, that the delta ends
// there: no instruction left, its declared size read, its zlib stream at
// its checksum.
func (c *chain) finish() error {
	if c.cpLeft != 0 || c.litLeft != 0 || c.dread != c.e.size {
		return fmt.Errorf("delta at offset %d: %w", c.off, errBadDelta)
	}
	if err := atEnd(c.out, c.e.size); err != nil {
		return fmt.Errorf("delta at offset %d: %w", c.off, err)
	}
	return nil
}
