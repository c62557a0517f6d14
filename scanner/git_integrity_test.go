package scanner

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
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

// A SHA-256 repository is refused with a message that says so (the git
// scans read SHA-1 object ids only). Needs the git CLI to create one.
func TestGitSHA256Repository(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("git is not installed")
		}
		t.Skip("git is not installed (apt-get install git)")
	}
	dir := t.TempDir()
	cmd := exec.Command("git", "init", "-q", "--object-format=sha256", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("this git cannot create SHA-256 repositories: %v: %s", err, out)
	}
	for _, run := range []func() error{
		func() error {
			_, err := GitHistory(context.Background(), dir, GitScope{}, testRules(t), testOpts())
			return err
		},
		func() error {
			_, err := GitHistory(context.Background(), dir, GitScope{Range: "HEAD~1..HEAD"}, testRules(t), testOpts())
			return err
		},
		func() error { _, err := GitStaged(context.Background(), dir, testRules(t), testOpts()); return err },
	} {
		if err := run(); !errors.Is(err, ErrObjectFormat) || !strings.Contains(err.Error(), "SHA-256") {
			t.Errorf("got %v, want ErrObjectFormat naming SHA-256", err)
		}
	}
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
