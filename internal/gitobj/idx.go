package gitobj

import (
	"bytes"
	"encoding/binary"
	"runtime/debug"
	"sync"
)

// index is a parsed pack index (gitformat-pack, versions 1 and 2), held
// as the raw file: lookups read it in place.
type index struct {
	raw   []byte
	v     int // 1 or 2
	hl    int // id length: 20 (SHA-1) or 32 (SHA-256)
	count int
	fan   []byte // 256 big-endian counts
	// Version 2 tables; version 1 interleaves offset and name.
	names, offs, large []byte
	format             Format
	// sum caches checkSum's answer: the trailing checksum is checked
	// once, when it can matter (see checkSum), not when the index opens.
	sum struct {
		once sync.Once
		err  error
	}
}

// packChecksum is the checksum of the pack this index describes.
func (x *index) packChecksum() []byte {
	n := len(x.raw)
	return x.raw[n-2*x.hl : n-x.hl]
}

// parseIndex checks an index file's layout against its own declarations
// before anything indexes into it: the fan-out never decreases and the
// file is exactly as long as its object count says (plus the large
// offsets a version 2 index may add). Ids and checksums are f's hash (a
// SHA-256 repository's indexes are version 2).
//
// The trailing checksum is not checked here but by checkSum, as git
// checks it (only when verifying a pack): hashing a large repository's
// index (7.7 MB for SQLAlchemy) was most of a pre-commit scan's time in
// the object store, and no answer depends on it — every object read
// through the index is hashed against its id, and a lookup that fails or
// reads a damaged object checks the index before blaming the pack.
func parseIndex(raw []byte, f Format) (*index, error) {
	hashLen := f.Size()
	x := &index{raw: raw, v: 1, hl: hashLen, format: f}
	fanAt := 0
	if len(raw) >= 8 && bytes.Equal(raw[:4], []byte("\xfftOc")) {
		if v := binary.BigEndian.Uint32(raw[4:8]); v != 2 {
			return nil, corruptf("pack index version %d is not supported", v)
		}
		x.v, fanAt = 2, 8
	} else if f != SHA1 {
		return nil, corruptf("pack index version 1 cannot hold %s ids", f)
	}
	if len(raw) < fanAt+256*4+2*hashLen {
		return nil, corruptf("pack index truncated (%d bytes)", len(raw))
	}
	x.fan = raw[fanAt : fanAt+256*4]
	prev := uint32(0)
	for i := range 256 {
		c := binary.BigEndian.Uint32(x.fan[i*4:])
		if c < prev {
			return nil, corruptf("pack index fan-out decreases at %d", i)
		}
		prev = c
	}
	n := int64(prev)
	body := int64(len(raw) - fanAt - 256*4 - 2*hashLen)
	per := int64(hashLen + 4) // v1: offset + name
	if x.v == 2 {
		per = int64(hashLen + 4 + 4) // name, crc32, offset
	}
	if n*per > body {
		return nil, corruptf("pack index declares %d objects but holds %d bytes of entries", n, body)
	}
	x.count = int(n)
	rest := body - n*per
	switch {
	case x.v == 1 && rest != 0:
		return nil, corruptf("pack index has %d bytes after its entries", rest)
	case x.v == 2 && (rest%8 != 0 || rest/8 > n):
		return nil, corruptf("pack index has %d bytes after its entries", rest)
	}
	at := fanAt + 256*4
	if x.v == 2 {
		x.names = raw[at : at+x.count*hashLen]
		at += x.count * (hashLen + 4) // skip the CRC32s
		x.offs = raw[at : at+x.count*4]
		at += x.count * 4
		x.large = raw[at : len(raw)-2*hashLen]
	}
	return x, nil
}

// checkSum compares the index's trailing checksum with its bytes, once.
func (x *index) checkSum() error {
	x.sum.once.Do(func() {
		// A fault must be the kept answer: a panic out of Do would
		// leave err nil for every later call.
		defer catchFault(debug.SetPanicOnFault(true), Hash{}, &x.sum.err)
		raw := x.raw
		h := x.format.newHash()
		h.Write(raw[:len(raw)-x.hl])
		if !bytes.Equal(h.Sum(nil), raw[len(raw)-x.hl:]) {
			x.sum.err = corruptf("pack index checksum mismatch")
		}
	})
	return x.sum.err
}

// name returns the id at position i.
func (x *index) name(i int) []byte {
	if x.v == 1 {
		at := 256*4 + i*(4+x.hl) + 4
		return x.raw[at : at+x.hl]
	}
	return x.names[i*x.hl : (i+1)*x.hl]
}

// offset returns the pack offset of position i; -1 when a large offset
// points outside the table.
func (x *index) offset(i int) int64 {
	if x.v == 1 {
		return int64(binary.BigEndian.Uint32(x.raw[256*4+i*(4+x.hl):]))
	}
	off := binary.BigEndian.Uint32(x.offs[i*4:])
	if off&0x80000000 == 0 {
		return int64(off)
	}
	k := int(off & 0x7fffffff)
	if (k+1)*8 > len(x.large) {
		return -1
	}
	v := binary.BigEndian.Uint64(x.large[k*8:])
	if v > 1<<62 {
		return -1
	}
	return int64(v)
}

// find returns the position of h, or -1 (also for an id of the other
// format).
func (x *index) find(h *Hash) int {
	if int(h.n) != x.hl {
		return -1
	}
	id := h.id[:x.hl]
	lo := 0
	if id[0] > 0 {
		lo = int(binary.BigEndian.Uint32(x.fan[(int(id[0])-1)*4:]))
	}
	hi := int(binary.BigEndian.Uint32(x.fan[int(id[0])*4:]))
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(x.name(m), id); {
		case c == 0:
			return m
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return -1
}
