package cli

import (
	"path/filepath"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/pretense/pretense/internal/testfs"
)

// TestScanGitCorruptObject flips bytes inside one blob's compressed data,
// in a pack and in a loose object, and checks that `scan --git` and
// `scan --range` print every finding of the intact objects, name the
// damaged one (id, file, commit:path) and exit 3.
func TestScanGitCorruptObject(t *testing.T) {
	for _, storage := range []string{"packed", "loose"} {
		t.Run(storage, func(t *testing.T) {
			f := newGitRepoFixture(t)
			// The damaged blob holds one token; an intact blob of the same
			// commit another. Random filler keeps the two from being
			// stored as deltas of each other.
			var filler strings.Builder
			for range 40 {
				filler.WriteString("# " + f.secret(t)[4:] + "\n")
			}
			damaged, intact := f.secret(t), f.secret(t)
			f.write(t, "other/keys.py", filler.String()+"key = '"+damaged+"'\n")
			f.write(t, "other/more.py", "token = '"+intact+"'\n")
			f.commit(t, "two more")
			head := f.commits[len(f.commits)-1]
			blob := treeBlob(t, f.repo, head, "other/keys.py")
			var file string
			if storage == "packed" {
				if err := f.repo.RepackObjects(&git.RepackConfig{}); err != nil {
					t.Fatal(err)
				}
				testfs.RemoveLooseObjects(t, filepath.Join(f.dir, ".git"))
				file = testfs.FlipPackedBlob(t, filepath.Join(f.dir, ".git"), blob)
			} else {
				file = testfs.FlipLooseObject(t, filepath.Join(f.dir, ".git"), blob)
			}
			for _, args := range [][]string{
				{"--git", "--path", f.dir, "--format", "json"},
				{"--range", f.commits[2].String() + "..HEAD", "--path", f.dir, "--format", "json"},
			} {
				code, out, errOut := runScan(t, args...)
				if code != ExitRuntime {
					t.Fatalf("%v: exit %d, want 3; stderr:\n%s", args, code, errOut)
				}
				for _, want := range []string{blob.String(), file, head.String()[:12] + ":other/keys.py", "scan incomplete", "git fsck"} {
					if !strings.Contains(errOut, want) {
						t.Errorf("%v: stderr lacks %q:\n%s", args, want, errOut)
					}
				}
				doc := decodeReport(t, out)
				var got []string
				for _, fd := range doc.Findings {
					got = append(got, fd.Path)
				}
				want := []string{"other/more.py"}
				if args[0] == "--git" {
					want = []string{"app/settings.py", "other/more.py"}
				}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("%v: findings at %v, want %v (every intact object's)", args, got, want)
				}
			}
		})
	}
}

func treeBlob(t *testing.T, r *git.Repository, c plumbing.Hash, path string) plumbing.Hash {
	t.Helper()
	co, err := r.CommitObject(c)
	if err != nil {
		t.Fatal(err)
	}
	fe, err := co.File(path)
	if err != nil {
		t.Fatal(err)
	}
	return fe.Hash
}
