package suppress

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pretense/pretense/internal/testtool"
)

// Range reads repositories the git command writes, in both object
// formats, and is compared with what git itself reports.

var cliFormats = []string{"sha1", "sha256"}

// diffHistory builds commits whose trees differ in every way a tree can:
// files added, modified, deleted, made executable, turned into a symbolic
// link, a file replaced by a directory and the reverse, deep directories
// added and removed. It returns the commits in order.
func diffHistory(t *testing.T, format string) (*testtool.GitRepo, []string) {
	g := testtool.NewGitRepo(t, format)
	var cs []string
	g.Write("a.txt", "a\n")
	g.Write("b.txt", "b\n")
	g.Write("dir/x.txt", "x\n")
	g.Write("dir/sub/y.txt", "y\n")
	g.Write("swap", "file that becomes a directory\n")
	g.Write("tod/z.txt", "directory that becomes a file\n")
	g.Write("a-b/q.txt", "sorts around a.txt and a/\n")
	cs = append(cs, g.Commit("one"))

	g.Write("a.txt", "a changed\n")
	g.Run("rm", "-q", "b.txt")
	g.Run("update-index", "--chmod=+x", "dir/x.txt")
	g.Run("rm", "-q", "swap")
	g.Write("swap/inside.txt", "now a directory\n")
	g.Run("rm", "-rq", "tod")
	g.Write("tod", "now a file\n")
	g.Write("new/deep/er/file.txt", "deep\n")
	g.Write("a/b.txt", "a directory named like a file's prefix\n")
	cs = append(cs, g.Commit("two"))

	if err := os.Remove(filepath.Join(g.Dir, "a.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("dir/x.txt", filepath.Join(g.Dir, "a.txt")); err != nil {
		t.Fatal(err)
	}
	g.Run("add", "a.txt")
	g.Run("rm", "-rq", "dir/sub")
	g.Write("dir/x.txt", "x changed, still executable\n")
	cs = append(cs, g.Commit("three"))
	return g, cs
}

// gitDiff is `git diff-tree -r --no-renames` as "A path", "D path",
// "M path" lines (a type change, T, is a modification here).
func gitDiff(g *testtool.GitRepo, from, to string) []string {
	var out []string
	for _, l := range strings.Split(g.Run("diff-tree", "-r", "--no-renames", from, to), "\n") {
		if l == "" {
			continue
		}
		meta, p, _ := strings.Cut(l, "\t")
		f := strings.Fields(meta)
		st := f[len(f)-1]
		if st == "T" {
			st = "M"
		}
		out = append(out, st+" "+p)
	}
	return out
}

func openTestRange(t *testing.T, dir, spec string) *Range {
	t.Helper()
	r, err := OpenRange(dir, spec)
	if err != nil {
		t.Fatalf("OpenRange(%q): %v", spec, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestRangeDiffMatchesGit(t *testing.T) {
	for _, format := range cliFormats {
		t.Run(format, func(t *testing.T) {
			g, cs := diffHistory(t, format)
			for i := range cs {
				for j := range cs {
					r := openTestRange(t, g.Dir, cs[i]+".."+cs[j])
					changes, err := r.diffTrees("", r.base.tree, r.head.tree, nil)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, ch := range changes {
						st := "M"
						switch {
						case ch.from.mode == 0:
							st = "A"
						case ch.to.mode == 0:
							st = "D"
						}
						got = append(got, st+" "+ch.path)
					}
					if want := gitDiff(g, cs[i], cs[j]); !slices.Equal(got, want) {
						t.Errorf("diff %d..%d:\n got %q\nwant %q", i, j, got, want)
					}
				}
			}
		})
	}
}

func TestRangeRead(t *testing.T) {
	for _, format := range cliFormats {
		t.Run(format, func(t *testing.T) {
			g, cs := diffHistory(t, format)
			r := openTestRange(t, g.Dir, cs[0]+".."+cs[2])
			if got := r.Head(); got != cs[2] {
				t.Errorf("Head() = %s, want %s", got, cs[2])
			}
			for _, tc := range []struct {
				head bool
				path string
				want string // "" for not found
			}{
				{false, "a.txt", "a\n"},
				{false, "dir/sub/y.txt", "y\n"},
				{false, "./dir/../dir/x.txt", "x\n"},
				{false, "dir", ""},     // a directory is no file
				{false, "dir/sub", ""}, // nor a nested one
				{false, "a.txt/x", ""}, // through a file
				{false, "new/deep/er/file.txt", ""},
				{false, "", ""},
				{false, "../a.txt", ""},
				{true, "new/deep/er/file.txt", "deep\n"},
				{true, "a.txt", "dir/x.txt"}, // a symbolic link's content is its target
				{true, "dir/sub/y.txt", ""},
				{true, "tod", "now a file\n"},
			} {
				read := r.ReadBase
				if tc.head {
					read = r.ReadHead
				}
				data, ok, err := read(tc.path)
				if err != nil {
					t.Fatalf("read %q (head %v): %v", tc.path, tc.head, err)
				}
				if ok != (tc.want != "") || string(data) != tc.want {
					t.Errorf("read %q (head %v) = %q, %v; want %q", tc.path, tc.head, data, ok, tc.want)
				}
			}
		})
	}
}

// The base's .pretenseignore files apply from the root down, each scoped
// to its directory, deeper ones winning, whatever their order in the tree
// ("-dir" sorts before ".pretenseignore"); changes in the tip do not
// count.
func TestRangeBasePaths(t *testing.T) {
	for _, format := range cliFormats {
		t.Run(format, func(t *testing.T) {
			g := testtool.NewGitRepo(t, format)
			g.Write(IgnoreFile, "*.log\n!keep.log\nfingerprint:aa\n")
			g.Write("sub/"+IgnoreFile, "keep.log\nfingerprint:bb # reason\n")
			g.Write("-dir/"+IgnoreFile, "!*.log\n")
			g.Write("odd/"+IgnoreFile+"/inner.txt", "a directory with the ignore file's name\n")
			base := g.Commit("base")
			g.Write(IgnoreFile, "*\n")
			g.Write("sub/"+IgnoreFile, "fingerprint:cc\n")
			g.Commit("tip")
			r := openTestRange(t, g.Dir, base+"..HEAD")
			match, fps, err := r.BasePaths([]string{"extra/"})
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"aa", "bb"}; !slices.Equal(fps, want) {
				t.Errorf("fingerprints %q, want %q", fps, want)
			}
			for p, want := range map[string]bool{
				"x.log": true, "keep.log": false, "sub/x.log": true, "sub/keep.log": true,
				"-dir/x.log": false, "main.go": false, "extra/file.go": true, "odd/" + IgnoreFile + "/inner.txt": false,
			} {
				if got := match(p); got != want {
					t.Errorf("match(%q) = %v, want %v", p, got, want)
				}
			}
		})
	}
}

func TestRangeConfigChanges(t *testing.T) {
	marker := "# pretense" + ":allow"
	for _, format := range cliFormats {
		t.Run(format, func(t *testing.T) {
			g := testtool.NewGitRepo(t, format)
			g.Write(IgnoreFile, "a\n")
			g.Write("gone/"+IgnoreFile, "b\n")
			g.Write("code.py", "x = 1  "+marker+"\ny = 2\n")
			g.Write("bin.dat", "\x00binary "+marker+"\n")
			g.Write(".pretense.yaml", "phi-mode: off\n")
			base := g.Commit("base")
			g.Write(IgnoreFile, "a\nb\n")
			g.Run("rm", "-q", "gone/"+IgnoreFile)
			g.Write("new/"+IgnoreFile, "c\n")
			// The marked line moves down: not a new marker; a second
			// copy of it and a new marked line are.
			g.Write("code.py", "y = 2\nx = 1  "+marker+"\nx = 1  "+marker+"\nz = 3  "+marker+"\n")
			g.Write("bin.dat", "\x00binary "+marker+" again\n")
			g.Write("added.py", "w = 4  "+marker+"\n")
			g.Write("baseline.json", "{}\n")
			tip := g.Commit("tip")
			r := openTestRange(t, g.Dir, base+"..HEAD")
			changes, err := r.ConfigChanges([]string{ConfigFile, "./baseline.json"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ch := range changes {
				if ch.Commit != tip {
					t.Errorf("change %v: commit %s, want %s", ch, ch.Commit, tip)
				}
				got = append(got, ch.Path+":"+strconv.Itoa(ch.Line)+" "+ch.What)
			}
			want := []string{
				IgnoreFile + ":1 modified",
				"added.py:1 adds a " + AllowMarker + " marker",
				"baseline.json:1 added",
				"code.py:3 adds a " + AllowMarker + " marker",
				"code.py:4 adds a " + AllowMarker + " marker",
				"gone/" + IgnoreFile + ":1 deleted",
				"new/" + IgnoreFile + ":1 added",
			}
			if !slices.Equal(got, want) {
				t.Errorf("changes:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// The merge base, not the base, is what the range changed from: a change
// the base made after the fork is not the range's. In a shallow clone
// the merge base may lie beyond the boundary: git finds none there, so the
// change is measured from the base itself (the base's own changes show
// too), not an error.
func TestRangeConfigChangesFromMergeBase(t *testing.T) {
	for _, format := range cliFormats {
		t.Run(format, func(t *testing.T) {
			g := testtool.NewGitRepo(t, format)
			g.Write("README", "r\n")
			g.Commit("root")
			g.Run("branch", "pr")
			g.Write(IgnoreFile, "main-only\n")
			g.Commit("main adds an ignore file")
			for i := range 2 {
				g.Write("main.txt", strconv.Itoa(i)+"\n")
				g.Commit("main " + strconv.Itoa(i))
			}
			g.Run("checkout", "-q", "pr")
			g.Write("sub/"+IgnoreFile, "pr-only\n")
			g.Commit("pr adds one")
			shallow := t.TempDir() + "/shallow"
			g.Run("clone", "-q", "--depth", "1", "--no-single-branch", "file://"+g.Dir, shallow)
			for _, tc := range []struct {
				dir, spec string
				want      []string
			}{
				{g.Dir, "main..pr", []string{"sub/" + IgnoreFile + " added"}},
				{shallow, "origin/main..origin/pr", []string{IgnoreFile + " deleted", "sub/" + IgnoreFile + " added"}},
			} {
				r := openTestRange(t, tc.dir, tc.spec)
				changes, err := r.ConfigChanges(nil)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, ch := range changes {
					got = append(got, ch.Path+" "+ch.What)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s: changes %q, want %q", tc.spec, got, tc.want)
				}
				// The base's configuration is main's.
				if data, ok, err := r.ReadBase(IgnoreFile); err != nil || !ok || string(data) != "main-only\n" {
					t.Errorf("%s: ReadBase = %q, %v, %v", tc.spec, data, ok, err)
				}
			}
		})
	}
}

func TestOpenRangeErrors(t *testing.T) {
	g := testtool.NewGitRepo(t, "sha256")
	g.Write("f.txt", "f\n")
	c := g.Commit("one")
	g.Run("tag", "-a", "-m", "annotated", "v1")
	tree := g.Run("rev-parse", "HEAD^{tree}")
	for _, spec := range []string{"HEAD", "..HEAD", "nope..HEAD", "HEAD..nope", "HEAD~1..HEAD", tree + "..HEAD",
		strings.Repeat("ab", 32) + "..HEAD"} {
		if _, err := OpenRange(g.Dir, spec); !errors.Is(err, ErrRange) {
			t.Errorf("OpenRange(%q): %v, want ErrRange", spec, err)
		}
	}
	// An annotated tag names its commit.
	r := openTestRange(t, g.Dir, "v1..v1")
	if r.Head() != c {
		t.Errorf("v1..v1 head %s, want %s", r.Head(), c)
	}
	if _, err := OpenRange(t.TempDir(), "HEAD..HEAD"); err == nil || errors.Is(err, ErrRange) {
		t.Errorf("outside a repository: %v, want a non-range error", err)
	}
}

// A base configuration file whose object is missing is an error, not an
// absent file: the scan must not go on without it.
func TestRangeMissingBlob(t *testing.T) {
	g := testtool.NewGitRepo(t, "sha256")
	g.Write(ConfigFile, "phi-mode: off\n")
	g.Write("sub/"+IgnoreFile, "x\n")
	g.Commit("one")
	for _, p := range []string{ConfigFile, "sub/" + IgnoreFile} {
		id := g.Run("rev-parse", "HEAD:"+p)
		if err := os.Remove(filepath.Join(g.Dir, ".git", "objects", id[:2], id[2:])); err != nil {
			t.Fatal(err)
		}
	}
	r := openTestRange(t, g.Dir, "HEAD..HEAD")
	if _, ok, err := r.ReadBase(ConfigFile); err == nil {
		t.Errorf("ReadBase of a missing blob: ok %v, no error", ok)
	}
	if _, _, err := r.BasePaths(nil); err == nil {
		t.Error("BasePaths with a missing .pretenseignore blob: no error")
	}
}
