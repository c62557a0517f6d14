package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/pretense/pretense/internal/gitobj"
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
				removeLoose(t, f.dir)
				file = flipPacked(t, filepath.Join(f.dir, ".git"), blob)
			} else {
				file = flipLoose(t, filepath.Join(f.dir, ".git"), blob)
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

func removeLoose(t *testing.T, dir string) {
	t.Helper()
	objs := filepath.Join(dir, ".git", "objects")
	ents, err := os.ReadDir(objs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if len(e.Name()) == 2 {
			os.RemoveAll(filepath.Join(objs, e.Name()))
		}
	}
}

// flipPacked flips a byte in the middle of h's compressed data in its pack
// and returns the pack's name relative to gitDir.
func flipPacked(t *testing.T, gitDir string, h plumbing.Hash) string {
	t.Helper()
	s, err := gitobj.Open(osfs.New(gitDir), gitobj.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, p := range s.Packs() {
		if err := p.Load(); err != nil {
			t.Fatal(err)
		}
		for i, e := range p.Entries {
			if p.Hash(int32(i)).String() != h.String() {
				continue
			}
			if e.Type != gitobj.Blob {
				t.Fatalf("%s is stored as %v, want a whole blob", h, e.Type)
			}
			flipAt(t, filepath.Join(gitDir, p.Name), e.DataOff+(e.End-e.DataOff)/2)
			return p.Name
		}
	}
	t.Fatalf("%s is in no pack", h)
	return ""
}

// flipLoose flips a byte in the middle of loose object h.
func flipLoose(t *testing.T, gitDir string, h plumbing.Hash) string {
	t.Helper()
	name := filepath.Join("objects", h.String()[:2], h.String()[2:])
	st, err := os.Stat(filepath.Join(gitDir, name))
	if err != nil {
		t.Fatal(err)
	}
	flipAt(t, filepath.Join(gitDir, name), st.Size()/2)
	return filepath.ToSlash(name)
}

func flipAt(t *testing.T, file string, off int64) {
	t.Helper()
	os.Chmod(file, 0o644) // git writes objects read-only
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	raw[off] ^= 0x20
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}
