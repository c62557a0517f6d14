package gitobj

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-billy/v5/util"
)

// rawEntry is one entry of a crafted pack: its header as written (type
// and declared size, which may lie), the delta base, and the bytes that
// are compressed after it.
type rawEntry struct {
	id       Hash
	typ      Type
	declared int64
	baseRel  int  // OfsDelta: index of the base entry
	baseID   Hash // RefDelta
	data     []byte
	comp     []byte // compressed bytes to write instead of zlib(data)
}

func entryHeader(t Type, size int64) []byte {
	b := []byte{byte(t)<<4 | byte(size&15)}
	size >>= 4
	for size > 0 {
		b[len(b)-1] |= 0x80
		b = append(b, byte(size&0x7f))
		size >>= 7
	}
	return b
}

func ofsBytes(rel int64) []byte {
	b := []byte{byte(rel & 0x7f)}
	for rel >>= 7; rel > 0; rel >>= 7 {
		rel--
		b = append([]byte{0x80 | byte(rel&0x7f)}, b...)
	}
	return b
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// writePack writes a pack and its version 2 index into a new git
// directory's objects/pack and returns the git directory. An entry's
// declared size is its data's length unless set.
func writePack(t *testing.T, ents []rawEntry) string {
	t.Helper()
	return writePackTo(t, t.TempDir(), ents)
}

func writePackTo(t testing.TB, gitDir string, ents []rawEntry) string {
	t.Helper()
	packDir := filepath.Join(gitDir, "objects", "pack")
	if err := os.MkdirAll(packDir, 0o755); err != nil {
		t.Fatal(err)
	}
	pack, idx := buildPack(ents)
	if err := os.WriteFile(filepath.Join(packDir, "pack-test.pack"), pack, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(packDir, "pack-test.idx"), idx, 0o644); err != nil {
		t.Fatal(err)
	}
	return gitDir
}

// buildPack returns a pack of ents and its version 2 index.
func buildPack(ents []rawEntry) (packBytes, idxBytes []byte) { return buildPackFormat(SHA1, ents) }

// sumOf is f's hash of b.
func sumOf(f Format, b []byte) []byte {
	h := f.newHash()
	h.Write(b)
	return h.Sum(nil)
}

// buildPackFormat returns a pack of ents and its version 2 index, with
// f's checksums (the ids are the entries' own).
func buildPackFormat(f Format, ents []rawEntry) (packBytes, idxBytes []byte) {
	var pack bytes.Buffer
	pack.WriteString("PACK")
	binary.Write(&pack, binary.BigEndian, uint32(2))
	binary.Write(&pack, binary.BigEndian, uint32(len(ents)))
	offs := make([]int64, len(ents))
	crcs := make([]uint32, len(ents))
	for i, e := range ents {
		offs[i] = int64(pack.Len())
		start := pack.Len()
		if e.declared == 0 {
			e.declared = int64(len(e.data))
		}
		pack.Write(entryHeader(e.typ, e.declared))
		switch e.typ {
		case OfsDelta:
			pack.Write(ofsBytes(offs[i] - offs[e.baseRel]))
		case RefDelta:
			pack.Write(e.baseID.Bytes())
		}
		comp := e.comp
		if comp == nil {
			comp = deflate(e.data)
		}
		pack.Write(comp)
		crcs[i] = crc32.ChecksumIEEE(pack.Bytes()[start:])
	}
	sum := sumOf(f, pack.Bytes())
	pack.Write(sum)

	order := make([]int, len(ents))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return bytes.Compare(ents[a].id.Bytes(), ents[b].id.Bytes()) })
	var idx bytes.Buffer
	idx.WriteString("\xfftOc")
	binary.Write(&idx, binary.BigEndian, uint32(2))
	for b := range 256 {
		n := 0
		for _, e := range ents {
			if int(e.id.Bytes()[0]) <= b {
				n++
			}
		}
		binary.Write(&idx, binary.BigEndian, uint32(n))
	}
	for _, i := range order {
		idx.Write(ents[i].id.Bytes())
	}
	for _, i := range order {
		binary.Write(&idx, binary.BigEndian, crcs[i])
	}
	for _, i := range order {
		binary.Write(&idx, binary.BigEndian, uint32(offs[i]))
	}
	idx.Write(sum)
	idx.Write(sumOf(f, idx.Bytes()))
	return pack.Bytes(), idx.Bytes()
}

func blobEntry(content string) rawEntry { return blobEntryFormat(SHA1, content) }

func blobEntryFormat(f Format, content string) rawEntry {
	return rawEntry{id: f.ID(Blob, []byte(content)), typ: Blob, declared: int64(len(content)), data: []byte(content)}
}

// hugeDelta is the 7-byte delta FuzzApplyDelta found: a small source size
// and a target size of about 2^49 bytes, with no instructions.
func hugeDelta(src int) []byte {
	d := binary.AppendUvarint(nil, uint64(src))
	return binary.AppendUvarint(d, 1<<49)
}

// Every size a pack declares is checked before anything is allocated
// from it, by the single-object reader and by the pack pass alike.
func TestDeclaredSizes(t *testing.T) {
	t.Parallel()
	base := blobEntry("base text\n")
	fakeID, _ := NewHash(append([]byte{0xee, 1}, make([]byte, 18)...))
	tests := []struct {
		name string
		ents []rawEntry
		want error
	}{
		{"entry size beyond deflate's ratio", []rawEntry{
			{id: fakeID, typ: Blob, declared: 1 << 40, data: []byte("x")},
		}, ErrCorrupt},
		{"entry size over the limit", []rawEntry{
			{id: fakeID, typ: Blob, declared: 3 << 20, data: make([]byte, 3<<20)},
		}, ErrTooLarge},
		{"entry shorter than declared", []rawEntry{
			{id: fakeID, typ: Blob, declared: 100, data: []byte("short")},
		}, ErrCorrupt},
		{"ofs delta with a huge target", []rawEntry{
			base,
			{id: fakeID, typ: OfsDelta, baseRel: 0, data: hugeDelta(10)},
		}, ErrTooLarge},
		{"ref delta with a huge target", []rawEntry{
			base,
			{id: fakeID, typ: RefDelta, baseID: base.id, data: hugeDelta(10)},
		}, ErrTooLarge},
		{"delta with a wrong source size", []rawEntry{
			base,
			{id: fakeID, typ: OfsDelta, baseRel: 0, data: []byte{99, 0}},
		}, ErrCorrupt},
		{"ref delta cycle", []rawEntry{
			{id: fakeID, typ: RefDelta, baseID: fakeID, data: []byte{0, 0}},
		}, ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gitDir := writePack(t, tc.ents)
			s, err := Open(osfs.New(gitDir), Options{MaxSize: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			// Single-object reads.
			_, _, err = s.NewReader().Object(fakeID)
			if !errors.Is(err, tc.want) {
				t.Errorf("Object: %v, want %v", err, tc.want)
			}
			// The pack pass.
			p := s.Packs()[0]
			if err := p.Load(); err != nil {
				if !errors.Is(err, tc.want) {
					t.Errorf("Load: %v, want %v", err, tc.want)
				}
				return
			}
			z := NewInflater(Options{MaxSize: 1 << 20})
			var perr error
			for i, e := range p.Entries {
				if p.id(int32(i)) != fakeID {
					continue
				}
				d, err := z.Entry(p, int32(i), nil)
				if err == nil && e.Base >= 0 {
					b, _ := z.Entry(p, e.Base, nil)
					_, _, err = ApplyDelta(b, d, nil, nil, true, 1<<20)
				} else if err == nil && e.Type.IsDelta() {
					err = ErrCorrupt // base outside the pack: a single read's job
				}
				perr = err
			}
			if !errors.Is(perr, tc.want) {
				t.Errorf("pack pass: %v, want %v", perr, tc.want)
			}
		})
	}
}

// An index or pack whose own declarations do not add up is refused when
// the store opens, naming the file.
func TestDamagedIndex(t *testing.T) {
	t.Parallel()
	ents := []rawEntry{blobEntry("one\n"), blobEntry("two\n")}
	tests := []struct {
		name string
		file string
		edit func([]byte) []byte
	}{
		{"idx checksum", "idx", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
		{"idx truncated", "idx", func(b []byte) []byte { return b[:len(b)-30] }},
		{"idx count larger than the file", "idx", func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[8+255*4:], 1<<30)
			return resum(b)
		}},
		{"idx fan-out decreasing", "idx", func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[8:], 2)
			return resum(b)
		}},
		{"pack count differs", "pack", func(b []byte) []byte { b[11] = 9; return b }},
		{"pack not a pack", "pack", func(b []byte) []byte { b[0] = 'X'; return b }},
		{"pack of another index", "pack", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gitDir := writePack(t, ents)
			name := filepath.Join(gitDir, "objects", "pack", "pack-test."+tc.file)
			raw, _ := os.ReadFile(name)
			os.WriteFile(name, tc.edit(raw), 0o644)
			s, err := Open(osfs.New(gitDir), Options{})
			if tc.name == "idx checksum" {
				// Checked when it matters, not at Open (as git does):
				// objects read through the index are hashed anyway.
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				defer s.Close()
				if _, data, err := s.NewReader().Object(ents[0].id); err != nil || string(data) != "one\n" {
					t.Fatalf("read %q, %v", data, err)
				}
				want := func(what string, err error) {
					t.Helper()
					var ge *Error
					if !errors.As(err, &ge) || ge.File != "objects/pack/pack-test.idx" || !errors.Is(err, ErrCorrupt) {
						t.Fatalf("%s: got %v, want ErrCorrupt naming the idx", what, err)
					}
				}
				missing := blobEntry("not in the pack\n").id
				_, _, err := s.NewReader().Object(missing)
				want("missing object", err)
				_, err = s.NewReader().Size(missing)
				want("size of a missing object", err)
				want("Load", s.Packs()[0].Load())
				return
			}
			var ge *Error
			if !errors.As(err, &ge) || ge.File != "objects/pack/pack-test."+tc.file || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt naming the %s", err, tc.file)
			}
		})
	}
}

// resum rewrites an index's trailing checksum after an edit.
func resum(b []byte) []byte { return resumFormat(SHA1, b) }

func resumFormat(f Format, b []byte) []byte {
	n := f.Size()
	copy(b[len(b)-n:], sumOf(f, b[:len(b)-n]))
	return b
}

func FuzzIndex(f *testing.F) {
	_, raw := buildPack([]rawEntry{blobEntry("one\n"), blobEntry("two\n"), blobEntry("three\n")})
	f.Add(raw, false)
	f.Add([]byte("\xfftOc\x00\x00\x00\x02"), false)
	_, raw256 := buildPackFormat(SHA256, []rawEntry{blobEntryFormat(SHA256, "one\n"), blobEntryFormat(SHA256, "two\n")})
	f.Add(raw256, true)
	f.Fuzz(func(t *testing.T, raw []byte, sha256 bool) {
		format := SHA1
		if sha256 {
			format = SHA256
		}
		// The checksum would reject almost every mutation before the
		// layout checks run: fuzz the layout with a valid checksum.
		if len(raw) >= format.Size() {
			raw = resumFormat(format, raw)
		}
		x, err := parseIndex(raw, format)
		if err != nil {
			return
		}
		if err := x.checkSum(); err != nil {
			t.Fatalf("resummed index: %v", err)
		}
		for i := range x.count {
			h, _ := NewHash(x.name(i))
			x.offset(i)
			if j := x.find(&h); j < 0 && sortedNames(x) {
				t.Fatalf("name %d not found in a sorted index", i)
			}
		}
	})
}

func sortedNames(x *index) bool {
	for i := 1; i < x.count; i++ {
		if bytes.Compare(x.name(i-1), x.name(i)) >= 0 {
			return false
		}
	}
	for i := range x.count {
		b := int(x.name(i)[0])
		lo := 0
		if b > 0 {
			lo = int(binary.BigEndian.Uint32(x.fan[(b-1)*4:]))
		}
		if i < lo || i >= int(binary.BigEndian.Uint32(x.fan[b*4:])) {
			return false
		}
	}
	return true
}

func FuzzLooseHeader(f *testing.F) {
	f.Add([]byte("blob 12\x00hello world\n"), int64(30))
	f.Add([]byte("tree 99999999999999999999\x00"), int64(10))
	f.Add([]byte("commit 012\x00"), int64(100))
	f.Fuzz(func(t *testing.T, data []byte, fileSize int64) {
		typ, size, err := looseHeader(bufio.NewReader(bytes.NewReader(data)), fileSize, 1<<20)
		if err != nil {
			return
		}
		if size > 1<<20 || !inflatable(size, fileSize) || typ.IsDelta() || typ == 0 {
			t.Fatalf("accepted %v of %d bytes from a %d-byte file", typ, size, fileSize)
		}
	})
}

// FuzzPack damages a small pack with deltas (but keeps the checksums
// right, which would otherwise reject nearly everything) and reads every
// object both ways: no panic, no allocation past the limit, and whatever
// reads back hashes to its id.
func FuzzPack(f *testing.F) { fuzzPackTarget(f, SHA1) }

// FuzzPackSHA256 is FuzzPack on a SHA-256 pack: 32-byte ids in the index
// and SHA-256 checksums, read by a store of that format.
func FuzzPackSHA256(f *testing.F) { fuzzPackTarget(f, SHA256) }

func fuzzPackTarget(f *testing.F, format Format) {
	ents, raw, idx := fuzzPackSeed(format)
	f.Add(raw, 20, byte(0))
	f.Add(raw, 13, byte(0x7f))
	f.Fuzz(func(t *testing.T, pack []byte, at int, x byte) {
		fuzzPackOnce(t, format, idx, ents, pack, at, x)
	})
}

// fuzzPackSeed is a pack of format f holding a blob, a delta against it
// and another blob, with its index.
func fuzzPackSeed(f Format) (ents []rawEntry, pack, idx []byte) {
	base := blobEntryFormat(f, "some text that a delta copies from\n")
	target := "some text that a delta copies from\nand one more line\n"
	delta := binary.AppendUvarint(nil, uint64(len(base.data)))
	delta = binary.AppendUvarint(delta, uint64(len(target)))
	delta = append(delta, 0x90, byte(len(base.data)), byte(len(target)-len(base.data)))
	delta = append(delta, target[len(base.data):]...)
	ents = []rawEntry{base, {id: f.ID(Blob, []byte(target)), typ: OfsDelta, baseRel: 0, data: delta}, blobEntryFormat(f, "third\n")}
	pack, idx = buildPackFormat(f, ents)
	return ents, pack, idx
}

// fuzzPackOnce reads every object of pack (with byte at flipped by x and
// the checksums fixed up) from an in-memory repository of format f.
func fuzzPackOnce(t *testing.T, f Format, idx0 []byte, ents []rawEntry, pack []byte, at int, x byte) {
	hl := f.Size()
	if len(pack) < 12+hl || at < 0 {
		return
	}
	pack = slices.Clone(pack)
	if at < len(pack)-hl {
		pack[at] ^= x
	}
	sum := sumOf(f, pack[:len(pack)-hl])
	copy(pack[len(pack)-hl:], sum)
	idx := slices.Clone(idx0)
	copy(idx[len(idx)-2*hl:], sum)
	fsys := memfs.New()
	util.WriteFile(fsys, "objects/pack/pack-test.idx", resumFormat(f, idx), 0o644)
	util.WriteFile(fsys, "objects/pack/pack-test.pack", pack, 0o644)
	opts := Options{MaxSize: 1 << 16, Format: f}
	s, err := Open(fsys, opts)
	if err != nil {
		return
	}
	defer s.Close()
	rd := s.NewReader()
	for _, e := range ents {
		if typ, data, err := rd.Object(e.id); err == nil && f.ID(typ, data) != e.id {
			t.Fatalf("object %s read back with another id", e.id)
		}
	}
	p := s.Packs()[0]
	if p.Load() != nil {
		return
	}
	z := NewInflater(opts)
	for i := range p.Entries {
		if d, err := z.Entry(p, int32(i), nil); err == nil && len(d) > 1<<16 {
			t.Fatalf("entry %d inflated to %d bytes past the limit", i, len(d))
		}
	}
}

// A pack is found by its index, as git finds it: a .pack still being
// written (no .idx yet) and an .idx whose pack is gone are not opened.
func TestPackWithoutIndex(t *testing.T) {
	t.Parallel()
	one := blobEntry("one\n")
	gitDir := writePack(t, []rawEntry{one})
	packDir := filepath.Join(gitDir, "objects", "pack")
	if err := os.WriteFile(filepath.Join(packDir, "pack-partial.pack"), []byte("PACK\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(packDir, "pack-gone.idx"), []byte("\xfftOc"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(osfs.New(gitDir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.Packs()) != 1 {
		t.Fatalf("%d packs opened, want the complete one", len(s.Packs()))
	}
	if _, data, err := s.NewReader().Object(one.id); err != nil || string(data) != "one\n" {
		t.Fatalf("read %q, %v", data, err)
	}
}

// An index damaged where a lookup reads it (an entry's offset) sends the
// read astray; the error names the index, not the pack it points into.
// The index of an operating-system file is mapped, not read.
func TestDamagedIndexNamedOnRead(t *testing.T) {
	t.Parallel()
	ents := []rawEntry{blobEntry("one\n"), blobEntry("two\n")}
	gitDir := writePack(t, ents)
	name := filepath.Join(gitDir, "objects", "pack", "pack-test.idx")
	raw, _ := os.ReadFile(name)
	// Version 2: header, fan-out, 2 names, 2 CRCs, then the offsets.
	at := 8 + 256*4 + 2*20 + 2*4
	for i := range 2 {
		binary.BigEndian.PutUint32(raw[at+4*i:], binary.BigEndian.Uint32(raw[at+4*i:])+1)
	}
	os.WriteFile(name, raw, 0o644)
	s, err := OpenDir(gitDir, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if runtime.GOOS != "windows" && s.Packs()[0].unmap == nil {
		t.Error("the index was read, not mapped")
	}
	for _, e := range ents {
		_, _, err := s.NewReader().Object(e.id)
		var ge *Error
		if !errors.As(err, &ge) || ge.File != "objects/pack/pack-test.idx" || ge.Hash != e.id || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("got %v, want ErrCorrupt naming the idx and %s", err, e.id)
		}
		// Size reads only a header through the offset: it fails naming
		// the index, or answers a size a caller may skip the object on,
		// which CheckIndexes then refuses.
		if _, err := s.NewReader().Size(e.id); err != nil && (!errors.As(err, &ge) || ge.File != "objects/pack/pack-test.idx") {
			t.Fatalf("Size: got %v, want an error naming the idx", err)
		}
		if err := s.NewReader().CheckIndexes(); !errors.As(err, &ge) || ge.File != "objects/pack/pack-test.idx" || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("CheckIndexes: got %v, want ErrCorrupt naming the idx", err)
		}
	}
}
