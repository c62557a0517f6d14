package scanner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/pretense/pretense/internal/testfs"
)

// objectErrors returns the objects a git scan could not read: listed in
// its result, or the error that stopped it.
func objectErrors(t *testing.T, res *Result, err error) []*ObjectError {
	t.Helper()
	var oe *ObjectError
	if err != nil {
		if !errors.As(err, &oe) {
			t.Fatalf("got %v, want an ObjectError", err)
		}
		return []*ObjectError{oe}
	}
	var out []*ObjectError
	for _, e := range res.Unreadable {
		if !errors.As(e, &oe) {
			t.Fatalf("unreadable %v is not an ObjectError", e)
		}
		out = append(out, oe)
	}
	return out
}

// blobAt returns the blob at path in commit c.
func blobAt(t *testing.T, f *gitFixture, c plumbing.Hash, path string) plumbing.Hash {
	t.Helper()
	co, err := f.repo.CommitObject(c)
	if err != nil {
		t.Fatal(err)
	}
	fe, err := co.File(path)
	if err != nil {
		t.Fatal(err)
	}
	return fe.Hash
}

// A staged blob that cannot be read is named with its path; the other
// staged files are still scanned and reported.
func TestGitStagedCorruptBlob(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	f.write("base.txt", "nothing here\n")
	f.commit("base")
	f.write("a.txt", "t = "+f.secret()+"\n")
	f.write("b.txt", "t = "+f.secret()+"\n")
	idx, err := f.repo.Storer.Index()
	if err != nil {
		t.Fatal(err)
	}
	var bad plumbing.Hash
	for _, e := range idx.Entries {
		if e.Name == "a.txt" {
			bad = e.Hash
		}
	}
	name := filepath.Join(f.dir, ".git", "objects", bad.String()[:2], bad.String()[2:])
	os.Chmod(name, 0o644)
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0x10
	if err := os.WriteFile(name, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := GitStaged(context.Background(), f.dir, testRules(t), testOpts())
	oes := objectErrors(t, res, err)
	if len(oes) != 1 || oes[0].Hash != bad.String() || oes[0].Path != "a.txt" || !strings.HasPrefix(oes[0].File, "objects/") {
		t.Fatalf("unreadable = %v, want %s (a.txt) named with its file", oes, bad)
	}
	sameFindings(t, res, " b.txt:1")
}

// A range scan reports the unreadable objects the range needs, not damage
// elsewhere in the repository; the full-history scan reports all of it.
// Both range paths are checked: single reads, and the pack pass a large
// range takes.
func TestGitRangeNamesOnlyItsDamage(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	var filler strings.Builder
	for range 30 {
		filler.WriteString("# " + f.secret()[4:] + "\n")
	}
	f.write("old.txt", filler.String()+"t = "+f.secret()+"\n")
	old := f.commit("old")
	f.write("new.txt", "t = "+f.secret()+"\n")
	c := f.commit("new")
	f.repack()
	bad := blobAt(t, f, old, "old.txt")
	testfs.FlipPackedBlob(t, filepath.Join(f.dir, ".git"), bad)
	for _, large := range []int{largeRange, 0} {
		res, err := rangeHistory(context.Background(), mustOpen(t, f.dir), GitScope{Range: old.String() + ".." + c.String()}, testRules(t), testOpts(), large)
		if oes := objectErrors(t, res, err); len(oes) != 0 {
			t.Errorf("large=%d: range names %v, which it does not need", large, oes)
		}
		sameFindings(t, res, at(c, "new.txt", 1))
	}
	res, err := GitHistory(context.Background(), f.dir, GitScope{}, testRules(t), testOpts())
	oes := objectErrors(t, res, err)
	if len(oes) != 1 || oes[0].Hash != bad.String() || oes[0].Path != "old.txt" {
		t.Errorf("history names %v, want %s at old.txt", oes, bad)
	}
	sameFindings(t, res, at(c, "new.txt", 1))
}

func mustOpen(t *testing.T, dir string) *gitRepo {
	t.Helper()
	g, err := openRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
