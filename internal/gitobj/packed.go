package gitobj

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// entryAt reads the header of the entry at off: its type, declared size,
// where its zlib stream starts, and for a delta where its base is (an
// offset in p, or an id).
type entryHdr struct {
	typ     Type
	size    int64
	dataOff int64
	baseOff int64 // OfsDelta
	baseID  Hash  // RefDelta
}

func (p *Pack) entryAt(off int64) (entryHdr, error) {
	var e entryHdr
	if off < 12 || off >= p.dataEnd() {
		return e, corruptf("offset %d outside the pack", off)
	}
	var hdr [64]byte
	n, err := p.f.ReadAt(hdr[:min(int64(len(hdr)), p.dataEnd()-off)], off)
	if err != nil && !errors.Is(err, io.EOF) {
		return e, fmt.Errorf("read at %d: %w", off, err)
	}
	typ, size, k, ok := ParseEntryHeader(hdr[:n])
	if !ok {
		return e, corruptf("bad entry header at offset %d", off)
	}
	e.typ, e.size = typ, size
	switch typ {
	case OfsDelta:
		rel, kk, ok := ParseOfs(hdr[k:n])
		if !ok || rel <= 0 || rel > off-12 {
			return e, corruptf("bad delta base offset at offset %d", off)
		}
		e.baseOff = off - rel
		k += kk
	case RefDelta:
		hashLen := p.idx.hl
		if n < k+hashLen {
			return e, corruptf("truncated delta header at offset %d", off)
		}
		e.baseID, _ = NewHash(hdr[k : k+hashLen])
		k += hashLen
	}
	e.dataOff = off + int64(k)
	if e.dataOff >= p.dataEnd() || !inflatable(e.size, p.dataEnd()-e.dataOff) {
		return e, corruptf("entry at offset %d declares %d bytes from at most %d compressed", off, e.size, p.dataEnd()-e.dataOff)
	}
	return e, nil
}

// inflateAt inflates the zlib stream at off (declared size bytes) and
// checks its checksum.
func (r *Reader) inflateAt(p *Pack, off, size int64) ([]byte, error) {
	if size > r.max {
		return nil, fmt.Errorf("%w: entry declares %d bytes", ErrTooLarge, size)
	}
	zr, err := r.z.reset(bufio.NewReaderSize(io.NewSectionReader(p.f, off, p.dataEnd()-off), 16<<10))
	if err != nil {
		return nil, corruptf("zlib header at offset %d: %v", off, err)
	}
	data := make([]byte, size)
	if err := readAll(zr, data); err != nil {
		return nil, fmt.Errorf("stream at offset %d: %w", off, err)
	}
	return data, nil
}

// packed reads entry i (id h) of p, rebuilding its delta chain.
func (r *Reader) packed(p *Pack, h Hash, i int, depth int) (Type, []byte, error) {
	off := p.idx.offset(i)
	t, data, err := r.packedAt(p, off, depth)
	if err != nil {
		return 0, nil, inPack(err, h, p)
	}
	return t, data, nil
}

// inPack names object h and pack p in err, unless err already names an
// object: an error from deeper in a delta chain names the base that
// failed, which is the one to report.
func inPack(err error, h Hash, p *Pack) error {
	var ge *Error
	if errors.As(err, &ge) {
		return err
	}
	return &Error{Hash: h, File: p.Name, Err: err}
}

func (r *Reader) packedAt(p *Pack, off int64, depth int) (Type, []byte, error) {
	if depth > maxDepth {
		return 0, nil, corruptf("delta chain deeper than %d", maxDepth)
	}
	e, err := p.entryAt(off)
	if err != nil {
		return 0, nil, err
	}
	var baseType Type
	var base []byte
	switch e.typ {
	case OfsDelta:
		key := baseKey{p, e.baseOff}
		if b, ok := r.bases[key]; ok {
			baseType, base = b.typ, b.data
			break
		}
		if baseType, base, err = r.packedAt(p, e.baseOff, depth+1); err != nil {
			return 0, nil, err
		}
		if r.bases == nil || r.baseBytes+len(base) > baseCacheSize {
			r.bases, r.baseBytes = map[baseKey]baseObj{}, 0
		}
		r.bases[key] = baseObj{baseType, base}
		r.baseBytes += len(base)
	case RefDelta:
		// The base is named by id: it is checked like any object read.
		if baseType, base, err = r.object(r.s, e.baseID, depth+1); err != nil {
			return 0, nil, err // names the base
		}
	}
	data, err := r.inflateAt(p, e.dataOff, e.size)
	if err != nil {
		return 0, nil, err
	}
	if !e.typ.IsDelta() {
		return e.typ, data, nil
	}
	out, _, err := ApplyDelta(base, data, nil, nil, false, r.max)
	if err != nil {
		return 0, nil, fmt.Errorf("delta at offset %d: %w", off, err)
	}
	return baseType, out, nil
}

// packedSmall rebuilds entry i (id h) of p, a delta whose chain passes
// through an object over the reader's limit (tooLarge is the full read's
// error), when its own size is within the limit: its whole target is
// asked of the chain as pieces (head.go), so what is allocated is the
// target (plus one piece descriptor per copy instruction that writes it,
// per level), never a base; a base is streamed through a fixed buffer up
// to the last byte copied from it. The bytes of a base that were not
// copied are not checked, nor its zlib checksum, but the result is what
// object checks against h, as after any full read. An object itself over
// the limit keeps the full read's error.
func (r *Reader) packedSmall(p *Pack, h Hash, i int, depth int, tooLarge error) (Type, []byte, error) {
	size, err := r.packedSize(p, h, i)
	if err != nil {
		return 0, nil, err
	}
	if size > r.max {
		return 0, nil, tooLarge
	}
	data := make([]byte, size)
	t, got, err := r.packedPieces(p, p.idx.offset(i), []piece{{0, data}}, depth)
	if err == nil && got != size {
		err = corruptf("object is %d bytes, its header said %d", got, size)
	}
	if err != nil {
		return 0, nil, inPack(err, h, p)
	}
	return t, data, nil
}

// packedSize reads an entry's size, or for a delta the target size from
// the first bytes of its delta.
func (r *Reader) packedSize(p *Pack, h Hash, i int) (int64, error) {
	off := p.idx.offset(i)
	fail := func(err error) (int64, error) { return 0, &Error{Hash: h, File: p.Name, Err: err} }
	e, err := p.entryAt(off)
	if err != nil {
		return fail(err)
	}
	if !e.typ.IsDelta() {
		return e.size, nil
	}
	zr, err := r.z.reset(bufio.NewReader(io.NewSectionReader(p.f, e.dataOff, p.dataEnd()-e.dataOff)))
	if err != nil {
		return fail(corruptf("zlib header at offset %d: %v", e.dataOff, err))
	}
	var d [32]byte
	m, _ := io.ReadFull(zr, d[:min(int64(len(d)), e.size)])
	if _, ts, ok := DeltaSizes(d[:m]); ok {
		return ts, nil
	}
	return fail(corruptf("bad delta header at offset %d", off))
}
