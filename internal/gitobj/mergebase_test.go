package gitobj_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/internal/testtool"
)

// mergeHistory builds branches, merges, a criss-cross merge (two best
// common ancestors) and an unrelated root, and returns every commit.
func mergeHistory(t *testing.T, format string) (*testtool.GitRepo, []string) {
	g := testtool.NewGitRepo(t, format)
	var all []string
	n := 0
	commit := func() string {
		n++
		g.Write(fmt.Sprintf("f%d.txt", n), fmt.Sprintf("%d\n", n))
		id := g.Commit(fmt.Sprintf("c%d", n))
		all = append(all, id)
		return id
	}
	merge := func(other string) string {
		n++
		g.Run("merge", "-q", "--no-ff", "--no-edit", other)
		// The merge takes today's date, later than the fixed clock of
		// the commits made after it: the walk must give git's answer on
		// skewed dates too.
		id := g.Run("rev-parse", "HEAD")
		all = append(all, id)
		return id
	}
	commit()
	fork := commit()
	commit()
	g.Run("checkout", "-q", "-b", "x", fork)
	commit()
	commit()
	g.Run("checkout", "-q", "-b", "y", fork)
	commit()
	g.Run("checkout", "-q", "main")
	merge("x")
	commit()
	// Criss-cross: a and b each merge the other's tip.
	g.Run("checkout", "-q", "-b", "a", "main")
	commit()
	g.Run("checkout", "-q", "-b", "b", "y")
	commit()
	aTip, bTip := g.Run("rev-parse", "a"), g.Run("rev-parse", "b")
	g.Run("checkout", "-q", "a")
	merge(bTip)
	g.Run("checkout", "-q", "b")
	merge(aTip)
	commit()
	g.Run("checkout", "-q", "a")
	commit()
	// An unrelated history.
	g.Run("checkout", "-q", "--orphan", "lone")
	g.Run("rm", "-rq", "--cached", ".")
	commit()
	return g, all
}

// gitMergeBase is `git merge-base --all a b`; it exits 1 with no output
// when the histories are disjoint.
func gitMergeBase(t *testing.T, dir, a, b string) []string {
	t.Helper()
	cmd := exec.Command("git", "merge-base", "--all", a, b)
	cmd.Dir = dir
	for _, kv := range cmd.Environ() {
		if !strings.HasPrefix(kv, "GIT_") { // GIT_DIR from a hook would point elsewhere
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 && len(out) == 0 {
		return nil
	}
	if err != nil {
		t.Fatalf("git merge-base %s %s: %v", a, b, err)
	}
	return strings.Fields(string(out))
}

func TestMergeBaseMatchesGit(t *testing.T) {
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) {
			g, all := mergeHistory(t, fm.name)
			_, s := openAt(t, g.Dir)
			rd := s.NewReader()
			multi, none := 0, 0
			for _, a := range all {
				for _, b := range all {
					ha, _ := gitobj.ParseHash(a)
					hb, _ := gitobj.ParseHash(b)
					got, err := gitobj.MergeBase(rd, ha, hb, nil)
					if err != nil {
						t.Fatalf("MergeBase(%s, %s): %v", a, b, err)
					}
					want := gitMergeBase(t, g.Dir, a, b)
					if hexes(got) != strings.Join(want, " ") {
						t.Errorf("MergeBase(%.8s, %.8s) = %v, git says %v", a, b, hexes(got), want)
					}
					switch len(want) {
					case 0:
						none++
					case 1:
					default:
						multi++
					}
				}
			}
			// The history must exercise the hard cases, or the
			// comparison proves little.
			if multi == 0 || none == 0 {
				t.Fatalf("history has %d pairs with several bases, %d disjoint: want both", multi, none)
			}

			// A shallow clone: git takes its boundary commits as
			// parentless, and so must MergeBase.
			dir := t.TempDir() + "/shallow"
			g.Run("clone", "-q", "--depth", "2", "--no-single-branch", "file://"+g.Dir, dir)
			sr, ss := openAt(t, dir)
			shallow, err := sr.Shallow()
			if err != nil || len(shallow) == 0 {
				t.Fatalf("clone's shallow list: %v, %v", shallow, err)
			}
			srd := ss.NewReader()
			have := strings.Fields(g.Run("-C", dir, "rev-list", "--all"))
			differs := 0
			for _, a := range have {
				for _, b := range have {
					ha, _ := gitobj.ParseHash(a)
					hb, _ := gitobj.ParseHash(b)
					got, err := gitobj.MergeBase(srd, ha, hb, shallow)
					if err != nil {
						t.Fatalf("shallow MergeBase(%s, %s): %v", a, b, err)
					}
					want := gitMergeBase(t, dir, a, b)
					if hexes(got) != strings.Join(want, " ") {
						t.Errorf("shallow MergeBase(%.8s, %.8s) = %v, git says %v", a, b, hexes(got), want)
					}
					if full := gitMergeBase(t, g.Dir, a, b); strings.Join(full, " ") != strings.Join(want, " ") {
						differs++
					}
				}
			}
			if differs == 0 {
				t.Fatal("the shallow clone's merge bases are all those of the full history: the boundary is not exercised")
			}
		})
	}
}

// A commit id that names no commit is an error, not "no merge base".
func TestMergeBaseMissingCommit(t *testing.T) {
	g, all := mergeHistory(t, "sha1")
	_, s := openAt(t, g.Dir)
	rd := s.NewReader()
	a, _ := gitobj.ParseHash(all[0])
	missing, _ := gitobj.ParseHash(strings.Repeat("ab", 20))
	if _, err := gitobj.MergeBase(rd, a, missing, nil); err == nil {
		t.Fatal("MergeBase with a missing commit: no error")
	}
	tree, _ := gitobj.ParseHash(g.Run("rev-parse", "HEAD^{tree}"))
	if _, err := gitobj.MergeBase(rd, a, tree, nil); err == nil {
		t.Fatal("MergeBase with a tree: no error")
	}
}

func hexes(hs []gitobj.Hash) string {
	var out []string
	for _, h := range hs {
		out = append(out, h.String())
	}
	return strings.Join(out, " ")
}
