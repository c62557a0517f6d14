package scanner

import (
	"context"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// blob stores content as a blob and returns its id.
func (f *gitFixture) blob(content string) plumbing.Hash {
	f.t.Helper()
	o := f.repo.Storer.NewEncodedObject()
	o.SetType(plumbing.BlobObject)
	w, err := o.Writer()
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := w.Write([]byte(content)); err != nil {
		f.t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		f.t.Fatal(err)
	}
	h, err := f.repo.Storer.SetEncodedObject(o)
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

// conflict replaces path's index entry with the sides of a conflict, as
// git merge, cherry-pick, rebase and stash apply leave them: stage 1 the
// base, 2 ours, 3 theirs; a zero id leaves that stage out (a side that
// deleted the file). git drops the cache tree of the directories above a
// conflict, and so does this.
func (f *gitFixture) conflict(path string, stages [4]plumbing.Hash) {
	f.t.Helper()
	idx, err := f.repo.Storer.Index()
	if err != nil {
		f.t.Fatal(err)
	}
	var kept []*index.Entry
	for _, e := range idx.Entries {
		if e.Name != path {
			kept = append(kept, e)
		}
	}
	for s := 1; s <= 3; s++ {
		if stages[s].IsZero() {
			continue
		}
		kept = append(kept, &index.Entry{Name: path, Hash: stages[s], Mode: filemode.Regular, Stage: index.Stage(s)})
	}
	idx.Entries = kept
	idx.Cache = nil
	if err := f.repo.Storer.SetIndex(idx); err != nil {
		f.t.Fatal(err)
	}
}

// A conflicted path has no stage-0 entry until it is resolved; its sides
// are what the resolution will be made of. `git commit` refuses while they
// stand, but a manual `scan --staged` mid-merge must not call the index
// clean when a side brings a secret HEAD does not have: every side is
// scanned, each against HEAD's version, and a side that cannot be read
// makes the scan incomplete (exit 3).
func TestGitStagedConflict(t *testing.T) {
	t.Parallel()
	type sides struct{ base, ours, theirs string } // "" leaves the stage out; "HEAD" is HEAD's blob
	const head = "HEAD"
	cases := []struct {
		name   string
		sides  func(secret string) sides
		want   []string
		broken int // stages whose blob is missing from the object store
	}{
		{
			name:  "secret-only-in-theirs",
			sides: func(s string) sides { return sides{head, "a = 1\nb = 2\n", "a = 1\nkey = '" + s + "'\n"} },
			want:  []string{" conflict.py:2"},
		},
		{
			// Cherry-pick and rebase: the base is the picked commit's
			// parent, which need not be in HEAD's history.
			name:  "secret-only-in-base",
			sides: func(s string) sides { return sides{"a = 1\nkey = '" + s + "'\n", "a = 1\nb = 2\n", "a = 1\nc = 3\n"} },
			want:  []string{" conflict.py:2"},
		},
		{
			name:  "deleted-by-us-modified-by-them",
			sides: func(s string) sides { return sides{head, "", "a = 1\n\nkey = '" + s + "'\n"} },
			want:  []string{" conflict.py:3"},
		},
		{
			// The same line on two sides is one finding, not two.
			name: "same-secret-on-both-sides",
			sides: func(s string) sides {
				return sides{head, "a = 1\nkey = '" + s + "'\nb\n", "a = 1\nkey = '" + s + "'\nc\n"}
			},
			want: []string{" conflict.py:2"},
		},
		{
			name:  "sides-without-secret",
			sides: func(string) sides { return sides{head, "a = 1\nb = 2\n", "a = 1\nc = 3\n"} },
		},
		{
			name:   "unreadable-side",
			sides:  func(string) sides { return sides{head, "a = 1\nb = 2\n", "missing"} },
			broken: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newGitFixture(t)
			f.write("conflict.py", "a = 1\n")
			f.write("other.py", "nothing\n")
			f.commit("base")
			headBlob := f.blob("a = 1\n")
			s := tc.sides(f.secret())
			var stages [4]plumbing.Hash
			for i, c := range []string{s.base, s.ours, s.theirs} {
				switch c {
				case "":
				case head:
					stages[i+1] = headBlob
				case "missing":
					stages[i+1] = plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
				default:
					stages[i+1] = f.blob(c)
				}
			}
			f.conflict("conflict.py", stages)
			res, err := GitStaged(context.Background(), f.dir, testRules(t), testOpts())
			if err != nil {
				t.Fatal(err)
			}
			sameFindings(t, res, tc.want...)
			oes := objectErrors(t, res, nil)
			if len(oes) != tc.broken {
				t.Fatalf("unreadable = %v, want %d", oes, tc.broken)
			}
			for _, oe := range oes {
				if oe.Path != "conflict.py" {
					t.Errorf("unreadable %v names %q, want conflict.py", oe, oe.Path)
				}
			}
		})
	}
}
