package gitobj

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/klauspost/compress/zlib"
)

// zstate is one goroutine's zlib reader, reset per stream.
type zstate struct {
	zr io.ReadCloser
}

func (z *zstate) reset(r io.Reader) (io.Reader, error) {
	if z.zr == nil {
		zr, err := zlib.NewReader(r)
		if err != nil {
			return nil, err
		}
		z.zr = zr
		return zr, nil
	}
	return z.zr, z.zr.(zlib.Resetter).Reset(r, nil)
}

// readAll inflates exactly len(dst) bytes from r and then reads on to the
// end of the stream, which is where the zlib reader compares the adler32
// checksum: a stream that is longer than declared, shorter, or whose
// checksum fails is an error.
func readAll(r io.Reader, dst []byte) error {
	if _, err := io.ReadFull(r, dst); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return corruptf("inflated to fewer bytes than the %d declared", len(dst))
		}
		return corruptf("inflate: %v", err)
	}
	return atEnd(r, int64(len(dst)))
}

// atEnd reads on from r, a zlib stream whose declared size bytes have
// been read, to its end, where the adler32 checksum is compared.
func atEnd(r io.Reader, size int64) error {
	var one [1]byte
	for {
		n, err := r.Read(one[:])
		if n > 0 {
			return corruptf("inflates to more than the %d bytes declared", size)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return corruptf("inflate: %v", err)
		}
	}
}

// Inflater reads pack entries for the pack pass; one per goroutine.
type Inflater struct {
	z    zstate
	comp []byte
	br   bytes.Reader
	hs   *hasher
	max  int64
}

// NewInflater returns an inflater refusing entries over opts.MaxSize.
func NewInflater(opts Options) *Inflater {
	return &Inflater{hs: newHasher(opts.Format), max: opts.maxSize()}
}

// Entry inflates entry i of p into dst (grown to the declared size) and
// checks the stream's checksum. For a delta entry the result is the delta.
func (z *Inflater) Entry(p *Pack, i int32, dst []byte) (_ []byte, err error) {
	// The pack pass's workers read ids from the mapped index here, in
	// Check and in Corrupt; see catchFault.
	defer catchFault(debug.SetPanicOnFault(true), Hash{}, &err)
	e := &p.Entries[i]
	if err := p.Err(i); err != nil {
		return nil, err
	}
	if e.Size > z.max {
		return nil, &Error{Hash: p.id(i), File: p.Name, Err: fmt.Errorf("%w: declares %d bytes", ErrTooLarge, e.Size)}
	}
	n := e.End - e.DataOff
	if int64(cap(z.comp)) < n {
		z.comp = make([]byte, RoundUp(n))
	}
	comp := z.comp[:n]
	if _, err := p.f.ReadAt(comp, e.DataOff); err != nil && !errors.Is(err, io.EOF) {
		return nil, &Error{Hash: p.id(i), File: p.Name, Err: fmt.Errorf("read at %d: %w", e.DataOff, err)}
	}
	z.br.Reset(comp)
	r, err := z.z.reset(&z.br)
	if err != nil {
		return nil, &Error{Hash: p.id(i), File: p.Name, Err: corruptf("zlib header at offset %d: %v", e.DataOff, err)}
	}
	if int64(cap(dst)) < e.Size {
		dst = make([]byte, e.Size, RoundUp(e.Size))
	}
	dst = dst[:e.Size]
	if err := readAll(r, dst); err != nil {
		return nil, &Error{Hash: p.id(i), File: p.Name, Err: fmt.Errorf("entry at offset %d: %w", e.Off, err)}
	}
	return dst, nil
}

// Check verifies that content, rebuilt from entry i of p with type t,
// hashes to the entry's id.
func (z *Inflater) Check(p *Pack, i int32, t Type, content []byte) (err error) {
	defer catchFault(debug.SetPanicOnFault(true), Hash{}, &err)
	if err := z.hs.verify(t, content, p.id(i)); err != nil {
		return &Error{Hash: p.id(i), File: p.Name, Err: err}
	}
	return nil
}

// Corrupt wraps err (a failed delta) as entry i's error.
func Corrupt(p *Pack, i int32, cause error) (err error) {
	defer catchFault(debug.SetPanicOnFault(true), Hash{}, &err)
	return &Error{Hash: p.id(i), File: p.Name, Err: cause}
}

// RoundUp gives reusable buffers power-of-two sizes, so a worker's
// buffers settle after a few objects instead of growing by every slightly
// larger version of a file.
func RoundUp(n int64) int64 {
	c := int64(4096)
	for c < n {
		c <<= 1
	}
	return c
}
