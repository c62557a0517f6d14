package scanner

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/pretense/pretense/internal/testfs"
)

// A blob over --max-file-size whose head says binary passes the scan (a
// binary skip), so it is checked against its id first, streamed in
// bounded memory (gitobj.Reader.Verify): damaged past its head, in a pack
// or loose, it is unreadable (exit 3) in history, range and staged scans,
// not a binary skip (exit 0) as when only its head was read. An intact one
// stays a binary skip (TestOversizeHead).
func TestGitDamagedOversizeBinary(t *testing.T) {
	files := oversizeFiles(t)
	random := files[0]
	if random.name != "random.bin" || !random.binary {
		t.Fatalf("oversizeFiles()[0] is %s", random.name)
	}
	opts := testOpts()
	opts.MaxFileSize = 5000
	for _, mode := range []string{"history packed", "history loose", "range", "staged"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			f := newGitFixture(t)
			f.write("README", "x\n")
			base := f.commit("init")
			f.write(random.name, random.content)
			var bad plumbing.Hash
			gitDir := filepath.Join(f.dir, ".git")
			if mode == "staged" {
				bad = stagedBlob(t, f, random.name)
			} else {
				c := f.commit("add")
				bad = blobAt(t, f, c, random.name)
			}
			var file string
			if mode == "history packed" {
				f.repack()
				file = testfs.FlipPackedBlob(t, gitDir, bad)
			} else {
				file = testfs.FlipLooseObject(t, gitDir, bad)
			}
			var res *Result
			var err error
			switch mode {
			case "history packed", "history loose":
				res, err = GitHistory(context.Background(), f.dir, GitScope{}, testRules(t), opts)
			case "range":
				res, err = GitHistory(context.Background(), f.dir, GitScope{Since: base.String()}, testRules(t), opts)
			case "staged":
				res, err = GitStaged(context.Background(), f.dir, testRules(t), opts)
			}
			oes := objectErrors(t, res, err)
			if len(oes) != 1 || oes[0].Hash != bad.String() || oes[0].File != file {
				t.Fatalf("unreadable %v, want %s in %s named", oes, bad, file)
			}
			for _, s := range res.Skipped {
				if strings.HasSuffix(s.Path, random.name) {
					t.Errorf("the damaged blob is skipped as %q; it should be unreadable only", s.Reason)
				}
			}
		})
	}
}

// stagedBlob returns the blob staged at path.
func stagedBlob(t *testing.T, f *gitFixture, path string) plumbing.Hash {
	t.Helper()
	idx, err := f.repo.Storer.Index()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range idx.Entries {
		if e.Name == path {
			return e.Hash
		}
	}
	t.Fatalf("%s is not staged", path)
	return plumbing.ZeroHash
}
