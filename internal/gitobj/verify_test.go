package gitobj

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-billy/v5/util"
)

// Verify accepts every intact object, whole, delta (offset and ref, a
// delta of a delta, one against a loose object) or loose, in both object
// formats; with a limit far below the objects, so deltas are rebuilt in
// many pieces, too.
func TestVerify(t *testing.T) {
	for _, f := range []Format{SHA1, SHA256} {
		fsys, _, objs, _ := headStore(t, f, 1000)
		for _, limit := range []int64{0, 1500} {
			t.Run(fmt.Sprintf("%s/%d", f, limit), func(t *testing.T) {
				rd := openReader(t, fsys, Options{Format: f, MaxSize: limit})
				for h := range objs {
					if err := rd.Verify(h); err != nil {
						t.Errorf("Verify(%s): %v", h, err)
					}
				}
				if err := rd.Verify(f.ID(Blob, []byte("absent"))); !errors.Is(err, ErrNotFound) {
					t.Errorf("Verify of a missing object: %v", err)
				}
			})
		}
	}
}

// An object damaged after its first bytes has an intact head (Head reads
// it) but fails Verify: a flipped adler32 trailer, a flipped byte late in
// the deflate stream, of a whole pack entry, of a delta, and of a loose
// object. Head alone would let a scan judge it. Damage in bytes of a base
// that a delta does not copy leaves the delta intact (its id says so).
func TestVerifyDamaged(t *testing.T) {
	base := textOf(100000, "base")
	d1, t1 := encodeDelta(base, []deltaOp{{off: 60000, n: 10000}, {lit: "a literal in the middle\n"}, {off: 0, n: 5000}})
	flip := func(b []byte, at int) []byte {
		b = slices.Clone(b)
		b[at] ^= 0x20
		return b
	}
	comp, dcomp := deflate(base), deflate(d1)
	baseID, t1ID := SHA1.ID(Blob, base), SHA1.ID(Blob, t1)
	cases := []struct {
		name      string
		baseComp  []byte
		deltaComp []byte
		loose     bool
		damaged   Hash
		intact    bool // the damage is in bytes the object does not use
	}{
		{"whole entry, adler32", flip(comp, len(comp)-1), nil, false, baseID, false},
		{"whole entry, late byte", flip(comp, len(comp)*3/4), nil, false, baseID, false},
		{"delta, late byte", nil, flip(dcomp, len(dcomp)*3/4), false, t1ID, false},
		{"delta copying damaged bytes of its base", flip(comp, len(comp)*65/100), nil, false, t1ID, false},
		{"delta of a base damaged past what it copies", flip(comp, len(comp)*7/8), nil, false, t1ID, true},
		{"loose", nil, nil, true, baseID, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := memfs.New()
			ents := []rawEntry{{id: baseID, typ: Blob, data: base, comp: c.baseComp}, {id: t1ID, typ: OfsDelta, baseRel: 0, data: d1, comp: c.deltaComp}}
			if c.loose {
				ents = ents[1:]
				ents[0].typ, ents[0].baseID = RefDelta, baseID
				writeLoose(t, fsys, SHA1, Blob, base)
				name := "objects/" + baseID.String()[:2] + "/" + baseID.String()[2:]
				raw, _ := util.ReadFile(fsys, name)
				util.WriteFile(fsys, name, flip(raw, len(raw)*3/4), 0o644)
			}
			pack, idx := buildPack(ents)
			util.WriteFile(fsys, "objects/pack/pack-test.pack", pack, 0o644)
			util.WriteFile(fsys, "objects/pack/pack-test.idx", idx, 0o644)
			rd := openReader(t, fsys, Options{MaxSize: 1000})
			if _, _, _, err := rd.Head(c.damaged, 100); err != nil {
				t.Fatalf("Head: %v; the damage should lie past the head", err)
			}
			err := rd.Verify(c.damaged)
			if c.intact {
				if err != nil {
					t.Fatalf("Verify = %v; the bytes it rebuilds are intact", err)
				}
				return
			}
			var ge *Error
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ge) || ge.Hash != c.damaged {
				t.Fatalf("Verify = %v, want a corrupt-object error naming %s", err, c.damaged)
			}
		})
	}
}
