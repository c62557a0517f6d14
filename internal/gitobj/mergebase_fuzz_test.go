package gitobj

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/memfs"
)

// writeLoose stores content as a loose object of format f in fsys.
func writeLoose(t testing.TB, fsys billy.Filesystem, f Format, typ Type, content []byte) Hash {
	h := f.ID(typ, content)
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	fmt.Fprintf(w, "%s %d\x00", typ, len(content))
	w.Write(content)
	w.Close()
	hex := h.String()
	file, err := fsys.Create("objects/" + hex[:2] + "/" + hex[2:])
	if err != nil {
		t.Fatal(err)
	}
	file.Write(z.Bytes())
	file.Close()
	return h
}

// fuzzDAG builds a history from data: commit i has up to two parents
// among the commits before it, and a committer date later than theirs
// (the case where git's walk is exact). It returns the commits and each
// one's parents by index.
func fuzzDAG(t testing.TB, f Format, data []byte) (*Reader, []Hash, [][]int) {
	fsys := memfs.New()
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	n := 2 + next()%14
	tree := writeLoose(t, fsys, f, Tree, nil)
	ids := make([]Hash, n)
	parents := make([][]int, n)
	for i := range n {
		if i > 0 {
			// 0, 1 or 2 parents (a new root now and then).
			k := next() % 4
			if k == 3 {
				k = 1
			}
			for range k {
				p := next() % i
				if !slices.Contains(parents[i], p) {
					parents[i] = append(parents[i], p)
				}
			}
		}
		var b strings.Builder
		fmt.Fprintf(&b, "tree %s\n", tree)
		for _, p := range parents[i] {
			fmt.Fprintf(&b, "parent %s\n", ids[p])
		}
		when := 1700000000 + 100*i + next()%50
		fmt.Fprintf(&b, "author A <a@example.invalid> %d +0000\ncommitter A <a@example.invalid> %d +0000\n\nc%d\n", when, when, i)
		ids[i] = writeLoose(t, fsys, f, Commit, []byte(b.String()))
	}
	s, err := Open(fsys, Options{Format: f})
	if err != nil {
		t.Fatal(err)
	}
	return s.NewReader(), ids, parents
}

// ancestors returns the commits reachable from i, i included.
func ancestors(parents [][]int, i int) map[int]bool {
	seen := map[int]bool{i: true}
	stack := []int{i}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range parents[c] {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	return seen
}

// bestCommon is the definition MergeBase implements: the common ancestors
// that no other common ancestor reaches, newest first (dates rise with
// the index here).
func bestCommon(parents [][]int, a, b int) []int {
	ra, rb := ancestors(parents, a), ancestors(parents, b)
	var common []int
	for c := range ra {
		if rb[c] {
			common = append(common, c)
		}
	}
	var out []int
	for _, c := range common {
		best := true
		for _, o := range common {
			if o != c && ancestors(parents, o)[c] {
				best = false
				break
			}
		}
		if best {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

func FuzzMergeBase(f *testing.F) {
	f.Add([]byte{8, 1, 0, 1, 1, 2, 1, 2, 3, 2, 2, 3, 4, 2, 4, 5, 6, 7, 8, 9}, uint8(3), uint8(7), false, uint16(0))
	f.Add([]byte{12, 3, 3, 3, 3, 2, 1, 0, 2, 5, 6, 2, 1, 2, 9, 9, 9, 2, 4, 3}, uint8(10), uint8(11), true, uint16(0))
	f.Add([]byte{12, 3, 3, 3, 3, 2, 1, 0, 2, 5, 6, 2, 1, 2, 9, 9, 9, 2, 4, 3}, uint8(10), uint8(11), false, uint16(0x0120))
	f.Add([]byte{3}, uint8(0), uint8(1), false, uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, x, y uint8, sha256 bool, cut uint16) {
		format := SHA1
		if sha256 {
			format = SHA256
		}
		rd, ids, parents := fuzzDAG(t, format, data)
		a, b := int(x)%len(ids), int(y)%len(ids)
		// Commit i is a shallow boundary when bit i of cut is set: its
		// parents are in the store but must not be followed.
		var shallow []Hash
		for i := range ids {
			if cut>>i&1 == 1 {
				shallow = append(shallow, ids[i])
				parents[i] = nil
			}
		}
		got, err := MergeBase(rd, ids[a], ids[b], shallow)
		if err != nil {
			t.Fatal(err)
		}
		var want []Hash
		for _, c := range bestCommon(parents, a, b) {
			want = append(want, ids[c])
		}
		if len(want) == 0 {
			want = nil
		}
		if len(got) == 0 {
			got = nil
		}
		if !slices.Equal(got, want) {
			t.Fatalf("MergeBase(%d, %d) = %v, want %v (parents %v)", a, b, got, want, parents)
		}
	})
}
