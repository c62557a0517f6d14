package gitobj

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
)

// Verify checks object h against its id without holding it whole, for an
// object too large to read (Object) whose head (Head) decided it is not
// scanned: a binary head passes a scan, so the head must belong to the
// object committed, and only every byte through the hash can say so.
//
// A loose object or a whole pack entry is inflated through the hash with a
// 32 KB buffer, and its zlib stream read to its end (the adler32 checksum).
// A delta is rebuilt in order in pieces of at most verifyChunk bytes (and
// the reader's limit) through a chain (chain.go): every level of its
// delta chain keeps its inflater open between pieces, so each is inflated
// once when its copies come in base order, as git writes them for an
// edit, and at worst once per piece. Memory is one piece plus about
// 100 KB per level. The target's zlib stream is read to its checksum; a
// base's is not (a base is read up to the last byte copied from it), but
// what the bases gave is in the id's hash.
func (r *Reader) Verify(h Hash) (err error) {
	defer catchFault(debug.SetPanicOnFault(true), h, &err)
	return r.verifyIn(r.s, h)
}

// verifyChunk bounds the piece of a delta target Verify rebuilds at once.
const verifyChunk = 64 << 20

func (r *Reader) verifyIn(s *Store, h Hash) error {
	for _, p := range s.packs {
		if i := p.idx.find(&h); i >= 0 {
			if err := r.verifyPacked(p, h, i); err != nil {
				// As in object: a damaged index is named before its pack.
				if ierr := p.CheckIndex(); ierr != nil {
					return withHash(ierr, h)
				}
				return inPack(err, h, p)
			}
			return nil
		}
	}
	t, size, br, f, ok, err := r.openLoose(s, h, 1<<62)
	if ok {
		if err != nil {
			return err
		}
		defer f.Close()
		if err := r.hashStream(t, size, br, h); err != nil {
			return &Error{Hash: h, File: s.loosePath(h), Err: err}
		}
		return nil
	}
	for _, a := range s.alts {
		if err := r.verifyIn(a, h); !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	if err := s.checkIndexes(); err != nil {
		return withHash(err, h)
	}
	return &Error{Hash: h, Err: ErrNotFound}
}

// verifyPacked checks entry i (id h) of p.
func (r *Reader) verifyPacked(p *Pack, h Hash, i int) error {
	off := p.idx.offset(i)
	e, err := p.entryAt(off)
	if err != nil {
		return err
	}
	if !e.typ.IsDelta() {
		zr, err := r.z.reset(bufio.NewReaderSize(io.NewSectionReader(p.f, e.dataOff, p.dataEnd()-e.dataOff), 16<<10))
		if err != nil {
			return corruptf("zlib header at offset %d: %v", e.dataOff, err)
		}
		if err := r.hashStream(e.typ, e.size, zr, h); err != nil {
			return fmt.Errorf("entry at offset %d: %w", off, err)
		}
		return nil
	}
	c, err := r.chainAt(p, off, 0)
	if err != nil {
		return err
	}
	defer c.close()
	buf := make([]byte, min(c.size, r.max, verifyChunk))
	hh := r.hs.start(c.typ, c.size)
	for pos := int64(0); pos < c.size; {
		n := min(int64(len(buf)), c.size-pos)
		if err := c.fill([]piece{{pos, buf[:n]}}); err != nil {
			return err
		}
		hh.Write(buf[:n])
		pos += n
	}
	if err := c.finish(); err != nil {
		return err
	}
	if verified != nil {
		verified(c)
	}
	return r.hs.check(h)
}

// verified, when set (by tests), sees every delta chain Verify read to
// its end: how often each level was inflated from its start.
var verified func(*chain)

// hashStream hashes an object of type t and size bytes read from zr, a
// zlib stream holding exactly those bytes, which it reads to its end (the
// checksum), and compares the result with want.
func (r *Reader) hashStream(t Type, size int64, zr io.Reader, want Hash) error {
	hh := r.hs.start(t, size)
	var buf [32 << 10]byte
	for left := size; left > 0; {
		n, err := zr.Read(buf[:min(int64(len(buf)), left)])
		hh.Write(buf[:n])
		left -= int64(n)
		if left > 0 && errors.Is(err, io.EOF) {
			return corruptf("inflated to fewer bytes than the %d declared", size)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return corruptf("inflate: %v", err)
		}
	}
	if err := atEnd(zr, size); err != nil {
		return err
	}
	return r.hs.check(want)
}
