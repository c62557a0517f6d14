package gitobj_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/internal/testtool"
)

// Repositories written by the git command, in both object formats, read
// back through Repo, Store and ParseIndexFile and compared with what git
// itself reports (rev-parse, cat-file, ls-files): loose objects, packs
// with deltas, loose and packed refs, annotated tags, index v2, v3, v4.

var formats = []struct {
	name string
	f    gitobj.Format
	hex  int // digits of an id
}{
	{"sha1", gitobj.SHA1, 40},
	{"sha256", gitobj.SHA256, 64},
}

// cliHistory builds a history with branches, tags and enough versions of
// one file that a repack stores most of them as deltas.
func cliHistory(t testing.TB, format string) *testtool.GitRepo {
	g := testtool.NewGitRepo(t, format)
	var body strings.Builder
	for c := range 8 {
		for l := range 40 {
			fmt.Fprintf(&body, "line %d of version %d\n", l, c*(l%3))
		}
		g.Write("big.txt", body.String())
		g.Write(fmt.Sprintf("dir/sub/f%d.txt", c%3), fmt.Sprintf("version %d\n", c))
		g.Commit(fmt.Sprintf("commit %d", c))
		if c == 3 {
			g.Run("tag", "light")
			g.Run("branch", "feature")
		}
	}
	g.Run("tag", "-a", "-m", "annotated", "v1", "HEAD~2")
	return g
}

func openCLI(t testing.TB, g *testtool.GitRepo) (*gitobj.Repo, *gitobj.Store) {
	t.Helper()
	// From a subdirectory, as a scan given a path inside the work tree.
	return openAt(t, filepath.Join(g.Dir, "dir", "sub"))
}

// openAt opens the repository at or above dir and its objects, closed
// when the test ends.
func openAt(t testing.TB, dir string) (*gitobj.Repo, *gitobj.Store) {
	t.Helper()
	r, err := gitobj.OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Objects(gitobj.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return r, s
}

func TestGitCLIRepositories(t *testing.T) {
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) {
			t.Parallel()
			g := cliHistory(t, fm.name)

			// Loose: every object is a file under objects/xx/.
			r, s := openCLI(t, g)
			if r.Format != fm.f {
				t.Fatalf("format = %v, want %v", r.Format, fm.f)
			}
			if len(s.Packs()) != 0 {
				t.Fatalf("%d packs before gc", len(s.Packs()))
			}
			checkRevisions(t, g, r, s, fm.hex)
			checkAllObjects(t, g, r, s, fm.hex)

			// Packed: gc packs the objects (deltas included) and the refs.
			g.Run("gc", "-q", "--prune=now")
			if loose := g.Run("count-objects"); !strings.HasPrefix(loose, "0 objects") {
				t.Fatalf("after gc: %s", loose)
			}
			if _, err := os.Stat(filepath.Join(g.Dir, ".git", "packed-refs")); err != nil {
				t.Fatalf("gc wrote no packed-refs: %v", err)
			}
			r, s = openCLI(t, g)
			if len(s.Packs()) != 1 {
				t.Fatalf("%d packs after gc, want 1", len(s.Packs()))
			}
			if !strings.Contains(g.Run("verify-pack", "-v", packIdx(t, g)), "chain length") {
				t.Fatal("the pack holds no delta: the test would not read one")
			}
			checkRevisions(t, g, r, s, fm.hex)
			checkAllObjects(t, g, r, s, fm.hex)
			checkPackPass(t, s)

			// Mixed: a loose commit on top of the pack, and a second pack.
			g.Write("big.txt", "replaced\n")
			g.Commit("after gc")
			r, s = openCLI(t, g)
			checkRevisions(t, g, r, s, fm.hex)
			checkAllObjects(t, g, r, s, fm.hex)
			g.Run("repack", "-dq")
			r, s = openCLI(t, g)
			if len(s.Packs()) != 2 {
				t.Fatalf("%d packs after an incremental repack, want 2", len(s.Packs()))
			}
			checkAllObjects(t, g, r, s, fm.hex)
		})
	}
}

// checkPackPass walks each pack as the history scan does: every entry
// inflated once, deltas rebuilt from their base down the delta forest,
// every object checked against its id by an Inflater made from the
// store's options.
func checkPackPass(t *testing.T, s *gitobj.Store) {
	t.Helper()
	z := gitobj.NewInflater(s.Options())
	var whole, deltas int
	for _, p := range s.Packs() {
		if err := p.Load(); err != nil {
			t.Fatal(err)
		}
		var walk func(i int32, typ gitobj.Type, content []byte)
		walk = func(i int32, typ gitobj.Type, content []byte) {
			if err := z.Check(p, i, typ, content); err != nil {
				t.Errorf("entry %d: %v", i, err)
			}
			for _, c := range p.Children(i) {
				d, err := z.Entry(p, c, nil)
				if err != nil {
					t.Fatalf("entry %d: %v", c, err)
				}
				out, _, err := gitobj.ApplyDelta(content, d, nil, nil, false, s.MaxSize())
				if err != nil {
					t.Fatalf("entry %d: %v", c, err)
				}
				deltas++
				walk(c, typ, out)
			}
		}
		for i, e := range p.Entries {
			if e.Type.IsDelta() {
				continue
			}
			data, err := z.Entry(p, int32(i), nil)
			if err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
			whole++
			walk(int32(i), e.Type, data)
		}
		p.Unload()
	}
	if whole == 0 || deltas == 0 {
		t.Errorf("pack pass checked %d whole objects and %d deltas; want some of each", whole, deltas)
	}
}

func packIdx(t *testing.T, g *testtool.GitRepo) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(g.Dir, ".git", "objects", "pack", "*.idx"))
	if len(m) != 1 {
		t.Fatalf("pack indexes: %q", m)
	}
	return m[0]
}

// checkRevisions resolves the revision forms a scan is given and compares
// each with git rev-parse.
func checkRevisions(t *testing.T, g *testtool.GitRepo, r *gitobj.Repo, s *gitobj.Store, hexLen int) {
	t.Helper()
	rd := s.NewReader()
	head := g.Run("rev-parse", "HEAD")
	revs := []string{
		"HEAD", "@", "main", "refs/heads/main", "heads/main", "feature", "light", "v1", "tags/v1",
		"v1^{}", "v1^{commit}", "v1~1", "HEAD~1", "HEAD^", "HEAD^1", "HEAD~3", "HEAD^0",
		"feature~2", "main~1^", head, head[:12], strings.ToUpper(head[:12]),
	}
	for _, rev := range revs {
		want := g.Run("rev-parse", "--verify", "-q", rev)
		h, err := r.Resolve(rd, rev)
		if err != nil {
			t.Errorf("Resolve(%q): %v (git: %s)", rev, err, want)
			continue
		}
		if h.String() != want {
			t.Errorf("Resolve(%q) = %s, git says %s", rev, h, want)
		}
		if len(h.String()) != hexLen || h.Size() != hexLen/2 {
			t.Errorf("Resolve(%q) = %s: %d hex digits, want %d", rev, h, len(h.String()), hexLen)
		}
	}
	for _, bad := range []string{"nosuch", "HEAD~99", "HEAD^2", "v1^{tree}", "main..", strings.Repeat("0", hexLen-1) + "x"} {
		if h, err := r.Resolve(rd, bad); err == nil {
			t.Errorf("Resolve(%q) = %s, want an error", bad, h)
		}
	}
	refs, err := r.Refs()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ref := range refs {
		got = append(got, ref.Hash.String()+" "+ref.Name)
	}
	if want := g.Run("for-each-ref", "--format=%(objectname) %(refname)"); strings.Join(got, "\n") != want {
		t.Errorf("Refs:\n%s\ngit for-each-ref:\n%s", strings.Join(got, "\n"), want)
	}
}

// checkAllObjects reads every object git lists, through the reader, and
// compares type, size and content with cat-file; commits, tags and trees
// are parsed too.
func checkAllObjects(t *testing.T, g *testtool.GitRepo, r *gitobj.Repo, s *gitobj.Store, hexLen int) {
	t.Helper()
	rd := s.NewReader()
	list := g.Run("cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype) %(objectsize)")
	kinds := map[string]int{}
	for _, line := range strings.Split(list, "\n") {
		f := strings.Fields(line)
		if len(f[0]) != hexLen {
			t.Fatalf("git lists %s: not %d hex digits", f[0], hexLen)
		}
		h, ok := gitobj.ParseHash(f[0])
		if !ok {
			t.Fatalf("ParseHash(%s) failed", f[0])
		}
		typ, data, err := rd.Object(h)
		if err != nil {
			t.Errorf("Object(%s): %v", h, err)
			continue
		}
		kinds[f[1]]++
		if typ.String() != f[1] || strconv.Itoa(len(data)) != f[2] {
			t.Errorf("%s: %s of %d bytes, git says %s of %s", h, typ, len(data), f[1], f[2])
		}
		if size, err := rd.Size(h); err != nil || strconv.FormatInt(size, 10) != f[2] {
			t.Errorf("Size(%s) = %d, %v; git says %s", h, size, err, f[2])
		}
		if want := g.RunBytes("cat-file", f[1], f[0]); !bytes.Equal(data, want) {
			t.Errorf("%s %s: content differs from git cat-file", f[1], h)
		}
		if id := r.Format.ID(typ, data); id != h {
			t.Errorf("content of %s hashes to %s", h, id)
		}
		// Head rebuilds any prefix without the whole object (deltas
		// through their chains, in a repacked history).
		for _, n := range []int{0, 1, 37, 700, len(data), len(data) + 5} {
			ht, hsize, head, err := rd.Head(h, n)
			if err != nil || ht != typ || hsize != int64(len(data)) || !bytes.Equal(head, data[:min(n, len(data))]) {
				t.Errorf("Head(%s, %d) = %s, %d, %q, %v; want the object's first bytes", h, n, ht, hsize, head, err)
			}
		}
		switch typ {
		case gitobj.Commit:
			c, err := r.Format.ParseCommit(data)
			if err != nil {
				t.Errorf("ParseCommit(%s): %v", h, err)
				continue
			}
			if want := g.Run("rev-parse", f[0]+"^{tree}"); c.Tree.String() != want {
				t.Errorf("commit %s: tree %s, git says %s", h, c.Tree, want)
			}
			var ps []string
			for _, p := range c.Parents {
				ps = append(ps, p.String())
			}
			if want := g.Run("log", "-1", "--format=%P", f[0]); strings.Join(ps, " ") != want {
				t.Errorf("commit %s: parents %q, git says %q", h, ps, want)
			}
			if want := g.Run("log", "-1", "--format=%at %ct", f[0]); fmt.Sprint(c.When.Unix(), c.CTime) != want {
				t.Errorf("commit %s: times %d %d, git says %s", h, c.When.Unix(), c.CTime, want)
			}
		case gitobj.Tag:
			target, err := r.Format.ParseTag(data)
			if want := g.Run("rev-parse", f[0]+"^{}"); err != nil || target.String() != want {
				t.Errorf("tag %s: target %s, %v; git says %s", h, target, err, want)
			}
		case gitobj.Tree:
			var ents []string
			err := r.Format.ParseTree(data, func(name []byte, mode filemode.FileMode, id gitobj.Hash) {
				typ := "blob"
				if mode == filemode.Dir {
					typ = "tree"
				}
				ents = append(ents, fmt.Sprintf("%06o %s %s\t%s", uint32(mode), typ, id, name))
			})
			if want := g.Run("ls-tree", f[0]); err != nil || strings.Join(ents, "\n") != want {
				t.Errorf("tree %s: %v\n%s\ngit ls-tree:\n%s", h, err, strings.Join(ents, "\n"), want)
			}
		}
	}
	for _, k := range []string{"commit", "tree", "blob", "tag"} {
		if kinds[k] == 0 {
			t.Errorf("no %s object read", k)
		}
	}
}

// TestGitCLIIndex reads the index git writes, in the versions git writes
// (2 by default, 3 once an entry has extended flags, 4 on request), and
// compares it with git ls-files.
func TestGitCLIIndex(t *testing.T) {
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) {
			t.Parallel()
			g := testtool.NewGitRepo(t, fm.name)
			g.Write("a.txt", "a\n")
			g.Write("dir/deeper/b.txt", "b\n")
			g.Write("dir/deeper/c.txt", "c\n")
			g.Write("dir/e.txt", "e\n")
			// A long name followed by one sharing little of it: index v4
			// strips 128 bytes or more, a varint of two bytes.
			g.Write("long/"+strings.Repeat("deep-directory-name/", 12)+"f.txt", "f\n")
			g.Write("m.txt", "m\n")
			g.Commit("one")
			g.Write("a.txt", "a changed\n")
			g.Write("zz/new.txt", "new\n")
			r, err := gitobj.OpenRepo(g.Dir)
			if err != nil {
				t.Fatal(err)
			}
			check := func(version int, intentToAdd string) {
				t.Helper()
				raw, err := os.ReadFile(filepath.Join(g.Dir, ".git", "index"))
				if err != nil {
					t.Fatal(err)
				}
				if v := int(raw[7]); v != version {
					t.Fatalf("git wrote index version %d, want %d", v, version)
				}
				ents, err := r.ReadIndex("")
				if err != nil {
					t.Fatalf("index v%d: %v", version, err)
				}
				var got []string
				for _, e := range ents {
					got = append(got, fmt.Sprintf("%06o %s %d\t%s", e.Mode, e.Hash, e.Stage, e.Name))
					if len(e.Hash.String()) != fm.hex {
						t.Errorf("index v%d: %s has id %s", version, e.Name, e.Hash)
					}
					if e.IntentToAdd != (e.Name == intentToAdd) {
						t.Errorf("index v%d: %s intent-to-add = %v", version, e.Name, e.IntentToAdd)
					}
				}
				if want := g.Run("ls-files", "-s"); strings.Join(got, "\n") != want {
					t.Errorf("index v%d:\n%s\ngit ls-files -s:\n%s", version, strings.Join(got, "\n"), want)
				}
			}
			check(2, "")
			// An intent-to-add entry has extended flags: git writes v3.
			if err := os.WriteFile(filepath.Join(g.Dir, "later.txt"), []byte("later\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			g.Run("add", "-N", "later.txt")
			check(3, "later.txt")
			g.Run("update-index", "--index-version", "4")
			check(4, "later.txt")
			g.Run("update-index", "--index-version", "2")
			g.Run("rm", "-q", "--cached", "later.txt")
			check(2, "")
		})
	}
}

// TestGitCLICacheTree reads the cache tree git keeps in the index: after a
// commit every directory's tree is known and equals the commit's; staging
// a change invalidates the directories above it and no other.
func TestGitCLICacheTree(t *testing.T) {
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) {
			t.Parallel()
			g := testtool.NewGitRepo(t, fm.name)
			g.Write("a.txt", "a\n")
			g.Write("dir/deeper/b.txt", "b\n")
			g.Write("dir/e.txt", "e\n")
			g.Write("other/x.txt", "x\n")
			g.Commit("one")
			r, err := gitobj.OpenRepo(g.Dir)
			if err != nil {
				t.Fatal(err)
			}
			// flat lists the cache tree as path -> tree id ("-" when
			// invalid).
			flat := func() map[string]string {
				t.Helper()
				_, ct, err := r.ReadIndexTree("")
				if err != nil || ct == nil {
					t.Fatalf("cache tree %v, %v", ct, err)
				}
				out := map[string]string{}
				var walk func(c *gitobj.CacheTree, path string)
				walk = func(c *gitobj.CacheTree, path string) {
					out[path] = "-"
					if c.Valid {
						out[path] = c.Hash.String()
					}
					for _, s := range c.Subtrees {
						walk(s, strings.TrimPrefix(path+"/"+s.Name, "/"))
					}
				}
				walk(ct, "")
				return out
			}
			want := map[string]string{}
			for _, p := range []string{"", "dir", "dir/deeper", "other"} {
				want[p] = g.Run("rev-parse", "HEAD:"+p)
			}
			if got := flat(); !reflect.DeepEqual(got, want) {
				t.Fatalf("after commit: %v, want %v", got, want)
			}
			g.Write("dir/deeper/b.txt", "b changed\n")
			want[""], want["dir"], want["dir/deeper"] = "-", "-", "-"
			if got := flat(); !reflect.DeepEqual(got, want) {
				t.Fatalf("after staging dir/deeper/b.txt: %v, want %v", got, want)
			}
		})
	}
}

// FuzzCacheTree reads arbitrary TREE extension data: no panic, and a tree
// that reads back has an id of the format's length wherever it is valid.
func FuzzCacheTree(f *testing.F) {
	id := strings.Repeat("\x01", 20)
	f.Add([]byte("\x003 2\n"+id+"dir\x002 1\n"+id+"deeper\x00-1 0\nother\x001 0\n"+id), false)
	f.Add([]byte("\x00-1 1\nsub\x000 0\n"+strings.Repeat("\x02", 32)), true)
	f.Add([]byte("\x00-1 99999999999\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, sha256 bool) {
		fm := gitobj.SHA1
		if sha256 {
			fm = gitobj.SHA256
		}
		ct := gitobj.ParseCacheTreeForTest(data, fm)
		var walk func(c *gitobj.CacheTree)
		walk = func(c *gitobj.CacheTree) {
			if c.Valid && c.Hash.Size() != fm.Size() {
				t.Fatalf("valid node %q with a %d-byte id", c.Name, c.Hash.Size())
			}
			for _, s := range c.Subtrees {
				walk(s)
			}
		}
		if ct != nil {
			walk(ct)
		}
	})
}

// FuzzResolve resolves arbitrary revisions in a SHA-256 repository git
// wrote (packed and loose refs, an annotated tag, objects in a pack and
// loose): no panic, and a revision that resolves names an object the
// store holds, with a 32-byte id.
func FuzzResolve(f *testing.F) {
	g := cliHistory(f, "sha256")
	g.Run("gc", "-q")
	g.Write("big.txt", "loose again\n")
	g.Commit("loose")
	g.Run("update-ref", "refs/remotes/origin/main", "HEAD~1")
	g.Run("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	r, s := openCLI(f, g)
	head := g.Run("rev-parse", "HEAD")
	for _, rev := range []string{"HEAD", "main~2^{}", "v1^{commit}~1", "origin", "origin/main^", "tags/light", head[:8], head, "HEAD^^2", "@~3", "feature^{tree}", "refs/../config"} {
		f.Add(rev)
	}
	f.Fuzz(func(t *testing.T, rev string) {
		rd := s.NewReader()
		h, err := r.Resolve(rd, rev)
		if err != nil {
			return
		}
		if h.Size() != 32 {
			t.Fatalf("Resolve(%q) = %s: %d bytes", rev, h, h.Size())
		}
		// A full id is taken as it is, as git rev-parse --verify takes
		// it: whether the object exists is for the reader to say.
		if full, ok := gitobj.ParseHash(rev); ok && full.Size() == 32 {
			if full != h {
				t.Fatalf("Resolve(%q) = %s", rev, h)
			}
			return
		}
		if _, _, err := rd.Object(h); err != nil {
			t.Fatalf("Resolve(%q) = %s, which does not read: %v", rev, h, err)
		}
	})
}
