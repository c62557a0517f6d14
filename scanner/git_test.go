package scanner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func history(t *testing.T, dir string, scope GitScope) *Result {
	t.Helper()
	res, err := GitHistory(context.Background(), dir, scope, testRules(t), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func sameFindings(t *testing.T, res *Result, want ...string) {
	t.Helper()
	g := got(res.Findings)
	slices.Sort(g)
	slices.Sort(want)
	if !slices.Equal(g, want) {
		t.Errorf("findings:\n got %q\nwant %q", g, want)
	}
}

// Each history case runs on loose objects and again after a repack, so
// both the go-git path and the pack pass are held to the same answers.
func eachStorage(t *testing.T, name string, build func(t *testing.T) (*gitFixture, []string)) {
	for _, packed := range []bool{false, true} {
		mode := "loose"
		if packed {
			mode = "packed"
		}
		t.Run(name+"/"+mode, func(t *testing.T) {
			t.Parallel()
			f, want := build(t)
			if packed {
				f.repack()
			}
			sameFindings(t, history(t, f.dir, GitScope{}), want...)
		})
	}
}

func TestGitHistory(t *testing.T) {
	t.Parallel()
	eachStorage(t, "added-then-removed", func(t *testing.T) (*gitFixture, []string) {
		f := newGitFixture(t)
		f.write("app.py", lines("import os", "x = 1"))
		f.commit("one")
		s := f.secret()
		f.write("app.py", lines("import os", "x = 1", "token = '"+s+"'", "y = 2"))
		c2 := f.commit("two")
		f.write("app.py", lines("import os", "x = 1", "y = 2"))
		f.commit("three: remove the token")
		return f, []string{at(c2, "app.py", 3)}
	})
	eachStorage(t, "moved-line-not-new", func(t *testing.T) (*gitFixture, []string) {
		f := newGitFixture(t)
		s := f.secret()
		f.write("a.txt", lines("k = "+s, "b", "c"))
		c1 := f.commit("one")
		f.write("a.txt", lines("b", "c", "k = "+s, "d"))
		f.commit("two: the line moved")
		return f, []string{at(c1, "a.txt", 1)}
	})
	eachStorage(t, "merge-no-duplicates", func(t *testing.T) (*gitFixture, []string) {
		f := newGitFixture(t)
		f.write("base.txt", "base\n")
		f.commit("base")
		f.checkout("feature", true)
		s := f.secret()
		f.write("feature.txt", lines("a", "secret = "+s))
		c := f.commit("feature adds a secret")
		f.checkout("master", false)
		f.write("main.txt", "main\n")
		f.commit("main moves on")
		f.write("feature.txt", lines("a", "secret = "+s))
		f.merge(c, "merge feature")
		return f, []string{at(c, "feature.txt", 2)}
	})
	eachStorage(t, "rename-no-duplicates", func(t *testing.T) (*gitFixture, []string) {
		f := newGitFixture(t)
		s := f.secret()
		f.write("old/name.cfg", lines("x", "key = "+s))
		c1 := f.commit("add")
		f.remove("old/name.cfg")
		f.write("new/name.cfg", lines("x", "key = "+s))
		f.commit("rename")
		f.remove("new/name.cfg")
		f.write("new/renamed-and-edited.cfg", lines("header", "x", "key = "+s, "more"))
		f.commit("rename and edit")
		return f, []string{at(c1, "old/name.cfg", 2)}
	})
	eachStorage(t, "readded-later-reported-once", func(t *testing.T) (*gitFixture, []string) {
		f := newGitFixture(t)
		s := f.secret()
		f.write("a.env", "T="+s+"\n")
		c1 := f.commit("add")
		f.write("a.env", "T=\n")
		f.commit("remove")
		f.write("a.env", "X=1\nT="+s+"\n")
		f.commit("re-add the same secret")
		s2 := f.secret()
		f.write("a.env", "X=1\nT="+s+"\nU="+s2+"\n")
		c4 := f.commit("a new one")
		return f, []string{at(c1, "a.env", 1), at(c4, "a.env", 3)}
	})
	eachStorage(t, "cherry-picked-reported-once", func(t *testing.T) (*gitFixture, []string) {
		f := newGitFixture(t)
		f.write("base.txt", "b\n")
		f.commit("base")
		f.checkout("maint", true)
		f.write("other.txt", "o\n")
		f.commit("maint work")
		f.checkout("master", false)
		s := f.secret()
		f.write("conf.ini", "k = "+s+"\n")
		c := f.commit("on master")
		f.checkout("maint", false)
		f.write("conf.ini", "k = "+s+"\n")
		f.commit("the same change picked onto maint, an hour later")
		return f, []string{at(c, "conf.ini", 1)}
	})
	eachStorage(t, "detached-head", func(t *testing.T) (*gitFixture, []string) {
		f := newGitFixture(t)
		f.write("a.txt", "a\n")
		c1 := f.commit("one")
		if err := f.wt.Checkout(&git.CheckoutOptions{Hash: c1}); err != nil {
			t.Fatal(err)
		}
		s := f.secret()
		f.write("b.txt", "t = "+s+"\n")
		c2 := f.commit("on a detached HEAD, on no branch")
		return f, []string{at(c2, "b.txt", 1)}
	})
	eachStorage(t, "binary-skipped", func(t *testing.T) (*gitFixture, []string) {
		f := newGitFixture(t)
		f.write("blob.bin", "\x00\x01token = "+f.secret()+"\n")
		f.commit("binary")
		return f, nil
	})
}

// The region scan of the pack pass must agree with scanning every blob
// whole, on a history with many versions of a file (so deltas exist).
func TestGitPackRegionsMatchWholeScan(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	var body []string
	for i := range 200 {
		body = append(body, "line "+strings.Repeat("x", i%40))
	}
	for v := range 12 {
		if v%3 == 1 {
			body[v*15] = "api_token = '" + f.secret() + "'"
		}
		if v%4 == 3 {
			body = slices.Delete(body, v*10, v*10+1)
		}
		body[100+v] = "changed " + string(rune('a'+v))
		f.write("big.txt", lines(body...))
		// The same edits to a second file with other surroundings: the
		// region cache serves its regions, matches included.
		f.write("copy/big.txt", lines(append([]string{"header", "of the copy"}, body...)...))
		f.commit("v")
	}
	f.repack()
	rs := testRules(t)
	var out [2][]string
	for i, whole := range []bool{false, true} {
		g, err := openRepo(f.dir)
		if err != nil {
			t.Fatal(err)
		}
		res, err := fullHistory(context.Background(), g, rs, testOpts(), whole)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = got(res.Findings)
	}
	if len(out[1]) == 0 || !slices.Equal(out[0], out[1]) {
		t.Errorf("region scan %q\nwhole scan  %q", out[0], out[1])
	}
	if !slices.ContainsFunc(out[0], func(s string) bool { return strings.Contains(s, "copy/big.txt") }) {
		t.Errorf("no finding in the copy: %q", out[0])
	}
}

func TestGitRange(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	f.write("a.txt", "a\n")
	c1 := f.commit("1")
	f.write("b.txt", "t = "+f.secret()+"\n")
	c2 := f.commit("2")
	f.write("c.txt", "t = "+f.secret()+"\n")
	c3 := f.commit("3")
	f.write("d.txt", "x\nt = "+f.secret()+"\n")
	c4 := f.commit("4")
	f.repack()
	tests := []struct {
		name  string
		scope GitScope
		want  []string
	}{
		{"range", GitScope{Range: c2.String() + ".." + c4.String()}, []string{at(c3, "c.txt", 1), at(c4, "d.txt", 2)}},
		{"range-one", GitScope{Range: c3.String() + ".." + c4.String()}, []string{at(c4, "d.txt", 2)}},
		{"range-to-head", GitScope{Range: c3.String() + ".."}, []string{at(c4, "d.txt", 2)}},
		{"since", GitScope{Since: c1.String()}, []string{at(c2, "b.txt", 1), at(c3, "c.txt", 1), at(c4, "d.txt", 2)}},
		{"empty", GitScope{Since: "HEAD"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sameFindings(t, history(t, f.dir, tc.scope), tc.want...)
			// A large range goes through the pack pass: same answer.
			g, err := openRepo(f.dir)
			if err != nil {
				t.Fatal(err)
			}
			res, err := rangeHistory(context.Background(), g, tc.scope, testRules(t), testOpts(), 0)
			if err != nil {
				t.Fatal(err)
			}
			sameFindings(t, res, tc.want...)
		})
	}
	_, err := GitHistory(context.Background(), f.dir, GitScope{Range: "nosuchref..HEAD"}, testRules(t), testOpts())
	if !errors.Is(err, ErrBadRevision) {
		t.Errorf("unknown revision: got %v, want ErrBadRevision", err)
	}
}

func TestGitShallowRangeBaseMissing(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	f.write("a.txt", "a\n")
	c1 := f.commit("1")
	f.write("b.txt", "b\n")
	c2 := f.commit("2")
	f.write("c.txt", "t = "+f.secret()+"\n")
	f.commit("3")
	// Make it look like a depth-2 clone: c2 is the boundary, c1 is gone.
	if err := os.WriteFile(filepath.Join(f.dir, ".git", "shallow"), []byte(c2.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	hex := c1.String()
	if err := os.Remove(filepath.Join(f.dir, ".git", "objects", hex[:2], hex[2:])); err != nil {
		t.Fatal(err)
	}
	for _, scope := range []GitScope{{Since: hex}, {Range: hex + "..HEAD"}, {Range: "origin/main..HEAD"}} {
		_, err := GitHistory(context.Background(), f.dir, scope, testRules(t), testOpts())
		var se *ShallowError
		if !errors.As(err, &se) {
			t.Errorf("%+v: got %v, want a ShallowError", scope, err)
		}
	}
	// The full history of a shallow clone is what is there: no error.
	if _, err := GitHistory(context.Background(), f.dir, GitScope{}, testRules(t), testOpts()); err != nil {
		t.Errorf("full history of a shallow clone: %v", err)
	}
}

func TestGitStaged(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	old := f.secret()
	f.write("conf.py", lines("a = 1", "old = '"+old+"'", "b = 2"))
	f.commit("one")
	added := f.secret()
	f.write("conf.py", lines("a = 1", "old = '"+old+"'", "b = 2", "c = 3", "new = '"+added+"'"))
	f.write("fresh.py", lines("x", "y", "z = '"+f.secret()+"'"))
	// Not staged: an edit after the add, and an untracked file.
	os.WriteFile(filepath.Join(f.dir, "fresh.py"), []byte("w = '"+f.secret()+"'\n"), 0o644)
	os.WriteFile(filepath.Join(f.dir, "untracked.py"), []byte("w = '"+f.secret()+"'\n"), 0o644)
	res, err := GitStaged(context.Background(), f.dir, testRules(t), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	sameFindings(t, res, " conf.py:5", " fresh.py:3")
	if res.FilesScanned != 2 {
		t.Errorf("files scanned = %d, want 2", res.FilesScanned)
	}
}

func TestGitStagedBeforeFirstCommit(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	f.write("a.txt", "t = "+f.secret()+"\n")
	f.write("dir/b.txt", "ok\n")
	res, err := GitStaged(context.Background(), f.dir, testRules(t), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	sameFindings(t, res, " a.txt:1")
	// And history of a repository without commits is empty, not an error.
	sameFindings(t, history(t, f.dir, GitScope{}))
}

func TestGitBadInput(t *testing.T) {
	t.Parallel()
	t.Run("not-a-repo", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		for _, run := range []func() error{
			func() error {
				_, err := GitHistory(context.Background(), dir, GitScope{}, testRules(t), testOpts())
				return err
			},
			func() error { _, err := GitStaged(context.Background(), dir, testRules(t), testOpts()); return err },
		} {
			if err := run(); !errors.Is(err, ErrNotGitRepo) {
				t.Errorf("got %v, want ErrNotGitRepo", err)
			}
		}
	})
	t.Run("empty-repo", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		if _, err := git.PlainInit(dir, false); err != nil {
			t.Fatal(err)
		}
		res := history(t, dir, GitScope{})
		if len(res.Findings) != 0 || res.FilesScanned != 0 {
			t.Errorf("empty repository: %+v", res)
		}
		if _, err := GitStaged(context.Background(), dir, testRules(t), testOpts()); err != nil {
			t.Error(err)
		}
	})
	t.Run("missing-object", func(t *testing.T) {
		t.Parallel()
		for _, missing := range []string{"commit", "blob"} {
			f := newGitFixture(t)
			s := f.secret()
			f.write("a.txt", "t = "+s+"\n")
			f.write("b.txt", "t = "+f.secret()+"\n")
			c := f.commit("one")
			h := c
			if missing == "blob" {
				h = blobAt(t, f, c, "a.txt")
			}
			hex := h.String()
			if err := os.Remove(filepath.Join(f.dir, ".git", "objects", hex[:2], hex[2:])); err != nil {
				t.Fatal(err)
			}
			res, err := GitHistory(context.Background(), f.dir, GitScope{}, testRules(t), testOpts())
			oes := objectErrors(t, res, err)
			if len(oes) != 1 || oes[0].Hash != hex {
				t.Fatalf("%s: got %v, want an ObjectError naming %s", missing, oes, hex)
			}
			if missing == "blob" {
				if oes[0].Commit != c.String() || oes[0].Path != "a.txt" || oes[0].File != "" {
					t.Errorf("got %+v, want it placed at %s:a.txt", oes[0], c)
				}
				// The intact blob's finding is still reported.
				sameFindings(t, res, at(c, "b.txt", 1))
			}
		}
	})
	t.Run("corrupt-pack", func(t *testing.T) {
		t.Parallel()
		f := newGitFixture(t)
		for i := range 5 {
			f.write("a.txt", strings.Repeat("some text\n", 50+i)+"t = "+f.secret()+"\n")
			f.commit("v")
		}
		f.repack()
		packs, _ := filepath.Glob(filepath.Join(f.dir, ".git", "objects", "pack", "*.pack"))
		raw, err := os.ReadFile(packs[0])
		if err != nil {
			t.Fatal(err)
		}
		for i := 40; i < len(raw)-40; i += 7 {
			raw[i] ^= 0x5a
		}
		if err := os.WriteFile(packs[0], raw, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := GitHistory(context.Background(), f.dir, GitScope{}, testRules(t), testOpts())
		oes := objectErrors(t, res, err)
		if len(oes) == 0 {
			t.Fatalf("got %v, want ObjectErrors naming the objects", err)
		}
		for _, oe := range oes {
			if len(oe.Hash) != 40 || !strings.HasPrefix(oe.File, "objects/pack/pack-") {
				t.Errorf("%v: want the object and its pack named", oe)
			}
		}
	})
	t.Run("submodule-pointer", func(t *testing.T) {
		t.Parallel()
		f := newGitFixture(t)
		s := f.secret()
		f.write(".gitmodules", "[submodule \"lib\"]\n\tpath = lib\n\turl = https://example.invalid/lib.git\n")
		f.write("a.txt", "t = "+s+"\n")
		base := f.commit("base")
		// A gitlink entry: the submodule's commit is not in this repository
		// and must not be looked for.
		bc, _ := f.repo.CommitObject(base)
		tree, _ := bc.Tree()
		ents := append(slices.Clone(tree.Entries), object.TreeEntry{Name: "lib", Mode: filemode.Submodule, Hash: plumbing.NewHash("1234567890123456789012345678901234567890")})
		slices.SortFunc(ents, func(a, b object.TreeEntry) int { return strings.Compare(a.Name, b.Name) })
		nt := &object.Tree{Entries: ents}
		obj := f.repo.Storer.NewEncodedObject()
		if err := nt.Encode(obj); err != nil {
			t.Fatal(err)
		}
		th, _ := f.repo.Storer.SetEncodedObject(obj)
		sig := object.Signature{Name: "T", Email: "t@example.invalid", When: time.Unix(1700000000, 0)}
		c := &object.Commit{Author: sig, Committer: sig, Message: "add submodule", TreeHash: th, ParentHashes: []plumbing.Hash{base}}
		cobj := f.repo.Storer.NewEncodedObject()
		if err := c.Encode(cobj); err != nil {
			t.Fatal(err)
		}
		ch, _ := f.repo.Storer.SetEncodedObject(cobj)
		f.setRef("refs/heads/master", ch)
		res := history(t, f.dir, GitScope{})
		sameFindings(t, res, at(base, "a.txt", 1))
		if len(res.Skipped) != 1 || res.Skipped[0].Path != "lib" || !strings.Contains(res.Skipped[0].Reason, "submodule") {
			t.Errorf("skipped = %+v, want the submodule said", res.Skipped)
		}
	})
	t.Run("blob-over-size-limit", func(t *testing.T) {
		t.Parallel()
		f := newGitFixture(t)
		big, err := os.Create(filepath.Join(f.dir, "dump.sql"))
		if err != nil {
			t.Fatal(err)
		}
		// 100 MB streamed to disk; go-git holds it once when adding it.
		if _, err := big.ReadFrom(&repeatReader{line: []byte("INSERT INTO t VALUES (1, 'row');\n"), left: 100 << 20}); err != nil {
			t.Fatal(err)
		}
		big.Close()
		if _, err := f.wt.Add("dump.sql"); err != nil {
			t.Fatal(err)
		}
		f.write("small.txt", "t = "+f.secret()+"\n")
		c := f.commit("big")
		res := history(t, f.dir, GitScope{})
		sameFindings(t, res, at(c, "small.txt", 1))
		if len(res.Skipped) != 1 || !strings.HasSuffix(res.Skipped[0].Path, "dump.sql") || !strings.HasPrefix(res.Skipped[0].Reason, "larger than") {
			t.Errorf("skipped = %+v, want dump.sql larger than the limit", res.Skipped)
		}
	})
	t.Run("packed-blob-over-size-limit", func(t *testing.T) {
		t.Parallel()
		f := newGitFixture(t)
		for i := range 3 {
			f.write("big.txt", strings.Repeat("filler line\n", 800+i)+"t = "+f.secret()+"\n")
			f.write("small.txt", "v"+string(rune('0'+i))+"\n")
			f.commit("v")
		}
		f.repack()
		opts := testOpts()
		opts.MaxFileSize = 5000
		res, err := GitHistory(context.Background(), f.dir, GitScope{}, testRules(t), opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 0 || len(res.Skipped) != 3 {
			t.Errorf("findings %q, skipped %+v: want none and 3 versions of big.txt skipped", got(res.Findings), res.Skipped)
		}
	})
}

func TestGitBareAndLinkedWorktree(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	f.write("a.txt", "t = "+f.secret()+"\n")
	c := f.commit("one")
	want := at(c, "a.txt", 1)

	t.Run("bare", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "bare.git")
		if _, err := git.PlainClone(dir, true, &git.CloneOptions{URL: f.dir}); err != nil {
			t.Fatal(err)
		}
		sameFindings(t, history(t, dir, GitScope{}), want)
	})
	t.Run("linked-worktree", func(t *testing.T) {
		// What `git worktree add ../wt feature` leaves behind: a .git file
		// pointing into the main repository's worktrees/, which points
		// back to the common directory.
		wt := filepath.Join(t.TempDir(), "wt")
		admin := filepath.Join(f.dir, ".git", "worktrees", "wt")
		for _, d := range []string{wt, admin} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		files := map[string]string{
			filepath.Join(wt, ".git"):         "gitdir: " + admin + "\n",
			filepath.Join(admin, "HEAD"):      c.String() + "\n",
			filepath.Join(admin, "commondir"): "../..\n",
			filepath.Join(admin, "gitdir"):    filepath.Join(wt, ".git") + "\n",
		}
		for p, s := range files {
			if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		sameFindings(t, history(t, wt, GitScope{}), want)
		sameFindings(t, history(t, filepath.Join(wt), GitScope{Since: "HEAD"}))
	})
}

func TestGitPathIgnore(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	f.write("fixtures/keys.txt", "t = "+f.secret()+"\n")
	f.write("src/app.py", "t = '"+f.secret()+"'\n")
	c := f.commit("one")
	if err := os.WriteFile(filepath.Join(f.dir, IgnoreFile), []byte("fixtures/\nfingerprint:00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sameFindings(t, history(t, f.dir, GitScope{}), at(c, "src/app.py", 1))
	f.write("fixtures/more.txt", "t = "+f.secret()+"\n")
	res, err := GitStaged(context.Background(), f.dir, testRules(t), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	sameFindings(t, res)
}

// Commits made after a repack are loose objects whose trees point at
// packed blobs and trees: the pack pass and the go-git fallback meet.
func TestGitHistoryPackedAndLoose(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	s1 := f.secret()
	f.write("a/one.txt", lines("x", "k = "+s1))
	c1 := f.commit("packed")
	f.write("b/two.txt", "y\n")
	f.commit("packed too")
	f.repack()
	s2 := f.secret()
	f.write("a/one.txt", lines("x", "k = "+s1, "k2 = "+s2))
	c3 := f.commit("loose, on top of packed trees")
	f.remove("b/two.txt")
	f.write("b/moved.txt", "y\n")
	f.commit("loose rename of a packed blob")
	sameFindings(t, history(t, f.dir, GitScope{}), at(c1, "a/one.txt", 2), at(c3, "a/one.txt", 3))
	sameFindings(t, history(t, f.dir, GitScope{Since: c1.String()}), at(c3, "a/one.txt", 3))
}

// A pull request that merged main in: the range base..head holds the
// branch's commits and the merge, never main's own secrets.
func TestGitRangeWithMergeFromBase(t *testing.T) {
	t.Parallel()
	f := newGitFixture(t)
	f.write("readme.txt", "r\n")
	f.commit("m1")
	f.checkout("feature", true)
	f.write("feature.txt", "a = "+f.secret()+"\n")
	f1 := f.commit("f1")
	f.checkout("master", false)
	f.write("main.txt", "c = "+f.secret()+"\n")
	m2 := f.commit("m2: main's own secret")
	f.checkout("feature", false)
	f.write("main.txt", "c = "+mustRead(t, f, m2, "main.txt"))
	f.merge(m2, "merge master into feature")
	f.write("feature.txt", "a = x\nb = "+f.secret()+"\n")
	f2 := f.commit("f2")
	f.checkout("master", false)
	f.write("other.txt", "o\n")
	m3 := f.commit("m3")
	f.repack()
	sameFindings(t, history(t, f.dir, GitScope{Range: m3.String() + ".." + f2.String()}),
		at(f1, "feature.txt", 1), at(f2, "feature.txt", 2))
}

func mustRead(t *testing.T, f *gitFixture, c plumbing.Hash, path string) string {
	t.Helper()
	co, err := f.repo.CommitObject(c)
	if err != nil {
		t.Fatal(err)
	}
	file, err := co.File(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := file.Contents()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(s, "c = ")
}

// A staged blob with an allow marker keeps its content and HEAD's in the
// result, for the check of the markers the change adds (internal/cli),
// which then reads no repository; an unmarked blob keeps neither.
func TestGitStagedKeepsMarkedContent(t *testing.T) {
	t.Parallel()
	marker := "# pretense" + ":allow"
	f := newGitFixture(t)
	f.write("kept.py", lines("a = 1  "+marker))
	f.write("plain.py", lines("p = 1"))
	f.write("gone.py", lines("g = 1"))
	f.commit("one")
	f.write("kept.py", lines("a = 1  "+marker, "b = 2  "+marker))
	f.write("new.py", lines("n = 1  # gitleaks"+":allow"))
	f.write("plain.py", lines("p = 2"))
	f.write("gone.py", lines("g = 2  "+marker))
	// HEAD's gone.py cannot be read.
	h := plumbing.ComputeHash(plumbing.BlobObject, []byte(lines("g = 1"))).String()
	if err := os.Remove(filepath.Join(f.dir, ".git", "objects", h[:2], h[2:])); err != nil {
		t.Fatal(err)
	}
	res, err := GitStaged(context.Background(), f.dir, testRules(t), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	type kept struct {
		marked        bool
		newText, old  string
		oldUnreadable bool
	}
	want := map[string]kept{
		"kept.py":  {true, lines("a = 1  "+marker, "b = 2  "+marker), lines("a = 1  " + marker), false},
		"new.py":   {true, lines("n = 1  # gitleaks" + ":allow"), "", false},
		"plain.py": {},
		"gone.py":  {true, lines("g = 2  " + marker), "", true},
	}
	got := map[string]kept{}
	for _, sf := range res.Staged {
		got[sf.Path] = kept{sf.Marked, string(sf.New), string(sf.Old), sf.OldUnreadable}
		if sf.Path == "new.py" && sf.Old != nil {
			t.Errorf("new.py: Old = %q, want nil (no HEAD version)", sf.Old)
		}
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: got %+v, want %+v", p, got[p], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("staged files %v, want those of %v", got, want)
	}
}
