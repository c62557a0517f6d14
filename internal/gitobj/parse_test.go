package gitobj_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"

	"github.com/pretense/pretense/internal/gitobj"
)

func TestApplyDeltaTracksChanges(t *testing.T) {
	t.Parallel()
	base := []byte(strings.Repeat("unchanged line of text\n", 40))
	target := slices.Concat(base[:230], []byte("token = inserted here\n"), base[230:600], base[700:])
	delta := packfile.DiffDelta(base, target)
	got, changed, err := gitobj.ApplyDelta(base, delta, nil, nil, true, 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, target) {
		t.Fatalf("rebuilt %q", got)
	}
	ins := bytes.Index(target, []byte("token"))
	covered := false
	for _, c := range changed {
		if c.Start <= ins && ins < c.End {
			covered = true
		}
	}
	if !covered {
		t.Errorf("changed spans %v do not cover the insertion at %d", changed, ins)
	}
	// Between the changed spans (and the zero-length seams) every stretch
	// of the target is a copy of the base.
	cuts := []int{0}
	for _, c := range changed {
		cuts = append(cuts, c.Start, c.End)
	}
	cuts = append(cuts, len(target))
	for k := 0; k+1 < len(cuts); k += 2 {
		if r := target[cuts[k]:cuts[k+1]]; !bytes.Contains(base, r) {
			t.Errorf("untracked bytes %q are not from the base", r)
		}
	}
}

func FuzzApplyDelta(f *testing.F) {
	base := []byte(strings.Repeat("line\n", 30))
	f.Add(base, packfile.DiffDelta(base, append(slices.Clone(base), "more\n"...)))
	f.Add([]byte("abc"), []byte{3, 3, 0x91, 0, 3})
	f.Add([]byte{}, []byte{0, 5, 5, 'h', 'e', 'l', 'l', 'o'})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		out, changed, err := gitobj.ApplyDelta(base, delta, nil, nil, true, 1<<62)
		if err != nil {
			return
		}
		if _, ts, ok := gitobj.DeltaSizes(delta); !ok || int64(len(out)) != ts {
			t.Fatalf("output %d bytes, header says %d", len(out), ts)
		}
		last := 0
		for _, c := range changed {
			if c.Start < last || c.End < c.Start || c.End > len(out) {
				t.Fatalf("bad changed spans %v for %d bytes", changed, len(out))
			}
			last = c.End
		}
	})
}

func FuzzParseTree(f *testing.F) {
	var tree []byte
	for _, e := range []struct {
		mode string
		name string
	}{{"100644", "a.txt"}, {"40000", "dir"}, {"160000", "sub"}} {
		tree = append(tree, e.mode+" "+e.name+"\x00"...)
		tree = append(tree, bytes.Repeat([]byte{7}, 20)...)
	}
	f.Add(tree, false)
	f.Add([]byte("100644 x"), false)
	f.Add(bytes.ReplaceAll(tree, bytes.Repeat([]byte{7}, 20), bytes.Repeat([]byte{7}, 32)), true)
	f.Fuzz(func(t *testing.T, data []byte, sha256 bool) {
		format := gitobj.SHA1
		if sha256 {
			format = gitobj.SHA256
		}
		n := 0
		_ = format.ParseTree(data, func(name []byte, mode filemode.FileMode, h gitobj.Hash) {
			if bytes.IndexByte(name, 0) >= 0 {
				t.Fatalf("name %q holds a NUL", name)
			}
			if h.Size() != format.Size() {
				t.Fatalf("%d-byte id in a %s tree", h.Size(), format)
			}
			n++
		})
		if n > len(data)/(format.Size()+2) {
			t.Fatalf("%d entries from %d bytes", n, len(data))
		}
	})
}

func FuzzParseCommit(f *testing.F) {
	f.Add([]byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@example.invalid> 1700000000 +0130\ncommitter A <a@example.invalid> 1700000001 -0500\n\nmsg\n"))
	f.Add([]byte("tree zz\n"))
	f.Add([]byte("tree " + strings.Repeat("ab", 32) + "\nparent " + strings.Repeat("cd", 32) + "\nauthor A <a@example.invalid> 1700000000 +0130\n\nmsg\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []gitobj.Format{gitobj.SHA1, gitobj.SHA256} {
			c, err := format.ParseCommit(data)
			if err != nil {
				continue
			}
			if c.Tree.IsZero() && !bytes.Contains(data, []byte("tree "+strings.Repeat("0", 2*format.Size()))) {
				t.Fatalf("parsed a commit without a tree from %q", data)
			}
			for _, h := range append([]gitobj.Hash{c.Tree}, c.Parents...) {
				if h.Size() != format.Size() {
					t.Fatalf("%d-byte id in a %s commit", h.Size(), format)
				}
			}
		}
	})
}

func FuzzParseTag(f *testing.F) {
	f.Add([]byte("object " + strings.Repeat("ab", 20) + "\ntype commit\n"))
	f.Add([]byte("object " + strings.Repeat("ab", 32) + "\ntype commit\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []gitobj.Format{gitobj.SHA1, gitobj.SHA256} {
			if h, err := format.ParseTag(data); err == nil && h.Size() != format.Size() {
				t.Fatalf("%d-byte id in a %s tag", h.Size(), format)
			}
		}
	})
}

func FuzzPackHeaders(f *testing.F) {
	f.Add([]byte{0x95, 0x0a}, []byte{0x81, 0x00})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, hdr, ofs []byte) {
		if _, size, n, ok := gitobj.ParseEntryHeader(hdr); ok && (n > len(hdr) || size < 0) {
			t.Fatalf("header: n=%d size=%d from %d bytes", n, size, len(hdr))
		}
		if off, n, ok := gitobj.ParseOfs(ofs); ok && (n > len(ofs) || off < 0) {
			t.Fatalf("ofs: n=%d off=%d from %d bytes", n, off, len(ofs))
		}
	})
}
