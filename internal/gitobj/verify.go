package gitobj

import (
	"bufio"
	"errors"
	"fmt"
	"hash"
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
// A delta is rebuilt in pieces of at most verifyChunk bytes (and the
// reader's limit), each asked of its chain as byte ranges (head.go), so the
// chain is inflated again for every piece, up to the last byte copied from
// it: a target of k pieces costs up to k inflations of its bases, memory
// stays one piece. The chain's own zlib checksums are not read (pieces stop
// early), but what the bases gave is in the id's hash.
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
	size, err := r.packedSize(p, h, i)
	if err != nil {
		return err
	}
	buf := make([]byte, min(size, r.max, verifyChunk))
	var hh hash.Hash
	for pos := int64(0); pos < size || hh == nil; {
		n := min(int64(len(buf)), size-pos)
		t, got, err := r.packedPieces(p, off, []piece{{pos, buf[:n]}}, 0)
		if err != nil {
			return err
		}
		if got != size {
			return corruptf("object is %d bytes, its header said %d", got, size)
		}
		if hh == nil {
			hh = r.hs.start(t, size)
		}
		hh.Write(buf[:n])
		pos += n
	}
	return r.hs.check(h)
}

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
