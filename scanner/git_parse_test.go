package scanner

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/packfile"

	"github.com/pretense/pretense/internal/gitobj"
)

// FuzzDeltaRegions checks that the regions scanned around a delta's
// changes stay inside the rebuilt blob.
func FuzzDeltaRegions(f *testing.F) {
	base := []byte(strings.Repeat("line\n", 30))
	f.Add(base, packfile.DiffDelta(base, append(slices.Clone(base), "more\n"...)))
	f.Add([]byte("abc"), []byte{3, 3, 0x91, 0, 3})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		out, changed, err := gitobj.ApplyDelta(base, delta, nil, nil, true, 1<<20)
		if err != nil {
			return
		}
		for _, r := range expandRegions(nil, out, changed, regionMargin) {
			if r.Start < 0 || r.End > len(out) || r.Start > r.End {
				t.Fatalf("region %v outside %d bytes", r, len(out))
			}
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
			spans = append(spans, region{Start: p, End: e})
			p = e
		}
		regions := expandRegions(nil, data, spans, regionMargin)
		for i := 1; i < len(regions); i++ {
			if regions[i].Start <= regions[i-1].End {
				t.Fatalf("regions overlap: %v", regions)
			}
		}
		for _, sp := range spans {
			want := sp.Start
			// Back to the start of the previous line, within the margin.
			nl := 0
			for want > 0 && want > sp.Start-regionMargin {
				if data[want-1] == '\n' {
					nl++
					if nl == contextLines+1 {
						break
					}
				}
				want--
			}
			end := sp.End
			for end < len(data) && end < sp.End+regionMargin && data[end] != '\n' {
				end++
			}
			if !inRegions(regions, want, end) {
				t.Fatalf("span %v needs [%d,%d), regions %v", sp, want, end, regions)
			}
		}
	}
}
