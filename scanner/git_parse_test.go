package scanner

import (
	"bytes"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

func TestApplyDeltaTracksChanges(t *testing.T) {
	t.Parallel()
	base := []byte(strings.Repeat("unchanged line of text\n", 40))
	target := slices.Concat(base[:230], []byte("token = inserted here\n"), base[230:600], base[700:])
	delta := packfile.DiffDelta(base, target)
	got, changed, err := applyDelta(base, delta, nil, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, target) {
		t.Fatalf("rebuilt %q", got)
	}
	ins := bytes.Index(target, []byte("token"))
	covered := false
	for _, c := range changed {
		if c.start <= ins && ins < c.end {
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
		cuts = append(cuts, c.start, c.end)
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
		out, changed, err := applyDelta(base, delta, nil, nil, true)
		if err != nil {
			return
		}
		if ts, ok := deltaTargetSize(delta); !ok || int64(len(out)) != ts {
			t.Fatalf("output %d bytes, header says %d", len(out), ts)
		}
		last := 0
		for _, c := range changed {
			if c.start < last || c.end < c.start || c.end > len(out) {
				t.Fatalf("bad changed spans %v for %d bytes", changed, len(out))
			}
			last = c.end
		}
		for _, r := range expandRegions(nil, out, changed, regionMargin) {
			if r.start < 0 || r.end > len(out) || r.start > r.end {
				t.Fatalf("region %v outside %d bytes", r, len(out))
			}
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
	f.Add(tree)
	f.Add([]byte("100644 x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		_ = parseTree(data, func(name []byte, mode filemode.FileMode, h plumbing.Hash) {
			if bytes.IndexByte(name, 0) >= 0 {
				t.Fatalf("name %q holds a NUL", name)
			}
			n++
		})
		if n > len(data)/22 {
			t.Fatalf("%d entries from %d bytes", n, len(data))
		}
	})
}

func FuzzParseCommit(f *testing.F) {
	f.Add([]byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@example.invalid> 1700000000 +0130\ncommitter A <a@example.invalid> 1700000001 -0500\n\nmsg\n"))
	f.Add([]byte("tree zz\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseCommit(data)
		if err == nil && c.tree.IsZero() && !bytes.Contains(data, []byte("tree 0000000000000000000000000000000000000000")) {
			t.Fatalf("parsed a commit without a tree from %q", data)
		}
	})
}

func FuzzPackHeaders(f *testing.F) {
	f.Add([]byte{0x95, 0x0a}, []byte{0x81, 0x00})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, hdr, ofs []byte) {
		if _, size, n, ok := parseObjHeader(hdr); ok && (n > len(hdr) || size < 0) {
			t.Fatalf("header: n=%d size=%d from %d bytes", n, size, len(hdr))
		}
		if off, n, ok := parseOfs(ofs); ok && (n > len(ofs) || off < 0) {
			t.Fatalf("ofs: n=%d off=%d from %d bytes", n, off, len(ofs))
		}
	})
}

func TestAddedLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prev, cur string
		want      []int
	}{
		{"", "a\nb\n", []int{1, 2}},
		{"a\nb\n", "a\nb\n", nil},
		{"a\nb\n", "a\nx\nb\n", []int{2}},
		{"a\nb\n", "b\na\n", nil},
		{"a\n", "a\na\n", []int{2}},
		{"a\r\nb\r\n", "a\nb\nc", []int{3}},
	}
	for _, tc := range tests {
		added := addedLines([]byte(tc.prev), []byte(tc.cur))
		var got []int
		for l, a := range added {
			if a {
				got = append(got, l)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q -> %q: added %v, want %v", tc.prev, tc.cur, got, tc.want)
		}
	}
}

// BenchmarkGitHistory scans a generated history of 300 commits (40 files,
// each edited every few commits, some edits adding a token), packed.
func BenchmarkGitHistory(b *testing.B) {
	f := newGitFixture(b)
	files := make([][]string, 40)
	for i := range files {
		for j := range 120 {
			files[i] = append(files[i], "value_"+strings.Repeat("x", (i+j)%30)+" = compute(arg)")
		}
	}
	for c := range 300 {
		i := c % len(files)
		files[i][(c*7)%len(files[i])] = "changed = " + strings.Repeat("y", c%50)
		if c%25 == 0 {
			files[i][c%len(files[i])] = "token = '" + f.secret() + "'"
		}
		f.write("src/f"+string(rune('a'+i%26))+string(rune('a'+i/26))+".py", lines(files[i]...))
		f.commit("c")
	}
	f.repack()
	rs := testRules(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := GitHistory(context.Background(), f.dir, GitScope{}, rs, testOpts())
		if err != nil || len(res.Findings) == 0 {
			b.Fatal(err, len(res.Findings))
		}
	}
}

// BenchmarkGitStaged is the pre-commit case: ten staged files on top of a
// packed history.
func BenchmarkGitStaged(b *testing.B) {
	f := newGitFixture(b)
	for c := range 50 {
		f.write("lib/m"+string(rune('a'+c%20))+".py", strings.Repeat("def f(): return 1\n", 50+c))
		f.commit("c")
	}
	f.repack()
	for i := range 10 {
		f.write("lib/m"+string(rune('a'+i))+".py", strings.Repeat("def f(): return 1\n", 60)+"token = '"+f.secret()+"'\n")
	}
	rs := testRules(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := GitStaged(context.Background(), f.dir, rs, testOpts())
		if err != nil || len(res.Findings) != 10 {
			b.Fatal(err, len(res.Findings))
		}
	}
}

// Every changed span must end up inside a region that reaches back to the
// start of the line before it and on to the end of its own line.
func TestExpandRegionsCoversChangedLines(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 9))
	for range 500 {
		data := make([]byte, 50+rng.IntN(3000))
		for i := range data {
			data[i] = "ab \n"[rng.IntN(4)]
			if rng.IntN(30) == 0 {
				data[i] = '\n'
			}
		}
		var spans []region
		for p := rng.IntN(40); p < len(data); p += 1 + rng.IntN(200) {
			e := min(len(data), p+rng.IntN(20))
			spans = append(spans, region{p, e})
			p = e
		}
		regions := expandRegions(nil, data, spans, regionMargin)
		for i := 1; i < len(regions); i++ {
			if regions[i].start <= regions[i-1].end {
				t.Fatalf("regions overlap: %v", regions)
			}
		}
		for _, sp := range spans {
			want := sp.start
			// Back to the start of the previous line, within the margin.
			nl := 0
			for want > 0 && want > sp.start-regionMargin {
				if data[want-1] == '\n' {
					nl++
					if nl == contextLines+1 {
						break
					}
				}
				want--
			}
			end := sp.end
			for end < len(data) && end < sp.end+regionMargin && data[end] != '\n' {
				end++
			}
			if !inRegions(regions, want, end) {
				t.Fatalf("span %v needs [%d,%d), regions %v", sp, want, end, regions)
			}
		}
	}
}
