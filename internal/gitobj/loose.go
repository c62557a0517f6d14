package gitobj

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
)

// loosePath is where object h would be stored loose.
func (s *Store) loosePath(h Hash) string {
	hex := h.String()
	return path.Join(s.objDir, hex[:2], hex[2:])
}

// looseHeader reads a loose object's "type size\0" header from r (the
// inflated stream). The size is checked against what the compressed file
// can hold and against max before anyone allocates it.
func looseHeader(r *bufio.Reader, fileSize, max int64) (Type, int64, error) {
	hdr, err := r.ReadSlice(0)
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return 0, 0, corruptf("loose object header too long")
		}
		return 0, 0, corruptf("loose object header: %v", err)
	}
	ts, ss, ok := bytes.Cut(hdr[:len(hdr)-1], []byte{' '})
	if !ok {
		return 0, 0, corruptf("loose object header %q", hdr)
	}
	t, ok := parseType(string(ts))
	if !ok {
		return 0, 0, corruptf("loose object type %q", ts)
	}
	size, err := strconv.ParseInt(string(ss), 10, 64)
	if err != nil || size < 0 || len(ss) > 1 && ss[0] == '0' {
		return 0, 0, corruptf("loose object size %q", ss)
	}
	if !inflatable(size, fileSize) {
		return 0, 0, corruptf("loose object declares %d bytes from a %d-byte file", size, fileSize)
	}
	if size > max {
		return 0, 0, fmt.Errorf("%w: declares %d bytes", ErrTooLarge, size)
	}
	return t, size, nil
}

// openLoose opens h's loose file and reads its header, refusing a
// declared size over limit; ok is false when there is no such file.
func (r *Reader) openLoose(s *Store, h Hash, limit int64) (t Type, size int64, br *bufio.Reader, closer io.Closer, ok bool, err error) {
	return r.openLooseWith(&r.z, &r.br, s, h, limit)
}

// openLooseWith is openLoose inflating with z into *br (a reader made or
// reset there), for a caller that keeps several streams open (chain).
func (r *Reader) openLooseWith(z *zstate, brp **bufio.Reader, s *Store, h Hash, limit int64) (t Type, size int64, br *bufio.Reader, closer io.Closer, ok bool, err error) {
	name := s.loosePath(h)
	f, err := s.fs.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, 0, nil, nil, false, nil
		}
		return 0, 0, nil, nil, true, &Error{Hash: h, File: name, Err: err}
	}
	fail := func(err error) (Type, int64, *bufio.Reader, io.Closer, bool, error) {
		f.Close()
		return 0, 0, nil, nil, true, &Error{Hash: h, File: name, Err: err}
	}
	st, err := s.fs.Stat(name)
	if err != nil {
		return fail(err)
	}
	zr, err := z.reset(bufio.NewReader(f))
	if err != nil {
		return fail(corruptf("zlib header: %v", err))
	}
	if *brp == nil {
		*brp = bufio.NewReaderSize(zr, 32<<10)
	} else {
		(*brp).Reset(zr)
	}
	t, size, err = looseHeader(*brp, st.Size(), limit)
	if err != nil {
		return fail(err)
	}
	return t, size, *brp, f, true, nil
}

// readLoose reads and verifies loose object h; ok is false when it is not
// stored loose in s.
func (r *Reader) readLoose(s *Store, h Hash) (Type, []byte, bool, error) {
	t, size, br, f, ok, err := r.openLoose(s, h, r.max)
	if !ok || err != nil {
		return 0, nil, ok, err
	}
	defer f.Close()
	buf := make([]byte, size)
	if err := readAll(br, buf); err != nil {
		return 0, nil, true, &Error{Hash: h, File: s.loosePath(h), Err: err}
	}
	if err := r.hs.verify(t, buf, h); err != nil {
		return 0, nil, true, &Error{Hash: h, File: s.loosePath(h), Err: err}
	}
	return t, buf, true, nil
}
