package scanner

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/internal/testtool"
	"github.com/pretense/pretense/rules"
)

// oversizeBaseRepo commits a large file, binary at its start and text at
// its end, then replaces it with a small text made of a line holding a
// generated token and the large file's text end; a repack stores the small
// version as a delta of the large one (git tries bases up to 32 times a
// target's size; this one is 16). It returns the repository, the two
// commits and the token.
func oversizeBaseRepo(t *testing.T, format string, bigSize int) (g *testtool.GitRepo, first, second, token string) {
	t.Helper()
	g = testtool.NewGitRepo(t, format)
	rng := rand.New(rand.NewPCG(11, 12))
	token, err := rules.ExpandSample("ghp_{alnum:36}", rng)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for i := 0; b.Len() < bigSize*15/16; i++ {
		fmt.Fprintf(&b, "record %d\x00%08x\x00", i, rng.Uint32()&0x0f0f0f0f)
	}
	for i := 0; b.Len() < bigSize; i++ {
		fmt.Fprintf(&b, "setting_%d = %d\n", i, i*7919%10007)
	}
	big := b.Bytes()
	small := "token = \"" + token + "\"\n" + string(big[len(big)-bigSize/16:])
	g.Write("data/table.dat", string(big))
	first = g.Commit("large")
	g.Write("data/table.dat", small)
	second = g.Commit("small")
	g.Run("repack", "-adfq", "--window=10", "--depth=10")
	return g, first, second, token
}

// A small blob stored as a delta of a blob over the object reader's limit
// is read through byte ranges of that base and scanned: its token is
// found, at the commit that introduced it, and nothing is unreadable (the
// scan exited 3 on it before). The large base is a binary skip. The
// reader's limit is lowered (objectLimit) so the base need not be 64 MB.
func TestGitSmallDeltaOfOversizeBase(t *testing.T) {
	for _, format := range []string{"sha1", "sha256"} {
		for _, mode := range []string{"history", "range"} {
			t.Run(format+"/"+mode, func(t *testing.T) {
				t.Parallel()
				g, first, second, token := oversizeBaseRepo(t, format, 320<<10)
				if !packHasDeltaOfLarger(t, g.Dir, 64<<10) {
					t.Fatal("git stored no small blob as a delta of one over the limit: the test would not cross an oversize base")
				}
				opts := testOpts()
				opts.MaxFileSize = 60 << 10
				opts.objectLimit = 64 << 10
				scope := GitScope{}
				if mode == "range" {
					scope.Range = first + "..HEAD"
				}
				res, err := GitHistory(context.Background(), g.Dir, scope, testRules(t), opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Unreadable) != 0 || len(res.Unscanned()) != 0 {
					t.Fatalf("unreadable %v, unscanned %v; want none", res.Unreadable, res.Unscanned())
				}
				if len(res.Findings) != 1 || res.Findings[0].Secret != token || res.Findings[0].Commit != second ||
					res.Findings[0].Path != "data/table.dat" || res.Findings[0].Line != 1 {
					t.Fatalf("findings %q, want the token at %.8s data/table.dat:1", got(res.Findings), second)
				}
				if mode == "history" {
					var binary bool
					for _, s := range res.Skipped {
						binary = binary || s.Path == first[:12]+":data/table.dat" && s.Reason == "binary"
					}
					if !binary {
						t.Errorf("skipped %+v; want the large version as binary", res.Skipped)
					}
				}
			})
		}
	}
}

// packHasDeltaOfLarger reports whether the repository's pack holds a
// delta entry of at most limit bytes whose base is over limit.
func packHasDeltaOfLarger(t *testing.T, dir string, limit int64) bool {
	t.Helper()
	return anyPackEntry(t, dir, func(size func(int32) (int64, error), e gitobj.Entry, i int32) bool {
		if !e.Type.IsDelta() || e.Base < 0 {
			return false
		}
		n, err := size(i)
		if err != nil {
			t.Fatal(err)
		}
		base, err := size(e.Base)
		if err != nil {
			t.Fatal(err)
		}
		return n <= limit && base > limit
	})
}
