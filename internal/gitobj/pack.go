package gitobj

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"sort"

	"github.com/go-git/go-billy/v5"
)

// Pack is one packfile and its index.
type Pack struct {
	// Name is the pack's path relative to the repository's git directory
	// (absolute for a pack of an alternate object store).
	Name string
	f    billy.File
	size int64
	idx  *index
	// unmap releases the index's mapping (nil when it was read).
	unmap func() error

	// Entries, filled by Load, are the pack's objects in offset order.
	Entries []Entry
	bad     map[int32]error
	// children of each entry (the entries deltified against it), CSR.
	childStart []int32
	children   []int32
}

// Entry is one object of a pack as its header declares it.
type Entry struct {
	Off     int64 // header offset
	DataOff int64 // start of the zlib stream
	End     int64 // end of the zlib stream (the next entry's offset)
	Size    int64 // declared inflated size (of the delta, for deltas)
	Pos     uint32
	Type    Type  // entry type; 0 when the header is unreadable (see Err)
	Base    int32 // delta base entry; -1 none; -2 outside this pack
}

// openPack opens a pack and checks it against its index: the pack header
// names as many objects as the index, the index was written for this
// pack (the pack's trailing checksum), and every offset lies inside it.
func openPack(fs billy.Filesystem, name string, idxRaw []byte, format Format) (_ *Pack, err error) {
	defer catchFault(debug.SetPanicOnFault(true), Hash{}, &err)
	idx, err := parseIndex(idxRaw, format)
	if err != nil {
		return nil, &Error{File: name[:len(name)-len(".pack")] + ".idx", Err: err}
	}
	f, err := fs.Open(name)
	if err != nil {
		return nil, &Error{File: name, Err: err}
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	p := &Pack{Name: name, f: f, idx: idx}
	if err := p.check(); err != nil {
		return nil, &Error{File: name, Err: err}
	}
	return p, nil
}

func (p *Pack) check() error {
	end, err := p.f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	p.size = end
	var hdr [12]byte
	if _, err := p.f.ReadAt(hdr[:], 0); err != nil {
		return corruptf("pack header: %v", err)
	}
	if !bytes.Equal(hdr[:4], []byte("PACK")) {
		return corruptf("not a pack (bad signature)")
	}
	if v := binary.BigEndian.Uint32(hdr[4:8]); v != 2 && v != 3 {
		return corruptf("pack version %d is not supported", v)
	}
	n := int64(binary.BigEndian.Uint32(hdr[8:12]))
	if n != int64(p.idx.count) {
		return corruptf("pack holds %d objects, its index %d", n, p.idx.count)
	}
	hashLen := p.idx.hl
	// Each entry takes at least a header byte and a minimal zlib stream.
	if 12+n*8+int64(hashLen) > p.size {
		return corruptf("pack of %d bytes cannot hold %d objects", p.size, n)
	}
	sum := make([]byte, hashLen)
	if _, err := p.f.ReadAt(sum, p.size-int64(hashLen)); err != nil {
		return corruptf("pack trailer: %v", err)
	}
	if !bytes.Equal(sum, p.idx.packChecksum()) {
		return corruptf("pack checksum does not match its index")
	}
	return nil
}

// dataEnd is where entries end (the trailing checksum starts).
func (p *Pack) dataEnd() int64 { return p.size - int64(p.idx.hl) }

// Close closes the pack file and unmaps its index. Nothing may read the
// pack after.
func (p *Pack) Close() error {
	err := p.f.Close()
	if p.unmap != nil {
		p.unmap()
		p.unmap = nil
	}
	return err
}

// idxName is the name of the pack's index file.
func (p *Pack) idxName() string { return p.Name[:len(p.Name)-len(".pack")] + ".idx" }

// CheckIndex checks the trailing checksum of the pack's index (once per
// Pack; parseIndex leaves it for when it matters): an *Error naming the
// index file if it does not match.
func (p *Pack) CheckIndex() error {
	if err := p.idx.checkSum(); err != nil {
		if ge, ok := err.(*Error); ok {
			return ge // a fault, named already
		}
		return &Error{File: p.idxName(), Err: err}
	}
	return nil
}

// Count is the number of objects in the pack.
func (p *Pack) Count() int { return p.idx.count }

// Hash returns the id of entry i (after Load), read from the index (an
// error only when the index file changed under its mapping).
func (p *Pack) Hash(i int32) (h Hash, err error) {
	defer catchFault(debug.SetPanicOnFault(true), Hash{}, &err)
	return p.id(i), nil
}

// EachHash calls fn with each entry's id (after Load), in entry order:
// Hash for a whole pack, with one fault guard instead of one per entry.
func (p *Pack) EachHash(fn func(i int32, h Hash)) (err error) {
	defer catchFault(debug.SetPanicOnFault(true), Hash{}, &err)
	for i := range p.Entries {
		fn(int32(i), p.id(int32(i)))
	}
	return nil
}

// id is Hash for callers that catch faults already.
func (p *Pack) id(i int32) Hash {
	h, _ := NewHash(p.idx.name(int(p.Entries[i].Pos)))
	return h
}

// Err returns why entry i's header could not be read (nil if it could).
func (p *Pack) Err(i int32) error { return p.bad[i] }

// Children returns the entries deltified against entry i (after Load).
func (p *Pack) Children(i int32) []int32 { return p.children[p.childStart[i]:p.childStart[i+1]] }

// Load reads the header of every entry, in offset order, and builds the
// delta forest. An entry whose header cannot be read gets Type 0 and an
// error (Err); the others load. Load reads the pack sequentially through
// a large window, not one system call per entry.
//
// It checks the index's checksum first: Load is the start of a pass over
// the whole pack, beside which hashing the index costs little.
func (p *Pack) Load() (err error) {
	defer catchFault(debug.SetPanicOnFault(true), Hash{}, &err)
	if err := p.CheckIndex(); err != nil {
		return err
	}
	n := p.idx.count
	p.Entries = make([]Entry, n)
	for i := range n {
		off := p.idx.offset(i)
		if off < 12 || off >= p.dataEnd() {
			return &Error{File: p.Name, Err: corruptf("index gives offset %d for entry %d of a %d-byte pack", off, i, p.size)}
		}
		p.Entries[i] = Entry{Off: off, Pos: uint32(i)}
	}
	slices.SortFunc(p.Entries, func(a, b Entry) int { return int(a.Off - b.Off) })
	for i := 1; i < n; i++ {
		if p.Entries[i].Off == p.Entries[i-1].Off {
			return &Error{File: p.Name, Err: corruptf("index gives offset %d twice", p.Entries[i].Off)}
		}
	}
	byOff := func(off int64) int32 {
		i := sort.Search(n, func(i int) bool { return p.Entries[i].Off >= off })
		if i < n && p.Entries[i].Off == off {
			return int32(i)
		}
		return -2
	}
	var byHash map[Hash]int32 // built on the first ref delta
	winBuf := make([]byte, 1<<20)
	var win []byte
	winOff := int64(-1)
	for i := range p.Entries {
		e := &p.Entries[i]
		e.End = p.dataEnd()
		if i+1 < n {
			e.End = p.Entries[i+1].Off
		}
		e.Base = -1
		want := min(64, e.End-e.Off)
		if e.Off < winOff || e.Off+want > winOff+int64(len(win)) {
			winOff = e.Off
			k, err := p.f.ReadAt(winBuf, winOff)
			if err != nil && !errors.Is(err, io.EOF) {
				return &Error{File: p.Name, Err: fmt.Errorf("read at %d: %w", e.Off, err)}
			}
			win = winBuf[:k]
		}
		h := win[e.Off-winOff : min(int64(len(win)), e.Off-winOff+want)]
		if err := p.parseEntry(e, h, byOff, &byHash); err != nil {
			// A root that fails to read: its error names it, its
			// children are unreadable with it.
			e.Type, e.Base = 0, -1
			if p.bad == nil {
				p.bad = map[int32]error{}
			}
			p.bad[int32(i)] = &Error{Hash: p.id(int32(i)), File: p.Name, Err: err}
		}
	}
	p.buildChildren()
	return nil
}

func (p *Pack) parseEntry(e *Entry, h []byte, byOff func(int64) int32, byHash *map[Hash]int32) error {
	typ, size, k, ok := ParseEntryHeader(h)
	if !ok {
		return corruptf("bad entry header at offset %d", e.Off)
	}
	e.Type, e.Size = typ, size
	switch typ {
	case OfsDelta:
		rel, kk, ok := ParseOfs(h[k:])
		if !ok || rel <= 0 || rel > e.Off {
			return corruptf("bad delta base offset at offset %d", e.Off)
		}
		e.Base = byOff(e.Off - rel)
		if e.Base == -2 {
			return corruptf("delta base at offset %d is not an entry", e.Off-rel)
		}
		k += kk
	case RefDelta:
		hashLen := p.idx.hl
		if len(h) < k+hashLen {
			return corruptf("truncated delta header at offset %d", e.Off)
		}
		bh, _ := NewHash(h[k : k+hashLen])
		e.Base = -2
		if *byHash == nil {
			*byHash = make(map[Hash]int32, len(p.Entries))
			for j := range p.Entries {
				(*byHash)[p.id(int32(j))] = int32(j)
			}
		}
		if j, ok := (*byHash)[bh]; ok {
			e.Base = j
		}
		k += hashLen
	}
	e.DataOff = e.Off + int64(k)
	if e.DataOff >= e.End || !inflatable(e.Size, e.End-e.DataOff) {
		return corruptf("entry at offset %d declares %d bytes from %d compressed", e.Off, e.Size, e.End-e.DataOff)
	}
	return nil
}

func (p *Pack) buildChildren() {
	p.childStart = make([]int32, len(p.Entries)+1)
	for _, e := range p.Entries {
		if e.Base >= 0 {
			p.childStart[e.Base+1]++
		}
	}
	for i := 1; i < len(p.childStart); i++ {
		p.childStart[i] += p.childStart[i-1]
	}
	p.children = make([]int32, p.childStart[len(p.Entries)])
	fill := slices.Clone(p.childStart[:len(p.Entries)])
	for i, e := range p.Entries {
		if e.Base >= 0 {
			p.children[fill[e.Base]] = int32(i)
			fill[e.Base]++
		}
	}
}

// Unload drops the entry tables (the pack stays open for reads by id).
func (p *Pack) Unload() {
	p.Entries, p.bad, p.childStart, p.children = nil, nil, nil, nil
}

// ParseEntryHeader decodes the type and size varint of a pack entry.
func ParseEntryHeader(b []byte) (typ Type, size int64, n int, ok bool) {
	if len(b) == 0 {
		return 0, 0, 0, false
	}
	c := b[0]
	typ = Type((c >> 4) & 7)
	size = int64(c & 15)
	shift := uint(4)
	n = 1
	for c&0x80 != 0 {
		if n >= len(b) || shift > 49 { // sizes past 2^56 bytes are corrupt
			return 0, 0, 0, false
		}
		c = b[n]
		n++
		size |= int64(c&0x7f) << shift
		shift += 7
	}
	switch typ {
	case Commit, Tree, Blob, Tag, OfsDelta, RefDelta:
		return typ, size, n, true
	}
	return 0, 0, 0, false
}

// ParseOfs decodes an OFS_DELTA negative offset.
func ParseOfs(b []byte) (int64, int, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	c := b[0]
	off := int64(c & 0x7f)
	n := 1
	for c&0x80 != 0 {
		if n >= len(b) || off >= 1<<48 { // no pack is 2^55 bytes: corrupt
			return 0, 0, false
		}
		c = b[n]
		n++
		off = ((off + 1) << 7) | int64(c&0x7f)
	}
	return off, n, true
}
