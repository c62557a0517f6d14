package gitobj

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-billy/v5/util"

	"github.com/pretense/pretense/internal/testtool"
)

// levelStarts lists how often each level of c was inflated from its
// start, target first.
func levelStarts(c *chain) []int {
	var s []int
	for ; c != nil; c = c.base {
		s = append(s, c.starts)
	}
	return s
}

// recordStarts makes Verify append each delta chain it reads to *got
// for the rest of the test.
func recordStarts(t *testing.T, got *[][]int) {
	verified = func(c *chain) { *got = append(*got, levelStarts(c)) }
	t.Cleanup(func() { verified = nil })
}

// versionsRepo commits three versions of a generated binary file, each
// an edit of the one before (a change in the middle, then one near the
// start and a longer tail), and repacks so that git stores two of them
// as deltas. It returns the versions' contents by id.
func versionsRepo(t *testing.T, format string, size int) (*testtool.GitRepo, map[Hash][]byte) {
	t.Helper()
	g := testtool.NewGitRepo(t, format)
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "cell\x00%08x\x01%d\n", i*2654435761, i%977)
	}
	v := b.Bytes()[:size]
	vs := map[Hash][]byte{}
	for k, at := range []int{0, size * 6 / 10, size / 5} {
		if at > 0 {
			v = slices.Clone(v)
			copy(v[at:], fmt.Sprintf("edit %d", k))
		}
		if k == 2 {
			v = append(v, bytes.Repeat([]byte("tail\x00"), 1000)...)
		}
		g.Write("data.bin", string(v))
		g.Commit(fmt.Sprintf("v%d", k+1))
		h, ok := ParseHash(g.Run("rev-parse", "HEAD:data.bin"))
		if !ok {
			t.Fatal("rev-parse")
		}
		vs[h] = v
	}
	g.Run("repack", "-adfq", "--window=10", "--depth=10")
	return g, vs
}

// Verify of a delta over the reader's limit, on packs git wrote in both
// object formats: every version passes, and each level of a chain is
// inflated once though the target is read in sixteen pieces (the pieces-
// only path inflated a base once per piece).
func TestVerifyGitOversizeDelta(t *testing.T) {
	const size, limit = 2 << 20, 128 << 10
	for _, f := range []Format{SHA1, SHA256} {
		t.Run(f.String(), func(t *testing.T) {
			g, vs := versionsRepo(t, f.String(), size)
			rd := openGitReader(t, g.Dir, Options{Format: f, MaxSize: limit})
			var starts [][]int
			recordStarts(t, &starts)
			for h, v := range vs {
				if err := rd.Verify(h); err != nil {
					t.Fatalf("Verify(%s) = %v", h, err)
				}
				if _, _, err := rd.Object(h); !errors.Is(err, ErrTooLarge) {
					t.Fatalf("Object(%s) = %v: the %d-byte blob should be over the limit", h, err, len(v))
				}
			}
			deltas := 0
			for _, s := range starts {
				if len(s) < 2 {
					t.Fatalf("a chain of one level: %v", s)
				}
				deltas++
				if slices.ContainsFunc(s, func(k int) bool { return k != 1 }) {
					t.Errorf("a delta's levels were inflated %v times, want once each", s)
				}
			}
			if deltas < 2 {
				t.Fatalf("git stored %d of the versions as deltas, want 2: the test would not read a chain", deltas)
			}
		})
	}
}

// openGitReader opens the objects of the repository in dir (a work tree)
// and returns a reader; the store is closed when the test ends.
func openGitReader(t *testing.T, dir string, opts Options) *Reader {
	t.Helper()
	s, err := OpenDir(filepath.Join(dir, ".git"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.NewReader()
}

// A delta over the reader's limit in a pack git wrote, damaged in its own
// stream or in bytes of its base that it copies, fails Verify (the scan
// would otherwise skip it as binary on its intact head); the same pack
// undamaged passes. Both object formats.
func TestVerifyGitOversizeDeltaDamaged(t *testing.T) {
	const size, limit = 2 << 20, 128 << 10
	for _, f := range []Format{SHA1, SHA256} {
		g, vs := versionsRepo(t, f.String(), size)
		gitDir := filepath.Join(g.Dir, ".git")
		// The version whose chain is deepest, and the whole entry it
		// ends in.
		var packName string
		var target Hash
		var tEnt, bEnt Entry
		func() {
			s, err := OpenDir(gitDir, Options{Format: f, MaxSize: limit})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p := s.Packs()[0]
			if err := p.Load(); err != nil {
				t.Fatal(err)
			}
			best := 0
			for i, e := range p.Entries {
				h, _ := p.Hash(int32(i))
				if _, ok := vs[h]; !ok || !e.Type.IsDelta() {
					continue
				}
				depth, at := 0, int32(i)
				for at >= 0 && p.Entries[at].Type.IsDelta() {
					at, depth = p.Entries[at].Base, depth+1
				}
				if at >= 0 && depth > best {
					best, target, tEnt, bEnt, packName = depth, h, e, p.Entries[at], p.Name
				}
			}
			if best == 0 {
				t.Fatal("git stored no version as a delta within the pack")
			}
		}()
		packPath := filepath.Join(gitDir, packName)
		idxPath := packPath[:len(packPath)-len(".pack")] + ".idx"
		pack0, err := os.ReadFile(packPath)
		if err != nil {
			t.Fatal(err)
		}
		idx0, err := os.ReadFile(idxPath)
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			at   int64 // the pack byte flipped; -1 none
		}{
			{"intact", -1},
			{"delta stream, late byte", tEnt.DataOff + (tEnt.End-tEnt.DataOff)*3/4},
			{"delta stream, adler32", tEnt.End - 1},
			{"base stream, a byte the delta copies", bEnt.DataOff + (bEnt.End-bEnt.DataOff)/2},
		}
		for _, c := range cases {
			t.Run(f.String()+"/"+c.name, func(t *testing.T) {
				pack, idx := slices.Clone(pack0), slices.Clone(idx0)
				if c.at >= 0 {
					pack[c.at] ^= 0x20
					n := f.Size()
					copy(pack[len(pack)-n:], sumOf(f, pack[:len(pack)-n]))
					copy(idx[len(idx)-2*n:], pack[len(pack)-n:])
					resumFormat(f, idx)
				}
				if err := os.WriteFile(packPath, pack, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(idxPath, idx, 0o644); err != nil {
					t.Fatal(err)
				}
				rd := openGitReader(t, g.Dir, Options{Format: f, MaxSize: limit})
				if _, _, _, err := rd.Head(target, 1000); err != nil {
					t.Fatalf("Head: %v; the damage should lie past the head", err)
				}
				err := rd.Verify(target)
				if c.at < 0 {
					if err != nil {
						t.Fatalf("Verify of the intact delta = %v", err)
					}
					return
				}
				var ge *Error
				if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ge) || ge.Hash != target {
					t.Fatalf("Verify = %v, want a corrupt-object error naming %s", err, target)
				}
			})
		}
	}
}

// FuzzChainDelta applies a fuzzed delta to a base that is itself a delta
// (copying out of order, so the chain starts its base again), through the
// streaming chain read in pieces of a fuzzed size, and compares with
// ApplyDelta on the whole base in memory: the same bytes when ApplyDelta
// succeeds, an error (from a piece or from the end of the delta) when it
// fails; and Verify under a limit far below the objects agrees.
func FuzzChainDelta(f *testing.F) {
	base := textOf(5000, "base")
	base[100], base[4000] = 0, 0
	d0, t1 := encodeDelta(base, []deltaOp{{off: 3000, n: 1500}, {lit: "between\x00"}, {off: 200, n: 2000}, {off: 4900, n: 100}, {off: 0, n: 50}})
	seed := func(ops []deltaOp) []byte { d, _ := encodeDelta(t1, ops); return d }
	f.Add(seed([]deltaOp{{off: 0, n: len(t1)}}), uint16(7))
	f.Add(seed([]deltaOp{{off: 1000, n: 2000}, {lit: "x"}, {off: 10, n: 900}, {off: 1000, n: 5}}), uint16(1000))
	f.Add(seed([]deltaOp{{lit: "only a literal"}}), uint16(0))
	f.Add(hugeDelta(len(t1)), uint16(3))
	f.Add(append(seed([]deltaOp{{off: 5, n: 5}}), 0x91, 0, 1), uint16(2))
	f.Fuzz(func(t *testing.T, d []byte, k uint16) {
		want, _, werr := ApplyDelta(t1, d, nil, nil, false, 1<<40)
		id := SHA1.ID(Blob, d)
		if werr == nil {
			id = SHA1.ID(Blob, want)
		}
		ents := []rawEntry{
			{id: SHA1.ID(Blob, base), typ: Blob, data: base},
			{id: SHA1.ID(Blob, t1), typ: OfsDelta, baseRel: 0, data: d0},
			{id: id, typ: OfsDelta, baseRel: 1, data: d},
		}
		if ents[2].id == ents[0].id || ents[2].id == ents[1].id {
			return
		}
		fsys := memfs.New()
		pack, idx := buildPack(ents)
		util.WriteFile(fsys, "objects/pack/pack-test.pack", pack, 0o644)
		util.WriteFile(fsys, "objects/pack/pack-test.idx", idx, 0o644)
		rd := openReader(t, fsys, Options{MaxSize: 64})
		p := rd.s.packs[0]
		got, err := readChain(rd, p, p.idx.offset(p.idx.find(&id)), 1+int(k)%3000)
		if (err == nil) != (werr == nil) || err == nil && !bytes.Equal(got, want) {
			t.Fatalf("chain: %d bytes, %v; ApplyDelta: %d bytes, %v", len(got), err, len(want), werr)
		}
		if verr := rd.Verify(id); (verr == nil) != (werr == nil) {
			t.Fatalf("Verify = %v; ApplyDelta: %v", verr, werr)
		}
	})
}

// readChain reads the entry at off through a chain in pieces of k bytes
// (at most 1 MB in all: a fuzzed delta may declare far more).
func readChain(rd *Reader, p *Pack, off int64, k int) ([]byte, error) {
	c, err := rd.chainAt(p, off, 0)
	if err != nil {
		return nil, err
	}
	defer c.close()
	var out []byte
	for pos := int64(0); pos < c.size; pos += int64(k) {
		if pos > 1<<20 {
			return nil, errors.New("over 1 MB")
		}
		buf := make([]byte, min(int64(k), c.size-pos))
		if err := c.fill([]piece{{pos, buf}}); err != nil {
			return nil, err
		}
		out = append(out, buf...)
	}
	return out, c.finish()
}

// A delta of more copies than a level holds pieces for (chainSubs) is
// asked of its base in several rounds: in base order each level is still
// inflated once; copies in reverse order make the base start again, and
// both rebuild the target (Verify checks it against its id; the target
// is read in one piece, under the limit).
func TestChainManyCopies(t *testing.T) {
	base := textOf(200000, "base")
	var fwd, rev []deltaOp
	for i := range 3 * chainSubs {
		fwd = append(fwd, deltaOp{off: i * 6, n: 5})
		rev = append(rev, deltaOp{off: len(base) - 5 - i*6, n: 5})
	}
	for _, c := range []struct {
		name     string
		ops      []deltaOp
		restarts bool
	}{{"in base order", fwd, false}, {"in reverse order", rev, true}} {
		t.Run(c.name, func(t *testing.T) {
			d, target := encodeDelta(base, c.ops)
			id := SHA1.ID(Blob, target)
			fsys := memfs.New()
			pack, idx := buildPack([]rawEntry{{id: SHA1.ID(Blob, base), typ: Blob, data: base}, {id: id, typ: OfsDelta, baseRel: 0, data: d}})
			util.WriteFile(fsys, "objects/pack/pack-test.pack", pack, 0o644)
			util.WriteFile(fsys, "objects/pack/pack-test.idx", idx, 0o644)
			var starts [][]int
			recordStarts(t, &starts)
			if err := openReader(t, fsys, Options{MaxSize: 1 << 20}).Verify(id); err != nil {
				t.Fatal(err)
			}
			if len(starts) != 1 || len(starts[0]) != 2 || starts[0][0] != 1 || (starts[0][1] > 1) != c.restarts {
				t.Fatalf("levels inflated %v times; want the base more than once: %v", starts, c.restarts)
			}
		})
	}
}
