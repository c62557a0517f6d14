package scanner

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/zlib"
)

// odb reads single objects straight from the pack index and pack (or a
// loose object file), for the scans that need a handful of objects: the
// staged scan and ranges. go-git's own reader builds an offset-to-hash map
// of the whole pack on the first read (about 30 ms on a large repository),
// more than a pre-commit hook can spend. Anything odb cannot find (an
// alternate object store, an unusual pack) is read through go-git by the
// caller.
type odb struct {
	fs    billy.Filesystem
	packs []*odbPack
	zr    io.ReadCloser
	// bases caches rebuilt delta bases, so reading many versions of one
	// file does not rebuild the same chain again and again. It is cleared
	// when it passes baseCacheSize.
	bases     map[baseKey]baseObj
	baseBytes int
}

type baseKey struct {
	p   *odbPack
	off int64
}

type baseObj struct {
	typ  plumbing.ObjectType
	data []byte
}

const baseCacheSize = 8 << 20

type odbPack struct {
	name  string
	f     billy.File
	idx   []byte
	count int
}

var errNotInODB = errors.New("object not in pack or loose store")

func openODB(fs billy.Filesystem) (*odb, error) {
	o := &odb{fs: fs}
	names, err := packFiles(fs)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		idxName := strings.TrimSuffix(n, ".pack") + ".idx"
		raw, err := readFileFS(fs, idxName)
		if err != nil {
			continue // go-git will try
		}
		if len(raw) < 8+256*4 || !bytes.Equal(raw[:4], []byte("\xfftOc")) || binary.BigEndian.Uint32(raw[4:8]) != 2 {
			continue
		}
		count := int(binary.BigEndian.Uint32(raw[8+255*4:]))
		if len(raw) < 8+256*4+count*(20+4+4) {
			continue
		}
		f, err := fs.Open(n)
		if err != nil {
			continue
		}
		o.packs = append(o.packs, &odbPack{name: n, f: f, idx: raw, count: count})
	}
	return o, nil
}

func (o *odb) close() {
	for _, p := range o.packs {
		p.f.Close()
	}
}

func readFileFS(fs billy.Filesystem, name string) ([]byte, error) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// find returns the offset of h in p, or -1.
func (p *odbPack) find(h plumbing.Hash) int64 {
	fan := p.idx[8:]
	lo := 0
	if h[0] > 0 {
		lo = int(binary.BigEndian.Uint32(fan[(int(h[0])-1)*4:]))
	}
	hi := int(binary.BigEndian.Uint32(fan[int(h[0])*4:]))
	names := p.idx[8+256*4:]
	for lo < hi {
		m := (lo + hi) / 2
		switch c := bytes.Compare(names[m*20:m*20+20], h[:]); {
		case c == 0:
			offs := p.idx[8+256*4+p.count*24:]
			off := binary.BigEndian.Uint32(offs[m*4:])
			if off&0x80000000 == 0 {
				return int64(off)
			}
			large := offs[p.count*4:]
			k := int(off & 0x7fffffff)
			if len(large) < (k+1)*8 {
				return -1
			}
			return int64(binary.BigEndian.Uint64(large[k*8:]))
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return -1
}

// read returns an object's type and content.
func (o *odb) read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	for _, p := range o.packs {
		if off := p.find(h); off >= 0 {
			return o.readPacked(p, off, 0)
		}
	}
	return o.readLoose(h)
}

func (o *odb) readLoose(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	hex := h.String()
	f, err := o.fs.Open(path.Join("objects", hex[:2], hex[2:]))
	if err != nil {
		return 0, nil, errNotInODB
	}
	defer f.Close()
	zr, err := o.zlib(bufio.NewReader(f))
	if err != nil {
		return 0, nil, err
	}
	br := bufio.NewReader(zr)
	hdr, err := br.ReadString(0)
	if err != nil {
		return 0, nil, fmt.Errorf("loose object %s: bad header", hex)
	}
	typ, size, ok := strings.Cut(strings.TrimSuffix(hdr, "\x00"), " ")
	n, err := strconv.ParseInt(size, 10, 64)
	if !ok || err != nil || n < 0 {
		return 0, nil, fmt.Errorf("loose object %s: bad header", hex)
	}
	t, err := plumbing.ParseObjectType(typ)
	if err != nil {
		return 0, nil, fmt.Errorf("loose object %s: %w", hex, err)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(br, buf); err != nil {
		return 0, nil, fmt.Errorf("loose object %s: %w", hex, err)
	}
	return t, buf, nil
}

func (o *odb) zlib(r io.Reader) (io.Reader, error) {
	if o.zr == nil {
		zr, err := zlib.NewReader(r)
		if err != nil {
			return nil, err
		}
		o.zr = zr
		return zr, nil
	}
	return o.zr, o.zr.(zlib.Resetter).Reset(r, nil)
}

func (o *odb) readPacked(p *odbPack, off int64, depth int) (plumbing.ObjectType, []byte, error) {
	if depth > 10000 {
		return 0, nil, fmt.Errorf("%s: delta chain too deep at %d", p.name, off)
	}
	var hdr [64]byte
	n, err := p.f.ReadAt(hdr[:], off)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, nil, err
	}
	typ, size, k, ok := parseObjHeader(hdr[:n])
	if !ok {
		return 0, nil, fmt.Errorf("%s: corrupt object header at %d", p.name, off)
	}
	var baseType plumbing.ObjectType
	var base []byte
	switch typ {
	case packOfsDelta:
		rel, kk, ok := parseOfs(hdr[k:n])
		if !ok || rel <= 0 || rel > off {
			return 0, nil, fmt.Errorf("%s: corrupt delta at %d", p.name, off)
		}
		k += kk
		key := baseKey{p, off - rel}
		if b, ok := o.bases[key]; ok {
			baseType, base = b.typ, b.data
		} else {
			if baseType, base, err = o.readPacked(p, off-rel, depth+1); err != nil {
				return 0, nil, err
			}
			if o.bases == nil || o.baseBytes+len(base) > baseCacheSize {
				o.bases, o.baseBytes = map[baseKey]baseObj{}, 0
			}
			o.bases[key] = baseObj{baseType, base}
			o.baseBytes += len(base)
		}
	case packRefDelta:
		if n < k+20 {
			return 0, nil, fmt.Errorf("%s: corrupt delta at %d", p.name, off)
		}
		var bh plumbing.Hash
		copy(bh[:], hdr[k:k+20])
		k += 20
		if baseType, base, err = o.read(bh); err != nil {
			return 0, nil, err
		}
	}
	zr, err := o.zlib(bufio.NewReaderSize(io.NewSectionReader(p.f, off+int64(k), 1<<62), 16<<10))
	if err != nil {
		return 0, nil, fmt.Errorf("%s: corrupt object at %d: %w", p.name, off, err)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(zr, data); err != nil {
		return 0, nil, fmt.Errorf("%s: corrupt object at %d: %w", p.name, off, err)
	}
	if base == nil && typ != packOfsDelta && typ != packRefDelta {
		return plumbing.ObjectType(typ), data, nil
	}
	out, _, err := applyDelta(base, data, nil, nil, false)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: corrupt delta at %d: %w", p.name, off, err)
	}
	return baseType, out, nil
}

// size returns an object's size without inflating all of it.
func (o *odb) size(h plumbing.Hash) (int64, error) {
	for _, p := range o.packs {
		off := p.find(h)
		if off < 0 {
			continue
		}
		var hdr [64]byte
		n, err := p.f.ReadAt(hdr[:], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		typ, size, k, ok := parseObjHeader(hdr[:n])
		if !ok {
			return 0, fmt.Errorf("%s: corrupt object header at %d", p.name, off)
		}
		switch typ {
		case packOfsDelta:
			_, kk, _ := parseOfs(hdr[k:n])
			k += kk
		case packRefDelta:
			k += 20
		default:
			return size, nil
		}
		zr, err := o.zlib(bufio.NewReader(io.NewSectionReader(p.f, off+int64(k), 1<<62)))
		if err != nil {
			return 0, err
		}
		var d [32]byte
		m, _ := io.ReadFull(zr, d[:])
		if ts, ok := deltaTargetSize(d[:m]); ok {
			return ts, nil
		}
		return 0, fmt.Errorf("%s: corrupt delta at %d", p.name, off)
	}
	hex := h.String()
	f, err := o.fs.Open(path.Join("objects", hex[:2], hex[2:]))
	if err != nil {
		return 0, errNotInODB
	}
	defer f.Close()
	zr, err := o.zlib(bufio.NewReader(f))
	if err != nil {
		return 0, err
	}
	hdr, err := bufio.NewReaderSize(zr, 64).ReadString(0)
	if err != nil {
		return 0, fmt.Errorf("loose object %s: bad header", hex)
	}
	_, size, _ := strings.Cut(strings.TrimSuffix(hdr, "\x00"), " ")
	return strconv.ParseInt(size, 10, 64)
}

// objReader reads objects with odb, falling back to go-git. The odb is
// opened on first use: a whole-history scan seldom needs it.
type objReader struct {
	fs     billy.Filesystem // nil: go-git only
	odb    *odb
	opened bool
	repo   interface {
		EncodedObjectSize(plumbing.Hash) (int64, error)
		EncodedObject(plumbing.ObjectType, plumbing.Hash) (plumbing.EncodedObject, error)
	}
}

func (r *objReader) open() {
	if !r.opened && r.fs != nil {
		r.odb, _ = openODB(r.fs) // on failure go-git reads everything
	}
	r.opened = true
}

func (r *objReader) close() {
	if r.odb != nil {
		r.odb.close()
	}
}

func (r *objReader) read(h plumbing.Hash, want plumbing.ObjectType, what string) ([]byte, error) {
	r.open()
	if r.odb != nil {
		t, b, err := r.odb.read(h)
		if err == nil {
			if want != plumbing.AnyObject && t != want {
				return nil, &ObjectError{Hash: h.String(), What: what, Err: fmt.Errorf("is a %s", t)}
			}
			return b, nil
		}
		if !errors.Is(err, errNotInODB) {
			return nil, &ObjectError{Hash: h.String(), What: what, Err: err}
		}
	}
	o, err := r.repo.EncodedObject(want, h)
	if err != nil {
		return nil, &ObjectError{Hash: h.String(), What: what, Err: objErr(err)}
	}
	rc, err := o.Reader()
	if err != nil {
		return nil, &ObjectError{Hash: h.String(), What: what, Err: err}
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, &ObjectError{Hash: h.String(), What: what, Err: err}
	}
	return b, nil
}

func (r *objReader) size(h plumbing.Hash) (int64, error) {
	r.open()
	if r.odb != nil {
		n, err := r.odb.size(h)
		if err == nil {
			return n, nil
		}
		if !errors.Is(err, errNotInODB) {
			return 0, &ObjectError{Hash: h.String(), What: "blob", Err: err}
		}
	}
	n, err := r.repo.EncodedObjectSize(h)
	if err != nil {
		return 0, &ObjectError{Hash: h.String(), What: "blob", Err: objErr(err)}
	}
	return n, nil
}
