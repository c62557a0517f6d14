package gitobj

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-billy/v5/util"
)

// deltaOp is one instruction of a delta the tests build: a copy of
// base[off:off+n] when lit is "", else lit inserted.
type deltaOp struct {
	off, n int
	lit    string
}

// encodeDelta returns the delta of ops against base and the target it
// rebuilds.
func encodeDelta(base []byte, ops []deltaOp) (delta, target []byte) {
	for _, op := range ops {
		if op.lit != "" {
			target = append(target, op.lit...)
		} else {
			target = append(target, base[op.off:op.off+op.n]...)
		}
	}
	delta = binary.AppendUvarint(nil, uint64(len(base)))
	delta = binary.AppendUvarint(delta, uint64(len(target)))
	for _, op := range ops {
		for lit := op.lit; lit != ""; {
			k := min(len(lit), 127)
			delta = append(delta, byte(k))
			delta = append(delta, lit[:k]...)
			lit = lit[k:]
		}
		for off, n := op.off, op.n; op.lit == "" && n > 0; {
			k := min(n, 0xffffff)
			cmd := byte(0x80)
			var args []byte
			for b := range 4 {
				if v := byte(off >> (8 * b)); v != 0 {
					cmd |= 1 << b
					args = append(args, v)
				}
			}
			for b := range 3 {
				if v := byte(k >> (8 * b)); v != 0 {
					cmd |= 0x10 << b
					args = append(args, v)
				}
			}
			delta = append(append(delta, cmd), args...)
			off, n = off+k, n-k
		}
	}
	return delta, target
}

// textOf is n bytes of numbered lines.
func textOf(n int, tag string) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%s line %d of a large file\n", tag, i)
	}
	return b.Bytes()[:n]
}

// headStore is a store with a pack of a large blob and a chain of deltas
// (offset and ref deltas, a delta of a delta, one against a loose object)
// and the loose object, for Head's tests. It returns the objects' ids and
// contents.
func headStore(t testing.TB, f Format, scale int) (billy.Filesystem, []rawEntry, map[Hash][]byte, []byte) {
	fsys := memfs.New()
	objs := map[Hash][]byte{}
	base := textOf(100*scale, "base")
	loose := textOf(60*scale, "loose")
	lid := writeLoose(t, fsys, f, Blob, loose)
	objs[lid] = loose

	d1, t1 := encodeDelta(base, []deltaOp{{off: 60 * scale, n: 10 * scale}, {lit: "a literal in the middle\n"}, {off: 0, n: 5 * scale}, {off: 90 * scale, n: 10 * scale}})
	d2, t2 := encodeDelta(t1, []deltaOp{{lit: "new first line\n"}, {off: 20 * scale, n: 2 * scale}, {off: 0, n: 3 * scale}, {off: 1, n: 1}})
	d3, t3 := encodeDelta(loose, []deltaOp{{off: 50 * scale, n: 8 * scale}, {lit: "x"}, {off: 0, n: 100}})
	d4, t4 := encodeDelta(base, []deltaOp{{lit: "before\n"}, {off: 99 * scale, n: scale}})
	ents := []rawEntry{
		{id: f.ID(Blob, base), typ: Blob, data: base},
		{id: f.ID(Blob, t1), typ: OfsDelta, baseRel: 0, data: d1},
		{id: f.ID(Blob, t2), typ: OfsDelta, baseRel: 1, data: d2},
		{id: f.ID(Blob, t3), typ: RefDelta, baseID: lid, data: d3},
		{id: f.ID(Blob, t4), typ: RefDelta, baseID: f.ID(Blob, base), data: d4},
	}
	for i, c := range [][]byte{base, t1, t2, t3, t4} {
		objs[ents[i].id] = c
	}
	pack, idx := buildPackFormat(f, ents)
	util.WriteFile(fsys, "objects/pack/pack-test.pack", pack, 0o644)
	util.WriteFile(fsys, "objects/pack/pack-test.idx", idx, 0o644)
	return fsys, ents, objs, pack
}

// Head gives the first bytes of every kind of object (whole pack entry,
// offset and ref deltas, a delta of a delta, loose) as a full read does,
// across the inflater's 32 KB steps, in both object formats.
func TestHead(t *testing.T) {
	for _, f := range []Format{SHA1, SHA256} {
		fsys, _, objs, _ := headStore(t, f, 1000)
		rd := openReader(t, fsys, Options{Format: f})
		for h, want := range objs {
			for _, n := range []int{0, 1, 100, 8000, 40000, len(want), len(want) + 1} {
				t.Run(fmt.Sprintf("%s/%s/%d", f, h.String()[:8], n), func(t *testing.T) {
					typ, size, head, err := rd.Head(h, n)
					if err != nil || typ != Blob || size != int64(len(want)) || !bytes.Equal(head, want[:min(n, len(want))]) {
						t.Fatalf("Head = %s, %d, %d bytes, %v; want blob, %d, the first %d bytes", typ, size, len(head), err, len(want), min(n, len(want)))
					}
				})
			}
		}
	}
}

// An object within the reader's limit is read whole (and checked against
// its id) whatever the size of the bases its delta chain passes through:
// an offset delta of an offset delta of an oversize blob, ref deltas
// against an oversize blob and an oversize loose object; with limits that
// make only the root, or the root and the middle of the chain, oversize.
// An object over the limit is still refused.
func TestObjectThroughOversizeBase(t *testing.T) {
	for _, f := range []Format{SHA1, SHA256} {
		fsys, _, objs, _ := headStore(t, f, 1000)
		for _, limit := range []int64{30000, 6000, 1500} {
			t.Run(fmt.Sprintf("%s/%d", f, limit), func(t *testing.T) {
				rd := openReader(t, fsys, Options{Format: f, MaxSize: limit})
				var small, large int
				for h, want := range objs {
					typ, data, err := rd.Object(h)
					if int64(len(want)) > limit {
						large++
						if !errors.Is(err, ErrTooLarge) {
							t.Errorf("Object(%s) of %d bytes = %v, want ErrTooLarge", h, len(want), err)
						}
						continue
					}
					small++
					if err != nil || typ != Blob || !bytes.Equal(data, want) {
						t.Errorf("Object(%s) = %s, %d bytes, %v; want the %d-byte blob", h, typ, len(data), err, len(want))
					}
				}
				if small == 0 || large < 2 {
					t.Fatalf("%d objects within the limit, %d over: the limit tests nothing", small, large)
				}
			})
		}
	}
}

// A delta whose instructions lie (a copy past its base, a base of
// another size, a ref-delta naming itself, an unknown object) is an
// error, never a panic or a hang.
func TestHeadDamaged(t *testing.T) {
	base := textOf(4000, "b")
	other := textOf(3000, "o")
	_, tgt := encodeDelta(base, []deltaOp{{off: 0, n: 100}})
	past := binary.AppendUvarint(nil, uint64(len(base)))
	past = binary.AppendUvarint(past, 100)
	past = append(past, 0x80|0x01|0x02|0x10, 0xa0, 0x0f, 100) // copy 100 bytes at 4000
	wrongSrc, _ := encodeDelta(other, []deltaOp{{off: 0, n: 100}})
	selfID := SHA1.ID(Blob, []byte("self"))
	selfDelta, _ := encodeDelta(make([]byte, 10), []deltaOp{{off: 0, n: 4}})
	cases := []struct {
		name string
		ents []rawEntry
		want error
	}{
		{"copy past the base", []rawEntry{{id: SHA1.ID(Blob, base), typ: Blob, data: base}, {id: SHA1.ID(Blob, tgt), typ: OfsDelta, baseRel: 0, data: past}}, ErrCorrupt},
		{"base of another size", []rawEntry{{id: SHA1.ID(Blob, base), typ: Blob, data: base}, {id: SHA1.ID(Blob, tgt), typ: OfsDelta, baseRel: 0, data: wrongSrc}}, ErrCorrupt},
		{"ref-delta naming itself", []rawEntry{{id: SHA1.ID(Blob, base), typ: Blob, data: base}, {id: selfID, typ: RefDelta, baseID: selfID, data: selfDelta}}, ErrCorrupt},
		{"whole entry shorter than declared", []rawEntry{{id: SHA1.ID(Blob, base), typ: Blob, data: base}, {id: SHA1.ID(Blob, tgt), typ: Blob, data: tgt[:50], declared: 100}}, ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := memfs.New()
			pack, idx := buildPack(c.ents)
			util.WriteFile(fsys, "objects/pack/pack-test.pack", pack, 0o644)
			util.WriteFile(fsys, "objects/pack/pack-test.idx", idx, 0o644)
			s, err := Open(fsys, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, _, head, err := s.NewReader().Head(c.ents[1].id, 8000)
			if !errors.Is(err, c.want) {
				t.Fatalf("Head = %d bytes, %v; want %v", len(head), err, c.want)
			}
			var ge *Error
			if !errors.As(err, &ge) || ge.Hash.IsZero() {
				t.Fatalf("error %v does not name the object", err)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		s, err := Open(memfs.New(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := s.NewReader().Head(selfID, 10); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Head of a missing object: %v", err)
		}
	})
}

// FuzzHead flips a byte of a pack holding a delta chain (and a ref delta
// against a loose object): Head never panics nor returns more than asked,
// and whenever the full read succeeds, Head succeeds with its first bytes,
// Verify succeeds, and so does a read under a limit below the chain's base
// (with the same bytes).
func FuzzHead(f *testing.F) {
	_, ents, _, pack0 := headStore(f, SHA1, 10)
	f.Add(20, byte(0), uint16(100))
	f.Add(40, byte(0x7f), uint16(500))
	f.Add(len(pack0)/2, byte(1), uint16(2000))
	f.Fuzz(func(t *testing.T, at int, x byte, n uint16) {
		fsys, _, _, pack := headStore(t, SHA1, 10)
		if at < 0 || at >= len(pack)-20 {
			return
		}
		pack = slices.Clone(pack)
		pack[at] ^= x
		sum := sumOf(SHA1, pack[:len(pack)-20])
		copy(pack[len(pack)-20:], sum)
		idx, _ := util.ReadFile(fsys, "objects/pack/pack-test.idx")
		copy(idx[len(idx)-40:], sum)
		util.WriteFile(fsys, "objects/pack/pack-test.pack", pack, 0o644)
		util.WriteFile(fsys, "objects/pack/pack-test.idx", resum(idx), 0o644)
		s, err := Open(fsys, Options{MaxSize: 1 << 16})
		if err != nil {
			return
		}
		defer s.Close()
		rd := s.NewReader()
		// With a limit below the chain's bases, a small object is
		// rebuilt from byte ranges of them (packedSmall): never other
		// bytes than the full read's, and whenever the full read
		// succeeds, so does it.
		ss, err := Open(fsys, Options{MaxSize: 300})
		if err != nil {
			t.Fatalf("the same pack opens with a larger limit but not with a smaller one: %v", err)
		}
		defer ss.Close()
		small := ss.NewReader()
		for _, e := range ents {
			typ, size, head, herr := rd.Head(e.id, int(n))
			if herr == nil && len(head) > int(n) {
				t.Fatalf("Head(%s, %d) returned %d bytes", e.id, n, len(head))
			}
			verr, sverr := rd.Verify(e.id), small.Verify(e.id)
			ot, data, err := rd.Object(e.id)
			if err != nil {
				continue
			}
			// Every byte the full read checked, Verify checks too.
			if verr != nil || sverr != nil {
				t.Fatalf("Verify(%s) = %v, under a 300-byte limit %v; the full read succeeds", e.id, verr, sverr)
			}
			if herr != nil || typ != ot || size != int64(len(data)) || !bytes.Equal(head, data[:min(int(n), len(data))]) {
				t.Fatalf("Head(%s, %d) = %s, %d, %q, %v; the full read gives %s of %d bytes", e.id, n, typ, size, head, herr, ot, len(data))
			}
			if st, sdata, serr := small.Object(e.id); len(data) <= 300 && (serr != nil || st != ot || !bytes.Equal(sdata, data)) {
				t.Fatalf("Object(%s) under a 300-byte limit = %s, %d bytes, %v; the full read gives %s of %d bytes", e.id, st, len(sdata), serr, ot, len(data))
			}
		}
	})
}

// openReader opens the store in fsys and returns a reader of it; the
// store is closed when the test ends.
func openReader(t testing.TB, fsys billy.Filesystem, opts Options) *Reader {
	t.Helper()
	s, err := Open(fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.NewReader()
}
